// Idempotency-Key claims across servers (request-claims.ts, services/idempotency.ts): a holder keeps
// its claim while its request runs, however long, so a retry on another server waits for the first
// answer instead of running the request twice; and a holder whose claim expired (it stalled) never
// renews or deletes the claim another server took since.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRedisPrefix, REDIS_URL } from '../../../test/support/test-store.ts';
import { campaignOf, item } from '../../domain/__fixtures__/campaign-builder.ts';
import { IdempotencyKeys } from '../../services/idempotency.ts';
import type { Outcome } from '../../services/problem.ts';
import { TradeEngine } from '../../services/trade-engine.ts';
import { SqliteTradeStore } from '../sql/sqlite-trade-store.ts';
import { RedisRequestClaims } from './request-claims.ts';

const prefix = `t-claims-${process.pid}-${Date.now()}`;
const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
afterAll(async () => {
  await dropRedisPrefix(clients[0]!, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisRequestClaims', () => {
  it('renews and releases only the claim it holds', async () => {
    const [a, b] = clients.map((c) => new RedisRequestClaims(c, prefix));
    const first = await a!.claim('u1', 'k1', 'aaa', 100);
    expect(first.held).toBe(true);
    expect(await b!.claim('u1', 'k1', 'aaa', 100)).toEqual({ held: false, holderHash: 'aaa' });
    if (!first.held) return;
    expect(await first.claim.renew(300)).toBe(true);
    await sleep(150); // past the first TTL, inside the renewed one
    expect(await b!.isHeld('u1', 'k1')).toBe(true);
    await sleep(200); // the holder stalled: its claim expired, and another server took the key
    const second = await b!.claim('u1', 'k1', 'bbb', 1_000);
    expect(second.held).toBe(true);
    expect(await first.claim.renew(300)).toBe(false);
    await first.claim.release();
    expect(await a!.claim('u1', 'k1', 'bbb', 100)).toEqual({ held: false, holderHash: 'bbb' });
    if (second.held) await second.claim.release();
    expect(await a!.isHeld('u1', 'k1')).toBe(false);
  });

  it("reads a claim of the version before tokens (the bare hash) as that request's", async () => {
    const claims = new RedisRequestClaims(clients[0]!, prefix);
    const first = await claims.claim('u2', 'k-legacy', 'cafe02', 1_000);
    expect(first.held).toBe(true);
    // What a server of the version before wrote under the same key: the hash alone.
    const [key] = await clients[0]!.keys(`${prefix}:request:*`);
    await clients[0]!.set(key!, 'cafe02', 'PX', 1_000);
    expect(await claims.claim('u2', 'k-legacy', 'cafe02', 1_000)).toEqual({
      held: false,
      holderHash: 'cafe02',
    });
  });

  it('keeps a slow request from running twice when it outlasts the claim TTL', async () => {
    const engine = await TradeEngine.start({
      index: campaignOf({ catalog: [item('tv', 's1', 100_000)] }),
      store: new SqliteTradeStore({ file: ':memory:' }),
      channels: [],
    });
    try {
      // Two servers with claims that expire after 300 ms unless renewed, on one store.
      const servers = clients.map(
        (c) => new IdempotencyKeys(new RedisRequestClaims(c, prefix), undefined, 300),
      );
      const idem = { buyerId: 'u1', key: 'slow-1', hash: 'cafe' };
      let runs = 0;
      const slow = (answer: string) => async (record: (o: Outcome<string>) => void) => {
        runs += 1;
        await sleep(900);
        const outcome = { ok: true, value: answer } as const;
        record(outcome);
        await engine.ctx.commits.wait(() => {});
        return outcome;
      };
      const first = servers[0]!.run(engine.ctx, idem, slow('first'));
      await sleep(450); // the retry reaches the other server after the TTL, while the first still runs
      const retry = await servers[1]!.run(engine.ctx, idem, slow('retry'));
      expect(await first).toEqual({ ok: true, value: 'first' });
      expect(retry).toEqual({ ok: true, value: 'first' });
      expect(runs).toBe(1);
    } finally {
      await engine.stop();
    }
  });
});
