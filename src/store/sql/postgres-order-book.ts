// The order state changes of servers that share one PostgreSQL (issue: beyond one machine). With
// no single writer, every change is a conditional UPDATE in its own transaction: the row is the
// lock, the WHERE clause the state check, and the number of rows changed says who won.
import { type Kysely, sql } from 'kysely';
import type { OrderStatus } from '../../domain/order-lifecycle.ts';
import type { EventRow, PaymentRow, TimerRow } from '../ports.ts';
import { eventValues, markTimerFired, paymentValues } from './postgres-rows.ts';
import type { TradeDatabase } from './schema.ts';

export interface PaidRecord {
  orderId: string;
  at: number;
  channel: string;
  channelRef: string;
  payment: PaymentRow;
  events: EventRow[];
}

export class PostgresOrderBook {
  constructor(private readonly db: Kysely<TradeDatabase>) {}

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
  async recordFailedPayment(orderId: string, payment: PaymentRow, events: EventRow[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('payments').values(paymentValues(payment)).execute();
      await insertEvents(tx, events);
      await tx.updateTable('orders').set({ paying_until: null }).where('id', '=', orderId).execute();
    });
  }

  /** Pending → paid, with its payment, events and the deadline timer done; false if no longer pending. */
  async recordPaid(record: PaidRecord): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('orders')
        .set({
          status: 'paid',
          paid_at: record.at,
          payment_channel: record.channel,
          payment_ref: record.channelRef,
          paying_until: null,
        })
        .where('id', '=', record.orderId)
        .where('status', '=', 'pending_payment')
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) return false;
      await tx.insertInto('payments').values(paymentValues(record.payment)).execute();
      await insertEvents(tx, record.events);
      await markTimerFired(tx, `deadline:${record.orderId}`, record.at);
      return true;
    });
  }

  /**
   * Pending → cancelled or expired, unless a payment holds it; the closing event and the deadline
   * timer go in the same transaction. False if the order was not open (or is being paid).
   */
  async close(
    orderId: string,
    status: 'cancelled' | 'expired',
    now: number,
    closing: EventRow,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('orders')
        .set({ status, closed_at: now })
        .where('id', '=', orderId)
        .where('status', '=', 'pending_payment')
        .where((eb) => eb.or([eb('paying_until', 'is', null), eb('paying_until', '<', now)]))
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) return false;
      await insertEvents(tx, [closing]);
      await markTimerFired(tx, `deadline:${orderId}`, now);
      return true;
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

async function insertEvents(db: Kysely<TradeDatabase>, events: EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await db.insertInto('events').values(events.map(eventValues)).execute();
}
