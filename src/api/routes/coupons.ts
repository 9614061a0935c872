// 领券: the coupons a shopper can claim, and claiming one into the wallet (issue: sale mechanics).
import type { FastifyInstance } from 'fastify';
import type { CouponTemplate } from '../../domain/campaign.ts';
import { isOpenAt } from '../../domain/window.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { buyerIdOf, requireBuyer } from '../buyer.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { unwrap } from '../problem.ts';
import { buyerSecurity, emptyBody, idempotencyHeaders, problemResponses } from '../schemas.ts';

const couponView = {
  type: 'object',
  required: ['id', 'kind', 'name', 'amount', 'threshold', 'perBuyer', 'total', 'claimed', 'claimable'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['store', 'platform', 'category', 'red-envelope'] },
    name: { type: 'string' },
    storeId: { type: ['string', 'null'] },
    category: { type: ['string', 'null'] },
    amount: { type: 'integer', description: 'fen' },
    threshold: { type: 'integer', description: 'fen; 0 for red envelopes' },
    perBuyer: { type: 'integer' },
    total: { type: ['integer', 'null'], description: 'issue cap; null = unlimited' },
    claimed: { type: 'integer' },
    claimable: { type: 'boolean', description: 'inside its claim window and not all claimed' },
  },
  additionalProperties: false,
} as const;

const claimedView = {
  type: 'object',
  required: ['id', 'couponId', 'balanceFen', 'status', 'createdAt'],
  properties: {
    id: { type: 'string', description: 'the wallet entry: name it in an order’s wallet' },
    couponId: { type: 'string' },
    balanceFen: { type: ['integer', 'null'] },
    status: { type: 'string', enum: ['available', 'used'] },
    createdAt: { type: 'integer' },
    tasksDone: { type: 'integer', description: 'inflating red envelopes: tasks done' },
    inflated: { type: 'boolean', description: 'inflating red envelopes: the day multiplier applied' },
  },
  additionalProperties: false,
} as const;

function view(c: CouponTemplate, claimed: number, now: number) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    storeId: c.kind === 'store' ? c.storeId : null,
    category: c.kind === 'category' ? c.category : null,
    amount: c.amountFen,
    threshold: c.kind === 'red-envelope' ? 0 : c.thresholdFen,
    perBuyer: c.perBuyer,
    total: c.total,
    claimed,
    claimable: isOpenAt(c.claimWindow, now) && (c.total === null || claimed < c.total),
  };
}

export function couponRoutes(app: FastifyInstance, engine: TradeEngine): void {
  app.get(
    '/api/coupons',
    {
      schema: {
        tags: ['wallet'],
        summary: '可领取的优惠券 — Coupons to claim',
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: couponView } },
            additionalProperties: false,
          },
        },
      },
    },
    async () => {
      const now = engine.ctx.clock();
      const coupons = [...engine.ctx.index.coupons.values()];
      const claimed = await engine.claimedTotals(coupons.map((c) => c.id));
      return { items: coupons.map((c) => view(c, claimed.get(c.id) ?? 0, now)) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/coupons/:id/claim',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['wallet'],
        summary: '领券 — Claim a coupon into my wallet',
        description:
          'Checks the claim window, the per-buyer limit and the issue cap atomically; 409 CLAIM_WINDOW_CLOSED / COUPON_SOLD_OUT / CLAIM_LIMIT_REACHED.',
        security: buyerSecurity,
        headers: idempotencyHeaders,
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
          additionalProperties: false,
        },
        // No body, or an empty one: a price or anything else sent along is refused, not ignored.
        body: emptyBody,
        response: { 201: claimedView, ...problemResponses },
      },
    },
    async (request, reply) => {
      const buyerId = buyerIdOf(request);
      const entry = unwrap(
        await engine.claimCoupon(buyerId, request.params.id, idempotencyOf(request, buyerId)),
      );
      return reply.code(201).send(entry);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/wallet/:id/inflate',
    {
      onRequest: requireBuyer,
      schema: {
        tags: ['wallet'],
        summary: '膨胀红包做任务 — Do a task that grows an inflating red envelope',
        description:
          'Before the day only, up to the envelope’s task limit; on the day its balance is multiplied at the first checkout.',
        security: buyerSecurity,
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64 } },
          additionalProperties: false,
        },
        body: emptyBody,
        response: { 200: claimedView, ...problemResponses },
      },
    },
    async (request) => unwrap(await engine.completeInflationTask(buyerIdOf(request), request.params.id)),
  );
}
