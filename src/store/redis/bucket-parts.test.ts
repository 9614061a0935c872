// Hot SKUs split into buckets: the split, one bucket per line, the undo of a failed store order,
// commit and release reaching the bucket parts, retries that land in another bucket, and the
// healing of a part left by an attempt that crashed before the store slot.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import { installScripts } from './hot-scripts.ts';
import type { HotReservation } from './hot-types.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';
import { bucketOf, HotKeys } from './redis-keys.ts';

const client: Redis = connect();
let prefix: string;
let ledger: RedisHotLedger;

beforeEach(async () => {
  prefix = uniquePrefix('buckets');
  ledger = new RedisHotLedger(client, prefix, { buckets: new Map([['phone', 4]]) });
  await ledger.openStock([
    { sku: 'phone', storeId: 'apple', initial: 10 },
    { sku: 'case', storeId: 'apple', initial: 1 },
  ]);
});

afterEach(async () => {
  expect(await ledger.checkIdentity()).toEqual([]);
  await purgePrefix(client, prefix);
});

afterAll(async () => {
  await client.quit();
});

const bucketBase = (i: number) => `${prefix}:{b:apple:phone:${i}}`;
const availableIn = async (i: number) =>
  Number(await client.hget(HotKeys.stock(bucketBase(i), 'phone'), 'available'));
const phone = async () => (await ledger.stockOf(['phone'])).get('phone')!;

function order(orderId: string, lines: HotReservation['lines']): HotReservation {
  return { orderId, storeId: 'apple', buyerId: 'b1', lines, takes: [], at: 1_000 };
}

/** An order id whose own bucket is `bucket`. */
function idInBucket(bucket: number, label: string): string {
  for (let i = 0; ; i++) if (bucketOf(`${label}${i}`, 4) === bucket) return `${label}${i}`;
}

describe('hot SKU buckets', () => {
  it('splits the opening stock evenly, the remainder to the first buckets', async () => {
    expect(await Promise.all([0, 1, 2, 3].map(availableIn))).toEqual([3, 3, 2, 2]);
    expect(await phone()).toEqual({ initial: 10, restocked: 0, available: 10, reserved: 0, sold: 0 });
  });

  it('takes a line from one bucket only, and reports the total when none has enough', async () => {
    expect(await ledger.reserve(order('o1', [{ sku: 'phone', qty: 4 }]))).toEqual({
      ok: false,
      code: 'OUT_OF_STOCK',
      sku: 'phone',
      available: 10,
    });
    expect(await ledger.reserve(order('o2', [{ sku: 'phone', qty: 3 }]))).toEqual({ ok: true });
    expect(await phone()).toMatchObject({ available: 7, reserved: 3 });
  });

  it('undoes the bucket part when another line of the store order fails', async () => {
    const r = order('o1', [
      { sku: 'phone', qty: 2 },
      { sku: 'case', qty: 2 },
    ]);
    expect(await ledger.reserve(r)).toEqual({ ok: false, code: 'OUT_OF_STOCK', sku: 'case', available: 1 });
    expect(await phone()).toMatchObject({ available: 10, reserved: 0 });
    const part = HotKeys.record(bucketBase(bucketOf('o1', 4)), 'o1');
    expect(await client.exists(part)).toBe(0);
    expect(await ledger.openReservations(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    // The failed attempt left nothing behind: the same order reserves cleanly once it fits.
    expect(
      await ledger.reserve(
        order('o1', [
          { sku: 'phone', qty: 2 },
          { sku: 'case', qty: 1 },
        ]),
      ),
    ).toEqual({ ok: true });
  });

  it('commits and releases the bucket parts with the store order', async () => {
    await ledger.reserve(
      order('paid', [
        { sku: 'phone', qty: 2 },
        { sku: 'case', qty: 1 },
      ]),
    );
    await ledger.reserve(order('cancelled', [{ sku: 'phone', qty: 1 }]));
    expect(await ledger.commit('apple', 'paid')).toEqual({ ok: true, state: 'sold' });
    expect(await ledger.release('apple', 'cancelled')).toEqual({ ok: true, state: 'released' });
    expect(await phone()).toEqual({ initial: 10, restocked: 0, available: 8, reserved: 0, sold: 2 });
    expect(await client.hget(HotKeys.record(bucketBase(bucketOf('paid', 4)), 'paid'), 'state')).toBe('sold');
    expect(await ledger.openReservations(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('does not take twice when a retry lands in another bucket', async () => {
    // Bucket b holds 3 (or 2) units: fill it, so the next order of bucket b spills elsewhere.
    const filler = idInBucket(0, 'fill');
    const retried = idInBucket(0, 'retry');
    await ledger.reserve(order(filler, [{ sku: 'phone', qty: 3 }]));
    expect(await ledger.reserve(order(retried, [{ sku: 'phone', qty: 1 }]))).toEqual({ ok: true });
    expect(await availableIn(0)).toBe(0);
    await ledger.release('apple', filler);
    // The retry now finds its own bucket open again; it must not reserve a second unit.
    expect(await ledger.reserve(order(retried, [{ sku: 'phone', qty: 1 }]))).toEqual({ ok: true });
    expect(await phone()).toMatchObject({ available: 9, reserved: 1 });
    expect(await ledger.commit('apple', retried)).toEqual({ ok: true, state: 'sold' });
    expect(await phone()).toMatchObject({ available: 9, reserved: 0, sold: 1 });
  });

  it('releases a part left by an attempt that died before the store slot', async () => {
    const base = bucketBase(2);
    // What a crashed reserve leaves: the bucket part only.
    await installScripts(client).reserve(HotKeys.record(base, 'crashed'), [
      'crashed',
      500,
      '',
      1,
      0,
      'phone',
      2,
    ]);
    expect(await ledger.openReservations(1_000, 10)).toEqual([
      { storeId: 'apple', orderId: 'crashed', state: 'missing', at: 500 },
    ]);
    expect(await ledger.release('apple', 'crashed')).toEqual({ ok: true, state: 'released' });
    expect(await phone()).toMatchObject({ available: 10, reserved: 0 });
    expect(await ledger.openReservations(1_000, 10)).toEqual([]);
  });

  it('keeps the first layout when a restarted process is configured differently', async () => {
    const restarted = new RedisHotLedger(client, prefix, {
      buckets: new Map([
        ['phone', 8],
        ['case', 2],
      ]),
    });
    await restarted.openStock([
      { sku: 'phone', storeId: 'apple', initial: 10 },
      { sku: 'case', storeId: 'apple', initial: 1 },
    ]);
    expect(
      await restarted.reserve(
        order('o1', [
          { sku: 'phone', qty: 3 },
          { sku: 'case', qty: 1 },
        ]),
      ),
    ).toEqual({ ok: true });
    expect(await restarted.stockOf(['phone', 'case'])).toEqual(
      new Map([
        ['phone', { initial: 10, restocked: 0, available: 7, reserved: 3, sold: 0 }],
        ['case', { initial: 1, restocked: 0, available: 0, reserved: 1, sold: 0 }],
      ]),
    );
  });

  it('spreads a restock over the buckets', async () => {
    expect(await ledger.restock('apple', 'phone', 6)).toBe(true);
    expect(await Promise.all([0, 1, 2, 3].map(availableIn))).toEqual([5, 5, 3, 3]);
  });
});
