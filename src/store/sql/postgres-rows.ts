// Port rows as PostgreSQL column values, shared by the group commit and the order book.
import type { Kysely } from 'kysely';
import type { EventRow, PaymentRow, WalletRow } from '../ports.ts';
import type { TradeDatabase } from './schema.ts';

export function paymentValues(p: PaymentRow) {
  return {
    id: p.id,
    order_ids: p.orderIds,
    buyer_id: p.buyerId,
    channel: p.channel,
    channel_ref: p.channelRef,
    status: p.status,
    amount_fen: p.amountFen,
    attempts: p.attempts,
    created_at: p.createdAt,
  };
}

export function walletValues(w: WalletRow) {
  return {
    id: w.id,
    buyer_id: w.buyerId,
    coupon_id: w.couponId,
    balance_fen: w.balanceFen,
    source: w.source,
    created_at: w.createdAt,
    status: w.status,
    used_by: w.usedBy,
    tasks_done: w.tasksDone,
    inflated: w.inflated ? 1 : 0,
  };
}

export function eventValues(e: EventRow) {
  return { at: e.at, type: e.type, order_id: e.orderId, buyer_id: e.buyerId, payload: e.payload };
}

export async function insertEvents(db: Kysely<TradeDatabase>, events: readonly EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await db.insertInto('events').values(events.map(eventValues)).execute();
}

/** Marks a timer fired, once (a timer already fired stays as it was). */
export async function markTimerFired(db: Kysely<TradeDatabase>, id: string, now: number): Promise<void> {
  await db
    .updateTable('timers')
    .set({ fired_at: now })
    .where('id', '=', id)
    .where('fired_at', 'is', null)
    .execute();
}
