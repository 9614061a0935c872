// A server's share of the sale-wide funnel, against a real Redis: reaches wait in memory, go out in
// one round, come back as the sale's counts; a round Redis refuses keeps them for the next.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRedisPrefix, REDIS_URL } from '../../test/support/test-store.ts';
import { RedisFunnel } from '../store/redis/redis-funnel.ts';
import type { SaleWideFirstSteps } from './buyer-funnel.ts';
import { FunnelSync } from './funnel-sync.ts';

const prefix = `t-funnel-sync-${process.pid}-${Date.now()}`;
const client = new Redis(REDIS_URL);
afterAll(async () => {
  await dropRedisPrefix(client, prefix);
  await client.quit();
});

describe('FunnelSync', () => {
  it('sends what two servers saw and gives each the sale-wide counts', async () => {
    const seen: SaleWideFirstSteps[][] = [[], []];
    const [one, two] = [0, 1].map(
      (i) => new FunnelSync(new RedisFunnel(client, `${prefix}:a`), (c) => seen[i]!.push(c)),
    ) as [FunnelSync, FunnelSync];
    one.reach('u1', 'visited');
    one.reach('u1', 'priced');
    one.reach('u1', 'visited'); // does not take u1 back
    two.reach('u2', 'visited');
    two.reach('u1', 'visited'); // u1 on the other server too: still one shopper
    await Promise.all([one.sync(), two.sync()]);
    await Promise.all([one.sync(), two.sync()]); // nothing new to send: each reads what both sent
    expect(seen.map((counts) => counts.at(-1))).toEqual([
      { visited: 2, priced: 1, uncounted: 0 },
      { visited: 2, priced: 1, uncounted: 0 },
    ]);
  });

  it('keeps what Redis refused and sends it in the next round', async () => {
    const offline = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    const errors: unknown[] = [];
    const counts: SaleWideFirstSteps[] = [];
    const sync = new FunnelSync(new RedisFunnel(offline, `${prefix}:b`), (c) => counts.push(c), {
      onError: (e) => errors.push(e),
    });
    sync.reach('u1', 'priced');
    sync.reach('u2', 'visited');
    await sync.sync();
    expect(errors).toHaveLength(1);
    expect(counts).toEqual([]);
    // The refused command set the lazy client connecting; once it is up, the next round goes out.
    if (offline.status !== 'ready') await new Promise((resolve) => offline.once('ready', resolve));
    try {
      await sync.sync();
      expect(counts).toEqual([{ visited: 2, priced: 1, uncounted: 0 }]);
    } finally {
      await offline.quit();
    }
  });

  it('joins a round under way instead of sending twice, and stop sends what is left', async () => {
    const counts: SaleWideFirstSteps[] = [];
    const funnel = new RedisFunnel(client, `${prefix}:c`);
    const sync = new FunnelSync(funnel, (c) => counts.push(c), { everyMs: 60_000 });
    sync.start();
    sync.reach('u1', 'visited');
    const [a, b] = [sync.sync(), sync.sync()];
    expect(a).toBe(b);
    await a;
    sync.reach('u2', 'priced');
    await sync.stop();
    expect(await funnel.read()).toEqual({ visited: 2, priced: 1, uncounted: 0 });
    expect(counts.at(-1)).toEqual({ visited: 2, priced: 1, uncounted: 0 });
  });
});
