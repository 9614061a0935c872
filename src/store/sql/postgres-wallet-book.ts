// Buyers' wallets when several servers share one PostgreSQL (issue: beyond one machine). There is
// no single writer holding the wallet in memory, so every use is a conditional UPDATE: a coupon
// goes from available to used once, a red envelope loses money only while it has enough. What an
// unpaid order took is a row in wallet_holds; closing the order gives it back in the order's own
// transaction, paying it makes the use final, and holds of orders that never reached the database
// (a server died before its group commit) are given back by the reconciler.

import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventRow, WalletRow } from '../ports.ts';
import { fenceOrder } from './order-fence.ts';
import { asWriteRefused } from './postgres-refusal.ts';
import { insertEvents, walletValues } from './postgres-rows.ts';
import type { TradeDatabase } from './schema.ts';

/** What one store order takes from one wallet entry; a coupon (no balance) is taken whole. */
export interface WalletHold {
  orderId: string;
  checkoutId: string;
  walletId: string;
  amountFen: number;
  /** A red envelope: the amount comes off its balance. A coupon: it becomes used by the checkout. */
  envelope: boolean;
}

/** An inflating red envelope's day multiplier, applied once by whichever server gets there first. */
export interface DayMultiplier {
  walletId: string;
  multiplier: number;
}

export class PostgresWalletBook {
  constructor(private readonly db: Kysely<TradeDatabase>) {}

  /** New wallet entries (claims, compensation) with their events, in one transaction. */
  /** Throws WriteRefused when nothing landed; any other error may have come after the commit. */
  async add(entries: readonly WalletRow[], events: readonly EventRow[]): Promise<void> {
    try {
      await this.db.transaction().execute(async (tx) => {
        await tx.insertInto('wallet').values(entries.map(walletValues)).execute();
        await insertEvents(tx, events);
      });
    } catch (error) {
      throw asWriteRefused(error);
    }
  }

  /** Whether an order's failed payment already earned its compensation red envelope (by the buyer's index). */
  async compensated(buyerId: string, source: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('wallet')
      .select('id')
      .where('buyer_id', '=', buyerId)
      .where('source', '=', source)
      .executeTakeFirst();
    return row !== undefined;
  }

  async has(walletId: string): Promise<boolean> {
    const row = await this.db.selectFrom('wallet').select('id').where('id', '=', walletId).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Takes what a checkout's store orders use, all or nothing: false (and nothing changed) when a
   * coupon is no longer available or an envelope's balance is short (another server used it).
   * Day multipliers the pricing applied are made durable first, once.
   */
  async hold(
    holds: readonly WalletHold[],
    multipliers: readonly DayMultiplier[],
    at: number,
  ): Promise<boolean> {
    if (holds.length === 0) return true;
    return this.db
      .transaction()
      .execute(async (tx) => {
        for (const m of multipliers) {
          await tx
            .updateTable('wallet')
            .set({ balance_fen: sql`round(balance_fen * ${m.multiplier})`, inflated: 1 })
            .where('id', '=', m.walletId)
            .where('inflated', '=', 0)
            .execute();
        }
        for (const h of holds) {
          const taken = h.envelope
            ? await tx
                .updateTable('wallet')
                .set({ balance_fen: sql`balance_fen - ${h.amountFen}` })
                .where('id', '=', h.walletId)
                .where('balance_fen', '>=', h.amountFen)
                .executeTakeFirst()
            : await takeCoupon(tx, h);
          if (taken.numUpdatedRows !== 1n) throw new WalletChanged();
        }
        await tx
          .insertInto('wallet_holds')
          .values(
            holds.map((h) => ({
              order_id: h.orderId,
              wallet_id: h.walletId,
              checkout_id: h.checkoutId,
              amount_fen: h.amountFen,
              at,
            })),
          )
          .execute();
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof WalletChanged) return false;
        throw error;
      });
  }

