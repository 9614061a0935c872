// Names a campaign refers to (SKUs, stores, memberships, categories) and the checks that a
// reference points at something the file defines.
import type { CatalogItem, Scope } from '../campaign.ts';
import type { Problems } from './problems.ts';
import type { Listed, Sections } from './read-document.ts';
import { didYouMean, knownOrClosest } from './suggest.ts';

/**
 * Every name the file defines. Names come from items as written, valid or not, so a catalog
 * item with a bad price does not also make each promotion on its SKU "unknown".
 */
export interface Names {
  storeIds: ReadonlySet<string>;
  membershipIds: ReadonlySet<string>;
  skus: ReadonlySet<string>;
  categories: ReadonlySet<string>;
  /** Catalog items that passed their own checks, by SKU (the first, if a SKU is duplicated). */
  items: ReadonlyMap<string, CatalogItem>;
  /** Sections reported as a whole (Listed.usable): a reference into one is not checked. */
  unread: ReadonlySet<'stores' | 'memberships' | 'catalog'>;
}

export function collectNames(sections: Sections): Names {
  const items = new Map<string, CatalogItem>();
  for (const item of sections.catalog.items) {
    if (item !== null && !items.has(item.sku)) items.set(item.sku, item);
  }
  return {
    storeIds: textSet(sections.stores, 'id'),
    membershipIds: textSet(sections.memberships, 'id'),
    skus: textSet(sections.catalog, 'sku'),
    categories: textSet(sections.catalog, 'category'),
    items,
    unread: new Set((['stores', 'memberships', 'catalog'] as const).filter((name) => !sections[name].usable)),
  };
}

function textSet(listed: Listed<unknown>, key: string): Set<string> {
  const set = new Set<string>();
  for (const text of writtenText(listed, key)) if (text !== null) set.add(text);
  return set;
}

/** The text under `key` of each written item (null where missing or not text). */
export function writtenText(listed: Listed<unknown>, key: string): (string | null)[] {
  return listed.written.map((item) => {
    const value =
      item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? value : null;
  });
}

/** Reports an unknown SKU; returns its catalog item when there is a valid one. */
export function checkSku(names: Names, sku: string, problems: Problems): CatalogItem | undefined {
  if (!names.unread.has('catalog') && !names.skus.has(sku))
    problems.add([], `unknown SKU "${sku}": not in the catalog${didYouMean(sku, names.skus)}`);
  return names.items.get(sku);
}

export function checkStore(names: Names, storeId: string, problems: Problems): void {
  if (!names.unread.has('stores') && !names.storeIds.has(storeId)) {
    problems.add([], `unknown store "${storeId}"${knownOrClosest(storeId, 'stores', names.storeIds)}`);
  }
}

export function checkMembership(names: Names, membershipId: string, problems: Problems): void {
  if (!names.unread.has('memberships') && !names.membershipIds.has(membershipId)) {
    problems.add(
      [],
      `unknown membership "${membershipId}"${knownOrClosest(membershipId, 'memberships', names.membershipIds)}`,
    );
  }
}

export function checkCategory(names: Names, category: string, problems: Problems): void {
  if (!names.unread.has('catalog') && !names.categories.has(category)) {
    problems.add(
      [],
      `unknown category "${category}": no SKU in the catalog has it${knownOrClosest(category, 'categories', names.categories)}`,
    );
  }
}

/** Checks a list of SKUs entry by entry; returns the valid catalog items found. */
export function checkSkuList(names: Names, skus: Iterable<string>, problems: Problems): CatalogItem[] {
  const found: CatalogItem[] = [];
  [...skus].forEach((sku, i) => {
    const item = checkSku(names, sku, problems.at(i));
    if (item !== undefined) found.push(item);
  });
  return found;
}

/**
 * Every name in a scope must exist. `storeId`: the scope of a store's own discount, whose SKUs
 * must be that store's (campaign-file.md, store-threshold), else it could never apply.
 */
export function checkScope(names: Names, scope: Scope, problems: Problems, storeId?: string): void {
  for (const [i, id] of [...(scope.stores ?? [])].entries()) checkStore(names, id, problems.at('stores', i));
  for (const [i, category] of [...(scope.categories ?? [])].entries()) {
    checkCategory(names, category, problems.at('categories', i));
  }
  checkSkuList(names, scope.excludeSkus, problems.at('excludeSkus'));
  [...(scope.skus ?? [])].forEach((sku, i) => {
    const item = checkSku(names, sku, problems.at('skus', i));
    if (storeId !== undefined && item !== undefined && item.storeId !== storeId) {
      problems.add(['skus', i], `"${sku}" belongs to store ${item.storeId}, not ${storeId}`);
    }
  });
}
