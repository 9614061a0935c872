// Where each SKU and offer lives (store, buckets), read from the registry hashes and cached for the
// process's life. The layout is fixed when a SKU is first opened and never changes afterwards, so a
// positive answer can be cached; an unknown SKU is asked again (it may be opened later).

import type { HotClient } from './hot-scripts.ts';
import { HotKeys } from './redis-keys.ts';

export interface SkuLayout {
  storeId: string;
  /** 0: one counter in the store slot; k > 0: k buckets in k slots. */
  buckets: number;
}

export class HotRegistry {
  private readonly skuLayouts = new Map<string, SkuLayout>();
  private readonly offerStores = new Map<string, string>();

  constructor(
    private readonly client: HotClient,
    private readonly keys: HotKeys,
  ) {}

  /** The sale's counters were dropped (a rebuild): what this process cached is read again. */
  forget(): void {
    this.skuLayouts.clear();
    this.offerStores.clear();
  }

  cachedLayout(sku: string): SkuLayout | undefined {
    return this.skuLayouts.get(sku);
  }

  remember(sku: string, layout: SkuLayout): void {
    this.skuLayouts.set(sku, layout);
  }

  async layouts(skus: Iterable<string>): Promise<Map<string, SkuLayout>> {
    const found = new Map<string, SkuLayout>();
    const missing: string[] = [];
    for (const sku of skus) {
      const known = this.skuLayouts.get(sku);
      if (known) found.set(sku, known);
      else missing.push(sku);
    }
    if (missing.length === 0) return found;
    const stores = await this.client.hmget(this.keys.skus, ...missing);
    const byStore = new Map<string, string[]>();
    missing.forEach((sku, i) => {
      const storeId = stores[i];
      if (storeId) byStore.set(storeId, [...(byStore.get(storeId) ?? []), sku]);
    });
    await Promise.all(
      [...byStore].map(async ([storeId, storeSkus]) => {
        const counts = await this.client.hmget(this.keys.hot(storeId), ...storeSkus);
        storeSkus.forEach((sku, i) => {
          const layout = { storeId, buckets: Number(counts[i] ?? 0) };
          this.skuLayouts.set(sku, layout);
          found.set(sku, layout);
        });
      }),
    );
    return found;
  }

  /** The slot bases holding a SKU's stock: the store slot, or each bucket's slot. */
  stockBases(sku: string, layout: SkuLayout): string[] {
    if (layout.buckets === 0) return [this.keys.base(this.keys.storeTag(layout.storeId))];
    return Array.from({ length: layout.buckets }, (_, i) =>
      this.keys.base(this.keys.bucketTag(layout.storeId, sku, i)),
    );
  }

  stockKeys(sku: string, layout: SkuLayout): string[] {
    return this.stockBases(sku, layout).map((base) => HotKeys.stock(base, sku));
  }

  async offerStoresOf(offerIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing = offerIds.filter((id) => {
      const storeId = this.offerStores.get(id);
      if (storeId !== undefined) found.set(id, storeId);
      return storeId === undefined;
    });
    if (missing.length === 0) return found;
    const stores = await this.client.hmget(this.keys.offers, ...missing);
    missing.forEach((id, i) => {
      const storeId = stores[i];
      if (!storeId) return;
      this.offerStores.set(id, storeId);
      found.set(id, storeId);
    });
    return found;
  }

  rememberOffer(offerId: string, storeId: string): void {
    this.offerStores.set(offerId, storeId);
  }
}
