// Steps 2–5 of PRICING.md for one store sub-order, given which wallet coupons are used:
// store thresholds → store coupon → cross-store → platform coupon → category coupon → membership.
// A store's result depends only on its own lines and its shares of order-wide discounts, which is
// what lets the best-combination search treat stores independently.
import { membershipDiscount } from '../membership.ts';
import type { Fen } from '../money.ts';
import type { CouponOption, QuoteContext } from './quote-context.ts';
import type { SubOrderLedger } from './sub-order-ledger.ts';

export interface CouponChoice {
  platform: CouponOption | null;
  category: CouponOption | null;
  /** Per store (same order as ctx.stores). */
  store: (CouponOption | null)[];
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
