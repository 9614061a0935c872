// The reconciler's view across stores and bucket slots: reservations still open before a time,
// oldest first, one entry per store order.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';

const client: Redis = connect();
let prefix: string;
let ledger: RedisHotLedger;

beforeEach(async () => {
  prefix = uniquePrefix('open');
  ledger = new RedisHotLedger(client, prefix, { buckets: new Map([['phone', 3]]) });
  await ledger.openStock([
    { sku: 'phone', storeId: 'apple', initial: 30 },
    { sku: 'tv', storeId: 'haier', initial: 30 },
    { sku: 'lipstick', storeId: 'mac', initial: 30 },
  ]);
});

afterEach(async () => {
  await purgePrefix(client, prefix);
});

afterAll(async () => {
  await client.quit();
});

function reserve(orderId: string, storeId: string, sku: string, at: number) {
  return ledger.reserve({ orderId, storeId, buyerId: 'b1', lines: [{ sku, qty: 1 }], takes: [], at });
}

describe('openReservations', () => {
  it('lists open reservations of every store made before the cut-off, oldest first', async () => {
    await reserve('a1', 'apple', 'phone', 300);
    await reserve('h1', 'haier', 'tv', 100);
    await reserve('m1', 'mac', 'lipstick', 200);
    await reserve('h2', 'haier', 'tv', 5_000);
    await reserve('m2', 'mac', 'lipstick', 150);
    await ledger.commit('mac', 'm2');
    expect(await ledger.openReservations(1_000, 10)).toEqual([
      { storeId: 'haier', orderId: 'h1', state: 'reserved', at: 100 },
      { storeId: 'mac', orderId: 'm1', state: 'reserved', at: 200 },
      { storeId: 'apple', orderId: 'a1', state: 'reserved', at: 300 },
    ]);
    expect((await ledger.openReservations(1_000, 2)).map((o) => o.orderId)).toEqual(['h1', 'm1']);
  });

  it('forgets a reservation once released', async () => {
    await reserve('h1', 'haier', 'tv', 100);
    await ledger.release('haier', 'h1');
    expect(await ledger.openReservations(1_000, 10)).toEqual([]);
  });
});
