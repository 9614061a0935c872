// The trade core's state, owned by one writer (ARCHITECTURE.md: "one writer owns the in-memory
// ledger"): Node runs every use-case's synchronous part alone, so a check and the change it
// guards never interleave with another request.
import type { CampaignIndex } from '../domain/campaign-index.ts';
import type { OfferCounters, OfferTake } from '../domain/offer-counters.ts';
import type { SoldOutAction } from '../domain/sold-out-action.ts';
import type { StockLedger, StockLine } from '../domain/stock-ledger.ts';
import type { WalletBook, WalletEntry } from '../domain/wallet-book.ts';
import type { EventRow, PendingOrder, TradeStore } from '../store/ports.ts';
import type { GroupCommit } from './group-commit.ts';
import type { PaymentChannel } from './payments/payment-channel.ts';

export interface TradeConfig {
  /** Payment deadline after placing an order (default 30 min). */
  paymentDeadlineMs: number;
  /** A payment channel that has not answered by then is abandoned for the next one. */
  paymentTimeoutMs: number;
  /** How often due timers are looked for. */
  timerTickMs: number;
  /** The red envelope coupon granted to a shopper hurt by a payment channel failure. */
  compensationCouponId: string | null;
  /** Its value in fen. */
  compensationFen: number;
}

export const DEFAULT_TRADE_CONFIG: TradeConfig = {
  paymentDeadlineMs: 30 * 60_000,
  paymentTimeoutMs: 2_000,
  timerTickMs: 500,
  compensationCouponId: null,
  compensationFen: 500,
};

/** A pending order as the writer holds it: what is stored, plus whether a payment is under way. */
export interface PendingOrderState extends PendingOrder {
  /** A payment is under way: cancel and expiry wait for it. */
  paying: boolean;
}

export interface TradeContext {
  index: CampaignIndex;
  store: TradeStore;
  ledger: StockLedger;
  /** Flash sessions, first-N, gift stock and budgets given out so far. */
  offers: OfferCounters;
  /** Every buyer's claimed coupons and red envelopes. */
  wallets: WalletBook;
  /** Operators' answers to sold-out SKUs, shown in the catalogue. */
  soldOutActions: Map<string, SoldOutAction>;
  commits: GroupCommit;
  channels: PaymentChannel[];
  config: TradeConfig;
  clock: () => number;
  newId: (prefix: string) => string;
  pending: Map<string, PendingOrderState>;
}

export function event(
  type: string,
  at: number,
  orderId: string | null,
  buyerId: string | null,
  payload: object,
): EventRow {
  return { at, type, orderId, buyerId, payload: JSON.stringify(payload) };
}

/** Adds stock counter changes to the open batch (aggregated per SKU). */
export function addStockDelta(
  ctx: TradeContext,
  lines: readonly StockLine[],
  from: 'available' | 'reserved',
  to: 'available' | 'reserved' | 'sold',
): void {
  for (const line of lines) {
    let d = ctx.commits.open.stock.get(line.sku);
    if (!d) {
      d = { available: 0, reserved: 0, sold: 0, restocked: 0 };
      ctx.commits.open.stock.set(line.sku, d);
    }
    d[from] -= line.qty;
    d[to] += line.qty;
  }
}

/** Units added to a SKU (a restock, a switch to pre-sale) in the open batch; negative takes them back. */
export function addRestockDelta(ctx: TradeContext, sku: string, units: number): void {
  const d = ctx.commits.open.stock.get(sku) ?? { available: 0, reserved: 0, sold: 0, restocked: 0 };
  d.available += units;
  d.restocked += units;
  ctx.commits.open.stock.set(sku, d);
}

/** Adds offer counter changes to the open batch (+1 take, −1 give back), aggregated per (offer, buyer). */
export function addOfferDelta(ctx: TradeContext, takes: readonly OfferTake[], sign: 1 | -1): void {
  for (const t of takes) {
    const key = `${t.offerId}\u0000${t.buyerId}`;
    let row = ctx.commits.open.offers.get(key);
    if (!row) {
      row = { offerId: t.offerId, buyerId: t.buyerId, units: 0, spentFen: 0 };
      ctx.commits.open.offers.set(key, row);
    }
    row.units += sign * t.units;
    row.spentFen += sign * t.spentFen;
  }
}

/** Writes the current state of wallet entries in the open batch. */
export function addWalletUpdates(ctx: TradeContext, entries: readonly WalletEntry[]): void {
  for (const e of entries) {
    ctx.commits.open.walletUpdates.push({
      id: e.id,
      status: e.status,
      balanceFen: e.balanceFen,
      usedBy: e.usedBy,
      tasksDone: e.tasksDone,
      inflated: e.inflated,
    });
  }
}
