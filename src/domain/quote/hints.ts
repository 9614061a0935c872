// Top-up hints (凑单): for every threshold the cart does not reach yet — the next store tier, a
// wallet coupon, the next cross-store step — how much more activity amount is needed and what it
// would save (PRICING.md, "Top-up hints").
import { crossStoreCovers } from '../promotions/cross-store.ts';
import { storeThresholdCovers } from '../promotions/store-threshold.ts';
import { nextThresholdStep } from '../threshold-rule.ts';
import { isOpenAt } from '../window.ts';
import type { QuoteContext } from './quote-context.ts';
import type { TopUpHint } from './types.ts';

export function topUpHints(ctx: QuoteContext): TopUpHint[] {
  const hints: TopUpHint[] = [];
  const at = ctx.cart.atMs;
  for (const group of ctx.stores) {
    for (const promotion of ctx.index.storeThresholds.get(group.storeId) ?? []) {
      if (!isOpenAt(promotion.window, at)) continue;
      const base = amountWhere(ctx, group.lineIdxs, (i) =>
        storeThresholdCovers(promotion, ctx.lines[i]!.item),
      );
      const step = nextThresholdStep(promotion.rule, base);
      if (step)
        hints.push({
          id: promotion.id,
          kind: promotion.kind,
          storeId: group.storeId,
          needed: step.neededFen,
          saves: step.savesFen,
        });
    }
  }
  for (const promotion of ctx.index.crossStores) {
    if (!isOpenAt(promotion.window, at)) continue;
    const base = amountWhere(ctx, ctx.lines.keys(), (i) => crossStoreCovers(promotion, ctx.lines[i]!.item));
    const step = nextThresholdStep(promotion.rule, base);
    if (step)
      hints.push({
        id: promotion.id,
        kind: promotion.kind,
        storeId: null,
        needed: step.neededFen,
        saves: step.savesFen,
      });
  }
  for (const option of ctx.couponsNotReached) {
    const coupon = ctx.index.coupons.get(option.ref.id)!;
    if (coupon.kind === 'red-envelope') continue;
    const storeId = coupon.kind === 'store' ? coupon.storeId : null;
    if (storeId !== null && !ctx.stores.some((g) => g.storeId === storeId)) continue;
    hints.push({
      id: coupon.id,
      kind: coupon.kind,
      storeId,
      needed: coupon.thresholdFen - option.scopeAmountFen,
      saves: coupon.amountFen,
    });
  }
  return hints;
}

function amountWhere(ctx: QuoteContext, idxs: Iterable<number>, keep: (i: number) => boolean): number {
  let sum = 0;
  for (const i of idxs) if (keep(i)) sum += ctx.lines[i]!.amountFen;
  return sum;
}
