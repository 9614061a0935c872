// The rush: thousands of concurrent reserves over several connections never sell more than the
// stock or the flash session, and the stock identity holds afterwards.
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';

const connections: Redis[] = Array.from({ length: 4 }, () => connect({ autoPipelining: true }));
const prefixes: string[] = [];

afterAll(async () => {
  for (const p of prefixes) await purgePrefix(connections[0]!, p);
  await Promise.all(connections.map((c) => c.quit()));
});

function ledgers(prefix: string, buckets?: Map<string, number>): RedisHotLedger[] {
  prefixes.push(prefix);
  return connections.map((c) => new RedisHotLedger(c, prefix, { buckets }));
}

describe('concurrent reserves', () => {
  it('2,000 buyers, 100 units: exactly 100 reserve', async () => {
    const all = ledgers(uniquePrefix('rush'));
    await all[0]!.openStock([{ sku: 'phone', storeId: 'apple', initial: 100 }]);
    const results = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        all[i % all.length]!.reserve({
          orderId: `o${i}`,
          storeId: 'apple',
          buyerId: `b${i}`,
          lines: [{ sku: 'phone', qty: 1 }],
          takes: [],
          at: i,
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.code === 'OUT_OF_STOCK')).toBe(true);
    expect((await all[0]!.stockOf(['phone'])).get('phone')).toMatchObject({ available: 0, reserved: 100 });
    expect(await all[0]!.checkIdentity()).toEqual([]);
  });

  it('a flash session of 50 with 1 per buyer: 50 buyers win, nobody twice', async () => {
    const all = ledgers(uniquePrefix('flash'));
    await all[0]!.openStock([{ sku: 'phone', storeId: 'apple', initial: 1000 }]);
    await all[0]!.openOffers([{ offerId: 'flash-20h', storeId: 'apple', units: 50 }]);
    // 200 buyers, each trying three times at once.
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        all[i % all.length]!.reserve({
          orderId: `o${i}`,
          storeId: 'apple',
          buyerId: `b${i % 200}`,
          lines: [{ sku: 'phone', qty: 1 }],
          takes: [{ offerId: 'flash-20h', units: 1, perBuyer: 1 }],
          at: i,
        }),
      ),
    );
    const winners = results.flatMap((r, i) => (r.ok ? [`b${i % 200}`] : []));
    expect(winners).toHaveLength(50);
    expect(new Set(winners).size).toBe(50);
    expect(await all[0]!.offerLeft(['flash-20h'])).toEqual(new Map([['flash-20h', 0]]));
    expect((await all[0]!.stockOf(['phone'])).get('phone')).toMatchObject({ available: 950, reserved: 50 });
  });

  async function rushHot(label: string, qtyOf: (i: number) => number) {
    const all = ledgers(uniquePrefix(label), new Map([['phone', 4]]));
    await all[0]!.openStock([{ sku: 'phone', storeId: 'apple', initial: 203 }]);
    const results = await Promise.all(
      Array.from({ length: 1500 }, (_, i) =>
        all[i % all.length]!.reserve({
          orderId: `o${i}`,
          storeId: 'apple',
          buyerId: `b${i}`,
          lines: [{ sku: 'phone', qty: qtyOf(i) }],
          takes: [],
          at: i,
        }),
      ),
    );
    expect(await all[0]!.checkIdentity()).toEqual([]);
    const reserved = results.reduce((sum, r, i) => sum + (r.ok ? qtyOf(i) : 0), 0);
    return { reserved, phone: (await all[0]!.stockOf(['phone'])).get('phone')! };
  }

  it('a hot SKU in 4 buckets sells exactly its stock', async () => {
    const { reserved, phone } = await rushHot('hot-rush', () => 1);
    expect(reserved).toBe(203);
    expect(phone).toEqual({ initial: 203, restocked: 0, available: 0, reserved: 203, sold: 0 });
  });

  it('a hot SKU never oversells with mixed quantities', async () => {
    const { reserved, phone } = await rushHot('hot-mixed', (i) => 1 + (i % 3));
    expect(phone.reserved).toBe(reserved);
    expect(phone.available + phone.reserved).toBe(203);
    // A line comes from one bucket, so at most 2 units per bucket may be stranded at the end.
    expect(phone.available).toBeLessThanOrEqual(4 * 2);
  });
});
