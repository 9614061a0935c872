// Reads of the trade store through Kysely: the same queries on SQLite and PostgreSQL.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { PresaleTermsOfOrder } from '../../domain/checkout.ts';
import type { OfferCounterRow, OfferTake } from '../../domain/offer-counters.ts';
import type { OrderStatus } from '../../domain/order-lifecycle.ts';
import type { StockLine } from '../../domain/stock-ledger.ts';
import type { WalletUse } from '../../domain/wallet-book.ts';
import type {
  IdempotencyRow,
  OrderRow,
  PaymentRow,
  PendingOrder,
  RestockRow,
  StoredEvent,
  TimerRow,
  WalletRow,
} from '../ports.ts';
import type { TradeDatabase } from './schema.ts';

// PostgreSQL returns bigint columns as strings; every number passes through here.
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toOrderRow(r: Selectable<TradeDatabase['orders']>): OrderRow {
  return {
    id: r.id,
    checkoutId: r.checkout_id,
    buyerId: r.buyer_id,
    storeId: r.store_id,
    status: r.status as OrderStatus,
    payableFen: num(r.payable_fen),
    amountFen: num(r.amount_fen),
    listTotalFen: num(r.list_total_fen),
    placedAt: num(r.placed_at),
    deadlineAt: num(r.deadline_at),
    paidAt: numOrNull(r.paid_at),
    closedAt: numOrNull(r.closed_at),
    paymentChannel: r.payment_channel,
    paymentRef: r.payment_ref,
    detail: r.detail,
  };
}

function pendingDetail(
  detail: string,
  status: string,
  paymentRef: string | null,
): Pick<PendingOrder, 'stock' | 'takes' | 'walletUses' | 'presale'> {
  const parsed = JSON.parse(detail) as {
    stock: StockLine[];
    takes?: OfferTake[];
    walletUses?: WalletUse[];
    presale?: PresaleTermsOfOrder | null;
  };
  const depositPaid = status === 'deposit_paid';
  const presale = parsed.presale
    ? { ...parsed.presale, depositPaid, depositRef: depositPaid ? paymentRef : null }
    : null;
  return { stock: parsed.stock, takes: parsed.takes ?? [], walletUses: parsed.walletUses ?? [], presale };
}

/** The reads a request makes, built once here: TradeReads runs them through Kysely (PostgreSQL),
 *  and the embedded store prepares their SQL once (sqlite-prepared-reads.ts). */
