// Sold-out and low-stock alerts (DOMAIN.md §7), by the rule the catalogue shows shoppers
// (services/catalog-view.ts, stockState), read from the writer's stock ledger.
import type { Instant } from '../domain/campaign.ts';
import type { CampaignIndex } from '../domain/campaign-index.ts';
import { openPresale } from '../domain/promotions/presale.ts';
import type { SoldOutAction } from '../domain/sold-out-action.ts';
import type { SkuStock } from '../domain/stock-ledger.ts';
import { presalePoolOf } from '../domain/stock-pools.ts';
import { stockState } from '../services/catalog-view.ts';
import { liveLimits } from './live-limits.ts';
import type { LiveStockAction, LiveStockAlert } from './live-snapshot.ts';

export interface StockReader {
  get(sku: string): Readonly<SkuStock> | undefined;
}

/** The operators' sold-out actions by SKU (engine.ctx.soldOutActions). */
export interface SoldOutActionReader {
  get(sku: string): Readonly<SoldOutAction> | undefined;
}

function actionOf(actions: SoldOutActionReader | undefined, sku: string): LiveStockAction | null {
  const action = actions?.get(sku);
  if (!action) return null;
  return action.kind === 'presale'
    ? { kind: 'presale', shipDate: action.shipDate, units: action.units }
    : { kind: 'substitute', substituteSku: action.substituteSku };
}

/**
 * Sold out first, then the lowest; at most liveLimits.stockAlertsMax. Each carries its action.
 * A pre-sale pool is watched while its pre-sale takes deposits (`now`): once it is out the SKU
 * sells on from spot stock, and the operators see that the pre-sale is full.
 */
export function stockAlerts(
  index: CampaignIndex,
  stock: StockReader,
  actions: SoldOutActionReader | undefined,
  now: Instant,
): LiveStockAlert[] {
  const alerts: LiveStockAlert[] = [];
  for (const item of index.campaign.catalog) {
    const { available, state } = stockState(item, stock.get(item.sku));
    const base = { sku: item.sku, title: item.title, storeId: item.storeId };
    if (state !== 'in_stock')
      alerts.push({ ...base, pool: 'spot', available, state, action: actionOf(actions, item.sku) });
    const pool = stock.get(presalePoolOf(item.sku));
    if (!pool || !openPresale(index.presales.get(item.sku), now)) continue;
    const presale = stockState({ ...item, safetyStock: 0 }, pool);
    if (presale.state !== 'in_stock')
      alerts.push({
        ...base,
        pool: 'presale',
        available: presale.available,
        state: presale.state,
        action: null,
      });
  }
  alerts.sort(
    (a, b) =>
      Number(b.state === 'sold_out') - Number(a.state === 'sold_out') ||
      a.available - b.available ||
      (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0),
  );
  return alerts.slice(0, liveLimits.stockAlertsMax);
}
