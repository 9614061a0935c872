// First-N price (前N名): the first N units sold get the price, first come first served.
import type { FirstNPromotion } from '../campaign.ts';
import { unitsLeft } from '../offer-usage.ts';
import { isOpenAt } from '../window.ts';
import type { UnitOffer, UnitOfferContext } from './unit-offer.ts';

export function firstNOffer(promotion: FirstNPromotion, ctx: UnitOfferContext): UnitOffer | null {
  if (!isOpenAt(promotion.window, ctx.atMs)) return null;
  const left = unitsLeft(ctx.usage, promotion.id, promotion.firstN);
  if (left <= 0) return null;
  return {
    promotionId: promotion.id,
    kind: promotion.kind,
    unitPriceFen: promotion.priceFen,
    unitsMax: left,
  };
}
