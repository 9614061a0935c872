// POST /api/admin/skus/:sku/restock: 补货, an operator adds units to a SKU after the sale opened
// (returned goods put back, a late delivery); admin and operator roles, viewers only watch.
import type { FastifyInstance } from 'fastify';
import { RESTOCK_UNITS_MAX, type RestockRequest } from '../../services/restock.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import type { OperatorAuth } from '../auth.ts';
import { idempotencyOf, operatorKeySpace } from '../idempotency-key.ts';
import { unwrap } from '../problem.ts';
import { epochMs, idempotencyHeaders, problemResponses, skuParams } from '../schemas.ts';

export function restockRoutes(app: FastifyInstance, engine: TradeEngine, auth: OperatorAuth): void {
  app.post<{ Params: { sku: string }; Body: Omit<RestockRequest, 'sku'> }>(
    '/api/admin/skus/:sku/restock',
    {
      onRequest: auth.requireOperator(['admin', 'operator']),
      schema: {
        tags: ['admin'],
        summary: '补货：给商品加库存 — Restock: add units to a SKU',
        description:
          "The campaign file's stock counts once, when the sale opens; after that a SKU gets more units only by a restock (or a switch to pre-sale). Each restock adds its units once and is kept with its note for the review. A restock is an addition: the same request sent twice adds twice, unless it carries an Idempotency-Key (one per submit, kept across retries; the cockpit sends one), which makes a resubmit answer the first.",
        security: [{ operatorSession: [] }],
        headers: idempotencyHeaders,
        params: skuParams,
        body: {
          type: 'object',
          required: ['units'],
          properties: {
            units: { type: 'integer', minimum: 1, maximum: RESTOCK_UNITS_MAX, description: 'units added' },
            pool: {
              type: 'string',
              enum: ['spot', 'presale'],
              description:
                '现货 spot stock (default), or the pre-sale pool of a SKU with presaleStock (预售)',
            },
            note: {
              type: 'string',
              maxLength: 200,
              description: '为什么 why: 退货入库 returned goods, 到货 a delivery…',
            },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['restockId', 'sku', 'pool', 'units', 'at'],
            properties: {
              restockId: { type: 'string' },
              sku: { type: 'string' },
              pool: { type: 'string', enum: ['spot', 'presale'] },
              units: { type: 'integer' },
              at: epochMs('when the units were added'),
            },
            additionalProperties: false,
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const operator = (await auth.operatorOfRequest(request))?.username ?? 'unknown';
      const idem = idempotencyOf(request, operatorKeySpace(operator));
      const { units, note = '', pool = 'spot' } = request.body;
      return unwrap(await engine.restock({ sku: request.params.sku, pool, units, note }, operator, idem));
    },
  );
}
