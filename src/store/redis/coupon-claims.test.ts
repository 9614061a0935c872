// Coupon claims (领券) against real Redis: the issue cap and the per-buyer cap, idempotent retries per
// wallet, written and given-back claims, the reconciler's listing, and a rush of concurrent claims.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import type { CouponClaim } from './hot-types.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';

const client: Redis = connect();
let prefix: string;
let ledger: RedisHotLedger;

beforeEach(() => {
  prefix = uniquePrefix('claim');
  ledger = new RedisHotLedger(client, prefix);
});

afterEach(async () => {
  await purgePrefix(client, prefix);
});

afterAll(async () => {
  await client.quit();
});

function claim(walletId: string, extra: Partial<CouponClaim> = {}): CouponClaim {
  return { couponId: 'c-50off', buyerId: 'b1', walletId, total: 3, perBuyer: 2, at: 100, ...extra };
}

describe('claimCoupon', () => {
  it('counts a claim in total and per buyer, and a retry of the same wallet counts nothing', async () => {
    expect(await ledger.claimCoupon(claim('w1'))).toEqual({ ok: true });
    expect(await ledger.claimCoupon(claim('w1'))).toEqual({ ok: true });
    expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 1, byBuyer: 1 });
    expect(await ledger.claimCounts('c-50off', 'b2')).toEqual({ total: 1, byBuyer: 0 });
    expect(await ledger.claimCounts('unknown', 'b1')).toEqual({ total: 0, byBuyer: 0 });
  });

  it('refuses a claim beyond the per-buyer cap, then beyond the issue cap', async () => {
    await ledger.claimCoupon(claim('w1'));
    await ledger.claimCoupon(claim('w2'));
    expect(await ledger.claimCoupon(claim('w3'))).toEqual({
      ok: false,
      code: 'CLAIM_LIMIT_REACHED',
      perBuyer: 2,
    });
    expect(await ledger.claimCoupon(claim('w4', { buyerId: 'b2' }))).toEqual({ ok: true });
    expect(await ledger.claimCoupon(claim('w5', { buyerId: 'b3' }))).toEqual({
      ok: false,
      code: 'COUPON_SOLD_OUT',
      total: 3,
    });
    expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 3, byBuyer: 2 });
    // A retry of a claim that got in is still answered ok once the coupon is sold out.
    expect(await ledger.claimCoupon(claim('w1'))).toEqual({ ok: true });
  });

  it('has no issue cap when total is null', async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        await ledger.claimCoupon(claim(`w${i}`, { buyerId: `b${i}`, total: null, perBuyer: 1 })),
      ).toEqual({
        ok: true,
      });
    }
    expect(await ledger.claimCounts('c-50off', 'b0')).toEqual({ total: 5, byBuyer: 1 });
  });

  it('rejects bad input', async () => {
    await expect(ledger.claimCoupon(claim('w1', { perBuyer: 0 }))).rejects.toThrow(/perBuyer/);
    await expect(ledger.claimCoupon(claim('w1', { total: -1 }))).rejects.toThrow(/total/);
    await expect(ledger.claimCoupon(claim('w1', { couponId: 'c{1}' }))).rejects.toThrow(/braces/);
    await expect(ledger.claimCoupon(claim(''))).rejects.toThrow(/wallet/);
    await ledger.claimCoupon(claim('w1'));
    await expect(ledger.claimCoupon(claim('w1', { buyerId: 'b2' }))).rejects.toThrow(/already holds a claim/);
  });
});

