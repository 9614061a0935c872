// The catalogue as a shopper sees it right now: each SKU's activity price (PRICING.md §1, one
// unit, a guest with no wallet) and how much is left (DOMAIN.md §1: below safety stock a SKU shows
// as "running low"). Read-only: it prices through the domain and reads the writer's ledger.
import type { Buyer } from '../domain/buyer.ts';
import type { CatalogItem, Instant, ProductRole } from '../domain/campaign.ts';
import type { Fen } from '../domain/money.ts';
import { type OfferRef, priceItems } from '../domain/quote/item-level.ts';
import type { SoldOutAction } from '../domain/sold-out-action.ts';
import type { SkuStock } from '../domain/stock-ledger.ts';
import { presalePoolOf } from '../domain/stock-pools.ts';
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
  /** Units left in the SKU's pre-sale pool (kept apart from spot stock); null without one. */
  presaleStock: { available: number } | null;
  /** What operators decided for this SKU once it sold out: pre-sale with a ship date, or a substitute. */
  soldOutAction: SoldOutAction | null;
  /** Flash sessions of this SKU that have not ended, with what is left (售罄 the moment it happens). */
  flashSessions: FlashSessionView[];
}

export interface FlashSessionView {
  id: string;
  price: Fen;
  quantity: number;
  remaining: number;
  perBuyer: number;
  startsAt: Instant | null;
  endsAt: Instant | null;
  state: 'upcoming' | 'open' | 'sold_out';
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

function flashSessionsOf(
  ctx: Pick<TradeContext, 'index' | 'offers'>,
  sku: string,
  atMs: Instant,
): FlashSessionView[] {
  const views: FlashSessionView[] = [];
  for (const p of ctx.index.itemOffers.get(sku) ?? []) {
    if (p.kind !== 'flash-sale' || (p.window.endMs !== null && atMs >= p.window.endMs)) continue;
    const remaining = ctx.offers.unitsLeftOf(p.id) ?? p.quantity;
    const upcoming = p.window.startMs !== null && atMs < p.window.startMs;
    const state = remaining <= 0 ? 'sold_out' : upcoming ? 'upcoming' : 'open';
    views.push({
      id: p.id,
      price: p.priceFen,
      quantity: p.quantity,
      remaining,
      perBuyer: p.perBuyer,
      startsAt: p.window.startMs,
      endsAt: p.window.endMs,
      state,
    });
  }
  return views;
}

function presaleStockOf(ctx: Pick<TradeContext, 'ledger'>, sku: string): CatalogEntry['presaleStock'] {
  const pool = ctx.ledger.get(presalePoolOf(sku));
  return pool ? { available: pool.available } : null;
}

export function catalogView(
  ctx: Pick<TradeContext, 'index' | 'ledger' | 'offers' | 'soldOutActions'>,
  atMs: Instant,
  storeId?: string,
): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const item of ctx.index.campaign.catalog) {
    if (storeId !== undefined && item.storeId !== storeId) continue;
    const [unit] = priceItems(
      ctx.index,
      [{ sku: item.sku, qty: 1 }],
      GUEST,
      atMs,
      ctx.offers.usageFor(GUEST.id),
    );
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
      presaleStock: presaleStockOf(ctx, item.sku),
      soldOutAction: ctx.soldOutActions.get(item.sku) ?? null,
      flashSessions: flashSessionsOf(ctx, item.sku, atMs),
    });
  }
  return entries;
}
