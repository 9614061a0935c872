// The group commit's writes on SQLite: one prepared statement per kind of row, and the whole batch
// in one transaction. Used by the writer thread (sqlite-writer-thread.ts) and, for an in-memory
// database, which no second connection can open, on the main thread.
import type Database from 'better-sqlite3';
import type { TradeBatch } from '../ports.ts';

export type BatchStatements = ReturnType<typeof prepareBatchStatements>;

/** Opens a connection the way every dacu SQLite connection is opened: WAL, the chosen fsync level. */
export function configureConnection(db: Database.Database, synchronous: 'full' | 'normal'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
}

/** Writes the whole batch in one transaction: all of it or none of it. */
export function commitBatch(db: Database.Database, s: BatchStatements, batch: TradeBatch): void {
  db.transaction(() => writeBatch(s, batch))();
}

export function prepareBatchStatements(db: Database.Database) {
  return {
    stock: db.prepare(
      'UPDATE stock SET available = available + ?, reserved = reserved + ?, sold = sold + ?, restocked = restocked + ? WHERE sku = ?',
    ),
    order: db.prepare(
      `INSERT INTO orders (id, checkout_id, buyer_id, store_id, status, payable_fen, amount_fen, list_total_fen,
        placed_at, deadline_at, paid_at, closed_at, payment_channel, payment_ref, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    orderUpdate: db.prepare(
      `UPDATE orders SET status = ?, paid_at = COALESCE(?, paid_at), closed_at = COALESCE(?, closed_at),
        payment_channel = COALESCE(?, payment_channel), payment_ref = COALESCE(?, payment_ref) WHERE id = ?`,
    ),
    event: db.prepare('INSERT INTO events (at, type, order_id, buyer_id, payload) VALUES (?,?,?,?,?)'),
    timer: db.prepare('INSERT INTO timers (id, kind, ref, due_at, fired_at) VALUES (?,?,?,?,NULL)'),
    timerFired: db.prepare('UPDATE timers SET fired_at = ? WHERE id = ? AND fired_at IS NULL'),
    idempotency: db.prepare(
      'INSERT INTO idempotency (buyer_id, key, request_hash, status_code, response, created_at) VALUES (?,?,?,?,?,?)',
    ),
    payment: db.prepare(
      `INSERT INTO payments (id, order_ids, buyer_id, channel, channel_ref, status, amount_fen, attempts, created_at)
        VALUES (?,?,?,?,?,?,?,?,?)`,
    ),
    offer: db.prepare(
      `INSERT INTO offer_usage (offer_id, buyer_id, units, spent_fen) VALUES (?,?,?,?)
        ON CONFLICT (offer_id, buyer_id) DO UPDATE SET units = units + excluded.units, spent_fen = spent_fen + excluded.spent_fen`,
    ),
    wallet: db.prepare(
      `INSERT INTO wallet (id, buyer_id, coupon_id, balance_fen, source, created_at, status, used_by, tasks_done, inflated)
        VALUES (?,?,?,?,?,?,?,?,?,?)`,
    ),
    skuAction: db.prepare(
      `INSERT INTO sku_actions (sku, action, operator, at) VALUES (?,?,?,?)
        ON CONFLICT (sku) DO UPDATE SET action = excluded.action, operator = excluded.operator, at = excluded.at`,
    ),
    restock: db.prepare('INSERT INTO restocks (id, sku, units, operator, note, at) VALUES (?,?,?,?,?,?)'),
    walletUpdate: db.prepare(
      'UPDATE wallet SET status = ?, balance_fen = ?, used_by = ?, tasks_done = ?, inflated = ? WHERE id = ?',
    ),
  };
}

function writeBatch(s: BatchStatements, b: TradeBatch): void {
  for (const [sku, d] of b.stock) s.stock.run(d.available, d.reserved, d.sold, d.restocked, sku);
  for (const o of b.orders) {
    s.order.run(
      o.id,
      o.checkoutId,
      o.buyerId,
      o.storeId,
      o.status,
      o.payableFen,
      o.amountFen,
      o.listTotalFen,
      o.placedAt,
      o.deadlineAt,
      o.paidAt,
      o.closedAt,
      o.paymentChannel,
      o.paymentRef,
      o.detail,
    );
  }
  for (const u of b.orderUpdates) {
    s.orderUpdate.run(
      u.status,
      u.paidAt ?? null,
      u.closedAt ?? null,
      u.paymentChannel ?? null,
      u.paymentRef ?? null,
      u.id,
    );
  }
  for (const e of b.events) s.event.run(e.at, e.type, e.orderId, e.buyerId, e.payload);
  for (const t of b.timers) s.timer.run(t.id, t.kind, t.ref, t.dueAt);
  for (const t of b.timersFired) s.timerFired.run(t.at, t.id);
  for (const i of b.idempotency)
    s.idempotency.run(i.buyerId, i.key, i.requestHash, i.statusCode, i.response, i.createdAt);
  for (const p of b.payments) {
    s.payment.run(
      p.id,
      p.orderIds,
      p.buyerId,
      p.channel,
      p.channelRef,
      p.status,
      p.amountFen,
      p.attempts,
      p.createdAt,
    );
  }
  for (const o of b.offers.values()) {
    if (o.units !== 0 || o.spentFen !== 0) s.offer.run(o.offerId, o.buyerId, o.units, o.spentFen);
  }
  for (const w of b.wallet) {
    s.wallet.run(
      w.id,
      w.buyerId,
      w.couponId,
      w.balanceFen,
      w.source,
      w.createdAt,
      w.status,
      w.usedBy,
      w.tasksDone,
      w.inflated ? 1 : 0,
    );
  }
  for (const u of b.walletUpdates) {
    s.walletUpdate.run(u.status, u.balanceFen, u.usedBy, u.tasksDone, u.inflated ? 1 : 0, u.id);
  }
  for (const a of b.skuActions) s.skuAction.run(a.sku, a.action, a.operator, a.at);
  for (const r of b.restocks) s.restock.run(r.id, r.sku, r.units, r.operator, r.note, r.at);
}
