// Cross-store threshold discount (跨店满减): the platform's "every X across stores saves Y", judged
// on the activity amount of every unit in scope across all stores, then split over the stores
// (PRICING.md §3). Each store's share is cut at that store's floor and never moved.
import type { CatalogItem, CrossStorePromotion, Instant } from '../campaign.ts';
import type { Fen } from '../money.ts';
import { budgetExhausted, type OfferUsage } from '../offer-usage.ts';
import { inScope } from '../scope.ts';
import { thresholdSaving } from '../threshold-rule.ts';
import { isOpenAt } from '../window.ts';

export function crossStoreOpen(promotion: CrossStorePromotion, atMs: Instant, usage: OfferUsage): boolean {
  return isOpenAt(promotion.window, atMs) && !budgetExhausted(usage, promotion.id, promotion.budgetFen);
}

export function crossStoreCovers(promotion: CrossStorePromotion, item: CatalogItem): boolean {
  return inScope(promotion.scope, item);
}

export function crossStoreSaving(promotion: CrossStorePromotion, scopeAmountFen: Fen): Fen {
  return thresholdSaving(promotion.rule, scopeAmountFen);
}
