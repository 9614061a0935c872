// Rules of the catalog that span fields or sections (campaign-file.md, "Top level"): each SKU's
// store exists, its safety stock leaves room to sell, and each store has something to sell.
import type { CatalogItem } from '../campaign.ts';
import type { Problems } from './problems.ts';
import type { Sections } from './read-document.ts';
import { checkStore, type Names, writtenText } from './references.ts';

export function checkCatalog(sections: Sections, names: Names, problems: Problems): void {
  sections.catalog.items.forEach((item, i) => {
    if (item === null) return;
    checkStore(names, item.storeId, problems.at('catalog', i, 'store'));
    checkSafetyStock(item, problems.at('catalog', i));
  });
  checkStoresSell(sections, problems);
}

/**
 * A SKU reads low (库存紧张) once what is available is at or below its safety stock
 * (services/catalog-view.ts stockState), so a safety stock at or above the stock would make it read
 * low from the first second. 0 (the default) is always allowed, even with no stock.
 */
function checkSafetyStock(item: CatalogItem, problems: Problems): void {
  if (item.safetyStock === 0 || item.safetyStock < item.stock) return;
  const fix = item.stock === 0 ? 'set it to 0' : `set it below ${item.stock}`;
  problems.add(
    ['safetyStock'],
    `safetyStock ${item.safetyStock} is not below stock ${item.stock}: the SKU would read low (库存紧张) from the start; ${fix}`,
  );
}

/**
 * A store with no SKU sells nothing: its coupons and discounts could never apply, and it is most
 * often a slip in the catalog's `store` keys. SKUs count as written, valid or not, so one bad
 * catalog item does not also make its store empty.
 */
function checkStoresSell(sections: Sections, problems: Problems): void {
  if (!sections.stores.usable || !sections.catalog.usable) return;
  const selling = new Set(writtenText(sections.catalog, 'store'));
  writtenText(sections.stores, 'id').forEach((id, i) => {
    if (id !== null && !selling.has(id)) {
      problems.add(
        ['stores', i],
        `store "${id}" has no SKU in the catalog: give it at least one, or remove it`,
      );
    }
  });
}
