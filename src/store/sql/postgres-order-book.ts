// The order state changes of servers that share one PostgreSQL (issue: beyond one machine). With
// no single writer, every change is a conditional UPDATE in its own transaction: the row is the
// lock, the WHERE clause the state check, and the number of rows changed says who won.
import { type Kysely, sql } from 'kysely';
import type { OrderStatus } from '../../domain/order-lifecycle.ts';
import type { EventRow, PaymentRow, TimerRow, WalletRow } from '../ports.ts';
import { deadlineTimerId, fenceOrder } from './order-fence.ts';
import { asWriteRefused } from './postgres-refusal.ts';
import { insertEvents, markTimerFired, paymentValues, walletValues } from './postgres-rows.ts';
import { keepHolds, refundHolds } from './postgres-wallet-book.ts';
import type { TradeDatabase } from './schema.ts';
import { toPaymentRow } from './trade-reads.ts';

export interface PaidRecord {
  orderId: string;
  at: number;
  channel: string;
  channelRef: string;
  /** None when red envelopes paid it all. */
  payment: PaymentRow | null;
  events: EventRow[];
  /** Compensation red envelopes the payment's channel failures earned. */
  wallet?: readonly WalletRow[];
}

/** Where a payment takes an order: a whole payment or a balance pays it, a pre-sale deposit keeps it open. */
export type PaidStep =
  | { from: 'pending_payment' | 'deposit_paid'; to: 'paid' }
  | { from: 'pending_payment'; to: 'deposit_paid'; timers: readonly TimerRow[] };

/** How an order closes unpaid (services/close-order.ts: ClosedStatus). */
export type ClosingStatus = 'cancelled' | 'expired' | 'forfeited';

/** The timers an order may have; all of them are done once it is paid or closed. */
const timerIdsOf = (orderId: string) => [deadlineTimerId(orderId), `balance:${orderId}`, `remind:${orderId}`];

export class PostgresOrderBook {
  constructor(private readonly db: Kysely<TradeDatabase>) {}

