// The coupon wallet through HTTP (issue: sale mechanics): claims within caps under concurrency,
// coupons consumed at order placement and restored when the order closes unpaid, red envelopes
// spent and refunded to the fen.
import { afterEach, describe, expect, it } from 'vitest';
import { coupon, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { AT, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

let now = AT;
function wallet() {
  now = AT;
  return {
    catalog: [item('tv', 's1', 399_900, { stock: 100 }), item('cup', 's2', 1_000, { stock: 100 })],
    promotions: [],
    coupons: [
      { ...coupon.store('c-s1', 's1', 100_000, 10_000), total: 500 },
      coupon.platform('c-plat', 0, 600),
      { ...coupon.store('c-late', 's1', 0, 100), claimWindow: { startMs: AT + 3_600_000, endMs: null } },
      { ...coupon.redEnvelope('r-10', 1_000), perBuyer: 2 },
    ],
    now: () => now,
  };
}

const claim = (buyer: string, id: string) =>
  api.call('POST', `/api/coupons/${id}/claim`, { buyer, json: {} });
const order = (buyer: string, json: object) => api.call('POST', '/api/orders', { buyer, json });
const myWallet = async (buyer: string) => (await api.call('GET', '/api/wallet', { buyer })).body.items;

describe('claiming coupons (领券)', () => {
  it('never issues more than the cap: 2000 concurrent claims on a 500-coupon cap give exactly 500', async () => {
    api = await startApi(wallet());
    // 2000 buyers at once, over at most 200 sockets (more would overflow the loopback accept queue).
    const replies: Awaited<ReturnType<typeof claim>>[] = [];
    let next = 0;
    const lane = async () => {
      while (next < 2000) replies.push(await claim(`b${next++}`, 'c-s1'));
    };
    await Promise.all(Array.from({ length: 200 }, lane));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(500);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.code === 'COUPON_SOLD_OUT')).toBe(
      true,
    );
    expect(replies.filter((r) => r.status === 409)).toHaveLength(1500);
    expect(await api.countRows('wallet')).toBe(500);
    const listed = (await api.call('GET', '/api/coupons')).body.items.find(
      (c: { id: string }) => c.id === 'c-s1',
    );
    expect(listed).toMatchObject({ claimed: 500, total: 500, claimable: false });
  }, 30_000);

  it('enforces the per-buyer limit and the claim window', async () => {
    api = await startApi(wallet());
    expect((await claim('u1', 'r-10')).status).toBe(201);
    expect((await claim('u1', 'r-10')).status).toBe(201);
    expect((await claim('u1', 'r-10')).body.code).toBe('CLAIM_LIMIT_REACHED');
    expect((await claim('u1', 'c-late')).body.code).toBe('CLAIM_WINDOW_CLOSED');
    expect((await claim('u1', 'c-nope')).status).toBe(404);
  });
});

