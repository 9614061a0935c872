// 资金核对: every charge the payment channels took during the rehearsal is either booked (a
// succeeded payment of an order) or given back (a refund). Checked when simulate started the
// server in this process, on the simulated channels (which count what they take and give back)
// and the embedded database: the channels' net takings since the start against the payments
// written since (payments rows are only ever inserted, so their rowids grow).
import { SimulatedChannel } from '../services/payments/simulated-channel.ts';
import type { TradeEngine } from '../services/trade-engine.ts';
import { SqliteTradeStore } from '../store/sql/sqlite-trade-store.ts';

/** Where the money stood when the rehearsal began. */
export interface MoneyMark {
  takenFen: number;
  paymentsRowid: number;
}

/** The channels' money and the booked payments since the mark, in fen. */
export interface MoneySince {
  /** What the channels took and kept (charged minus refunded). */
  takenFen: number;
  /** What succeeded payments booked. */
  bookedFen: number;
}

/** Null when the engine is not in this process, its channels are not simulated, or it is not SQLite. */
export function markMoney(engine: TradeEngine | null): MoneyMark | null {
  const sides = moneySides(engine);
  if (!sides) return null;
  const row = sides.store.sqlite.prepare('SELECT coalesce(max(rowid), 0) AS n FROM payments').get() as {
    n: number;
  };
  return { takenFen: netTaken(sides.channels), paymentsRowid: row.n };
}

/** Call once every batch is written (the group commit drained). */
export function moneySince(engine: TradeEngine | null, mark: MoneyMark | null): MoneySince | null {
  const sides = moneySides(engine);
  if (!sides || !mark) return null;
  const row = sides.store.sqlite
    .prepare(
      "SELECT coalesce(sum(amount_fen), 0) AS fen FROM payments WHERE status = 'succeeded' AND rowid > ?",
    )
    .get(mark.paymentsRowid) as { fen: number };
  return { takenFen: netTaken(sides.channels) - mark.takenFen, bookedFen: row.fen };
}

function moneySides(
  engine: TradeEngine | null,
): { store: SqliteTradeStore; channels: SimulatedChannel[] } | null {
  if (!engine || !(engine.ctx.store instanceof SqliteTradeStore)) return null;
  const channels = engine.ctx.channels;
  if (!channels.every((c) => c instanceof SimulatedChannel)) return null;
  return { store: engine.ctx.store, channels: channels as SimulatedChannel[] };
}

function netTaken(channels: readonly SimulatedChannel[]): number {
  return channels.reduce((sum, c) => {
    const t = c.takings();
    return sum + t.chargedFen - t.refundedFen;
  }, 0);
}
