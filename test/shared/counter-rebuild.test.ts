// A Redis that came back from an older snapshot (services/shared/counter-audit.ts and
// rebuild-counters.ts): the audit names every counter Redis holds less on than the database's
// orders and wallets, and the rebuild counts them again, so the sale goes on where the database
// says it was — stock, flash-session units and each buyer's share, budgets, coupon caps — and
// orders placed before the loss can still be paid.

import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AT, campaignOf, coupon, item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { auditCounters } from '../../src/services/shared/counter-audit.ts';
import { rebuildCounters } from '../../src/services/shared/rebuild-counters.ts';
import type { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import type { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { startApi, type TestApi } from '../api/api-harness.ts';
import { REDIS_URL, redisSnapshot } from '../support/test-store.ts';

let api: TestApi;
const redis = new Redis(REDIS_URL);
afterEach(() => api?.close());
afterAll(() => redis.quit());

const WINDOW = { startMs: AT - 3_600_000, endMs: AT + 3_600_000 };

async function sale(): Promise<TestApi> {
  return startApi({
    backend: 'shared',
    catalog: [
      item('tv', 's1', 100_000, { stock: 50 }),
      item('hot', 's1', 9_900, { stock: 10 }),
      item('lip', 's2', 23_900, { stock: 100 }),
    ],
    promotions: [
      { ...promo.storeTiers('st', 's1', [[150_000, 10_000]]), budgetFen: 1_000_000 },
      promo.flash('flash', 'hot', 990, 3, 1, WINDOW),
    ],
    coupons: [{ ...coupon.store('c', 's1', 0, 5_000), total: 2, perBuyer: 1 }],
  });
}

const order = (buyer: string, json: object) => api.call('POST', '/api/orders', { buyer, json });
const pay = (buyer: string, id: string) => api.call('POST', `/api/orders/${id}/pay`, { buyer, json: {} });
const claim = (buyer: string) => api.call('POST', '/api/coupons/c/claim', { buyer, json: {} });

/** Everything Redis counts that a sale stands on. */
async function counters(hot: RedisHotLedger) {
  return {
    stock: Object.fromEntries(await hot.stockOf(['tv', 'hot', 'lip'])),
    flashLeft: (await hot.offerLeft(['flash'])).get('flash'),
    budgetLeft: (await hot.budgetLeft(['st'])).get('st'),
    claims: await hot.claimCounts('c', 'u2'),
    boughtByU2: (await hot.boughtBy('u2', ['flash'])).get('flash'),
  };
}

describe('a Redis restored from an older snapshot', () => {
  it('is found behind the database, and rebuilt to where the database says the sale is', async () => {
    api = await sale();
    const hot = api.hot!;
    const store = api.engine.ctx.store as PostgresTradeStore;
    const { index } = api.engine.ctx;

    expect((await claim('u1')).status).toBe(201);
    const tv = await order('u1', { lines: [{ sku: 'tv', qty: 2 }], wallet: ['c'] });
    expect(tv.status).toBe(201);
    const restoreOlder = await redisSnapshot(redis, hot.prefix);

    // What Redis forgets: a claim (the coupon's last), two flash units (one paid), a cancelled
    // order, and the payment of the order placed before the snapshot.
    expect((await claim('u2')).status).toBe(201);
    const u2 = await order('u2', { lines: [{ sku: 'hot', qty: 1 }], flashSessions: ['flash'] });
    const u3 = await order('u3', { lines: [{ sku: 'hot', qty: 1 }], flashSessions: ['flash'] });
    expect([u2.status, u3.status]).toEqual([201, 201]);
    expect((await pay('u3', u3.body.orders[0].id)).status).toBe(200);
    const u4 = await order('u4', { lines: [{ sku: 'lip', qty: 3 }] });
    expect(
      (await api.call('POST', `/api/orders/${u4.body.orders[0].id}/cancel`, { buyer: 'u4' })).status,
    ).toBe(200);
    expect((await pay('u1', tv.body.orders[0].id)).status).toBe(200);
    const truth = await counters(hot);
    expect(truth.stock.hot).toMatchObject({ reserved: 1, sold: 1, available: 8 });
    expect(truth.stock.tv).toMatchObject({ reserved: 0, sold: 2 });
    expect(await auditCounters(index, store, hot)).toEqual([]);
    // A file edited since (the flash session cut to 1 unit, the budget halved) is no loss: Redis
    // is judged on what it opened with.
    const edited = campaignOf({
      catalog: [...index.campaign.catalog],
      promotions: index.campaign.promotions.map((p) =>
        p.kind === 'flash-sale'
          ? { ...p, quantity: 1 }
          : p.budgetFen === null
            ? p
            : { ...p, budgetFen: 500_000 },
      ),
      coupons: [...index.campaign.coupons],
    });
    expect(await auditCounters(edited, store, hot)).toEqual([]);

    await restoreOlder();
    const losses = await auditCounters(index, store, hot);
    expect(losses).toEqual([
      { counter: 'stock', id: 'hot', redis: 0, database: 2 },
      { counter: 'offer', id: 'flash', redis: 0, database: 2 },
      { counter: 'coupon', id: 'c', redis: 1, database: 2 },
    ]);

    const rebuilt = await rebuildCounters(index, store, hot);
    expect(rebuilt).toMatchObject({ open: 1, paid: 2, claims: 2, refused: [] });
    expect(await auditCounters(index, store, hot)).toEqual([]);
    expect(await counters(hot)).toEqual(truth);
    expect(await hot.checkIdentity()).toEqual([]);

    // The sale goes on from there: u2 has had their flash unit, the coupon is gone, and the order
    // placed before the loss is paid (its reservation is Redis's again).
    const again = await order('u2', { lines: [{ sku: 'hot', qty: 1 }], flashSessions: ['flash'] });
    expect(again.body.code).toBe('FLASH_LIMIT_REACHED');
    expect((await claim('u5')).body.code).toBe('COUPON_SOLD_OUT');
    expect((await pay('u2', u2.body.orders[0].id)).body.status).toBe('paid');
    expect((await hot.stockOf(['hot'])).get('hot')).toMatchObject({ reserved: 0, sold: 2, available: 8 });
  });

  it('finds a sale that ran on PostgreSQL alone before: counters opened fresh miss its orders', async () => {
    api = await sale();
    const hot = api.hot!;
    const store = api.engine.ctx.store as PostgresTradeStore;
    expect((await order('u1', { lines: [{ sku: 'lip', qty: 4 }] })).status).toBe(201);
    await hot.dropCounters();
    // Redis holds none of the sale's counters, the database an order.
    const losses = await auditCounters(api.engine.ctx.index, store, hot);
    expect(losses.find((l) => l.id === 'lip')).toEqual({
      counter: 'stock',
      id: 'lip',
      redis: null,
      database: 4,
    });
    await rebuildCounters(api.engine.ctx.index, store, hot);
    expect((await hot.stockOf(['lip'])).get('lip')).toMatchObject({ reserved: 4, available: 96 });
  });

  it('counts again a budget the sale overshot and a claim past its cap, in whatever order ids sort', async () => {
    api = await startApi({
      backend: 'shared',
      catalog: [item('tv', 's1', 399_900, { stock: 50 })],
      promotions: [{ ...promo.limitedTime('p', ['tv'], 10), budgetFen: 100_000 }],
      coupons: [{ ...coupon.store('c', 's1', 0, 5_000), total: 1, perBuyer: 1 }],
    });
    const hot = api.hot!;
    const store = api.engine.ctx.store as PostgresTradeStore;
    const a = await order('a', { lines: [{ sku: 'tv', qty: 1 }] }); // 39,990 of the budget: 60,010 left
    expect((await order('b', { lines: [{ sku: 'tv', qty: 1 }] })).status).toBe(201); // 20,020 left
    expect((await order('c', { lines: [{ sku: 'tv', qty: 3 }] })).status).toBe(201); // 119,970: the last use overshoots
    expect((await hot.budgetLeft(['p'])).get('p')).toBe(100_000 - 2 * 39_990 - 119_970);
    // Order a came from a server whose ids sort later; and a claim raced past the coupon's cap.
    await sql`UPDATE orders SET id = 'zz' || id WHERE id = ${a.body.orders[0].id}`.execute(store.db);
    expect((await claim('u1')).status).toBe(201);
    await store.db
      .insertInto('wallet')
      .values({
        id: 'w-raced',
        buyer_id: 'u2',
        coupon_id: 'c',
        balance_fen: null,
        source: 'claim',
        created_at: AT,
        status: 'available',
        used_by: null,
        tasks_done: 0,
        inflated: 0,
      })
      .execute();

    await hot.dropCounters();
    const rebuilt = await rebuildCounters(api.engine.ctx.index, store, hot);
    expect(rebuilt).toMatchObject({ open: 3, claims: 2, refused: [] });
    expect((await hot.budgetLeft(['p'])).get('p')).toBe(100_000 - 2 * 39_990 - 119_970);
    expect((await hot.claimCounts('c', 'u2')).total).toBe(2);
    expect(await auditCounters(api.engine.ctx.index, store, hot)).toEqual([]);
  });
});
