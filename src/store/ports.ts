// The ports of the trade core (ARCHITECTURE.md): what services need from storage, with no word
// about SQLite, PostgreSQL or Redis. Adapters live in sql/ (and redis/ later).
import type { PresaleTermsOfOrder } from '../domain/checkout.ts';
import type { OfferCounterRow, OfferTake } from '../domain/offer-counters.ts';
import type { OrderStatus } from '../domain/order-lifecycle.ts';
import type { SkuStock, StockLine } from '../domain/stock-ledger.ts';
import type { WalletUse } from '../domain/wallet-book.ts';

export interface OrderRow {
  id: string;
  checkoutId: string;
  buyerId: string;
  storeId: string;
  status: OrderStatus;
  payableFen: number;
  amountFen: number;
  listTotalFen: number;
  placedAt: number;
  deadlineAt: number;
  paidAt: number | null;
  closedAt: number | null;
  paymentChannel: string | null;
  /** The channel's reference for the payment that paid the order. */
  paymentRef: string | null;
  /** JSON: lines with their discounts and unit payables, applied discounts, gifts. */
  detail: string;
}

export interface OrderUpdate {
  id: string;
  status: OrderStatus;
  paidAt?: number;
  closedAt?: number;
  paymentChannel?: string;
  paymentRef?: string;
}

export interface EventRow {
  at: number;
  type: string;
  orderId: string | null;
  buyerId: string | null;
  /** JSON */
  payload: string;
}

export interface StoredEvent extends EventRow {
  seq: number;
}

/** The seqs lo..hi, both included. */
export interface SeqRun {
  lo: number;
  hi: number;
}

export interface TimerRow {
  id: string;
  /** payment-deadline: unpaid order expires; balance-deadline: unpaid balance forfeits the deposit;
   *  balance-reminder: 2 h before the balance deadline (尾款冲刺). */
  kind: 'payment-deadline' | 'balance-deadline' | 'balance-reminder';
  ref: string;
  dueAt: number;
}

export interface IdempotencyRow {
  buyerId: string;
  key: string;
  requestHash: string;
  statusCode: number;
  /** JSON */
  response: string;
  createdAt: number;
}

export interface PaymentRow {
  id: string;
  orderIds: string;
  buyerId: string;
  channel: string | null;
  channelRef: string | null;
  /**
   * failed: no channel took the money. refunded: a channel took it but the sale could not book it,
   * so it was given back; refund_failed: giving it back failed too, and the operators must;
   * refunding: claimed for a refund that is under way (or cut short by a crash: the operators').
   */
  status: 'succeeded' | 'failed' | 'refunded' | 'refund_failed' | 'refunding';
  amountFen: number;
  attempts: string;
  createdAt: number;
}

export interface WalletRow {
  id: string;
  buyerId: string;
  couponId: string;
  balanceFen: number | null;
  source: string;
  createdAt: number;
  status: 'available' | 'used';
  /** The checkout that used it. */
  usedBy: string | null;
  /** Inflating red envelopes: tasks done before the day, and whether the day's multiplier applied. */
  tasksDone: number;
  inflated: boolean;
}

export interface WalletUpdate {
  id: string;
  status: 'available' | 'used';
  balanceFen: number | null;
  usedBy: string | null;
  tasksDone: number;
  inflated: boolean;
}

export interface StockDelta {
  available: number;
  reserved: number;
  sold: number;
  restocked: number;
}

/** Everything one group commit writes, in one transaction. */
export interface TradeBatch {
  stock: Map<string, StockDelta>;
  orders: OrderRow[];
  orderUpdates: OrderUpdate[];
  events: EventRow[];
  timers: TimerRow[];
  timersFired: { id: string; at: number }[];
  idempotency: IdempotencyRow[];
  payments: PaymentRow[];
  wallet: WalletRow[];
  walletUpdates: WalletUpdate[];
  /** Sold-out actions set by operators (JSON), replacing any earlier one for the SKU. */
  skuActions: { sku: string; action: string; operator: string; at: number }[];
  /** Offer counter changes, aggregated per (offer, buyer). */
  offers: Map<string, OfferCounterRow>;
  /** 补货: units operators added to SKUs. */
  restocks: RestockRow[];
}

