// Top SKUs and categories by paid GMV (DOMAIN.md §7), each category against its planned share of
// the GMV (campaign targets.categorySharePercent). Bounded by the catalogue: only SKUs an order
// line named, and their categories.
import type { CampaignIndex } from '../domain/campaign-index.ts';
import { liveLimits } from './live-limits.ts';
import type { LiveTopCategory, LiveTopSku } from './live-snapshot.ts';
import type { PlacedLine } from './open-orders.ts';

interface Sold {
  units: number;
  gmv: number;
}

function byGmv<T extends { gmv: number; key: string }>(a: T, b: T): number {
  return b.gmv - a.gmv || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Percent with 2 decimals. */
function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0;
}

export class SalesRank {
  private readonly skus = new Map<string, Sold>();
  private readonly categories = new Map<string, number>();

  paid(lines: readonly PlacedLine[]): void {
    for (const line of lines) {
      const sold = this.skus.get(line.sku) ?? { units: 0, gmv: 0 };
      sold.units += line.qty;
      sold.gmv += line.payableFen;
      this.skus.set(line.sku, sold);
      this.categories.set(line.category, (this.categories.get(line.category) ?? 0) + line.payableFen);
    }
  }

  topSkus(index: CampaignIndex): LiveTopSku[] {
    return [...this.skus.entries()]
      .map(([sku, sold]) => ({ key: sku, gmv: sold.gmv, units: sold.units }))
      .sort(byGmv)
      .slice(0, liveLimits.topRows)
      .map(({ key, units, gmv }) => ({ sku: key, title: index.items.get(key)?.title ?? key, units, gmv }));
  }

  /** Categories with a planned share show even before they sell, so a lagging one stands out. */
  topCategories(index: CampaignIndex, paidGmv: number): LiveTopCategory[] {
    const targets = index.campaign.targets.categorySharePercent;
    const gmv = new Map(this.categories);
    for (const category of Object.keys(targets)) if (!gmv.has(category)) gmv.set(category, 0);
    return [...gmv.entries()]
      .map(([key, value]) => ({ key, gmv: value }))
      .sort(byGmv)
      .slice(0, liveLimits.topRows)
      .map(({ key, gmv: value }) => ({
        category: key,
        gmv: value,
        sharePercent: percent(value, paidGmv),
        targetSharePercent: targets[key] ?? null,
      }));
  }
}