  /** The status of each order of `orderIds` that is in the database (one read). */
  async statusesOf(orderIds: readonly string[]): Promise<Map<string, OrderStatus>> {
    if (orderIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('orders')
      .select(['id', 'status'])
      .where('id', 'in', orderIds)
      .execute();
    return new Map(rows.map((r) => [r.id, r.status as OrderStatus]));
  }

  /**
   * The status of an order the reconciler may give back what it took for, once it is fenced
   * (order-fence.ts): null = it was never written and never will be.
   */
  async fencedStatus(orderId: string, now: number): Promise<OrderStatus | null> {
    if (!(await fenceOrder(this.db, orderId, now))) return null;
    const order = await this.db
      .selectFrom('orders')
      .select('status')
      .where('id', '=', orderId)
      .executeTakeFirst();
    return (order?.status as OrderStatus | undefined) ?? null;
  }

  /** True while a payment holds the order (its channels may be charging, or it is being refunded). */
  async isHeld(orderId: string, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('orders')
      .select('paying_until')
      .where('id', '=', orderId)
      .executeTakeFirst();
    return row?.paying_until != null && Number(row.paying_until) >= now;
  }

  /**
   * Claims a charge for a refund: its payments row as `refunding`, unless a row already owns its
   * reference (or its id): then false, and this server gives nothing back. Servers refusing the
   * same callback, or a payment and its callback, thus refund a charge once.
   */
  async claimRefund(payment: PaymentRow): Promise<boolean> {
    const inserted = await this.db
      .insertInto('payments')
      .values(paymentValues({ ...payment, status: 'refunding' }))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return inserted.numInsertedOrUpdatedRows === 1n;
  }

  /**
   * Completes a claimed refund (refunded or refund_failed) with its event, once (a second server
   * completing the same claim changes nothing); lets go of `held`, the refunding payment's hold.
   */
  async completeRefund(
    payment: PaymentRow,
    refunded: EventRow,
    held?: { orderId: string; until: number },
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('payments')
        .set({ status: payment.status, created_at: payment.createdAt })
        .where('id', '=', payment.id)
        .where('status', '=', 'refunding')
        .executeTakeFirst();
      if (updated.numUpdatedRows === 1n) await insertEvents(tx, [refunded]);
      if (held) await releaseHoldIn(tx, held.orderId, held.until);
    });
  }

  /** Refunds claimed before `cutoff` and never completed (their server died meanwhile). */
  async refundsCutShort(cutoff: number, limit: number): Promise<PaymentRow[]> {
    const rows = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('status', '=', 'refunding')
      .where('created_at', '<', cutoff)
      .limit(limit)
      .execute();
    return rows.map(toPaymentRow);
  }

  /** Lets go of a payment's hold on the order, unless another payment holds it now. */
  async releaseHold(orderId: string, hold: number): Promise<void> {
    await releaseHoldIn(this.db, orderId, hold);
  }

  /**
   * Extends a payment's hold (its paying_until, `hold`) to `until` while it refunds; false when the
   * hold is no longer its own (it ran out and another payment took the order, or it was let go).
   */
  async extendHold(orderId: string, hold: number, until: number): Promise<boolean> {
    const result = await this.db
      .updateTable('orders')
      .set({ paying_until: until })
      .where('id', '=', orderId)
      .where('paying_until', '=', hold)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Holds an open order for a payment until `until`: false when it is not in `status` any more or
   * another payment holds it. Expiry and cancel leave a held order alone.
   */
  async holdForPayment(orderId: string, status: OrderStatus, now: number, until: number): Promise<boolean> {
    const result = await this.db
      .updateTable('orders')
      .set({ paying_until: until })
      .where('id', '=', orderId)
      .where('status', '=', status)
      .where((eb) => eb.or([eb('paying_until', 'is', null), eb('paying_until', '<', now)]))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** A payment that did not go through: recorded, and the order let go for another try. */
  /** `hold`: the payment's own hold (its paying_until), let go unless another payment holds the order now. */
  async recordFailedPayment(
    orderId: string,
    payment: PaymentRow,
    events: EventRow[],
    wallet: readonly WalletRow[],
    hold: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('payments').values(paymentValues(payment)).execute();
      if (wallet.length > 0) await tx.insertInto('wallet').values(wallet.map(walletValues)).execute();
      await insertEvents(tx, events);
      await releaseHoldIn(tx, orderId, hold);
    });
  }

  /**
   * A successful payment moves the order one step (pending → paid, pending → deposit_paid with its
   * balance timers, deposit_paid → paid), with its payment, events and compensation in the same
   * transaction; false if the order is no longer where the payment found it.
   */
  async recordPaid(
    record: PaidRecord,
    step: PaidStep = { from: 'pending_payment', to: 'paid' },
  ): Promise<boolean> {
    try {
      return await this.writePaid(record, step);
    } catch (error) {
      throw asWriteRefused(error);
    }
  }

  private async writePaid(record: PaidRecord, step: PaidStep): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('orders')
        .set({
          status: step.to,
          paid_at: step.to === 'paid' ? record.at : null,
          payment_channel: record.channel,
          payment_ref: record.channelRef,
          paying_until: null,
        })
        .where('id', '=', record.orderId)
        .where('status', '=', step.from)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) return false;
      if (record.payment) await tx.insertInto('payments').values(paymentValues(record.payment)).execute();
      if (record.wallet?.length)
        await tx.insertInto('wallet').values(record.wallet.map(walletValues)).execute();
      await insertEvents(tx, record.events);
      if (step.to === 'paid') {
        await keepHolds(tx, record.orderId);
        for (const id of timerIdsOf(record.orderId)) await markTimerFired(tx, id, record.at);
      } else {
        await markTimerFired(tx, deadlineTimerId(record.orderId), record.at);
        if (step.timers.length > 0)
          await tx
            .insertInto('timers')
            .values(step.timers.map((t) => ({ id: t.id, kind: t.kind, ref: t.ref, due_at: t.dueAt })))
            .execute();
      }
      return true;
    });
  }

  /**
   * Pending → cancelled or expired, deposit_paid → forfeited, unless a payment holds it; what the
   * order took from wallets comes back, and the closing event and its timers go in the same
   * transaction. False if the order was not open (or is being paid).
   */
  async close(orderId: string, status: ClosingStatus, now: number, closing: EventRow): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('orders')
        .set({ status, closed_at: now })
        .where('id', '=', orderId)
        .where('status', '=', status === 'forfeited' ? 'deposit_paid' : 'pending_payment')
        .where((eb) => eb.or([eb('paying_until', 'is', null), eb('paying_until', '<', now)]))
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) return false;
      await insertEvents(tx, [closing]);
      await refundHolds(tx, orderId);
      for (const id of timerIdsOf(orderId)) await markTimerFired(tx, id, now);
      return true;
    });
  }

  /** An event that changes no order (a balance reminder), with its timer done, once. */
  async fireReminder(timerId: string, now: number, reminder: EventRow): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const fired = await tx
        .updateTable('timers')
        .set({ fired_at: now })
        .where('id', '=', timerId)
        .where('fired_at', 'is', null)
        .executeTakeFirst();
      if (fired.numUpdatedRows === 1n) await insertEvents(tx, [reminder]);
    });
  }

  /**
   * Claims up to `limit` due timers for `leaseMs`: any number of servers may ask at once, and
   * `FOR UPDATE SKIP LOCKED` gives each due timer to one of them. A server that dies holding a
   * claim loses it when the lease runs out, and another server fires the timer.
   */
  async claimDueTimers(now: number, limit: number, leaseMs: number): Promise<TimerRow[]> {
    const { rows } = await sql<{ id: string; kind: string; ref: string; due_at: string }>`
      UPDATE timers SET claimed_until = ${now + leaseMs}
      WHERE id IN (
        SELECT id FROM timers
        WHERE fired_at IS NULL AND due_at <= ${now}
          AND (claimed_until IS NULL OR claimed_until < ${now})
        ORDER BY due_at LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, ref, due_at`.execute(this.db);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as TimerRow['kind'],
      ref: r.ref,
      dueAt: Number(r.due_at),
    }));
  }

  /** A timer with nothing left to do (its order was paid or closed meanwhile). */
  async timerDone(id: string, now: number): Promise<void> {
    await markTimerFired(this.db, id, now);
  }
}

/** A hold is a payment's own while paying_until is the value it set: only then is it let go. */
async function releaseHoldIn(db: Kysely<TradeDatabase>, orderId: string, hold: number): Promise<void> {
  await db
    .updateTable('orders')
    .set({ paying_until: null })
    .where('id', '=', orderId)
    .where('paying_until', '=', hold)
    .execute();
}