  /**
   * One inflation task done before the day: the envelope grows by `stepFen` unless its tasks are
   * all done or its day multiplier applied (another server may have got there first). Null when
   * it did not grow.
   */
  async completeTask(
    walletId: string,
    buyerId: string,
    step: { fen: number; maxTasks: number },
    eventOf: (grown: { tasksDone: number; balanceFen: number }) => EventRow,
  ): Promise<{ tasksDone: number; balanceFen: number } | null> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('wallet')
        .set({ tasks_done: sql`tasks_done + 1`, balance_fen: sql`coalesce(balance_fen, 0) + ${step.fen}` })
        .where('id', '=', walletId)
        .where('buyer_id', '=', buyerId)
        .where('tasks_done', '<', step.maxTasks)
        .where('inflated', '=', 0)
        .returning(['tasks_done', 'balance_fen'])
        .executeTakeFirst();
      if (!row) return null;
      const grown = { tasksDone: Number(row.tasks_done), balanceFen: Number(row.balance_fen) };
      await insertEvents(tx, [eventOf(grown)]);
      return grown;
    });
  }

  /**
   * Gives back what orders that never reached the database took (their group commit failed, or
   * their server died before it): holds older than `before` whose order does not exist.
   */
  async releaseOrphanHolds(before: number, limit: number, now: number): Promise<number> {
    const orphans = await this.db
      .selectFrom('wallet_holds as h')
      .leftJoin('orders as o', 'o.id', 'h.order_id')
      .select('h.order_id')
      .distinct()
      .where('h.at', '<=', before)
      .where('o.id', 'is', null)
      .limit(limit)
      .execute();
    return this.releaseHoldsOf(
      orphans.map((o) => o.order_id),
      now,
    );
  }

  /** Gives back the holds of orders that were not written, once fenced so that they never will be. */
  async releaseHoldsOf(orderIds: readonly string[], now: number): Promise<number> {
    let released = 0;
    for (const orderId of orderIds) {
      await this.db.transaction().execute(async (tx) => {
        // Fenced first: a write of the order still under way can no longer land after this.
        if (!(await fenceOrder(tx, orderId, now))) released += await refundHolds(tx, orderId);
      });
    }
    return released;
  }
}

class WalletChanged extends Error {}

function takeCoupon(tx: Transaction<TradeDatabase>, h: WalletHold) {
  return tx
    .updateTable('wallet')
    .set({ status: 'used', used_by: h.checkoutId })
    .where('id', '=', h.walletId)
    .where('balance_fen', 'is', null)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'available'),
        eb.and([eb('status', '=', 'used'), eb('used_by', '=', h.checkoutId)]),
      ]),
    )
    .executeTakeFirst();
}

/**
 * An order closed unpaid (or never existed): envelopes get back to the fen what it took; a coupon
 * comes back once no other open order holds it and none that used it was paid. Call inside the
 * transaction that closes the order. Returns how many holds were given back.
 */
export async function refundHolds(tx: Transaction<TradeDatabase>, orderId: string): Promise<number> {
  const holds = await tx
    .selectFrom('wallet_holds')
    .select(['wallet_id', 'amount_fen'])
    .where('order_id', '=', orderId)
    .orderBy('wallet_id')
    .execute();
  for (const h of holds) {
    // The entry's row lock orders this against a sibling order of the checkout closing at once:
    // the later one sees the earlier one's holds gone.
    const entry = await tx
      .selectFrom('wallet')
      .select(['balance_fen', 'used_by'])
      .where('id', '=', h.wallet_id)
      .forUpdate()
      .executeTakeFirst();
    if (!entry) continue;
    if (entry.balance_fen !== null) {
      await tx
        .updateTable('wallet')
        .set({ balance_fen: sql`balance_fen + ${h.amount_fen}` })
        .where('id', '=', h.wallet_id)
        .execute();
      continue;
    }
    const stillHeld = await tx
      .selectFrom('wallet_holds')
      .select('order_id')
      .where('wallet_id', '=', h.wallet_id)
      .where('order_id', '<>', orderId)
      .executeTakeFirst();
    if (!stillHeld && entry.used_by !== null && !entry.used_by.startsWith('paid:')) {
      await tx
        .updateTable('wallet')
        .set({ status: 'available', used_by: null })
        .where('id', '=', h.wallet_id)
        .execute();
    }
  }
  await tx.deleteFrom('wallet_holds').where('order_id', '=', orderId).execute();
  return holds.length;
}

/** An order was paid: its coupons stay used for good, its envelope spend is final. */
export async function keepHolds(tx: Transaction<TradeDatabase>, orderId: string): Promise<void> {
  const holds = await tx
    .selectFrom('wallet_holds')
    .select('wallet_id')
    .where('order_id', '=', orderId)
    .execute();
  if (holds.length === 0) return;
  await tx
    .updateTable('wallet')
    .set({ used_by: sql`'paid:' || used_by` })
    .where(
      'id',
      'in',
      holds.map((h) => h.wallet_id),
    )
    .where('balance_fen', 'is', null)
    .where('used_by', 'not like', 'paid:%')
    .execute();
  await tx.deleteFrom('wallet_holds').where('order_id', '=', orderId).execute();
}
