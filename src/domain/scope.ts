import type { CatalogItem, Scope } from './campaign.ts';

export const WHOLE_SCOPE: Scope = { stores: null, skus: null, categories: null, excludeSkus: new Set() };

/** Whether a discount with this scope may touch a unit of `item`. */
export function inScope(scope: Scope, item: CatalogItem): boolean {
  if (scope.excludeSkus.has(item.sku)) return false;
  if (scope.stores !== null && !scope.stores.has(item.storeId)) return false;
  if (scope.skus !== null && !scope.skus.has(item.sku)) return false;
  if (scope.categories !== null && !scope.categories.has(item.category)) return false;
  return true;
}
