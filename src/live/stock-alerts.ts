// Sold-out and low-stock alerts (DOMAIN.md §7), by the rule the catalogue shows shoppers
// (services/catalog-view.ts, stockState), read from the writer's stock ledger.
import type { CampaignIndex } from '../domain/campaign-index.ts';
import type { SoldOutAction } from '../domain/sold-out-action.ts';
import type { SkuStock } from '../domain/stock-ledger.ts';
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

const noActions: SoldOutActionReader = { get: () => undefined };

function actionOf(actions: SoldOutActionReader, sku: string): LiveStockAction | null {
  const action = actions.get(sku);
  if (!action) return null;
  return action.kind === 'presale'
    ? { kind: 'presale', shipDate: action.shipDate, units: action.units }
    : { kind: 'substitute', substituteSku: action.substituteSku };
}

/** Sold out first, then the lowest; at most liveLimits.stockAlertsMax. Each carries its action. */
export function stockAlerts(
  index: CampaignIndex,
  stock: StockReader,
  actions: SoldOutActionReader = noActions,
): LiveStockAlert[] {
  const alerts: LiveStockAlert[] = [];
  for (const item of index.campaign.catalog) {
    const { available, state } = stockState(item, stock.get(item.sku));
    if (state === 'in_stock') continue;
    alerts.push({
      sku: item.sku,
      title: item.title,
      storeId: item.storeId,
      available,
      state,
      action: actionOf(actions, item.sku),
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
