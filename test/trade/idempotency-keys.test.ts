// Idempotency keys across a restart, on both stores: the engine's filter of answered keys is read
// back from the database page by page, a key answered before the restart still replays its first
// answer, and a key never seen costs no database read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { campaignOf, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import { TradeEngine } from '../../src/services/trade-engine.ts';
import { bareOrderRow } from '../../src/store/__fixtures__/order-row.ts';
import { emptyBatch, type TradeStore } from '../../src/store/ports.ts';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { SqliteTradeStore } from '../../src/store/sql/sqlite-trade-store.ts';
import { dropTestSchema, freshPostgresUrl } from '../support/test-store.ts';

let cleanUp: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanUp.reverse()) await c();
  cleanUp = [];
});

/** A store that outlives its connections: a SQLite file, or a PostgreSQL schema. */
function durableStore(kind: 'sqlite' | 'postgres'): () => TradeStore {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dacu-idem-'));
    cleanUp.push(async () => rmSync(dir, { recursive: true, force: true }));
    return () => new SqliteTradeStore({ file: join(dir, 'trade.db') });
  }
  const url = freshPostgresUrl();
  cleanUp.push(() => dropTestSchema(url));
  return () => new PostgresTradeStore({ url, poolSize: 2 });
}

const index = campaignOf({ catalog: [item('tv', 's1', 399900, { stock: 10 })] });

async function startEngine(store: TradeStore): Promise<TradeEngine> {
  const engine = await TradeEngine.start({
    index,
    store,
    channels: [new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 })],
    config: { timerTickMs: 60_000 },
  });
  cleanUp.push(() => engine.stop());
  return engine;
}

/** Counts the store's idempotency reads (the real store answers them). */
function countReads(store: TradeStore): { reads: number } {
  const counter = { reads: 0 };
  const read = store.getIdempotent.bind(store);
  store.getIdempotent = (buyerId, key) => {
    counter.reads += 1;
    return read(buyerId, key);
  };
  return counter;
}

describe.each(['sqlite', 'postgres'] as const)('idempotency keys on %s', (kind) => {
  it('reads every stored key back, over several pages, each once', async () => {
    const store = durableStore(kind)();
    cleanUp.push(() => store.close());
    await store.migrate();
    const batch = emptyBatch();
    const keys: [string, string][] = [];
    // One buyer with many keys (pages split inside a buyer), others with one, odd characters too.
    for (let i = 0; i < 12_000; i++) keys.push(['b-many', `k-${i}`]);
    for (let i = 0; i < 9_000; i++) keys.push([`b-${i}`, 'place-1']);
    keys.push(['顾客', '键 1'], ['b-many', ''], ['b x', 'k']);
    for (const [buyerId, key] of keys)
      batch.idempotency.push({
        buyerId,
        key,
        requestHash: 'h',
        statusCode: 200,
        response: '{}',
        createdAt: 1,
      });
    await store.commit(batch);
    const seen: string[] = [];
    const count = await store.forEachIdempotencyKey((buyerId, key) => seen.push(`${buyerId} ${key}`));
    expect(count).toBe(keys.length);
    expect(new Set(seen).size).toBe(keys.length);
    expect(new Set(seen)).toEqual(new Set(keys.map(([b, k]) => `${b} ${k}`)));
  });

  it('replays a key answered before a restart, and reads the store only for keys it may have', async () => {
    const open = durableStore(kind);
    const first = await startEngine(open());
    const request = { buyer: { id: 'u1', memberships: [] }, lines: [{ sku: 'tv', qty: 1 }], wallet: [] };
    const placed = await first.placeOrder(request, { buyerId: 'u1', key: 'k-1', hash: 'h1' });
    expect(placed.ok).toBe(true);
    await first.stop();

    const store = open();
    const counter = countReads(store);
    const second = await startEngine(store);
    expect(await second.placeOrder(request, { buyerId: 'u1', key: 'k-1', hash: 'h1' })).toEqual(placed);
    expect(counter.reads).toBe(1);
    expect(await second.placeOrder(request, { buyerId: 'u1', key: 'k-1', hash: 'h2' })).toMatchObject({
      ok: false,
      problem: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
    expect(counter.reads).toBe(2);
    expect(second.ctx.ledger.get('tv')).toMatchObject({ available: 9, reserved: 1 });

    // A new key: placed without a read; its retry is answered from the store with the first result.
    const fresh = await second.placeOrder(request, { buyerId: 'u1', key: 'k-2', hash: 'h1' });
    expect(fresh.ok).toBe(true);
    expect(counter.reads).toBe(2);
    expect(await second.placeOrder(request, { buyerId: 'u1', key: 'k-2', hash: 'h1' })).toEqual(fresh);
    expect(counter.reads).toBe(3);
    expect(second.ctx.ledger.get('tv')).toMatchObject({ available: 8, reserved: 2 });
  });
});

describe('a second answer for a stored key (PostgreSQL, servers that share it)', () => {
  it('keeps the first answer and writes the rest of the batch', async () => {
    const store = durableStore('postgres')() as PostgresTradeStore;
    cleanUp.push(() => store.close());
    await store.migrate();
    const answer = (response: string) => ({
      buyerId: 'u1',
      key: 'k-1',
      requestHash: 'h1',
      statusCode: 200,
      response,
      createdAt: 1,
    });
    await store.commit({ ...emptyBatch(), idempotency: [answer('first')] });
    // A server that stalled past its claim answers the key again, in a batch with another buyer's order.
    await store.commit({
      ...emptyBatch(),
      idempotency: [answer('second')],
      orders: [bareOrderRow('o-other')],
    });
    expect((await store.getIdempotent('u1', 'k-1'))?.response).toBe('first');
    expect(await store.getOrder('o-other')).toBeDefined();
  });
});
