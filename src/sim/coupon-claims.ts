// 领券 in the rehearsal (DOMAIN.md §2): some shoppers claim coupons and red envelopes before they
// check out — a coupon of each store in their cart, maybe a platform or category coupon, maybe a red
// envelope — and present them in the order's wallet; the server picks the best legal set. What they
// go for is drawn from the seed, among the coupons whose claim window is open at their arrival in
// simulated time. The server has the last word: sold out, the per-buyer limit (a buyer back for a
// second visit) or a closed window are business outcomes, counted, never errors.

import type { StockLine } from '../domain/stock-ledger.ts';
import { MIX } from './mix.ts';
import type { Random } from './random.ts';
import { type DayWindow, isInside } from './sale-day.ts';
import type { ShopperWorld, Step } from './shopper.ts';
import { type Behaviour, call, codeOf, unexpected, type WalletHeld } from './shopper-calls.ts';

export interface ShopCoupon {
  id: string;
  kind: 'store' | 'platform' | 'category' | 'red-envelope';
  storeId: string | null;
  /** When it can be claimed, in the day; null when unknown (--url): then as listed at the start. */
  claim: DayWindow | null;
  /** GET /api/coupons said `claimable` when the run began. */
  claimableAtStart: boolean;
}

/** POST /api/coupons/:id/claim refusals (claim-coupon.ts): business outcomes of a claim. */
export const CLAIM_REFUSALS: ReadonlySet<string> = new Set([
  'CLAIM_WINDOW_CLOSED',
  'COUPON_SOLD_OUT',
  'CLAIM_LIMIT_REACHED',
]);

/** Checkout refusals of a wallet (wallet-use.ts): the shopper checks out again without it. */
export const WALLET_REFUSALS: ReadonlySet<string> = new Set([
  'COUPON_NOT_IN_WALLET',
  'COUPON_ALREADY_USED',
  'DUPLICATE_WALLET_ITEM',
]);

function claimableAt(coupon: ShopCoupon, offsetMs: number): boolean {
  return coupon.claim ? isInside(coupon.claim, offsetMs) : coupon.claimableAtStart;
}

/** Pure: the claims of one shopper, one step per coupon, from the shopper's own stream. */
export function planClaims(
  world: ShopperWorld,
  random: Random,
  lines: readonly StockLine[],
  arrivalMs: number,
): Step[] {
  if (world.coupons.length === 0 || !random.chance(MIX.claimCoupons)) return [];
  const open = world.coupons.filter((c) => claimableAt(c, arrivalMs));
  const picks: string[] = [];
  for (const storeId of new Set(lines.map((l) => world.bySku.get(l.sku)?.storeId))) {
    const stores = open.filter((c) => c.kind === 'store' && c.storeId === storeId);
    if (stores.length > 0) picks.push(random.pick(stores).id);
  }
  const platform = open.filter((c) => c.kind === 'platform' || c.kind === 'category');
  if (platform.length > 0 && random.chance(MIX.claimPlatform)) picks.push(random.pick(platform).id);
  const envelopes = open.filter((c) => c.kind === 'red-envelope');
  if (envelopes.length > 0 && random.chance(MIX.claimEnvelope)) picks.push(random.pick(envelopes).id);
  return picks.slice(0, MIX.claimsMax).map((couponId) => ({ do: 'claim-coupon', couponId }));
}

/** Claims one coupon into the buyer's wallet (with an Idempotency-Key, like every write). */
export const claimCoupon: Behaviour<Extract<Step, { do: 'claim-coupon' }>> = async (env, session, step) => {
  const { book } = env;
  const key = `${env.runTag}-${session.plan.index}-claim-${step.couponId}`;
  const path = `/api/coupons/${encodeURIComponent(step.couponId)}/claim`;
  const reply = await call(env, 'claim', 'POST', path, { buyer: session.buyerId, idempotencyKey: key });
  const code = codeOf(reply);
  if (reply.status === 201) {
    book.claimed(session.buyerId);
    const balanceFen = typeof reply.body.balanceFen === 'number' ? reply.body.balanceFen : null;
    session.wallet.push({ id: reply.body.id, couponId: step.couponId, balanceFen });
  } else if (code !== undefined && CLAIM_REFUSALS.has(code)) {
    book.counts.claimsRefused += 1;
    book.reject(code);
    // Claimed on an earlier visit: present the coupon itself, the server takes the one held.
    if (code === 'CLAIM_LIMIT_REACHED')
      session.wallet.push({ id: step.couponId, couponId: step.couponId, balanceFen: null });
  } else {
    if (reply.status === 0) book.counts.claimsUnknown += 1;
    unexpected(env, 'claim', reply);
  }
};

/** The wallet as POST /api/orders and a signed-in POST /api/quote take it: entries by id; the server reads their balances. */
export function walletForOrder(wallet: readonly WalletHeld[]): unknown[] {
  return wallet.map((w) => (w.id === w.couponId ? w.couponId : { id: w.id, couponId: w.couponId }));
}
