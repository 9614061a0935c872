// Pre-sale stock and spot stock kept apart (DOMAIN.md §1): a SKU with `presaleStock` has a second
// stock pool that only pre-sale orders reserve from, so a deposit never takes a unit promised to
// spot buyers. The pool is an entry of its own in the stock ledger (and in Redis), with the same
// identity initial + restocked = available + reserved + sold. A SKU without pre-sale stock sells
// its pre-sale from spot stock. Once a pool cannot hold a line, pricing offers no pre-sale for it
// (presaleStockLeft): the line is spot goods at spot prices, from spot stock.
import type { CatalogItem } from './campaign.ts';
import type { StockLedger } from './stock-ledger.ts';

const POOL_SUFFIX = '#presale';

/** The ledger entry of a SKU's pre-sale stock. */
export function presalePoolOf(sku: string): string {
  return `${sku}${POOL_SUFFIX}`;
}

/** The SKU a ledger entry belongs to, and whether it is the SKU's pre-sale pool. */
export function poolOf(stockId: string): { sku: string; presale: boolean } {
  return stockId.endsWith(POOL_SUFFIX)
    ? { sku: stockId.slice(0, -POOL_SUFFIX.length), presale: true }
    : { sku: stockId, presale: false };
}

/** Where a unit of `item` is reserved from: its pre-sale pool for a pre-sale order that has one. */
export function stockIdOf(
  item: Pick<CatalogItem, 'sku' | 'presaleStock'> | undefined,
  sku: string,
  presale: boolean,
): string {
  return presale && item !== undefined && item.presaleStock > 0 ? presalePoolOf(sku) : sku;
}

/** Units left in each SKU's pre-sale pool, as pricing reads them (OfferUsage.presaleStockLeft). */
export function presaleStockLeft(ledger: Pick<StockLedger, 'get'>): { get(sku: string): number | undefined } {
  return { get: (sku) => ledger.get(presalePoolOf(sku))?.available };
}

/** Every ledger entry a campaign opens with: each SKU's spot stock, and its pre-sale pool if any. */
export function stockOpenings(
  catalog: readonly CatalogItem[],
): { sku: string; storeId: string; initial: number }[] {
  return catalog.flatMap((item) => {
    const spot = { sku: item.sku, storeId: item.storeId, initial: item.stock };
    return item.presaleStock > 0
      ? [spot, { sku: presalePoolOf(item.sku), storeId: item.storeId, initial: item.presaleStock }]
      : [spot];
  });
}
