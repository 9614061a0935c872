import { afterEach, describe, expect, it } from 'vitest';
import { bareOrderRow } from '../store/__fixtures__/order-row.ts';
import { type TradeBatch, WriteRefused } from '../store/ports.ts';
import { SqliteTradeStore } from '../store/sql/sqlite-trade-store.ts';
import { GroupCommit, GroupCommitStopped } from './group-commit.ts';

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

  it('undoes a failed batch and every batch built on it, newest first, and refuses all their waiters; later writes go on', async () => {
    const store = await recordingStore();
    const commits = new GroupCommit(store, 2);
    const undone: string[] = [];
    store.failNext = true;
    // o1 and o2 fill the first batch; o3 and o4 a second, sealed while the first is written; o5
    // waits in the open batch. All five were placed on top of o1 and o2.
    const ids = ['o1', 'o2', 'o3', 'o4', 'o5'];
    const outcomes = await Promise.allSettled(ids.map((id) => place(commits, id, undone)));
    expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 'rejected'));
    expect(store.batches).toEqual([['o1', 'o2']]);
    expect(undone).toEqual(['o5', 'o4', 'o3', 'o2', 'o1']);
    for (const id of ids) expect(await store.getOrder(id)).toBeUndefined();
    // The failed batch hears the store's error as it is (it may not say whether anything landed);
    // the batches never sent are surely not written, and say so.
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : null));
    expect(reasons.map((r) => r instanceof WriteRefused)).toEqual([false, false, true, true, true]);
    expect(String(reasons[4])).toContain('disk full');

    await place(commits, 'o6', undone);
    expect((await store.getOrder('o6'))?.id).toBe('o6');
    expect(store.batches).toEqual([['o1', 'o2'], ['o6']]);
  });

  it('on servers sharing a database, undoes only the failed batch and writes the later ones', async () => {
    const store = await recordingStore();
    const commits = new GroupCommit(store, 2, undefined, false);
    const undone: string[] = [];
    store.failNext = true;
    const outcomes = await Promise.allSettled(['o1', 'o2', 'o3'].map((id) => place(commits, id, undone)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(undone).toEqual(['o2', 'o1']);
    expect(await store.getOrder('o1')).toBeUndefined();
    expect((await store.getOrder('o3'))?.id).toBe('o3');
  });

  it('stops writing once an undo has thrown: memory may no longer match the database', async () => {
    const store = await recordingStore();
    const stops: Error[] = [];
    const commits = new GroupCommit(store, 8, (error) => stops.push(error));
    const undone: string[] = [];
    store.failNext = true;
    commits.open.orders.push(bareOrderRow('o1'));
    const broken = commits.wait(() => {
      throw new Error('double release');
    });
    const other = place(commits, 'o2', undone);
    await expect(broken).rejects.toThrow('disk full');
    await expect(other).rejects.toThrow('disk full');
    // The undo after the one that threw still ran, and the owner heard once that writing stopped.
    expect(undone).toEqual(['o2']);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toBeInstanceOf(GroupCommitStopped);

    const later = place(commits, 'o3', undone);
    await expect(later).rejects.toThrow(GroupCommitStopped);
    await expect(later).rejects.toBeInstanceOf(WriteRefused);
    await expect(later).rejects.toThrow(/restart/);
    expect(undone).toEqual(['o2', 'o3']);
    await commits.drain();
    expect(store.batches).toEqual([['o1', 'o2']]);
    expect(await store.getOrder('o3')).toBeUndefined();
    expect(stops).toHaveLength(1);
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
