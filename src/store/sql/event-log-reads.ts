// The event log as the live board's tail reads it (live/event-tail.ts): the events after the last
// seq it folded, and those in the runs of seqs below it that it has not seen yet. On PostgreSQL a
// seq is taken when a transaction inserts the row, and transactions of several servers (and group
// commits) commit out of seq order, so a seq can appear after higher ones have been read.
//
// Both parts are read by one statement: it sees one snapshot, so an event never comes before one
// whose transaction committed before its own began (an order's OrderPlaced before its OrderPaid).
// Each part has its own LIMIT on the primary key, so a run that lingers (a rolled-back transaction's
// seqs never appear) costs one index probe per poll, never a scan of what was read since.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { SeqRun, StoredEvent } from '../ports.ts';
import type { TradeDatabase } from './schema.ts';
import { requestReads, toStoredEvent } from './trade-reads.ts';

type EventRecord = Selectable<TradeDatabase['events']>;

/**
 * PostgreSQL: the runs go as two arrays (one parameter each, however many runs). LATERAL makes it
 * an index range scan per run; as a plain join the planner walks the whole index in seq order to
 * serve ORDER BY … LIMIT (120 ms on 200,000 events, against under 1 ms).
 */
export async function readPostgresEvents(
  db: Kysely<TradeDatabase>,
  afterSeq: number,
  limit: number,
  missing: readonly SeqRun[] = [],
): Promise<StoredEvent[]> {
  if (missing.length === 0)
    return (await requestReads.readEvents(db, afterSeq, limit).execute()).map(toStoredEvent);
  const lo = missing.map((run) => run.lo);
  const hi = missing.map((run) => run.hi);
  const { rows } = await sql<EventRecord>`
    SELECT * FROM (
      (SELECT e.* FROM unnest(${lo}::int8[], ${hi}::int8[]) AS m(lo, hi)
         CROSS JOIN LATERAL
           (SELECT * FROM events WHERE seq BETWEEN m.lo AND m.hi ORDER BY seq LIMIT ${limit}) AS e
        ORDER BY e.seq LIMIT ${limit})
      UNION ALL
      (SELECT * FROM events WHERE seq > ${afterSeq} ORDER BY seq LIMIT ${limit})
    ) AS r ORDER BY seq LIMIT ${limit}`.execute(db);
  return rows.map(toStoredEvent);
}

/**
 * SQLite: one writer commits its seqs in order, so its tail never misses one and reads through the
 * plain prepared query; this one, bound with @runs as JSON [[lo, hi], …], keeps the port's promise.
 * CROSS JOIN keeps the runs outside, so each is a rowid range search, not a scan of the log.
 */
export const SQLITE_EVENTS_AND_MISSING = `
  SELECT * FROM (
    SELECT * FROM (
      SELECT e.* FROM json_each(@runs) AS m
        CROSS JOIN events AS e ON e.seq BETWEEN m.value ->> 0 AND m.value ->> 1
       ORDER BY e.seq LIMIT @limit)
    UNION ALL
    SELECT * FROM (SELECT * FROM events WHERE seq > @after ORDER BY seq LIMIT @limit)
  ) ORDER BY seq LIMIT @limit`;

export function sqliteRunsParameter(missing: readonly SeqRun[]): string {
  return JSON.stringify(missing.map((run) => [run.lo, run.hi]));
}
