// Rate limits on what a shopper writes (风控: scalpers' bots place, pay and claim far faster than a
// person): each buyer may make `writes` of these requests per window, counted over every server of
// the sale; more answer 429 RATE_LIMITED with Retry-After, before the body is read, changing nothing.
// A count that cannot be made (Redis away) lets the request through: the limit is a brake, and
// what it protects (stock, caps, order states) is held where it lives.
import type { FastifyInstance } from 'fastify';
import type { RateWindows } from '../support/rate-windows.ts';
import { BUYER_HEADER } from './buyer.ts';
import { ProblemError } from './problem.ts';

export interface BuyerLimits {
  /** Writes (place, pay, cancel, claim, inflate) one buyer may make per window. */
  writes: number;
  windowMs: number;
}

/** `dacu serve`'s default: well above a person's pace, far below a bot's. */
export const DEFAULT_BUYER_LIMITS: BuyerLimits = { writes: 20, windowMs: 10_000 };

const LIMITED_ROUTES = new Set([
  '/api/orders',
  '/api/orders/:id/pay',
  '/api/orders/:id/cancel',
  '/api/coupons/:id/claim',
  '/api/wallet/:id/inflate',
]);

export function limitBuyerWrites(app: FastifyInstance, rates: RateWindows, limits: BuyerLimits): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !LIMITED_ROUTES.has(request.routeOptions.url ?? '')) return;
    const raw = request.headers[BUYER_HEADER];
    const buyerId = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (!buyerId) return; // the route answers 401 itself
    let waitMs: number;
    try {
      waitMs = await rates.hit(`buyer-writes:${buyerId}`, limits.writes, limits.windowMs);
    } catch (error) {
      // The count is out of reach (Redis away): the request goes on rather than failing for it;
      // stock, caps and order states are still held where they live.
      request.log.warn({ err: error }, 'buyer write limit not counted');
      return;
    }
    if (waitMs === 0) return;
    const retryAfterSeconds = Math.ceil(waitMs / 1000);
    reply.header('retry-after', String(retryAfterSeconds));
    throw new ProblemError({
      code: 'RATE_LIMITED',
      detail: `more than ${limits.writes} orders, payments or claims in ${limits.windowMs / 1000} s; wait ${retryAfterSeconds} s`,
      extra: { retryAfterSeconds },
    });
  });
}
