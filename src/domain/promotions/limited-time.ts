// Limited-time discount (限时折扣): percent off the list price, rounded half up per unit
// (PRICING.md, "A percent-off unit price … is rounded half up to the fen per unit").
import type { LimitedTimePromotion } from '../campaign.ts';
import { percentOf } from '../money.ts';
import { isOpenAt } from '../window.ts';
import type { UnitOffer, UnitOfferContext } from './unit-offer.ts';

/** 30% off 39.99 yuan: 3999 × 70% = 2799.3 → 2799 fen. */
export function limitedTimeUnitPrice(listPriceFen: number, percentOff: number): number {
  return percentOf(listPriceFen, 100 - percentOff);
}

export function limitedTimeOffer(promotion: LimitedTimePromotion, ctx: UnitOfferContext): UnitOffer | null {
  if (!isOpenAt(promotion.window, ctx.atMs)) return null;
  return {
    promotionId: promotion.id,
    kind: promotion.kind,
    unitPriceFen: limitedTimeUnitPrice(ctx.item.listPriceFen, promotion.percentOff),
    unitsMax: Number.POSITIVE_INFINITY,
  };
}
