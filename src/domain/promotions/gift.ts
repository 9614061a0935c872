// Gifts (赠品): buy a trigger SKU, get the gift while gift stock lasts, first come first served;
// some gifts are for members only (DOMAIN.md §2 "gifts by member level").

import type { Buyer } from '../buyer.ts';
import type { GiftPromotion, Instant } from '../campaign.ts';
import { budgetExhausted, type OfferUsage, unitsLeft } from '../offer-usage.ts';
import { isOpenAt } from '../window.ts';

export interface GiftGrant {
  promotionId: string;
  giftSku: string;
  qty: number;
}

export function grantGifts(
  gifts: readonly GiftPromotion[],
  skusInCart: ReadonlySet<string>,
  buyer: Buyer,
  atMs: Instant,
  usage: OfferUsage,
): GiftGrant[] {
  const grants: GiftGrant[] = [];
  for (const gift of gifts) {
    if (!isOpenAt(gift.window, atMs) || budgetExhausted(usage, gift.id, gift.budgetFen)) continue;
    if (!gift.triggerSkus.some((sku) => skusInCart.has(sku))) continue;
    if (gift.membershipIds.length > 0 && !gift.membershipIds.some((m) => buyer.memberships.includes(m)))
      continue;
    const qty = Math.min(gift.perOrder, unitsLeft(usage, gift.id, gift.giftQuantity));
    if (qty > 0) grants.push({ promotionId: gift.id, giftSku: gift.giftSku, qty });
  }
  return grants;
}
