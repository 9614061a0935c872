import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bareOrderRow } from '../__fixtures__/order-row.ts';
import { emptyBatch, type TradeBatch } from '../ports.ts';
import { SqliteTradeStore } from './sqlite-trade-store.ts';

let cleanUp: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanUp) await c();
  cleanUp = [];
});

async function fileStore(): Promise<{ store: SqliteTradeStore; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dacu-writer-'));
  const file = join(dir, 'trade.db');
  const store = new SqliteTradeStore({ file });
  cleanUp.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.migrate();
  await store.openStock(new Map([['tv', 100]]));
  return { store, file };
}

function batchOf(ids: string[], reserve: number): TradeBatch {
  const batch = emptyBatch();
  batch.orders.push(...ids.map(bareOrderRow));
  batch.stock.set('tv', { available: -reserve, reserved: reserve, sold: 0, restocked: 0 });
  return batch;
}

describe('the SQLite writer thread', () => {
  it('writes each batch on its own thread; the main connection reads it once acknowledged', async () => {
    const { store } = await fileStore();
    expect(store.writesOnThread).toBe(true);
    await Promise.all([store.commit(batchOf(['o1'], 1)), store.commit(batchOf(['o2', 'o3'], 2))]);
    expect((await store.getOrder('o3'))?.checkoutId).toBe('c-o3');
    const stock = await store.openStock(new Map());
    expect(stock.get('tv')).toEqual({ initial: 100, restocked: 0, available: 97, reserved: 3, sold: 0 });
  });

  it('refuses a batch that cannot be written as a whole, writes none of it, and goes on', async () => {
    const { store } = await fileStore();
    await store.commit(batchOf(['o1'], 1));
    // o1 again: the primary key refuses the second row, so the whole transaction rolls back.
    await expect(store.commit(batchOf(['o2', 'o1'], 2))).rejects.toThrow(/UNIQUE/);
    expect(await store.getOrder('o2')).toBeUndefined();
    expect((await store.openStock(new Map())).get('tv')?.reserved).toBe(1);
    await store.commit(batchOf(['o4'], 1));
    expect((await store.getOrder('o4'))?.id).toBe('o4');
  });

  it('writes every batch sent before close, and a reopened store sees them', async () => {
    const { store, file } = await fileStore();
    const sent = Array.from({ length: 20 }, (_, i) => store.commit(batchOf([`o${i}`], 1)));
    await Promise.all(sent);
    await store.close();
    const again = new SqliteTradeStore({ file, writer: 'main' });
    await again.migrate();
    expect((await again.listOrders('u1', 100)).length).toBe(20);
    expect((await again.openStock(new Map())).get('tv')?.reserved).toBe(20);
    await again.close();
  });

  it('refuses every commit once the thread has died, and says so once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dacu-writer-'));
    const failures: Error[] = [];
    const store = new SqliteTradeStore({
      file: join(dir, 'trade.db'),
      onWriterFailure: (error) => failures.push(error),
    });
    cleanUp.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await store.migrate();
    await store.commit(batchOf(['o1'], 0));
    // As if the thread ran out of memory: it is gone without a word.
    const inside = store as unknown as { writer: { worker: { terminate(): Promise<number> } } };
    await inside.writer.worker.terminate();
    await expect(store.commit(batchOf(['o2'], 0))).rejects.toThrow(/writer thread stopped/);
    await expect(store.commit(batchOf(['o3'], 0))).rejects.toThrow(/writer thread stopped/);
    expect(failures).toHaveLength(1);
    expect(await store.getOrder('o2')).toBeUndefined();
    expect((await store.getOrder('o1'))?.id).toBe('o1');
  });

  it('is not used for an in-memory database, which a second connection cannot open', async () => {
    const store = new SqliteTradeStore({ file: ':memory:' });
    await store.migrate();
    expect(store.writesOnThread).toBe(false);
    await store.close();
  });
});
