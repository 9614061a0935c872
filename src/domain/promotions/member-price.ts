// Member price (会员价): a price for buyers holding the membership.
import type { MemberPricePromotion } from '../campaign.ts';
import { isOpenAt } from '../window.ts';
import type { UnitOffer, UnitOfferContext } from './unit-offer.ts';

export function memberPriceOffer(promotion: MemberPricePromotion, ctx: UnitOfferContext): UnitOffer | null {
  if (!isOpenAt(promotion.window, ctx.atMs)) return null;
  if (!ctx.buyer.memberships.includes(promotion.membershipId)) return null;
  return {
    promotionId: promotion.id,
    kind: promotion.kind,
    unitPriceFen: promotion.priceFen,
    unitsMax: Number.POSITIVE_INFINITY,
  };
}
