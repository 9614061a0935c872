// Rate limit windows in Redis: servers that share Redis count one buyer together, and a window
// ends with its TTL.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRedisPrefix, REDIS_URL } from '../../../test/support/test-store.ts';
import { RedisRateWindows } from './redis-rate-windows.ts';

const prefix = `t-rate-${process.pid}-${Date.now()}`;
const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
afterAll(async () => {
  await dropRedisPrefix(clients[0]!, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

describe('RedisRateWindows', () => {
  it('counts one key over two servers: exactly the limit passes, then the window passes', async () => {
    const servers = clients.map((c) => new RedisRateWindows(c, prefix));
    const waits = await Promise.all(
      Array.from({ length: 12 }, (_, i) => servers[i % 2]!.hit('buyer-writes:bot', 5, 400)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    for (const w of waits.filter((w) => w > 0)) expect(w).toBeLessThanOrEqual(400);
    expect(await servers[0]!.hit('buyer-writes:person', 5, 400)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await servers[1]!.hit('buyer-writes:bot', 5, 400)).toBe(0);
  });
});