/** Units an operator added to a SKU after the sale opened (returned goods, a late delivery). */
export interface RestockRow {
  id: string;
  sku: string;
  units: number;
  operator: string;
  note: string;
  at: number;
}

export function emptyBatch(): TradeBatch {
  return {
    stock: new Map(),
    orders: [],
    orderUpdates: [],
    events: [],
    timers: [],
    timersFired: [],
    idempotency: [],
    payments: [],
    wallet: [],
    walletUpdates: [],
    skuActions: [],
    offers: new Map(),
    restocks: [],
  };
}

export interface PendingOrder {
  id: string;
  buyerId: string;
  deadlineAt: number;
  payableFen: number;
  stock: StockLine[];
  /** What the order took from limited offers (given back if it closes unpaid). */
  takes: OfferTake[];
  walletUses: WalletUse[];
  /**
   * A pre-sale order: its deposit and balance, whether the deposit is paid, and the channel's
   * reference of that deposit (so its callback again is known as the deposit, not the balance).
   */
  presale: (PresaleTermsOfOrder & { depositPaid: boolean; depositRef: string | null }) | null;
}

export interface TradeStore {
  /** Creates or upgrades the schema; returns the names of the migrations that ran. */
  migrate(): Promise<string[]>;
  /** Stock counters; SKUs not yet known are opened with their campaign stock. */
  openStock(initial: ReadonlyMap<string, number>): Promise<Map<string, SkuStock>>;
  loadPendingOrders(): Promise<PendingOrder[]>;
  loadOfferCounters(): Promise<OfferCounterRow[]>;
  /** One transaction: all of it or none of it. */
  commit(batch: TradeBatch): Promise<void>;
  dueTimers(nowMs: number, limit: number): Promise<TimerRow[]>;
  getOrder(id: string): Promise<OrderRow | undefined>;
  /** The payment a channel's reference stands for (channel_ref is unique), if any. */
  paymentOfRef(channelRef: string): Promise<PaymentRow | undefined>;
  listOrders(buyerId: string, limit: number): Promise<OrderRow[]>;
  getIdempotent(buyerId: string, key: string): Promise<IdempotencyRow | undefined>;
  /** Every stored Idempotency-Key (the engine's filter of answered keys is built from them). */
  forEachIdempotencyKey(visit: (buyerId: string, key: string) => void): Promise<number>;
  /**
   * The events after `afterSeq`, and those whose seq is in `missing` (runs below it that the reader
   * has not seen: their transactions may commit after later seqs'), in seq order, at most `limit`.
   * One statement reads both, so an event never comes before one that committed before it began.
   */
  readEvents(afterSeq: number, limit: number, missing?: readonly SeqRun[]): Promise<StoredEvent[]>;
  listWallet(buyerId: string): Promise<WalletRow[]>;
  /** Every claimed coupon and red envelope (the engine's wallet book is rebuilt from it). */
  loadWallet(): Promise<WalletRow[]>;
  loadSkuActions(): Promise<{ sku: string; action: string; at: number }[]>;
  /** Every restock, oldest first. */
  loadRestocks(): Promise<RestockRow[]>;
  /** Answers when the database does (readiness); throws when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The database answered a write with an error, so none of it was saved; unlike a lost connection,
 * after which a write may or may not have landed. Only then may a use-case take back what the
 * write would have made final (e.g. refund a charge whose payment was not recorded).
 */
export class WriteRefused extends Error {
  constructor(cause: unknown, why = 'the database refused the write') {
    super(`${why}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'WriteRefused';
  }
}

/** Idempotency-Key claims when several servers share a sale: a key is run by the server that claims it; the others wait for its answer. */
export interface RequestClaims {
  claim(buyerId: string, key: string, requestHash: string, ttlMs: number): Promise<RequestClaim>;
  isHeld(buyerId: string, key: string): Promise<boolean>;
}

/** This server now holds the key; or another does, running the request of that hash. */
export type RequestClaim = { held: true; claim: HeldClaim } | { held: false; holderHash: string };

/** A claim this server holds: kept while it runs the request, let go once its answer is stored. */
export interface HeldClaim {
  /** False when the claim is no longer this server's (it expired). */
  renew(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}