describe('using and restoring coupons', () => {
  it('consumes a coupon when the order is placed and restores it when the order is cancelled', async () => {
    api = await startApi(wallet());
    await claim('u1', 'c-s1');
    const placed = await order('u1', { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c-s1'] });
    expect(placed.body.payable).toBe(399_900 - 10_000);
    expect((await myWallet('u1'))[0]).toMatchObject({ couponId: 'c-s1', status: 'used' });
    await api.call('POST', `/api/orders/${placed.body.orders[0].id}/cancel`, { buyer: 'u1', json: {} });
    expect((await myWallet('u1'))[0]).toMatchObject({ couponId: 'c-s1', status: 'available' });
  });

  it('restores a coupon whose order expires unpaid, and keeps it once paid', async () => {
    api = await startApi(wallet());
    await claim('u1', 'c-s1');
    await order('u1', { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c-s1'] });
    now += 30 * 60_000;
    expect(await api.engine.tick()).toBe(1);
    expect((await myWallet('u1'))[0].status).toBe('available');
    const placed = await order('u1', { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c-s1'] });
    await api.call('POST', `/api/orders/${placed.body.orders[0].id}/pay`, { buyer: 'u1', json: {} });
    now += 30 * 60_000;
    await api.engine.tick();
    expect((await myWallet('u1'))[0].status).toBe('used');
  });

  it("quotes a signed-in shopper's own wallet as their checkout takes it", async () => {
    api = await startApi(wallet());
    const quote = (json: object, buyer?: string) =>
      api.call('POST', '/api/quote', buyer === undefined ? { json } : { buyer, json });
    const lines = [{ sku: 'cup', qty: 3 }];
    const cart = { lines, wallet: [{ id: 'r-10', couponId: 'r-10', balance: 900 }] };
    const notHeld = await quote(cart, 'u1');
    expect([notHeld.status, notHeld.body.code, notHeld.body.path]).toEqual([
      422,
      'COUPON_NOT_IN_WALLET',
      'wallet[0]',
    ]);
    await claim('u1', 'r-10');
    // The server's ¥10, not the ¥900 the body claims; the checkout then agrees to the fen.
    const quoted = await quote(cart, 'u1');
    expect([quoted.status, quoted.body.payable]).toEqual([200, 3_000 - 1_000]);
    const placed = await order('u1', { lines, wallet: ['r-10'], expectedPayable: quoted.body.payable });
    expect([placed.status, placed.body.payable]).toEqual([201, 2_000]);
    // Spent to the last fen: the quote refuses it as checkout would.
    const spent = await quote({ lines, wallet: ['r-10'] }, 'u1');
    expect([spent.status, spent.body.code]).toEqual([409, 'COUPON_ALREADY_USED']);
    // The operators' preview (no sign-in) still prices a cart file's balances, touching nothing.
    const preview = await quote({ ...cart, buyer: { id: 'u1', memberships: [] } });
    expect([preview.status, preview.body.payable]).toEqual([200, 0]);
    expect((await myWallet('u1'))[0].balanceFen).toBe(0);
  });

  it('spends a red envelope to the fen and refunds exactly what the cancelled store order took', async () => {
    api = await startApi(wallet());
    await claim('u1', 'r-10');
    const placed = await order('u1', {
      lines: [
        { sku: 'tv', qty: 1 },
        { sku: 'cup', qty: 3 },
      ],
      wallet: ['r-10'],
    });
    expect(placed.body.payable).toBe(399_900 + 3_000 - 1_000);
    expect((await myWallet('u1'))[0].balanceFen).toBe(0);
    const cupOrder = placed.body.orders.find((o: { storeId: string }) => o.storeId === 's2');
    await api.call('POST', `/api/orders/${cupOrder.id}/cancel`, { buyer: 'u1', json: {} });
    // 1000 split 399900 : 3000 by what is left → the cup order took 7 fen.
    expect((await myWallet('u1'))[0].balanceFen).toBe(7);
  });

  it('keeps an order-wide coupon used until every store order of the checkout has closed unpaid', async () => {
    api = await startApi(wallet());
    await claim('u1', 'c-plat');
    const placed = await order('u1', {
      lines: [
        { sku: 'tv', qty: 1 },
        { sku: 'cup', qty: 1 },
      ],
      wallet: ['c-plat'],
    });
    const [a, b] = placed.body.orders;
    await api.call('POST', `/api/orders/${a.id}/cancel`, { buyer: 'u1', json: {} });
    expect((await myWallet('u1'))[0].status).toBe('used');
    await api.call('POST', `/api/orders/${b.id}/cancel`, { buyer: 'u1', json: {} });
    expect((await myWallet('u1'))[0].status).toBe('available');
  });
});

describe('inflating red envelopes (膨胀红包)', () => {
  it('grows by tasks before the day, is multiplied on the day at checkout, and refuses tasks after', async () => {
    const day = { startMs: AT + 3_600_000, endMs: AT + 90_000_000 };
    const setup = wallet();
    const boom = coupon.redEnvelope('r-boom', 500);
    if (boom.kind !== 'red-envelope') throw new Error('not a red envelope');
    setup.coupons.push({ ...boom, inflate: { perTaskFen: 300, maxTasks: 2, dayMultiplier: 2, day } });
    api = await startApi(setup);
    const claimed = await claim('u1', 'r-boom');
    const inflate = () =>
      api.call('POST', `/api/wallet/${claimed.body.id}/inflate`, { buyer: 'u1', json: {} });
    expect((await inflate()).body).toMatchObject({ balanceFen: 800, tasksDone: 1 });
    expect((await inflate()).body).toMatchObject({ balanceFen: 1_100, tasksDone: 2 });
    expect((await inflate()).body.code).toBe('INFLATION_TASKS_DONE');
    expect(
      (await api.call('POST', `/api/wallet/${claimed.body.id}/inflate`, { buyer: 'u2', json: {} })).body.code,
    ).toBe('COUPON_NOT_IN_WALLET');
    now = day.startMs;
    const placed = await order('u1', { lines: [{ sku: 'cup', qty: 5 }], wallet: [claimed.body.id] });
    expect(placed.body.payable).toBe(5_000 - 2_200); // 1 100 doubled on the day
    expect((await myWallet('u1'))[0]).toMatchObject({ balanceFen: 0 });
    expect((await inflate()).body.code).toBe('INFLATION_CLOSED');
  });
});
