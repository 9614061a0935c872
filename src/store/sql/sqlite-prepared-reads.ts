// The reads a request makes, on the embedded store: Kysely builds each query once (the same query
// TradeReads runs on PostgreSQL), better-sqlite3 prepares its SQL once, and every request only
// binds its values. Through Kysely each read would be compiled and prepared again per request,
// which the rehearsal showed at about a tenth of the server's time.
import type Database from 'better-sqlite3';
import type { Compilable, Kysely, Selectable } from 'kysely';
import type { IdempotencyRow, OrderRow, SeqRun, StoredEvent, TimerRow, WalletRow } from '../ports.ts';
import { SQLITE_EVENTS_AND_MISSING, sqliteRunsParameter } from './event-log-reads.ts';
import type { TradeDatabase } from './schema.ts';
import {
  mergeDue,
  requestReads,
  toIdempotencyRow,
  toOrderRow,
  toStoredEvent,
  toTimerRow,
  toWalletRow,
} from './trade-reads.ts';

type Tables = TradeDatabase;

export class SqlitePreparedReads {
  private readonly order: Database.Statement;
  private readonly orders: Database.Statement;
  private readonly timers: Database.Statement;
  private readonly deadlines: Database.Statement;
  private readonly idempotent: Database.Statement;
  private readonly events: Database.Statement;
  private readonly eventsAndMissing: Database.Statement;
  private readonly wallet: Database.Statement;

  constructor(sqlite: Database.Database, db: Kysely<TradeDatabase>) {
    const prepare = (query: Compilable, ...bound: unknown[]) => prepareBound(sqlite, query, bound);
    // Each query is compiled with marker values, so its placeholders are known to take the
    // arguments in the order the methods below pass them.
    this.order = prepare(requestReads.getOrder(db, '\u0000id'), '\u0000id');
    this.orders = prepare(requestReads.listOrders(db, '\u0000buyer', 7_001), '\u0000buyer', 7_001);
    this.timers = prepare(requestReads.dueTimers(db, 7_002, 7_003), 7_002, 7_003);
    this.deadlines = prepare(requestReads.paymentDeadlinesDue(db, 7_006, 7_007), 7_006, 7_007);
    this.idempotent = prepare(
      requestReads.getIdempotent(db, '\u0000buyer', '\u0000key'),
      '\u0000buyer',
      '\u0000key',
    );
    this.events = prepare(requestReads.readEvents(db, 7_004, 7_005), 7_004, 7_005);
    this.eventsAndMissing = sqlite.prepare(SQLITE_EVENTS_AND_MISSING);
    this.wallet = prepare(requestReads.listWallet(db, '\u0000buyer'), '\u0000buyer');
  }

  getOrder = async (id: string): Promise<OrderRow | undefined> => {
    const row = this.order.get(id) as Selectable<Tables['orders']> | undefined;
    return row && toOrderRow(row);
  };

  listOrders = async (buyerId: string, limit: number): Promise<OrderRow[]> =>
    (this.orders.all(buyerId, limit) as Selectable<Tables['orders']>[]).map(toOrderRow);

  dueTimers = async (nowMs: number, limit: number): Promise<TimerRow[]> => {
    const orders = this.deadlines.all(nowMs, limit) as { id: string; deadline_at: number }[];
    const timers = (this.timers.all(nowMs, limit) as Selectable<Tables['timers']>[]).map(toTimerRow);
    return mergeDue(orders, timers, limit);
  };

  getIdempotent = async (buyerId: string, key: string): Promise<IdempotencyRow | undefined> => {
    const row = this.idempotent.get(buyerId, key) as Selectable<Tables['idempotency']> | undefined;
    return row && toIdempotencyRow(row);
  };

  readEvents = async (
    afterSeq: number,
    limit: number,
    missing: readonly SeqRun[] = [],
  ): Promise<StoredEvent[]> => {
    const rows =
      missing.length === 0
        ? this.events.all(afterSeq, limit)
        : this.eventsAndMissing.all({ runs: sqliteRunsParameter(missing), after: afterSeq, limit });
    return (rows as Selectable<Tables['events']>[]).map(toStoredEvent);
  };

  listWallet = async (buyerId: string): Promise<WalletRow[]> =>
    (this.wallet.all(buyerId) as Selectable<Tables['wallet']>[]).map(toWalletRow);
}

function prepareBound(sqlite: Database.Database, query: Compilable, bound: unknown[]): Database.Statement {
  const compiled = query.compile();
  const same =
    compiled.parameters.length === bound.length && compiled.parameters.every((p, i) => p === bound[i]);
  if (!same) throw new Error(`a prepared read binds its values in another order: ${compiled.sql}`);
  return sqlite.prepare(compiled.sql);
}
