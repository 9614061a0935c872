// The sale mechanics with no single writer (issue: beyond one machine): on PostgreSQL + Redis every
// server may use the same coupon or red envelope at the same instant, so the database's
// conditional updates decide; and what a server that died mid-way left in Redis or in wallet
// holds is put right by the reconciler.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AT, coupon, item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import type { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import { startApi, type TestApi } from '../api/api-harness.ts';

let api: TestApi;
afterEach(() => api?.close());

let now = AT;

async function sharedApi(): Promise<TestApi> {
  now = AT;
  return startApi({
    backend: 'shared',
    catalog: [item('tv', 's1', 100_000, { stock: 50 }), item('hot', 's1', 9_900, { stock: 1 })],
    promotions: [{ ...promo.storeTiers('st', 's1', [[50_000, 10_000]]), budgetFen: 1_000_000 }],
    coupons: [
      { ...coupon.store('c', 's1', 0, 5_000), total: 3, perBuyer: 1 },
      { ...coupon.redEnvelope('r', 1_000), perBuyer: 1 },
    ],
    now: () => now,
  });
}

const claim = (buyer: string, id: string) =>
  api.call('POST', `/api/coupons/${id}/claim`, { buyer, json: {} });
const order = (buyer: string, json: object) => api.call('POST', '/api/orders', { buyer, json });
const myWallet = async (buyer: string) => (await api.call('GET', '/api/wallet', { buyer })).body.items;
const claimed = async (id: string) =>
  (await api.call('GET', '/api/coupons')).body.items.find((c: { id: string }) => c.id === id).claimed;

describe('wallets with no single writer', () => {
  it('lets one of 20 concurrent checkouts use a coupon, and gives the others’ stock back', async () => {
    api = await sharedApi();
    await claim('u1', 'c');
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => order('u1', { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c'] })),
    );
    const placed = replies.filter((r) => r.status === 201);
    expect(placed).toHaveLength(1);
    expect(placed[0]!.body.payable).toBe(100_000 - 10_000 - 5_000);
    const refused = replies.filter((r) => r.status !== 201).map((r) => r.body.code);
    expect(new Set(refused)).toEqual(new Set(['COUPON_ALREADY_USED']));
    expect(await api.stock('tv')).toMatchObject({ reserved: 1, available: 49 });
    expect(await api.countRows('orders')).toBe(1);
  });

  it('spends a red envelope once when three checkouts want all of it at once', async () => {
    api = await sharedApi();
    await claim('u1', 'r');
    const replies = await Promise.all(
      Array.from({ length: 3 }, () => order('u1', { lines: [{ sku: 'tv', qty: 1 }], wallet: ['r'] })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect((await myWallet('u1'))[0]).toMatchObject({ couponId: 'r', balanceFen: 0 });
  });
});

describe('the reconciler after a server died mid-way', () => {
  it('gives back an unwritten claim, an orphan budget spend and wallet hold, and adds a pre-sale switch’s units once', async () => {
    api = await sharedApi();
    const hot = api.hot!;
    const engine = api.engine as SharedTradeEngine;
    await claim('u1', 'c');
    const [entry] = await myWallet('u1');
    // A server counted a claim in Redis and died before the wallet row reached PostgreSQL.
    const ghostClaim = {
      couponId: 'c',
      buyerId: 'ghost',
      walletId: 'w-ghost',
      total: 3,
      perBuyer: 1,
      at: now,
    };
    expect(await hot.claimCoupon(ghostClaim)).toEqual({ ok: true });
    // Another took a budget spend and u1's coupon for an order it never wrote.
    expect(await hot.takeBudgets('o-ghost', [{ offerId: 'st', spentFen: 10_000 }], now)).toEqual({
      ok: true,
    });
    await api.db
      .updateTable('wallet')
      .set({ status: 'used', used_by: 'c-ghost' })
      .where('id', '=', entry.id)
      .execute();
    await api.db
      .insertInto('wallet_holds')
      .values({
        order_id: 'o-ghost',
        wallet_id: entry.id,
        checkout_id: 'c-ghost',
        amount_fen: 5_000,
        at: now,
      })
      .execute();
    // A third wrote a switch to pre-sale and died before adding its units in Redis.
    const action = { kind: 'presale', shipDate: '2026-11-20', units: 5 };
    await api.db
      .insertInto('sku_actions')
      .values({ sku: 'hot', action: JSON.stringify(action), operator: 'ops', at: now })
      .execute();
    expect(await claimed('c')).toBe(2);
    expect((await hot.budgetLeft(['st'])).get('st')).toBe(990_000);

    // Within the grace period nothing is given back: the writes may still be on their way. The
    // pre-sale switch is in PostgreSQL, so its units are added at once.
    expect(await engine.reconcileNow()).toMatchObject({
      claimsGivenBack: 0,
      budgetsGivenBack: 0,
      walletHoldsReleased: 0,
      restocksApplied: 1,
      restocksAdded: 0,
    });
    now += 31_000;
    expect(await engine.reconcileNow()).toMatchObject({
      claimsGivenBack: 1,
      budgetsGivenBack: 1,
      walletHoldsReleased: 1,
      restocksApplied: 0, // added once, by the pass before
      restocksAdded: 0,
    });
    expect(await claimed('c')).toBe(1);
    expect((await hot.budgetLeft(['st'])).get('st')).toBe(1_000_000);
    expect((await myWallet('u1'))[0]).toMatchObject({ id: entry.id, status: 'available' });
    expect(await api.stock('hot')).toMatchObject({ initial: 1, restocked: 5, available: 6 });
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM wallet_holds`.execute(api.db);
    expect(Number(rows[0]!.n)).toBe(0);

    // Again: nothing left to do, and the units were added once.
    expect(await engine.reconcileNow()).toEqual({
      orphansReleased: 0,
      committed: 0,
      released: 0,
      budgetsKept: 0,
      budgetsGivenBack: 0,
      claimsGivenBack: 0,
      walletHoldsReleased: 0,
      restocksApplied: 0,
      restocksAdded: 0,
      refundsResumed: 0,
    });
    expect(await api.stock('hot')).toMatchObject({ restocked: 5, available: 6 });
    // The coupon is usable again, and the claim cap counts it right: two more buyers, then sold out.
    expect((await order('u1', { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c'] })).status).toBe(201);
    expect((await claim('u2', 'c')).status).toBe(201);
    expect((await claim('u3', 'c')).status).toBe(201);
    expect((await claim('u4', 'c')).body.code).toBe('COUPON_SOLD_OUT');
  });
});
