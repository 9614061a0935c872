// The hot ledger on a real three-master Redis Cluster (ARCHITECTURE.md, Scale: "Redis Cluster for
// stock counters, limits"): a store order stays one script in one slot, stores and hot-SKU buckets
// spread over the masters, and the reconciler's view spans them all.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { purgePrefix, uniquePrefix } from '../../src/store/redis/__fixtures__/redis-test-kit.ts';
import type { HotReservation } from '../../src/store/redis/hot-types.ts';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { startCluster, type TestCluster } from './redis-cluster-harness.ts';

let cluster: TestCluster;
let clients: Cluster[] = [];
const prefix = uniquePrefix('cluster');
const stores = ['apple', 'haier', 'mac', 'nike', 'lego', 'sony'];

beforeAll(async () => {
  cluster = await startCluster(3);
  clients = Array.from(
    { length: 3 },
    () =>
      new Cluster(
        cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
        { enableAutoPipelining: true },
      ),
  );
  await Promise.all(clients.map((c) => c.ping()));
  await new RedisHotLedger(clients[0]!, prefix, { buckets: new Map([['apple-phone', 4]]) }).openStock([
    ...stores.map((storeId) => ({ sku: `${storeId}-a`, storeId, initial: 100 })),
    ...stores.map((storeId) => ({ sku: `${storeId}-b`, storeId, initial: 1 })),
    { sku: 'apple-phone', storeId: 'apple', initial: 101 },
  ]);
});

afterAll(async () => {
  if (clients[0]) await purgePrefix(clients[0], prefix);
  await Promise.all(clients.map((c) => c.quit()));
  cluster?.stop();
});

/** Each ledger of a process gets its own connection set; all share the prefix. */
const ledgers = () => clients.map((c) => new RedisHotLedger(c, prefix));

function order(orderId: string, storeId: string, lines: HotReservation['lines'], at = 1_000): HotReservation {
  return { orderId, storeId, buyerId: 'b1', lines, takes: [], at };
}

async function masterOf(key: string): Promise<string> {
  const slot = Number(await clients[0]!.cluster('KEYSLOT', key));
  const owner = clients[0]!.slots[slot]?.[0];
  if (!owner) throw new Error(`no owner for slot ${slot}`);
  return owner;
}

describe('hot ledger on Redis Cluster', () => {
  it('spreads stores and the buckets of a hot SKU over the masters', async () => {
    const storeMasters = await Promise.all(stores.map((s) => masterOf(`${prefix}:{s:${s}}:open`)));
    expect(new Set(storeMasters).size).toBeGreaterThan(1);
    const bucketMasters = await Promise.all(
      [0, 1, 2, 3].map((i) => masterOf(`${prefix}:{b:apple:apple-phone:${i}}:open`)),
    );
    expect(new Set(bucketMasters).size).toBeGreaterThan(1);
  });

  it('reserves a store order all or nothing', async () => {
    const [ledger] = ledgers();
    for (const storeId of stores) {
      const lines = [
        { sku: `${storeId}-a`, qty: 2 },
        { sku: `${storeId}-b`, qty: 2 },
      ];
      expect(await ledger!.reserve(order(`fail-${storeId}`, storeId, lines))).toMatchObject({
        ok: false,
        code: 'OUT_OF_STOCK',
        sku: `${storeId}-b`,
      });
      expect((await ledger!.stockOf([`${storeId}-a`])).get(`${storeId}-a`)).toMatchObject({ available: 100 });
      expect(
        await ledger!.reserve(order(`ok-${storeId}`, storeId, [{ sku: `${storeId}-b`, qty: 1 }])),
      ).toEqual({
        ok: true,
      });
    }
  });

  it('sells a SKU out exactly under concurrency, in every store at once', async () => {
    const all = ledgers();
    const results = await Promise.all(
      stores.flatMap((storeId) =>
        Array.from({ length: 300 }, (_, i) =>
          all[i % all.length]!.reserve(
            order(`rush-${storeId}-${i}`, storeId, [{ sku: `${storeId}-a`, qty: 1 }]),
          ),
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100 * stores.length);
    const stock = await all[0]!.stockOf(stores.map((s) => `${s}-a`));
    for (const s of stock.values()) expect(s).toMatchObject({ available: 0, reserved: 100 });
  });

  it('sells a hot SKU in buckets across slots exactly, and commit reaches every part', async () => {
    const all = ledgers();
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        all[i % all.length]!.reserve(order(`hot-${i}`, 'apple', [{ sku: 'apple-phone', qty: 1 }], 2_000 + i)),
      ),
    );
    const winners = results.flatMap((r, i) => (r.ok ? [`hot-${i}`] : []));
    expect(winners).toHaveLength(101);
    expect(await Promise.all(winners.slice(0, 40).map((id) => all[0]!.commit('apple', id)))).toEqual(
      Array.from({ length: 40 }, () => ({ ok: true, state: 'sold' })),
    );
    expect((await all[0]!.stockOf(['apple-phone'])).get('apple-phone')).toEqual({
      initial: 101,
      restocked: 0,
      available: 0,
      reserved: 61,
      sold: 40,
    });
  });

  it('lists open reservations of stores in different slots and keeps the identity', async () => {
    const [ledger] = ledgers();
    const open = await ledger!.openReservations(1_001, 1_000);
    expect(new Set(open.map((o) => o.storeId))).toEqual(new Set(stores));
    expect(open.every((o) => o.state === 'reserved' && o.at === 1_000)).toBe(true);
    // 6 single-line orders + 600 rush wins, then the hot SKU's 61 open ones after the cut-off.
    expect(open).toHaveLength(stores.length + 100 * stores.length);
    const hot = await ledger!.openReservations(10_000, 1_000);
    expect(hot.filter((o) => o.orderId.startsWith('hot-'))).toHaveLength(61);
    expect(await ledger!.checkIdentity()).toEqual([]);
  });
});

