// Flash sale (秒杀): a session price inside its window, while session quantity lasts and within
// the buyer's limit (PRICING.md §1; DOMAIN.md §2 "sessions at 0:00, 10:00, 20:00").
import type { FlashSalePromotion } from '../campaign.ts';
import { unitsLeft } from '../offer-usage.ts';
import { isOpenAt } from '../window.ts';
import type { UnitOffer, UnitOfferContext } from './unit-offer.ts';

export function flashSaleOffer(promotion: FlashSalePromotion, ctx: UnitOfferContext): UnitOffer | null {
  if (!isOpenAt(promotion.window, ctx.atMs)) return null;
  const sessionLeft = unitsLeft(ctx.usage, promotion.id, promotion.quantity);
  const buyerLeft = promotion.perBuyer - (ctx.usage.boughtByBuyer.get(promotion.id) ?? 0);
  const unitsMax = Math.min(sessionLeft, buyerLeft);
  if (unitsMax <= 0) return null;
  return { promotionId: promotion.id, kind: promotion.kind, unitPriceFen: promotion.priceFen, unitsMax };
}
