// The tail folds every committed event once, however transactions interleave: on a real PostgreSQL,
// where a lower seq commits after a higher one (a transaction held open on one connection while
// another commits); against a model log whose rows appear in any order, some never; and on SQLite,
// whose one writer commits in order, through the plain read only.
import fc from 'fast-check';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropTestSchema, freshPostgresUrl } from '../../test/support/test-store.ts';
import { emptyBatch, type SeqRun, type StoredEvent } from '../store/ports.ts';
import { PostgresTradeStore } from '../store/sql/postgres-trade-store.ts';
import { parsePostgresUrl } from '../store/sql/postgres-url.ts';
import { SqliteTradeStore } from '../store/sql/sqlite-trade-store.ts';
import { EventTail } from './event-tail.ts';

/** Records the seqs folded, in the order they came. */
function recorder(): { folded: number[]; apply(event: StoredEvent): void } {
  const folded: number[] = [];
  return { folded, apply: (event) => folded.push(event.seq) };
}

const WAIT_MS = 60_000;

describe('EventTail on PostgreSQL', () => {
  // Each test has a schema of its own: a tail rebuilding from seq 0 would wait for another's seqs.
  let url: string;
  let store: PostgresTradeStore;
  const connections: pg.Client[] = [];
  /** A connection of its own, like another server's. */
  const connect = async () => {
    const { connectionString, schema } = parsePostgresUrl(url);
    const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
    await client.connect();
    connections.push(client);
    return client;
  };
  const insert = async (client: pg.Client, type: string): Promise<number> => {
    const { rows } = await client.query<{ seq: string }>(
      "INSERT INTO events (at, type, payload) VALUES (1, $1, '{}') RETURNING seq",
      [type],
    );
    return Number(rows[0]!.seq);
  };
  beforeEach(async () => {
    url = freshPostgresUrl();
    store = new PostgresTradeStore({ url, poolSize: 2 });
    await store.migrate();
  });
  afterEach(async () => {
    for (const client of connections.splice(0)) await client.end();
    await store.close();
    await dropTestSchema(url);
  });

  it('folds a seq that commits after a higher one when it arrives, each once; gives up one that never does', async () => {
    const [slow, fast] = [await connect(), await connect()];
    const target = recorder();
    let nowMs = 0;
    const tail = new EventTail(store, target, { missingWaitMs: WAIT_MS, clockMs: () => nowMs });

    await slow.query('BEGIN');
    const late = await insert(slow, 'OrderPlaced'); // its seq is taken; the commit comes later
    const early = await insert(fast, 'OrderPlaced');
    expect(early).toBe(late + 1);
    expect(await tail.catchUp()).toBe(1);
    expect(tail.waitingFor).toEqual([{ lo: late, hi: late }]);
    await slow.query('COMMIT');
    expect(await tail.catchUp()).toBe(1);
    expect(await tail.catchUp()).toBe(0);
    expect(target.folded).toEqual([early, late]);
    expect([tail.seq, tail.waitingFor, tail.givenUp]).toEqual([early, [], 0]);

    // A transaction that rolls back: its seq is waited for, then given up, and counted.
    await slow.query('BEGIN');
    const never = await insert(slow, 'OrderPlaced');
    const after = await insert(fast, 'OrderPaid');
    expect(await tail.catchUp()).toBe(1);
    await slow.query('ROLLBACK');
    nowMs += WAIT_MS - 1;
    expect(await tail.catchUp()).toBe(0);
    expect(tail.waitingFor).toEqual([{ lo: never, hi: never }]);
    nowMs += 1;
    expect(await tail.catchUp()).toBe(0);
    expect([tail.waitingFor, tail.givenUp]).toEqual([[], 1]);
    expect(target.folded).toEqual([early, late, after]);
  });

  it('reads what committed late in the order it committed in, across pages', async () => {
    // Two slow transactions hold runs of seqs; a fast one commits above them. The first slow one
    // commits, then a fast one builds on it: one read returns them in seq order.
    const [a, b, fast] = [await connect(), await connect(), await connect()];
    const target = recorder();
    const tail = new EventTail(store, target, { pageSize: 2 });
    const start = await insert(fast, 'OrderPlaced');
    expect(await tail.catchUp()).toBe(1);
    await a.query('BEGIN');
    const aSeqs = [await insert(a, 'OrderPlaced'), await insert(a, 'OrderPlaced')];
    await b.query('BEGIN');
    const bSeqs = [await insert(b, 'OrderPlaced')];
    const top = await insert(fast, 'OrderPlaced');
    expect(await tail.catchUp()).toBe(1);
    expect(tail.waitingFor).toEqual([{ lo: start + 1, hi: top - 1 }]);
    await a.query('COMMIT');
    const next = await insert(fast, 'OrderPaid');
    await b.query('COMMIT');
    expect(await tail.catchUp()).toBe(4);
    expect(target.folded).toEqual([start, top, ...aSeqs, ...bSeqs, next]);
    expect(tail.waitingFor).toEqual([]);
  });
});

