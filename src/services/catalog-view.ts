// The catalogue as a shopper sees it right now: each SKU's activity price (PRICING.md §1, one
// unit, a guest with no wallet) and how much is left (DOMAIN.md §1: below safety stock a SKU shows
// as "running low"). Read-only: it prices through the domain and reads the writer's ledger.
import type { Buyer } from '../domain/buyer.ts';
import type { CatalogItem, Instant, ProductRole } from '../domain/campaign.ts';
import type { Fen } from '../domain/money.ts';
import { NOTHING_USED } from '../domain/offer-usage.ts';
import { type OfferRef, priceItems } from '../domain/quote/item-level.ts';
import type { SkuStock } from '../domain/stock-ledger.ts';
import type { TradeContext } from './trade-context.ts';

/** Whoever is not signed in: no membership, so no member price. */
export const GUEST: Buyer = { id: 'guest', memberships: [] };

export type StockState = 'in_stock' | 'low' | 'sold_out';

export interface CatalogEntry {
  sku: string;
  storeId: string;
  storeName: string;
  title: string;
  category: string;
  role: ProductRole;
  listPrice: Fen;
  /** Activity price of one unit now, for a guest. */
  price: Fen;
  offer: OfferRef | null;
  stock: { available: number; state: StockState };
}

/** A SKU is low at or below its safety stock, or at or below 10% of everything it ever had. */
export const LOW_STOCK_PERCENT = 10;

export function stockState(item: CatalogItem, stock: Readonly<SkuStock> | undefined): CatalogEntry['stock'] {
  const available = stock?.available ?? 0;
  if (available === 0) return { available, state: 'sold_out' };
  const stocked = stock ? stock.initial + stock.restocked : 0;
  const low = available <= item.safetyStock || available * 100 <= stocked * LOW_STOCK_PERCENT;
  return { available, state: low ? 'low' : 'in_stock' };
}

export function catalogView(
  ctx: Pick<TradeContext, 'index' | 'ledger'>,
  atMs: Instant,
  storeId?: string,
): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const item of ctx.index.campaign.catalog) {
    if (storeId !== undefined && item.storeId !== storeId) continue;
    const [unit] = priceItems(ctx.index, [{ sku: item.sku, qty: 1 }], GUEST, atMs, NOTHING_USED);
    entries.push({
      sku: item.sku,
      storeId: item.storeId,
      storeName: ctx.index.stores.get(item.storeId)?.name ?? item.storeId,
      title: item.title,
      category: item.category,
      role: item.role,
      listPrice: item.listPriceFen,
      price: unit?.unitPriceFen ?? item.listPriceFen,
      offer: unit?.offer ?? null,
      stock: stockState(item, ctx.ledger.get(item.sku)),
    });
  }
  return entries;
}
