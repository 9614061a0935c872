// Steps 2–5 of PRICING.md for one store sub-order, given which wallet coupons are used:
// store thresholds → store coupon → cross-store → platform coupon → category coupon → membership.
// A store's result depends only on its own lines and its shares of order-wide discounts, which is
// what lets the best-combination search treat stores independently.
import { membershipDiscount } from '../membership.ts';
import type { Fen } from '../money.ts';
import type { CouponOption, Part, QuoteContext } from './quote-context.ts';
import type { SubOrderLedger } from './sub-order-ledger.ts';

export interface CouponChoice {
  platform: CouponOption | null;
  category: CouponOption | null;
  /** Per store (same order as ctx.stores). */
  store: (CouponOption | null)[];
}

/**
 * The store's total left, computed from totals alone: exact whenever no scoped discount can hit
 * its cap (a scoped part's room is at least its initial room minus everything deducted so far).
 * Returns null when that cannot be proven; the caller then runs the lines (runStoreStages).
 */
export function storeLeftFast(
  ctx: QuoteContext,
  storeIdx: number,
  storeCoupon: CouponOption | null,
  platform: CouponOption | null,
  category: CouponOption | null,
): Fen | null {
  const group = ctx.stores[storeIdx]!;
  const state = { room: group.roomFen, deducted: 0 };
  for (const threshold of group.thresholds) if (!takeFast(state, threshold.part)) return null;
  if (storeCoupon && !takeFast(state, storeCoupon.parts[storeIdx])) return null;
  for (const cross of ctx.crossStores) if (!takeFast(state, cross.parts[storeIdx])) return null;
  if (platform && !takeFast(state, platform.parts[storeIdx])) return null;
  if (category && !takeFast(state, category.parts[storeIdx])) return null;
  if (ctx.membership) state.room -= membershipDiscount(ctx.membership, state.room);
  return group.floorFen + state.room;
}

function takeFast(state: { room: Fen; deducted: Fen }, part: Part | undefined): boolean {
  if (!part || part.amountFen === 0) return true;
  let applied: Fen;
  if (part.whole) applied = Math.min(part.amountFen, state.room);
  else if (part.amountFen <= part.roomFen - state.deducted) applied = part.amountFen;
  else return false;
  state.room -= applied;
  state.deducted += applied;
  return true;
}

/** Runs the store's discounts on the ledger and returns what is left to pay in that store. */
export function runStoreStages(
  ctx: QuoteContext,
  ledger: SubOrderLedger,
  storeIdx: number,
  storeCoupon: CouponOption | null,
  platform: CouponOption | null,
  category: CouponOption | null,
): Fen {
  const group = ctx.stores[storeIdx]!;
  for (const threshold of group.thresholds) {
    ledger.deduct(threshold.part.lineIdxs, threshold.part.amountFen, threshold.ref, 'amount');
  }
  const orderWide = [storeCoupon, ...ctx.crossStores, platform, category];
  for (const discount of orderWide) {
    const part = discount?.parts[storeIdx];
    if (part) ledger.deduct(part.lineIdxs, part.amountFen, discount.ref, 'amount');
  }
  if (ctx.membership) {
    const amountFen = membershipDiscount(ctx.membership, ledger.room(group.lineIdxs));
    ledger.deduct(group.lineIdxs, amountFen, { id: ctx.membership.id, kind: 'membership' }, 'amount');
  }
  return ledger.total(group.lineIdxs);
}
