// readEvents with runs of missing seqs, one suite on SQLite and on PostgreSQL: the events after a
// seq and those in the runs, in seq order, at most the limit, and nothing the reader did not ask for.
import { afterAll, describe, expect, it } from 'vitest';
import { dropTestSchema, freshPostgresUrl } from '../../../test/support/test-store.ts';
import type { SeqRun, TradeStore } from '../ports.ts';
import { PostgresTradeStore } from './postgres-trade-store.ts';
import { SqliteTradeStore } from './sqlite-trade-store.ts';

const pgUrl = freshPostgresUrl();
afterAll(() => dropTestSchema(pgUrl));

const backends: [string, () => SqliteTradeStore | PostgresTradeStore][] = [
  ['SQLite', () => new SqliteTradeStore({ file: ':memory:' })],
  ['PostgreSQL', () => new PostgresTradeStore({ url: pgUrl, poolSize: 2 })],
];

/** Seqs 1–4, 6, 9–12 are in the log; 5, 7 and 8 are not (yet). */
const PRESENT = [1, 2, 3, 4, 6, 9, 10, 11, 12];

async function logWith(make: () => SqliteTradeStore | PostgresTradeStore): Promise<TradeStore> {
  const store = make();
  await store.migrate();
  await store.db
    .insertInto('events')
    .values(
      PRESENT.map((seq) => ({
        seq,
        at: seq,
        type: 'OrderPlaced',
        order_id: `o${seq}`,
        buyer_id: null,
        payload: '{}',
      })),
    )
    .execute();
  return store;
}

const seqs = async (store: TradeStore, after: number, limit: number, missing?: SeqRun[]) =>
  (await store.readEvents(after, limit, missing)).map((e) => e.seq);

describe.each(backends)('readEvents on %s', (_, make) => {
  it('reads the runs of missing seqs and what follows, in seq order, within the limit', async () => {
    const store = await logWith(make);
    try {
      expect(await seqs(store, 9, 10)).toEqual([10, 11, 12]);
      expect(await seqs(store, 9, 10, [])).toEqual([10, 11, 12]);
      // 5, 7 and 8 are waited for: absent, so only what follows; 1–3 were read already.
      expect(
        await seqs(store, 9, 10, [
          { lo: 5, hi: 5 },
          { lo: 7, hi: 8 },
        ]),
      ).toEqual([10, 11, 12]);
      // Runs holding rows: theirs first (they are lower), then what follows, up to the limit.
      expect(
        await seqs(store, 9, 10, [
          { lo: 2, hi: 3 },
          { lo: 6, hi: 8 },
        ]),
      ).toEqual([2, 3, 6, 10, 11, 12]);
      expect(
        await seqs(store, 9, 4, [
          { lo: 2, hi: 3 },
          { lo: 6, hi: 8 },
        ]),
      ).toEqual([2, 3, 6, 10]);
      expect(await seqs(store, 9, 2, [{ lo: 1, hi: 8 }])).toEqual([1, 2]);
      expect(await seqs(store, 12, 5, [{ lo: 4, hi: 4 }])).toEqual([4]);
      const [event] = await store.readEvents(12, 5, [{ lo: 4, hi: 4 }]);
      expect(event).toEqual({
        seq: 4,
        at: 4,
        type: 'OrderPlaced',
        orderId: 'o4',
        buyerId: null,
        payload: '{}',
      });
    } finally {
      await store.close();
    }
  });
});
