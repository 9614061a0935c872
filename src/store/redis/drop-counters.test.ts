// Dropping one sale's counters before a rebuild (drop-counters.ts): every counter of the sale goes,
// a hot SKU's bucket list too, and nothing of a sale whose prefix starts with this one's.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRedisPrefix, REDIS_URL } from '../../../test/support/test-store.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';

const redis = new Redis(REDIS_URL);
const prefix = `t-drop-${process.pid}-${Date.now()}`;
afterAll(async () => {
  await dropRedisPrefix(redis, prefix);
  await redis.quit();
});

describe('dropCounters', () => {
  it("drops the sale's counters, its hot SKUs' lists too, and leaves the sale at <prefix>:hot alone", async () => {
    const mine = new RedisHotLedger(redis, prefix, { buckets: new Map([['a-hot', 3]]) });
    const other = new RedisHotLedger(redis, `${prefix}:hot`);
    await mine.openStock([
      { sku: 'a', storeId: 's1', initial: 5 },
      { sku: 'a-hot', storeId: 's1', initial: 9 },
    ]);
    await other.openStock([{ sku: 'b', storeId: 's1', initial: 7 }]);
    await redis.set(`${prefix}:hot:sale`, 'other-sale');
    expect(await redis.hget(`${prefix}:hot:s1`, 'a-hot')).toBe('3');

    expect(await mine.dropCounters()).toBeGreaterThan(3);
    expect(await redis.keys(`${prefix}:{*`)).toEqual([]);
    expect(await redis.exists(`${prefix}:hot:s1`, `${prefix}:skus`, `${prefix}:slots`)).toBe(0);
    expect((await new RedisHotLedger(redis, `${prefix}:hot`).stockOf(['b'])).get('b')?.available).toBe(7);
    expect(await redis.get(`${prefix}:hot:sale`)).toBe('other-sale');
  });
});
