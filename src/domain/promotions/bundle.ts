// Bundles (组合套餐): one unit of each component SKU at the bundle price, which replaces the
// component units' prices, split over them by list price, largest remainder (PRICING.md §1).
import type { BundlePromotion, CatalogItem, Instant } from '../campaign.ts';
import { allocateByWeight, type Fen } from '../money.ts';
import { budgetExhausted, type OfferUsage } from '../offer-usage.ts';
import { isOpenAt } from '../window.ts';

/** Units of one SKU at one price, ready to be taken into a bundle. */
export interface PricedUnits {
  qty: number;
  unitPriceFen: Fen;
}

/** Each component SKU's unit price inside the bundle. */
export function bundleUnitPrices(
  bundle: BundlePromotion,
  items: ReadonlyMap<string, CatalogItem>,
): Map<string, Fen> {
  const lists = bundle.skus.map((sku) => items.get(sku)!.listPriceFen);
  const shares = allocateByWeight(bundle.priceFen, lists);
  return new Map(bundle.skus.map((sku, i) => [sku, shares[i]!]));
}

export function activeBundles(
  bundles: readonly BundlePromotion[],
  skusInCart: ReadonlySet<string>,
  atMs: Instant,
  usage: OfferUsage,
): BundlePromotion[] {
  return bundles.filter(
    (b) =>
      isOpenAt(b.window, atMs) &&
      !budgetExhausted(usage, b.id, b.budgetFen) &&
      b.skus.every((sku) => skusInCart.has(sku)),
  );
}

/**
 * Takes bundle instances one at a time, each from the dearest units still free, while an instance
 * is cheaper than those units would be alone (the shopper gets the better price). Mutates `units`
 * (per SKU, dearest first) and returns how many instances were formed.
 */
export function formBundles(bundle: BundlePromotion, units: Map<string, PricedUnits[]>): number {
  let instances = 0;
  for (;;) {
    let alone = 0;
    for (const sku of bundle.skus) {
      const dearest = units.get(sku)?.find((u) => u.qty > 0);
      if (!dearest) return instances;
      alone += dearest.unitPriceFen;
    }
    if (alone <= bundle.priceFen) return instances;
    for (const sku of bundle.skus) units.get(sku)!.find((u) => u.qty > 0)!.qty -= 1;
    instances += 1;
  }
}
