import { afterEach, describe, expect, it } from 'vitest';
import { bareOrderRow } from '../store/__fixtures__/order-row.ts';
import type { TradeBatch } from '../store/ports.ts';
import { SqliteTradeStore } from '../store/sql/sqlite-trade-store.ts';
import { GroupCommit } from './group-commit.ts';

/** The real in-memory store, keeping the order ids of each batch it was given. */
class RecordingStore extends SqliteTradeStore {
  readonly batches: string[][] = [];
  failNext = false;

  constructor() {
    super({ file: ':memory:' });
  }

  override async commit(batch: TradeBatch): Promise<void> {
    this.batches.push(batch.orders.map((o) => o.id));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    return super.commit(batch);
  }
}

let stores: SqliteTradeStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

async function recordingStore(): Promise<RecordingStore> {
  const store = new RecordingStore();
  stores.push(store);
  await store.migrate();
  return store;
}

/** Adds an order to the open batch and waits for it, as a use-case does. */
function place(commits: GroupCommit, id: string, undone: string[]): Promise<void> {
  commits.open.orders.push(bareOrderRow(id));
  return commits.wait(() => undone.push(id));
}

describe('group commit', () => {
  it('writes what came in on one turn in one transaction and answers only after it', async () => {
    const store = await recordingStore();
    const commits = new GroupCommit(store);
    const answered: string[] = [];
    const waits = ['o1', 'o2', 'o3'].map((id) => place(commits, id, []).then(() => answered.push(id)));
    expect(store.batches).toEqual([]);
    await Promise.all(waits);
    expect(store.batches).toEqual([['o1', 'o2', 'o3']]);
    expect(answered).toEqual(['o1', 'o2', 'o3']);
    expect((await store.getOrder('o2'))?.id).toBe('o2');
  });

  it('never puts more than the batch limit in one transaction, and writes the batches in order', async () => {
    const store = await recordingStore();
    const commits = new GroupCommit(store, 4);
    const ids = Array.from({ length: 10 }, (_, i) => `o${i}`);
    await Promise.all(ids.map((id) => place(commits, id, [])));
    expect(store.batches).toEqual([
      ['o0', 'o1', 'o2', 'o3'],
      ['o4', 'o5', 'o6', 'o7'],
      ['o8', 'o9'],
    ]);
    expect(commits.stats).toMatchObject({ batches: 3, largestBatch: 4, writes: 10 });
  });

  it('undoes a failed batch newest first and refuses its waiters; the next batch is written', async () => {
    const store = await recordingStore();
    const commits = new GroupCommit(store, 2);
    const undone: string[] = [];
    store.failNext = true;
    const outcomes = await Promise.allSettled(['o1', 'o2', 'o3'].map((id) => place(commits, id, undone)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(undone).toEqual(['o2', 'o1']);
    expect(await store.getOrder('o1')).toBeUndefined();
    expect((await store.getOrder('o3'))?.id).toBe('o3');
  });

  it('drain waits for every batch, sealed or open', async () => {
    const store = await recordingStore();
    const commits = new GroupCommit(store, 3);
    for (let i = 0; i < 7; i++) void place(commits, `o${i}`, []);
    await commits.drain();
    expect(store.batches.flat()).toHaveLength(7);
    expect(commits.stats.batches).toBe(3);
  });
});