describe('budgets, coupon claims and restocks on Redis Cluster', () => {
  const budgetIds = ['promo-a', 'promo-b', 'promo-c', 'coupon-d', 'coupon-e', 'coupon-f'];

  it('spreads budgets and coupons over the masters', async () => {
    const masters = await Promise.all(budgetIds.map((id) => masterOf(`${prefix}:{g:${id}}:budget`)));
    expect(new Set(masters).size).toBeGreaterThan(1);
    const coupons = await Promise.all(
      ['c-1', 'c-2', 'c-3', 'c-4'].map((id) => masterOf(`${prefix}:{c:${id}}:counts`)),
    );
    expect(new Set(coupons).size).toBeGreaterThan(1);
  });

  it('concurrent checkouts over budgets in different slots stop at the budget, all or nothing', async () => {
    const all = ledgers();
    await all[0]!.openBudgets(budgetIds.map((offerId) => ({ offerId, budgetFen: 3_000 })));
    // Each checkout spends 40 fen from two budgets in different slots: 8,000 fen asked of each.
    const spendOf = (i: number) => [
      { offerId: budgetIds[i % 6]!, spentFen: 40 },
      { offerId: budgetIds[(i + 1) % 6]!, spentFen: 40 },
    ];
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        all[i % all.length]!.takeBudgets(`checkout-${i}`, spendOf(i), 5_000),
      ),
    );
    const spent = new Map(budgetIds.map((id) => [id, 0]));
    results.forEach((r, i) => {
      if (r.ok) for (const t of spendOf(i)) spent.set(t.offerId, spent.get(t.offerId)! + t.spentFen);
    });
    const left = await all[1]!.budgetLeft(budgetIds);
    for (const id of budgetIds) {
      expect(spent.get(id)).toBeLessThanOrEqual(3_000);
      expect(left.get(id)).toBe(3_000 - spent.get(id)!);
    }
    const wins = results.flatMap((r, i) => (r.ok ? [`checkout-${i}`] : []));
    const open = await all[2]!.openBudgetTakes(5_000, 10_000);
    expect(open).toHaveLength(2 * wins.length);
    // Which budgets end up spent depends on the interleaving (a refused checkout gives back its other
    // take); every winner holds two budgets, so the listing spans slots.
    expect(new Set(open.map((t) => t.offerId)).size).toBeGreaterThan(1);
    // Paid orders keep their spend, the others give it back; nothing stays open.
    await Promise.all(
      wins.map((orderId, k) => {
        const offerIds = spendOf(Number(orderId.slice('checkout-'.length))).map((t) => t.offerId);
        return k % 2 === 0
          ? all[0]!.keepBudgets(orderId, offerIds)
          : all[1]!.giveBackBudgets(orderId, offerIds);
      }),
    );
    expect(await all[0]!.openBudgetTakes(5_000, 10_000)).toEqual([]);
    const kept = wins.filter((_, k) => k % 2 === 0).length;
    const leftAfter = await all[0]!.budgetLeft(budgetIds);
    expect([...leftAfter.values()].reduce((a, b) => a + b, 0)).toBe(6 * 3_000 - kept * 80);
  });

  it('200 concurrent claims of a coupon with total 50 give exactly 50, listed across slots', async () => {
    const all = ledgers();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        all[i % all.length]!.claimCoupon({
          couponId: 'c-1',
          buyerId: `buyer-${i % 80}`,
          walletId: `w-${i}`,
          total: 50,
          perBuyer: 1,
          at: 7_000 + i,
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expect((await all[1]!.claimCounts('c-1', 'buyer-0')).total).toBe(50);
    const winners = results.flatMap((r, i) => (r.ok ? [i % 80] : []));
    expect(new Set(winners).size).toBe(50);
    for (const id of ['c-2', 'c-3', 'c-4']) {
      const c = {
        couponId: id,
        buyerId: 'buyer-0',
        walletId: `w-${id}`,
        total: null,
        perBuyer: 1,
        at: 7_500,
      };
      expect(await all[2]!.claimCoupon(c)).toEqual({ ok: true });
    }
    const open = await all[0]!.openClaims(8_000, 1_000);
    expect(open).toHaveLength(53);
    expect(new Set(open.map((c) => c.couponId))).toEqual(new Set(['c-1', 'c-2', 'c-3', 'c-4']));
    expect(await all[1]!.unclaim('c-2', 'w-c-2')).toBe(true);
    await all[2]!.claimWritten('c-3', 'w-c-3');
    expect((await all[0]!.openClaims(8_000, 1_000)).map((c) => c.couponId).sort()).toEqual([
      ...Array.from({ length: 50 }, () => 'c-1'),
      'c-4',
    ]);
  });

  it('applies a restock with an id once across the bucket slots of a hot SKU', async () => {
    const all = clients.map((c) => new RedisHotLedger(c, prefix, { buckets: new Map([['sony-hot', 4]]) }));
    await all[0]!.openStock([{ sku: 'sony-hot', storeId: 'sony', initial: 8 }]);
    const applied = await Promise.all(
      Array.from({ length: 30 }, (_, i) => all[i % all.length]!.restock('sony', 'sony-hot', 10, 'presale-1')),
    );
    expect(applied.filter(Boolean)).toHaveLength(1);
    expect((await all[1]!.stockOf(['sony-hot'])).get('sony-hot')).toEqual({
      initial: 8,
      restocked: 10,
      available: 18,
      reserved: 0,
      sold: 0,
    });
    expect(await all[2]!.checkIdentity()).toEqual([]);
  });

  it("carries a server's notice to the others, whichever masters their connections reach", async () => {
    const [publisher, ...listeners] = ledgers().map((l) => l.notices());
    const heard: string[][] = listeners.map(() => []);
    try {
      await Promise.all(listeners.map((n, i) => n.subscribe('sold-out-actions', (m) => heard[i]!.push(m))));
      await publisher!.publish('sold-out-actions', 'hot sold out');
      await vi.waitFor(() => expect(heard).toEqual([['hot sold out'], ['hot sold out']]), { timeout: 2_000 });
    } finally {
      await Promise.all(listeners.map((n) => n.close()));
    }
  });

  it("drops one sale's counters on every master for a rebuild, and counts the servers listening", async () => {
    const sale = uniquePrefix('rebuild');
    const [hot, other] = clients.map(
      (c) => new RedisHotLedger(c, sale, { buckets: new Map([['lego-hot', 4]]) }),
    );
    try {
      await hot!.openStock([
        ...stores.map((storeId) => ({ sku: `${storeId}-x`, storeId, initial: 5 })),
        { sku: 'lego-hot', storeId: 'lego', initial: 40 },
      ]);
      for (const storeId of stores)
        expect(await hot!.reserve(order(`o-${storeId}`, storeId, [{ sku: `${storeId}-x`, qty: 1 }]))).toEqual(
          { ok: true },
        );
      expect(await hot!.reserve(order('o-hot', 'lego', [{ sku: 'lego-hot', qty: 2 }]))).toEqual({ ok: true });
      // What is not a counter stays: an Idempotency-Key claim, the funnel's counts.
      await clients[0]!.set(`${sale}:request:abc`, 'h:1');
      await clients[0]!.hset(`${sale}:{funnel}:counts`, 'visit', 3);
      const notices = other!.notices();
      await notices.subscribe('sold-out-actions', () => {});
      try {
        expect(await hot!.notices().listeners('sold-out-actions')).toBe(1);
      } finally {
        await notices.close();
      }
      expect(await hot!.notices().listeners('sold-out-actions')).toBe(0);

      expect(await hot!.dropCounters()).toBeGreaterThan(stores.length * 3);
      const left: string[] = [];
      for (const node of clients[0]!.nodes('master')) left.push(...(await node.keys(`${sale}:*`)));
      expect(left.sort()).toEqual([`${sale}:request:abc`, `${sale}:{funnel}:counts`]);
      expect(await hot!.stockOf(['lego-hot', 'nike-x'])).toEqual(new Map());
    } finally {
      await purgePrefix(clients[0]!, sale);
    }
  });
});
