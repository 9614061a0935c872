// PostgreSQL behind the same TradeStore port as the embedded default (ARCHITECTURE.md: production
// runs on PostgreSQL). Reads are the shared Kysely queries; a group commit is one transaction of
// multi-row statements, so a batch of a thousand orders costs a handful of round trips.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { SkuStock } from '../../domain/stock-ledger.ts';
import type { SeqRun, TradeBatch, TradeStore } from '../ports.ts';
import { readPostgresEvents } from './event-log-reads.ts';
import { migrateToLatest } from './migrations.ts';
import { asWriteRefused } from './postgres-refusal.ts';
import { eventValues, paymentValues, walletValues } from './postgres-rows.ts';
import { parsePostgresUrl } from './postgres-url.ts';
import type { TradeDatabase } from './schema.ts';
import { TradeReads } from './trade-reads.ts';

/** PostgreSQL allows 65,535 parameters a statement; rows are written in chunks well below it. */
const ROWS_PER_STATEMENT = 1_000;

export interface PostgresOptions {
  /** postgres://user@host:port/db, optionally with ?schema=NAME (default public). */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export class PostgresTradeStore implements TradeStore {
  readonly db: Kysely<TradeDatabase>;
  readonly schema: string;
  private readonly reads: TradeReads;
  private readonly pool: pg.Pool;

  constructor(options: PostgresOptions) {
    const { connectionString, schema } = parsePostgresUrl(options.url);
    this.schema = schema;
    this.pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      // Every connection works in the sale's schema, so parallel test runs never meet. A transaction
      // left open (a process frozen mid-write) is ended within a minute: the live board waits
      // 5 minutes for the seqs of an open transaction (live/missing-seqs.ts), then gives them up.
      options: `-c search_path=${schema} -c idle_in_transaction_session_timeout=60000`,
    });
    this.db = new Kysely<TradeDatabase>({ dialect: new PostgresDialect({ pool: this.pool }) });
    this.reads = new TradeReads(this.db);
  }

  /**
   * Makes the sale's schema if need be and runs what has not run; returns the names that ran.
   * Kysely's migrator makes the schema (its own tables live there), looking first and looking
   * again after a failed CREATE, so servers starting at once on a new schema all succeed, and a
   * role that owns its schema needs no right to create schemas.
   */
  async migrate(): Promise<string[]> {
    // Servers starting at once on a new schema: one may look into the schema while another's
    // CREATE SCHEMA is not yet committed (3F000 invalid_schema_name); a moment later it is there.
    for (let attempt = 1; ; attempt++) {
      try {
        return await migrateToLatest(this.db, 'postgres', this.schema);
      } catch (error) {
        if ((error as { code?: string }).code !== '3F000' || attempt === 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  async openStock(initial: ReadonlyMap<string, number>): Promise<Map<string, SkuStock>> {
    const rows = [...initial].map(([sku, qty]) => ({
      sku,
      initial: qty,
      restocked: 0,
      available: qty,
      reserved: 0,
      sold: 0,
    }));
    for (const chunk of chunks(rows)) {
      await this.db
        .insertInto('stock')
        .values(chunk)
        .onConflict((c) => c.column('sku').doNothing())
        .execute();
    }
    const stored = await this.db.selectFrom('stock').selectAll().execute();
    return new Map(
      stored.map((r) => [
        r.sku,
        {
          initial: Number(r.initial),
          restocked: Number(r.restocked),
          available: Number(r.available),
          reserved: Number(r.reserved),
          sold: Number(r.sold),
        },
      ]),
    );
  }

  loadPendingOrders = () => this.reads.loadPendingOrders();
  loadOfferCounters = () => this.reads.loadOfferCounters();
  dueTimers = (nowMs: number, limit: number) => this.reads.dueTimers(nowMs, limit);
  getOrder = (id: string) => this.reads.getOrder(id);
  paymentOfRef = (channelRef: string) => this.reads.paymentOfRef(channelRef);
  listOrders = (buyerId: string, limit: number) => this.reads.listOrders(buyerId, limit);
  getIdempotent = (buyerId: string, key: string) => this.reads.getIdempotent(buyerId, key);
  forEachIdempotencyKey = (visit: (buyerId: string, key: string) => void) =>
    this.reads.forEachIdempotencyKey(visit);
  readEvents = (afterSeq: number, limit: number, missing?: readonly SeqRun[]) =>
    readPostgresEvents(this.db, afterSeq, limit, missing);
  listWallet = (buyerId: string) => this.reads.listWallet(buyerId);
  loadWallet = () => this.reads.loadWallet();
  loadSkuActions = () => this.reads.loadSkuActions();
  loadRestocks = () => this.reads.loadRestocks();

  async commit(batch: TradeBatch): Promise<void> {
    try {
      await this.db.transaction().execute((tx) => writeBatch(tx, batch));
    } catch (error) {
      throw asWriteRefused(error);
    }
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

async function writeBatch(tx: Kysely<TradeDatabase>, b: TradeBatch): Promise<void> {
  for (const [sku, d] of b.stock) {
    await tx
      .updateTable('stock')
      .set((eb) => ({
        available: eb('available', '+', d.available),
        reserved: eb('reserved', '+', d.reserved),
        sold: eb('sold', '+', d.sold),
        restocked: eb('restocked', '+', d.restocked),
      }))
      .where('sku', '=', sku)
      .execute();
  }
  for (const chunk of chunks(b.orders)) {
    await tx
      .insertInto('orders')
      .values(
        chunk.map((o) => ({
          id: o.id,
          checkout_id: o.checkoutId,
          buyer_id: o.buyerId,
          store_id: o.storeId,
          status: o.status,
          payable_fen: o.payableFen,
          amount_fen: o.amountFen,
          list_total_fen: o.listTotalFen,
          placed_at: o.placedAt,
          deadline_at: o.deadlineAt,
          paid_at: o.paidAt,
          closed_at: o.closedAt,
          payment_channel: o.paymentChannel,
          payment_ref: o.paymentRef,
          detail: o.detail,
        })),
      )
      .execute();
  }
  for (const u of b.orderUpdates) {
    await tx
      .updateTable('orders')
      .set((eb) => ({
        status: u.status,
        paid_at: eb.fn.coalesce(eb.val(u.paidAt ?? null), 'paid_at'),
        closed_at: eb.fn.coalesce(eb.val(u.closedAt ?? null), 'closed_at'),
        payment_channel: eb.fn.coalesce(eb.val(u.paymentChannel ?? null), 'payment_channel'),
        payment_ref: eb.fn.coalesce(eb.val(u.paymentRef ?? null), 'payment_ref'),
      }))
      .where('id', '=', u.id)
      .execute();
  }
  for (const chunk of chunks(b.events)) {
    await tx.insertInto('events').values(chunk.map(eventValues)).execute();
  }
  for (const chunk of chunks(b.timers)) {
    await tx
      .insertInto('timers')
      .values(chunk.map((t) => ({ id: t.id, kind: t.kind, ref: t.ref, due_at: t.dueAt, fired_at: null })))
      .execute();
  }
  for (const chunk of chunks(b.timersFired)) {
    // One statement per chunk (a paid order's deadline is one row of it), each timer fired once.
    const fired = sql.join(chunk.map((t) => sql`(${t.id}, ${t.at}::bigint)`));
    await sql`UPDATE timers AS t SET fired_at = v.at FROM (VALUES ${fired}) AS v(id, at)
      WHERE t.id = v.id AND t.fired_at IS NULL`.execute(tx);
  }
  for (const chunk of chunks(b.idempotency)) {
    await tx
      .insertInto('idempotency')
      .values(
        chunk.map((i) => ({
          buyer_id: i.buyerId,
          key: i.key,
          request_hash: i.requestHash,
          status_code: i.statusCode,
          response: i.response,
          created_at: i.createdAt,
        })),
      )
      // The first answer stays. A second one comes only from a server that stalled past its
      // claim (services/idempotency.ts); failing the whole batch would take other buyers' orders
      // down with it.
      .onConflict((c) => c.columns(['buyer_id', 'key']).doNothing())
      .execute();
  }
  for (const chunk of chunks(b.payments)) {
    await tx.insertInto('payments').values(chunk.map(paymentValues)).execute();
  }
  for (const o of b.offers.values()) {
    if (o.units === 0 && o.spentFen === 0) continue;
    await tx
      .insertInto('offer_usage')
      .values({ offer_id: o.offerId, buyer_id: o.buyerId, units: o.units, spent_fen: o.spentFen })
      .onConflict((c) =>
        c.columns(['offer_id', 'buyer_id']).doUpdateSet((eb) => ({
          units: eb('offer_usage.units', '+', eb.ref('excluded.units')),
          spent_fen: eb('offer_usage.spent_fen', '+', eb.ref('excluded.spent_fen')),
        })),
      )
      .execute();
  }
  for (const chunk of chunks(b.wallet)) {
    await tx.insertInto('wallet').values(chunk.map(walletValues)).execute();
  }
  for (const u of b.walletUpdates) {
    await tx
      .updateTable('wallet')
      .set({
        status: u.status,
        balance_fen: u.balanceFen,
        used_by: u.usedBy,
        tasks_done: u.tasksDone,
        inflated: u.inflated ? 1 : 0,
      })
      .where('id', '=', u.id)
      .execute();
  }
  for (const a of b.skuActions) {
    await tx
      .insertInto('sku_actions')
      .values({ sku: a.sku, action: a.action, operator: a.operator, at: a.at })
      .onConflict((c) =>
        c.column('sku').doUpdateSet((eb) => ({
          action: eb.ref('excluded.action'),
          operator: eb.ref('excluded.operator'),
          at: eb.ref('excluded.at'),
        })),
      )
      .execute();
  }
  if (b.restocks.length > 0) await tx.insertInto('restocks').values(b.restocks).execute();
}