describe('claimWritten and unclaim', () => {
  it('gives an open claim back once, so another buyer can have it', async () => {
    await ledger.claimCoupon(claim('w1', { total: 1 }));
    expect(await ledger.claimCoupon(claim('w2', { buyerId: 'b2', total: 1 }))).toMatchObject({
      code: 'COUPON_SOLD_OUT',
    });
    expect(await ledger.unclaim('c-50off', 'w1')).toBe(true);
    expect(await ledger.unclaim('c-50off', 'w1')).toBe(false);
    expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 0, byBuyer: 0 });
    expect(await ledger.claimCoupon(claim('w2', { buyerId: 'b2', total: 1 }))).toEqual({ ok: true });
  });

  it('keeps a written claim for good: unclaim refuses it and a retry counts nothing', async () => {
    await ledger.claimCoupon(claim('w1'));
    await ledger.claimWritten('c-50off', 'w1');
    await ledger.claimWritten('c-50off', 'w1');
    expect(await ledger.unclaim('c-50off', 'w1')).toBe(false);
    expect(await ledger.claimCoupon(claim('w1'))).toEqual({ ok: true });
    expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 1, byBuyer: 1 });
  });

  it('answers false for a claim never made, and writing it changes nothing', async () => {
    expect(await ledger.unclaim('c-50off', 'never')).toBe(false);
    await ledger.claimWritten('c-50off', 'never');
    expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 0, byBuyer: 0 });
  });

  it('counts again a claim whose wallet row landed after the reconciler gave it back', async () => {
    await ledger.claimCoupon(claim('late'));
    await ledger.unclaim('c-50off', 'late');
    await ledger.claimWritten('c-50off', 'late');
    expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 1, byBuyer: 1 });
    expect(await ledger.openClaims(1_000, 10)).toEqual([]);
  });

  it('claims anew a wallet whose claim was given back, when the caps allow', async () => {
    await ledger.claimCoupon(claim('w1', { at: 100 }));
    await ledger.unclaim('c-50off', 'w1');
    expect(await ledger.claimCoupon(claim('w1', { at: 200 }))).toEqual({ ok: true });
    expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 1, byBuyer: 1 });
    expect(await ledger.openClaims(1_000, 10)).toEqual([
      { couponId: 'c-50off', walletId: 'w1', buyerId: 'b1', at: 200 },
    ]);
  });

  it('keeps finished claims for the configured time only', async () => {
    const short = new RedisHotLedger(client, prefix, { finishedTtlSeconds: 60 });
    await short.claimCoupon(claim('w1'));
    await short.claimWritten('c-50off', 'w1');
    const ttl = await client.ttl(`${prefix}:{c:c-50off}:claim:w1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});

describe('openClaims', () => {
  it('lists open claims of every coupon made at or before the cut-off, oldest first', async () => {
    await ledger.claimCoupon(claim('w1', { at: 300 }));
    await ledger.claimCoupon(claim('w2', { couponId: 'c-free-ship', buyerId: 'b2', at: 100 }));
    await ledger.claimCoupon(claim('w3', { couponId: 'c-free-ship', buyerId: 'b3', at: 200 }));
    await ledger.claimCoupon(claim('w4', { buyerId: 'b4', at: 150 }));
    await ledger.claimCoupon(claim('w5', { buyerId: 'b5', at: 1_001 }));
    await ledger.claimWritten('c-50off', 'w4');
    expect(await ledger.openClaims(1_000, 10)).toEqual([
      { couponId: 'c-free-ship', walletId: 'w2', buyerId: 'b2', at: 100 },
      { couponId: 'c-free-ship', walletId: 'w3', buyerId: 'b3', at: 200 },
      { couponId: 'c-50off', walletId: 'w1', buyerId: 'b1', at: 300 },
    ]);
    expect((await ledger.openClaims(300, 2)).map((c) => c.walletId)).toEqual(['w2', 'w3']);
    expect((await ledger.openClaims(1_001, 10)).map((c) => c.walletId)).toEqual(['w2', 'w3', 'w1', 'w5']);
    await ledger.unclaim('c-free-ship', 'w2');
    expect((await ledger.openClaims(1_000, 10)).map((c) => c.walletId)).toEqual(['w3', 'w1']);
  });

  it('is seen by a process that never claimed the coupon itself', async () => {
    await ledger.claimCoupon(claim('w1'));
    expect(await new RedisHotLedger(client, prefix).openClaims(100, 10)).toHaveLength(1);
  });
});

describe('concurrent claims', () => {
  const connections = () => Array.from({ length: 4 }, () => connect({ autoPipelining: true }));

  it('200 claims from 100 buyers on a coupon with total 50: exactly 50, nobody past the per-buyer cap', async () => {
    const conns = connections();
    try {
      const all = conns.map((c) => new RedisHotLedger(c, prefix));
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          all[i % all.length]!.claimCoupon(
            claim(`w${i}`, { buyerId: `b${i % 100}`, total: 50, perBuyer: 2, at: i }),
          ),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(50);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.code === 'COUPON_SOLD_OUT')).toBe(true);
      expect((await ledger.claimCounts('c-50off', 'b0')).total).toBe(50);
      expect(await ledger.openClaims(1_000, 1_000)).toHaveLength(50);
    } finally {
      await Promise.all(conns.map((c) => c.quit()));
    }
  });

  it('one buyer claiming from many servers at once gets exactly the per-buyer cap', async () => {
    const conns = connections();
    try {
      const all = conns.map((c) => new RedisHotLedger(c, prefix));
      // 100 wallets, each claim sent twice at once (a retry racing the first attempt).
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          all[i % all.length]!.claimCoupon(claim(`w${i % 100}`, { total: null, perBuyer: 3, at: i })),
        ),
      );
      const wallets = new Set(results.flatMap((r, i) => (r.ok ? [`w${i % 100}`] : [])));
      expect(wallets.size).toBe(3);
      expect(await ledger.claimCounts('c-50off', 'b1')).toEqual({ total: 3, byBuyer: 3 });
    } finally {
      await Promise.all(conns.map((c) => c.quit()));
    }
  });
});
