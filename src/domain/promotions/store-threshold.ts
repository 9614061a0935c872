// Store threshold discount (店铺满减): tiers (满300减50 / 满500减100, the highest tier reached) or
// repeating (每满300减30, optionally capped), judged on the activity amount of the store's units
// in scope (PRICING.md §2, parallel thresholds).
import type { CatalogItem, Instant, StoreThresholdPromotion } from '../campaign.ts';
import type { Fen } from '../money.ts';
import { budgetExhausted, type OfferUsage } from '../offer-usage.ts';
import { inScope } from '../scope.ts';
import { thresholdSaving } from '../threshold-rule.ts';
import { isOpenAt } from '../window.ts';

export function storeThresholdOpen(
  promotion: StoreThresholdPromotion,
  atMs: Instant,
  usage: OfferUsage,
): boolean {
  return isOpenAt(promotion.window, atMs) && !budgetExhausted(usage, promotion.id, promotion.budgetFen);
}

export function storeThresholdCovers(promotion: StoreThresholdPromotion, item: CatalogItem): boolean {
  return item.storeId === promotion.storeId && inScope(promotion.scope, item);
}

export function storeThresholdSaving(promotion: StoreThresholdPromotion, scopeAmountFen: Fen): Fen {
  return thresholdSaving(promotion.rule, scopeAmountFen);
}
