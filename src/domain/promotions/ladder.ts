// Quantity ladder (阶梯价): the tier the line's quantity reaches prices every unit of the line.
import type { LadderPromotion } from '../campaign.ts';
import { isOpenAt } from '../window.ts';
import type { UnitOffer, UnitOfferContext } from './unit-offer.ts';

export function ladderOffer(promotion: LadderPromotion, ctx: UnitOfferContext): UnitOffer | null {
  if (!isOpenAt(promotion.window, ctx.atMs)) return null;
  let reached: number | null = null;
  for (const tier of promotion.tiers) if (ctx.qty >= tier.minQty) reached = tier.unitPriceFen;
  if (reached === null) return null;
  return {
    promotionId: promotion.id,
    kind: promotion.kind,
    unitPriceFen: reached,
    unitsMax: Number.POSITIVE_INFINITY,
  };
}
