// The embedded default: SQLite in the same process (better-sqlite3). Reads go through Kysely;
// the group commit writes a whole batch in one transaction with prepared statements, since it is
// the hot path. WAL with synchronous=FULL: a commit has reached the disk before it is acknowledged.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SkuStock } from '../../domain/stock-ledger.ts';
import type { TradeBatch, TradeStore } from '../ports.ts';
import { migrateToLatest } from './migrations.ts';
import type { TradeDatabase } from './schema.ts';
import { TradeReads } from './trade-reads.ts';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  file: string;
  /** 'full' (default) survives power loss; 'normal' survives a process crash. */
  synchronous?: 'full' | 'normal';
}

export class SqliteTradeStore implements TradeStore {
  readonly sqlite: Database.Database;
  readonly db: Kysely<TradeDatabase>;
  private readonly reads: TradeReads;
  private statements: ReturnType<typeof prepare> | null = null;

  constructor(options: SqliteOptions) {
    this.sqlite = new Database(options.file);
    this.sqlite.pragma('journal_mode = WAL');
    this.sqlite.pragma(`synchronous = ${options.synchronous ?? 'full'}`);
    this.sqlite.pragma('busy_timeout = 5000');
    this.db = new Kysely<TradeDatabase>({ dialect: new SqliteDialect({ database: this.sqlite }) });
    this.reads = new TradeReads(this.db);
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.db, 'sqlite');
    this.statements = prepare(this.sqlite);
  }

  async openStock(initial: ReadonlyMap<string, number>): Promise<Map<string, SkuStock>> {
    const insert = this.sqlite.prepare(
      'INSERT INTO stock (sku, initial, restocked, available, reserved, sold) VALUES (?, ?, 0, ?, 0, 0) ON CONFLICT (sku) DO NOTHING',
    );
    this.sqlite.transaction(() => {
      for (const [sku, qty] of initial) insert.run(sku, qty, qty);
    })();
    const rows = await this.db.selectFrom('stock').selectAll().execute();
    return new Map(
      rows.map((r) => [
        r.sku,
        {
          initial: r.initial,
          restocked: r.restocked,
          available: r.available,
          reserved: r.reserved,
          sold: r.sold,
        },
      ]),
    );
  }

  loadPendingOrders = () => this.reads.loadPendingOrders();
  loadOfferCounters = () => this.reads.loadOfferCounters();
  dueTimers = (nowMs: number, limit: number) => this.reads.dueTimers(nowMs, limit);
  getOrder = (id: string) => this.reads.getOrder(id);
  listOrders = (buyerId: string, limit: number) => this.reads.listOrders(buyerId, limit);
  getIdempotent = (buyerId: string, key: string) => this.reads.getIdempotent(buyerId, key);
  readEvents = (afterSeq: number, limit: number) => this.reads.readEvents(afterSeq, limit);
  listWallet = (buyerId: string) => this.reads.listWallet(buyerId);
  loadWallet = () => this.reads.loadWallet();
  loadSkuActions = () => this.reads.loadSkuActions();

  async commit(batch: TradeBatch): Promise<void> {
    const s = this.statements;
    if (!s) throw new Error('migrate() before commit()');
    this.sqlite.transaction(() => writeBatch(s, batch))();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

function prepare(db: Database.Database) {
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
    walletUpdate: db.prepare(
      'UPDATE wallet SET status = ?, balance_fen = ?, used_by = ?, tasks_done = ?, inflated = ? WHERE id = ?',
    ),
  };
}

function writeBatch(s: ReturnType<typeof prepare>, b: TradeBatch): void {
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
}