/** A log whose rows become visible in any order; readEvents keeps the port's promise. */
class ModelLog {
  private readonly visible = new Map<number, StoredEvent>();
  commit(seq: number): void {
    this.visible.set(seq, {
      seq,
      at: seq,
      type: 'OrderPlaced',
      orderId: `o${seq}`,
      buyerId: null,
      payload: '{}',
    });
  }
  readEvents = async (afterSeq: number, limit: number, missing: readonly SeqRun[] = []) =>
    [...this.visible.values()]
      .filter((e) => e.seq > afterSeq || missing.some((run) => run.lo <= e.seq && e.seq <= run.hi))
      .sort((x, y) => x.seq - y.seq)
      .slice(0, limit);
}

describe('EventTail against a model log', () => {
  it('folds every committed seq once, whatever the commit order, and gives up only those never committed', async () => {
    const commits = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.record({
        order: fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i + 1),
          { minLength: n, maxLength: n },
        ),
        rolledBack: fc.uniqueArray(fc.integer({ min: 1, max: n })),
        pollAfter: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        pageSize: fc.integer({ min: 1, max: 5 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(commits, async ({ order, rolledBack, pollAfter, pageSize }) => {
        const log = new ModelLog();
        const target = recorder();
        let nowMs = 0;
        const tail = new EventTail(log, target, { pageSize, missingWaitMs: WAIT_MS, clockMs: () => nowMs });
        for (const [i, seq] of order.entries()) {
          if (!rolledBack.includes(seq)) log.commit(seq);
          if (pollAfter[i]) await tail.catchUp();
        }
        await tail.catchUp();
        const committed = order.filter((seq) => !rolledBack.includes(seq)).sort((x, y) => x - y);
        expect([...target.folded].sort((x, y) => x - y)).toEqual(committed);
        const top = committed.at(-1) ?? 0;
        const neverBelowTop = rolledBack.filter((seq) => seq < top).length;
        expect(tail.waitingFor.reduce((n, run) => n + run.hi - run.lo + 1, 0)).toBe(neverBelowTop);
        nowMs += WAIT_MS;
        expect(await tail.catchUp()).toBe(0);
        expect([tail.waitingFor, tail.givenUp, tail.seq]).toEqual([[], neverBelowTop, top]);
      }),
    );
  });
});

describe('EventTail on SQLite', () => {
  it('never waits for a seq: one writer commits in order, and every read is the plain one', async () => {
    const store = new SqliteTradeStore({ file: ':memory:' });
    await store.migrate();
    const asked: number[] = [];
    const reads = {
      readEvents: (afterSeq: number, limit: number, missing: readonly SeqRun[] = []) => {
        asked.push(missing.length);
        return store.readEvents(afterSeq, limit, missing);
      },
    };
    const target = recorder();
    const tail = new EventTail(reads, target, { pageSize: 3 });
    for (let round = 0; round < 5; round++) {
      const batch = emptyBatch();
      for (let i = 0; i < 4; i++)
        batch.events.push({
          at: round,
          type: 'OrderPlaced',
          orderId: `o${round}-${i}`,
          buyerId: null,
          payload: '{}',
        });
      await store.commit(batch);
      await tail.catchUp();
    }
    expect(target.folded).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(asked.every((runs) => runs === 0)).toBe(true);
    await store.close();
  });

  it('says up to when the board has every event: the sale-clock instant its last read that found the end began', async () => {
    const store = new SqliteTradeStore({ file: ':memory:' });
    await store.migrate();
    let saleNow = 1_000;
    const target = recorder();
    const tail = new EventTail(store, target, { pageSize: 2, saleClock: () => saleNow });
    expect(tail.caughtUpTo).toBeNull();
    const batch = emptyBatch();
    for (let i = 0; i < 3; i++)
      batch.events.push({ at: saleNow, type: 'OrderPlaced', orderId: `o${i}`, buyerId: null, payload: '{}' });
    await store.commit(batch);
    saleNow = 5_000;
    // Two pages: the first is full (more may follow), the second finds the end.
    const reads = {
      readEvents: (after: number, limit: number, missing: readonly SeqRun[]) => {
        saleNow += 100; // the sale's clock moves while the log is read
        return store.readEvents(after, limit, missing);
      },
    };
    const paced = new EventTail(reads, recorder(), { pageSize: 2, saleClock: () => saleNow });
    expect(await paced.catchUp()).toBe(3);
    expect(paced.caughtUpTo).toBe(5_100); // the second read began at 5 100
    expect(await tail.catchUp()).toBe(3);
    expect(tail.caughtUpTo).toBe(5_200);
    await store.close();
  });
});
