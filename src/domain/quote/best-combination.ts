// The exact best set of wallet coupons (PRICING.md, "Best combination"): one store coupon per
// store, one platform coupon, one category coupon, giving the lowest payable; ties keep the
// higher-value coupons for later.
//
// Why this is exact without trying every combination: thresholds are judged on activity amounts,
// so each order-wide discount's split over stores is fixed before any choice is made, and a cut at
// a store's floor is never moved elsewhere. Given the platform and category coupon, every store's
// result depends only on its own coupon. So for each (platform, category) pair we pick each
// store's best coupon independently: O(P·C·Σ storeCoupons) store runs instead of O(P·C·Π).
// Red envelopes come last and only lower the payable, so minimising what is left before them
// minimises both the payable and the envelope money spent.
import type { Fen } from '../money.ts';
import type { CouponOption, QuoteContext } from './quote-context.ts';
import { type CouponChoice, runStoreStages, storeLeftFast } from './store-stages.ts';
import { SubOrderLedger } from './sub-order-ledger.ts';

export interface ScoredChoice {
  choice: CouponChoice;
  /** Σ what is left in every store before red envelopes. */
  leftFen: Fen;
  /** Σ face value of the coupons used: lower keeps the higher-value ones for later. */
  faceFen: Fen;
  count: number;
}

/** Lexicographic (left, face, count): negative when a is better. */
export function compareScores(a: Omit<ScoredChoice, 'choice'>, b: Omit<ScoredChoice, 'choice'>): number {
  return a.leftFen - b.leftFen || a.faceFen - b.faceFen || a.count - b.count;
}

export function chooseBestCoupons(ctx: QuoteContext): ScoredChoice {
  const ledger = new SubOrderLedger(ctx.lines, false);
  let best: ScoredChoice | null = null;
  for (const platform of [null, ...ctx.platformOptions]) {
    for (const category of [null, ...ctx.categoryOptions]) {
      const candidate = bestStoreCoupons(ctx, ledger, platform, category);
      if (best === null || compareScores(candidate, best) < 0) best = candidate;
    }
  }
  return best!;
}

function bestStoreCoupons(
  ctx: QuoteContext,
  ledger: SubOrderLedger,
  platform: CouponOption | null,
  category: CouponOption | null,
): ScoredChoice {
  const scored: ScoredChoice = {
    choice: { platform, category, store: [] },
    leftFen: 0,
    faceFen: (platform?.faceFen ?? 0) + (category?.faceFen ?? 0),
    count: (platform ? 1 : 0) + (category ? 1 : 0),
  };
  ctx.stores.forEach((group, s) => {
    let bestOption: CouponOption | null = null;
    let bestScore: Omit<ScoredChoice, 'choice'> | null = null;
    for (const option of [null, ...group.couponOptions]) {
      let leftFen = storeLeftFast(ctx, s, option, platform, category);
      if (leftFen === null) {
        ledger.reset(group.lineIdxs);
        leftFen = runStoreStages(ctx, ledger, s, option, platform, category);
      }
      const score = { leftFen, faceFen: option?.faceFen ?? 0, count: option ? 1 : 0 };
      if (bestScore === null || compareScores(score, bestScore) < 0) {
        bestScore = score;
        bestOption = option;
      }
    }
    scored.choice.store.push(bestOption);
    scored.leftFen += bestScore!.leftFen;
    scored.faceFen += bestScore!.faceFen;
    scored.count += bestScore!.count;
  });
  return scored;
}
