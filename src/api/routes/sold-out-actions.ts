// POST /api/admin/skus/:sku/sold-out-action: an operator switches a sold-out SKU to pre-sale with
// a ship date, or points it to a substitute (admin and operator roles; viewers only watch).
import type { FastifyInstance } from 'fastify';
import type { SoldOutAction } from '../../domain/sold-out-action.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import type { OperatorAuth } from '../auth.ts';
import { idempotencyOf, operatorKeySpace } from '../idempotency-key.ts';
import { unwrap } from '../problem.ts';
import { idempotencyHeaders, problemResponses, skuParams } from '../schemas.ts';

const actionBody = {
  oneOf: [
    {
      type: 'object',
      required: ['kind', 'shipDate', 'units'],
      properties: {
        kind: { const: 'presale' },
        shipDate: { type: 'string', maxLength: 10, description: '发货日期 ship date, YYYY-MM-DD' },
        units: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'pre-sale units added' },
      },
      additionalProperties: false,
    },
    {
      type: 'object',
      required: ['kind', 'substituteSku'],
      properties: { kind: { const: 'substitute' }, substituteSku: { type: 'string', maxLength: 64 } },
      additionalProperties: false,
    },
  ],
} as const;

export function soldOutActionRoutes(app: FastifyInstance, engine: TradeEngine, auth: OperatorAuth): void {
  app.post<{ Params: { sku: string }; Body: SoldOutAction }>(
    '/api/admin/skus/:sku/sold-out-action',
    {
      onRequest: auth.requireOperator(['admin', 'operator']),
      schema: {
        tags: ['admin'],
        summary: '售罄处理：转预售或推荐替代品 — Sold-out action: switch to pre-sale or substitute',
        description:
          'A switch to pre-sale adds its units to the SKU. Sending the action the SKU already has again (a retry, a double click) changes nothing and answers the same, once the first is in; to add more units, send a switch with other units or another ship date. Servers that share a sale may each take two copies sent at the same moment for new switches and add the units twice: send an Idempotency-Key (one per submit, kept across retries; the cockpit does) and a resubmit runs once whichever server it reaches.',
        security: [{ operatorSession: [] }],
        headers: idempotencyHeaders,
        params: skuParams,
        body: actionBody,
        response: {
          200: {
            type: 'object',
            required: ['sku', 'action'],
            properties: { sku: { type: 'string' }, action: { type: 'object', additionalProperties: true } },
            additionalProperties: false,
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const operator = (await auth.operatorOfRequest(request))?.username ?? 'unknown';
      // Keys belong to the operator, in a space no buyer id can reach.
      const idem = idempotencyOf(request, operatorKeySpace(operator));
      return unwrap(await engine.setSoldOutAction(request.params.sku, request.body, operator, idem));
    },
  );
}