export const requestReads = {
  getOrder: (db: Kysely<TradeDatabase>, id: string) =>
    db.selectFrom('orders').selectAll().where('id', '=', id),
  listOrders: (db: Kysely<TradeDatabase>, buyerId: string, limit: number) =>
    db
      .selectFrom('orders')
      .selectAll()
      .where('buyer_id', '=', buyerId)
      .orderBy('placed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit),
  /** Pending orders past their payment deadline (the partial index orders_payment_due). */
  paymentDeadlinesDue: (db: Kysely<TradeDatabase>, nowMs: number, limit: number) =>
    db
      .selectFrom('orders')
      .select(['id', 'deadline_at'])
      .where('status', '=', sql.lit('pending_payment'))
      .where('deadline_at', '<=', nowMs)
      .orderBy('deadline_at')
      .limit(limit),
  dueTimers: (db: Kysely<TradeDatabase>, nowMs: number, limit: number) =>
    db
      .selectFrom('timers')
      .selectAll()
      .where('fired_at', 'is', null)
      .where('due_at', '<=', nowMs)
      .orderBy('due_at')
      .limit(limit),
  getIdempotent: (db: Kysely<TradeDatabase>, buyerId: string, key: string) =>
    db.selectFrom('idempotency').selectAll().where('buyer_id', '=', buyerId).where('key', '=', key),
  readEvents: (db: Kysely<TradeDatabase>, afterSeq: number, limit: number) =>
    db.selectFrom('events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit),
  listWallet: (db: Kysely<TradeDatabase>, buyerId: string) =>
    db.selectFrom('wallet').selectAll().where('buyer_id', '=', buyerId).orderBy('created_at'),
};

/** Idempotency keys read per query when the engine starts. */
const KEY_PAGE = 10_000;

export class TradeReads {
  constructor(private readonly db: Kysely<TradeDatabase>) {}

  async getOrder(id: string): Promise<OrderRow | undefined> {
    const row = await requestReads.getOrder(this.db, id).executeTakeFirst();
    return row && toOrderRow(row);
  }

  async paymentOfRef(channelRef: string): Promise<PaymentRow | undefined> {
    const r = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('channel_ref', '=', channelRef)
      .executeTakeFirst();
    return r && toPaymentRow(r);
  }

  async listOrders(buyerId: string, limit: number): Promise<OrderRow[]> {
    return (await requestReads.listOrders(this.db, buyerId, limit).execute()).map(toOrderRow);
  }

  /** Orders still open (unpaid, or a pre-sale waiting for its balance), each through its partial index. */
  async loadPendingOrders(): Promise<PendingOrder[]> {
    const open = (status: 'pending_payment' | 'deposit_paid') =>
      this.db
        .selectFrom('orders')
        .select(['id', 'buyer_id', 'deadline_at', 'payable_fen', 'detail', 'status', 'payment_ref'])
        .where('status', '=', sql.lit(status))
        .execute();
    const rows = [...(await open('pending_payment')), ...(await open('deposit_paid'))];
    return rows.map((r) => ({
      id: r.id,
      buyerId: r.buyer_id,
      deadlineAt: num(r.deadline_at),
      payableFen: num(r.payable_fen),
      ...pendingDetail(r.detail, r.status, r.payment_ref),
    }));
  }

  async loadOfferCounters(): Promise<OfferCounterRow[]> {
    const rows = await this.db.selectFrom('offer_usage').selectAll().execute();
    return rows.map((r) => ({
      offerId: r.offer_id,
      buyerId: r.buyer_id,
      units: num(r.units),
      spentFen: num(r.spent_fen),
    }));
  }

  async dueTimers(nowMs: number, limit: number): Promise<TimerRow[]> {
    const [orders, timers] = await Promise.all([
      requestReads.paymentDeadlinesDue(this.db, nowMs, limit).execute(),
      requestReads.dueTimers(this.db, nowMs, limit).execute(),
    ]);
    return mergeDue(orders, timers.map(toTimerRow), limit);
  }

  /** Every stored Idempotency-Key, a page at a time in key order; returns how many. */
  async forEachIdempotencyKey(visit: (buyerId: string, key: string) => void): Promise<number> {
    let after: { buyer_id: string; key: string } | undefined;
    let count = 0;
    for (;;) {
      let query = this.db.selectFrom('idempotency').select(['buyer_id', 'key']);
      if (after) {
        const { buyer_id, key } = after;
        query = query.where((eb) => eb(eb.refTuple('buyer_id', 'key'), '>', eb.tuple(buyer_id, key)));
      }
      const page = await query.orderBy('buyer_id').orderBy('key').limit(KEY_PAGE).execute();
      for (const r of page) visit(r.buyer_id, r.key);
      count += page.length;
      if (page.length < KEY_PAGE) return count;
      after = page[page.length - 1];
    }
  }

  async getIdempotent(buyerId: string, key: string): Promise<IdempotencyRow | undefined> {
    const row = await requestReads.getIdempotent(this.db, buyerId, key).executeTakeFirst();
    return row && toIdempotencyRow(row);
  }

  async listWallet(buyerId: string): Promise<WalletRow[]> {
    return (await requestReads.listWallet(this.db, buyerId).execute()).map(toWalletRow);
  }

  async loadSkuActions(): Promise<{ sku: string; action: string; at: number }[]> {
    const rows = await this.db.selectFrom('sku_actions').select(['sku', 'action', 'at']).execute();
    return rows.map((r) => ({ sku: r.sku, action: r.action, at: num(r.at) }));
  }

  async loadRestocks(): Promise<RestockRow[]> {
    const rows = await this.db.selectFrom('restocks').selectAll().orderBy('at').orderBy('id').execute();
    return rows.map((r) => ({ ...r, units: num(r.units), at: num(r.at) }));
  }

  async loadWallet(): Promise<WalletRow[]> {
    const rows = await this.db.selectFrom('wallet').selectAll().orderBy('created_at').execute();
    return rows.map(toWalletRow);
  }
}

export function toPaymentRow(r: Selectable<TradeDatabase['payments']>): PaymentRow {
  return {
    id: r.id,
    orderIds: r.order_ids,
    buyerId: r.buyer_id,
    channel: r.channel,
    channelRef: r.channel_ref,
    status: r.status as PaymentRow['status'],
    amountFen: num(r.amount_fen),
    attempts: r.attempts,
    createdAt: num(r.created_at),
  };
}

export function toIdempotencyRow(r: Selectable<TradeDatabase['idempotency']>): IdempotencyRow {
  return {
    buyerId: r.buyer_id,
    key: r.key,
    requestHash: r.request_hash,
    statusCode: num(r.status_code),
    response: r.response,
    createdAt: num(r.created_at),
  };
}

export function toStoredEvent(r: Selectable<TradeDatabase['events']>): StoredEvent {
  return {
    seq: num(r.seq),
    at: num(r.at),
    type: r.type,
    orderId: r.order_id,
    buyerId: r.buyer_id,
    payload: r.payload,
  };
}

/** The payment deadline of a pending order, as the deadline loop meets it. */
export function paymentDeadlineOf(r: { id: string; deadline_at: number | string }): TimerRow {
  return { id: `deadline:${r.id}`, kind: 'payment-deadline', ref: r.id, dueAt: num(r.deadline_at) };
}

/**
 * Due payment deadlines (from pending orders) and due timer rows, earliest first, at most `limit`.
 * A database written before 0004 may still hold a timer row for an order's payment deadline: the
 * two are one deadline, met once.
 */
export function mergeDue(
  orders: readonly { id: string; deadline_at: number | string }[],
  timers: readonly TimerRow[],
  limit: number,
): TimerRow[] {
  const due = new Map<string, TimerRow>();
  for (const t of [...orders.map(paymentDeadlineOf), ...timers]) if (!due.has(t.id)) due.set(t.id, t);
  return [...due.values()].sort((a, b) => a.dueAt - b.dueAt).slice(0, limit);
}

export function toTimerRow(r: Selectable<TradeDatabase['timers']>): TimerRow {
  return { id: r.id, kind: r.kind as TimerRow['kind'], ref: r.ref, dueAt: num(r.due_at) };
}

export function toWalletRow(r: Selectable<TradeDatabase['wallet']>): WalletRow {
  return {
    id: r.id,
    buyerId: r.buyer_id,
    couponId: r.coupon_id,
    balanceFen: numOrNull(r.balance_fen),
    source: r.source,
    createdAt: num(r.created_at),
    status: r.status === 'used' ? 'used' : 'available',
    usedBy: r.used_by,
    tasksDone: num(r.tasks_done),
    inflated: num(r.inflated) === 1,
  };
}
