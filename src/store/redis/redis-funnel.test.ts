// The funnel's first steps in Redis, as the servers of one sale count them together: each shopper
// once per step, never moved back, bounded, and exact when servers send at the same time.
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRedisPrefix, REDIS_URL } from '../../../test/support/test-store.ts';
import type { FirstStep } from '../../support/sale-wide-funnel.ts';
import { RedisFunnel } from './redis-funnel.ts';

const prefix = `t-funnel-${process.pid}-${Date.now()}`;
const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
let runs = 0;
const fresh = () => `${prefix}:${runs++}`;
afterAll(async () => {
  await dropRedisPrefix(clients[0]!, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

describe('RedisFunnel', () => {
  it('counts each shopper once per step up to the furthest, and never moves one back', async () => {
    const funnel = new RedisFunnel(clients[0]!, fresh());
    expect(await funnel.read()).toEqual({ visited: 0, priced: 0, uncounted: 0 });
    await funnel.add(
      [
        ['u1', 0],
        ['u1', 0],
        ['u2', 1],
        ['u3', 0],
      ],
      100,
    );
    await funnel.add(
      [
        ['u1', 1],
        ['u2', 0],
      ],
      100,
    );
    expect(await funnel.read()).toEqual({ visited: 3, priced: 2, uncounted: 0 });
  });

  it('is bounded: a new shopper past the bound is left out and counted as such; known ones move on', async () => {
    const funnel = new RedisFunnel(clients[0]!, fresh());
    await funnel.add(
      [
        ['u1', 0],
        ['u2', 0],
        ['u3', 1],
      ],
      2,
    );
    await funnel.add([['u1', 1]], 2);
    expect(await funnel.read()).toEqual({ visited: 2, priced: 1, uncounted: 1 });
  });

  it('gives exact counts when two servers send the same shoppers at once', async () => {
    const reach = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom<FirstStep>(0, 1));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(reach, { maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        async (batches) => {
          const base = fresh();
          const servers = clients.map((c) => new RedisFunnel(c, base));
          await Promise.all(
            batches.map((batch, i) =>
              servers[i % 2]!.add(
                batch.map(([u, step]) => [`u${u}`, step] as const),
                1_000,
              ),
            ),
          );
          const furthest = new Map<number, number>();
          for (const [u, step] of batches.flat()) furthest.set(u, Math.max(furthest.get(u) ?? -1, step));
          expect(await servers[0]!.read()).toEqual({
            visited: furthest.size,
            priced: [...furthest.values()].filter((s) => s === 1).length,
            uncounted: 0,
          });
        },
      ),
      { numRuns: 30 },
    );
  });
});
