// The live cockpit and the operators' pages: GET /api/live/snapshot (the board now), GET
// /api/live/stream (Server-Sent Events, one `snapshot` event per change) and GET
// /api/admin/campaign. Every route needs a signed-in operator; none is reachable by shoppers.
import type { FastifyInstance } from 'fastify';
import { adminCampaign } from '../../live/admin-campaign.ts';
import { liveLimits } from '../../live/live-limits.ts';
import type { LiveService } from '../../live/live-service.ts';
import type { OperatorAuth } from '../auth.ts';
import { ProblemError } from '../problem.ts';
import { problemResponses } from '../schemas.ts';

const operatorSecurity = [{ operatorSession: [] }];

const obj = (properties: Record<string, unknown>, description?: string) => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
  additionalProperties: false,
});
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const str = { type: 'string' } as const;
const nullable = (type: 'integer' | 'number' | 'string') => ({ type: [type, 'null'] });
const list = (items: unknown) => ({ type: 'array', items });

/** The campaign and its plan: targets, phases with their shares and paces (LiveCampaign). */
const campaignPlanSchema = obj({
  id: str,
  name: str,
  timezone: str,
  targetGmv: nullable('integer'),
  targetOrders: nullable('integer'),
  phases: list(
    obj({
      id: str,
      name: str,
      start: nullable('string'),
      end: nullable('string'),
      gmvSharePercent: num,
      targetGmv: nullable('integer'),
      pace: {
        ...list(obj({ at: str, percent: num })),
        description: '节奏: cumulative percent of the phase’s share due by each moment; empty = even',
      },
    }),
  ),
});

/** The LiveSnapshot contract (src/live/live-snapshot.ts) as JSON Schema, for /docs. */
export const liveSnapshotSchema = obj(
  {
    seq: int,
    at: str,
    campaign: campaignPlanSchema,
    gmv: obj({
      paid: int,
      placed: int,
      target: nullable('integer'),
      expectedByNow: nullable('integer'),
      pacingRatio: nullable('number'),
      currentPhase: nullable('string'),
      phase: {
        description: 'the current phase against its own share of the target; null between phases',
        oneOf: [
          { type: 'null' },
          obj({
            id: str,
            name: str,
            target: nullable('integer'),
            paid: int,
            expectedByNow: nullable('integer'),
            pacingRatio: nullable('number'),
          }),
        ],
      },
      curve: obj(
        {
          scope: { type: 'string', enum: ['phase', 'plan', 'day'] },
          start: str,
          end: str,
          points: list(obj({ t: str, expected: nullable('integer'), paid: nullable('integer') })),
        },
        'GMV paid since the start of the span (the current phase, else the plan, else today) against the plan',
      ),
    }),
    orders: obj({ placed: int, paid: int, cancelled: int, expired: int, forfeited: int, perSecond: num }),
    series: list(obj({ t: str, placed: int, paid: int, gmvPaid: int })),
    paymentRate: nullable('number'),
    averageOrderValue: nullable('integer'),
    funnel: obj(
      { visited: int, priced: int, ordered: int, paid: int },
      'shoppers who visited, priced a cart, placed an order, paid; each counted up to the furthest step reached',
    ),
    topSkus: list(obj({ sku: str, title: str, units: int, gmv: int })),
    topCategories: list(
      obj({ category: str, gmv: int, sharePercent: num, targetSharePercent: nullable('number') }),
    ),
    stockAlerts: list(
      obj({
        sku: str,
        title: str,
        storeId: str,
        pool: {
          type: 'string',
          enum: ['spot', 'presale'],
          description: 'spot stock, or the pre-sale pool while its pre-sale takes deposits',
        },
        available: int,
        state: { type: 'string', enum: ['low', 'sold_out'] },
        action: {
          description: "售罄处理 the operators' sold-out action, null when none is set",
          oneOf: [
            { type: 'null' },
            obj({ kind: { type: 'string', enum: ['presale'] }, shipDate: str, units: int }),
            obj({ kind: { type: 'string', enum: ['substitute'] }, substituteSku: str }),
          ],
        },
      }),
    ),
    channels: list(
      obj({
        name: str,
        succeeded: int,
        errors: int,
        timeouts: int,
        failovers: int,
        refunded: int,
        refundsFailed: int,
        successRate: nullable('number'),
      }),
    ),
    unpaid: obj({
      count: int,
      amount: int,
      nextDeadlines: list(obj({ orderId: str, deadlineAt: str, payable: int })),
    }),
  },
  '实时大屏快照（金额为分）the live board; money in fen, rates as fractions',
);

const rows = (description: string) => ({
  type: 'array',
  description,
  items: { type: 'object', additionalProperties: true },
});

const adminCampaignSchema = obj(
  {
    campaign: campaignPlanSchema,
    stores: list(obj({ id: str, name: str })),
    memberships: list(obj({ id: str, name: str, discountPercent: num })),
    catalog: rows('sku, title, storeId, category, role, listPrice, cost, stock'),
    promotions: rows('id, kind, name, start, end and the fields of the kind (money in fen)'),
    coupons: rows('id, kind, name, start, end (validity) and the fields of the kind (money in fen)'),
    flashSessions: rows('id, sku, title, price, quantity, remaining, perBuyer, start, end'),
  },
  '活动配置 the campaign',
);

const streamQuery = {
  type: 'object',
  properties: { lastEventId: { type: 'string', maxLength: 32 } },
} as const;

export function liveRoutes(app: FastifyInstance, live: LiveService, auth: OperatorAuth): void {
  const signedIn = auth.requireOperator();

  app.get(
    '/api/live/snapshot',
    {
      onRequest: signedIn,
      schema: {
        tags: ['live'],
        summary: '实时大屏快照 — Live board snapshot',
        description: 'GMV against target and pacing, orders, funnel, top SKUs, stock alerts, channels.',
        security: operatorSecurity,
        response: { 200: liveSnapshotSchema, ...problemResponses },
      },
    },
    async () => live.snapshot(),
  );

  app.get(
    '/api/live/stream',
    {
      onRequest: signedIn,
      schema: {
        tags: ['live'],
        summary: '实时大屏推送（SSE）— Live board stream (Server-Sent Events)',
        description:
          'text/event-stream of `snapshot` events (id = seq, data = the snapshot JSON): the current snapshot at once (also on a reconnect with Last-Event-ID or ?lastEventId=), then at most every 500 ms when it changed; a comment every 15 s.',
        security: operatorSecurity,
        querystring: streamQuery,
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: str } } },
          ...problemResponses,
        },
      },
    },
    async (_request, reply) => {
      if (live.stream.size >= liveLimits.streamsMax) {
        const detail = `${liveLimits.streamsMax} live streams are open already; poll /api/live/snapshot`;
        throw new ProblemError({ code: 'RATE_LIMITED', detail });
      }
      reply.hijack();
      live.stream.open(reply.raw);
    },
  );

  app.get(
    '/api/admin/campaign',
    {
      onRequest: signedIn,
      schema: {
        tags: ['admin'],
        summary: '活动配置（运营页）— The campaign for the operators’ pages',
        description:
          'The plan (GMV and order targets, phases with their shares and paces), stores, catalogue, promotions, coupons and flash sessions; money in fen without the Fen suffix, times ISO with the campaign offset. A flash session’s remaining is what its offer has left.',
        security: operatorSecurity,
        response: { 200: adminCampaignSchema, ...problemResponses },
      },
    },
    async () => adminCampaign(live.index.campaign, (session) => live.unitsLeft(session.id, session.quantity)),
  );
}
