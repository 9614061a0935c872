// The embedded default: SQLite in the same process (better-sqlite3). A request's reads are
// prepared once (sqlite-prepared-reads.ts), the rest go through Kysely; the group commit writes a whole batch in one transaction with prepared statements, since it is
// the hot path, on a writer thread of its own (sqlite-writer-thread.ts) unless the database is in
// memory. WAL with synchronous=FULL: a commit has reached the disk before it is acknowledged.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SkuStock } from '../../domain/stock-ledger.ts';
import { type SeqRun, type TradeBatch, type TradeStore, WriteRefused } from '../ports.ts';
import { migrateToLatest } from './migrations.ts';
import type { TradeDatabase } from './schema.ts';
import {
  type BatchStatements,
  commitBatch,
  configureConnection,
  prepareBatchStatements,
} from './sqlite-batch-write.ts';
import { SqlitePreparedReads } from './sqlite-prepared-reads.ts';
import { SqliteWriterThread } from './sqlite-writer-thread.ts';
import { TradeReads } from './trade-reads.ts';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  file: string;
  /** 'full' (default) survives power loss; 'normal' survives a process crash. */
  synchronous?: 'full' | 'normal';
  /** Where batches are written: 'thread' (the default for a file) or 'main' (always for ':memory:'). */
  writer?: 'thread' | 'main';
  /** Hears if the writer thread dies; from then on every commit is refused. */
  onWriterFailure?: (error: Error) => void;
}

export class SqliteTradeStore implements TradeStore {
  readonly sqlite: Database.Database;
  readonly db: Kysely<TradeDatabase>;
  private readonly reads: TradeReads;
  private statements: BatchStatements | null = null;
  private writer: SqliteWriterThread | null = null;
  /** Whether batches are written on the writer thread (a file) or on this one (':memory:'). */
  readonly writesOnThread: boolean;
  private closed = false;
  private preparedReads: SqlitePreparedReads | null = null;

  constructor(private readonly options: SqliteOptions) {
    this.sqlite = new Database(options.file);
    configureConnection(this.sqlite, options.synchronous ?? 'full');
    this.writesOnThread = options.file !== ':memory:' && (options.writer ?? 'thread') === 'thread';
    this.db = new Kysely<TradeDatabase>({ dialect: new SqliteDialect({ database: this.sqlite }) });
    this.reads = new TradeReads(this.db);
  }

  async migrate(): Promise<string[]> {
    const ran = await migrateToLatest(this.db, 'sqlite');
    if (!this.writesOnThread) this.statements = prepareBatchStatements(this.sqlite);
    else if (!this.writer)
      this.writer = await SqliteWriterThread.start(
        this.options.file,
        this.options.synchronous ?? 'full',
        this.options.onWriterFailure,
      );
    return ran;
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

  async ping(): Promise<void> {
    this.sqlite.prepare('SELECT 1').get();
  }

  loadPendingOrders = () => this.reads.loadPendingOrders();
  loadOfferCounters = () => this.reads.loadOfferCounters();
  dueTimers = (nowMs: number, limit: number) => this.prepared().dueTimers(nowMs, limit);
  getOrder = (id: string) => this.prepared().getOrder(id);
  paymentOfRef = (channelRef: string) => this.reads.paymentOfRef(channelRef);
  listOrders = (buyerId: string, limit: number) => this.prepared().listOrders(buyerId, limit);
  getIdempotent = (buyerId: string, key: string) => this.prepared().getIdempotent(buyerId, key);
  forEachIdempotencyKey = (visit: (buyerId: string, key: string) => void) =>
    this.reads.forEachIdempotencyKey(visit);
  readEvents = (afterSeq: number, limit: number, missing?: readonly SeqRun[]) =>
    this.prepared().readEvents(afterSeq, limit, missing);
  listWallet = (buyerId: string) => this.prepared().listWallet(buyerId);
  loadWallet = () => this.reads.loadWallet();
  loadSkuActions = () => this.reads.loadSkuActions();
  loadRestocks = () => this.reads.loadRestocks();

  /** The per-request reads, prepared once the schema exists. */
  private prepared(): SqlitePreparedReads {
    this.preparedReads ??= new SqlitePreparedReads(this.sqlite, this.db);
    return this.preparedReads;
  }

  async commit(batch: TradeBatch): Promise<void> {
    if (this.writer) return this.writer.commit(batch);
    if (!this.statements) throw new Error('migrate() before commit()');
    try {
      commitBatch(this.sqlite, this.statements, batch);
    } catch (error) {
      throw new WriteRefused(error); // the transaction threw, so it rolled back
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer?.close();
    this.writer = null;
    await this.db.destroy();
  }
}
