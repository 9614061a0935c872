// Pre-sale (预售): a deposit d that counts as v ≥ d against the pre-sale price p (定金膨胀).
// PRICING.md "Pre-sale": balance = p − v; the unit's activity price for thresholds is d + (p − v);
// later discounts apply to the balance only, so the deposit is a floor no discount may cross.
import type { Instant, PresalePromotion } from '../campaign.ts';
import type { Fen } from '../money.ts';
import { isOpenAt } from '../window.ts';

export interface PresaleTerms {
  promotionId: string;
  depositFen: Fen;
  depositValueFen: Fen;
  /** p − v before any later discount. */
  balanceFen: Fen;
  /** d + (p − v): what thresholds see. */
  activityUnitFen: Fen;
}

export function presaleTerms(promotion: PresalePromotion): PresaleTerms {
  const balanceFen = promotion.priceFen - promotion.depositValueFen;
  return {
    promotionId: promotion.id,
    depositFen: promotion.depositFen,
    depositValueFen: promotion.depositValueFen,
    balanceFen,
    activityUnitFen: promotion.depositFen + balanceFen,
  };
}

/** The pre-sale open for deposits at this instant, if any. */
export function openPresale(
  presales: readonly PresalePromotion[] | undefined,
  atMs: Instant,
): PresalePromotion | null {
  if (!presales) return null;
  return presales.find((p) => isOpenAt(p.window, atMs)) ?? null;
}
