// An item-level offer as it stands for one cart line at one instant (PRICING.md §1).

import type { Buyer } from '../buyer.ts';
import type { CatalogItem, Instant, PromotionKind } from '../campaign.ts';
import type { Fen } from '../money.ts';
import type { OfferUsage } from '../offer-usage.ts';

export interface UnitOffer {
  promotionId: string;
  kind: PromotionKind;
  unitPriceFen: Fen;
  /** How many units of the line may take this price; Infinity when not limited. */
  unitsMax: number;
}

export interface UnitOfferContext {
  atMs: Instant;
  item: CatalogItem;
  /** Units of the SKU on the cart line (ladder tiers are judged on it). */
  qty: number;
  buyer: Buyer;
  usage: OfferUsage;
}
