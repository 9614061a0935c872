// The order flow over HTTP: place → pay → my orders, cancel, idempotent retries, payment failover
// and the channel callback.
import { afterEach, describe, expect, it } from 'vitest';
import { signCallback } from '../../src/api/callback-signature.ts';
import { item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import { signedCallback, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

async function place(
  buyer: string,
  lines: { sku: string; qty: number }[],
  headers: Record<string, string> = {},
) {
  return api.call('POST', '/api/orders', { buyer, json: { lines }, headers });
}

async function placeOne(buyer: string, sku = 'tv', qty = 1): Promise<string> {
  const res = await place(buyer, [{ sku, qty }]);
  expect(res.status).toBe(201);
  return res.body.orders[0].id;
}

describe('place → pay → my orders', () => {
  it('places one order per store, pays one, and lists both with their detail', async () => {
    api = await startApi();
    const placed = await place('u1', [
      { sku: 'tv', qty: 2 },
      { sku: 'cup', qty: 3 },
    ]);
    expect(placed.status).toBe(201);
    expect(placed.contentType).toMatch(/^application\/json/);
    expect(placed.body).toMatchObject({ payable: 2 * 359_910 + 3 * 1_000, savings: 2 * 39_990, gifts: [] });
    const [tvOrder, cupOrder] = placed.body.orders;
    expect(tvOrder).toMatchObject({ storeId: 's1', status: 'pending_payment', payable: 719_820 });
    expect(cupOrder).toMatchObject({ storeId: 's2', payable: 3_000 });
    expect(await api.stock('tv')).toMatchObject({ available: 18, reserved: 2, sold: 0 });

    const paid = await api.call('POST', `/api/orders/${tvOrder.id}/pay`, {
      buyer: 'u1',
      json: { channel: 'alipay' },
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({
      id: tvOrder.id,
      status: 'paid',
      channel: 'alipay',
      compensation: null,
    });
    expect(paid.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['succeeded']);
    expect(await api.stock('tv')).toMatchObject({ available: 18, reserved: 0, sold: 2 });

    const mine = await api.call('GET', '/api/orders', { buyer: 'u1' });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(2);
    const tv = mine.body.items.find((o: { id: string }) => o.id === tvOrder.id);
    expect(tv).toMatchObject({
      status: 'paid',
      payable: 719_820,
      listTotal: 799_800,
      paymentChannel: 'alipay',
      applied: [{ id: 'p-ltd', kind: 'limited-time', amount: 79_980 }], // item-level saving, so applied adds up to the order's savings
      lines: [
        {
          sku: 'tv',
          qty: 2,
          unitPrice: 359_910,
          offer: { id: 'p-ltd' },
          payable: 719_820,
          unitPayables: [359_910, 359_910],
        },
      ],
    });
    expect(typeof tv.paidAt).toBe('number');

    const one = await api.call('GET', `/api/orders/${cupOrder.id}`, { buyer: 'u1' });
    expect(one).toMatchObject({
      status: 200,
      body: { id: cupOrder.id, status: 'pending_payment', paidAt: null },
    });
    expect(await api.call('GET', '/api/orders', { buyer: 'u2' })).toMatchObject({
      status: 200,
      body: { items: [] },
    });
  });

  it('lists newest first and pages with ?limit=', async () => {
    let now = Date.parse('2026-11-11T20:05:00+08:00');
    api = await startApi({ now: () => now });
    const first = await placeOne('u1', 'cup');
    now += 1_000;
    const second = await placeOne('u1', 'mug');
    const all = await api.call('GET', '/api/orders', { buyer: 'u1' });
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([second, first]);
    const page = await api.call('GET', '/api/orders?limit=1', { buyer: 'u1' });
    expect(page.body.items.map((o: { id: string }) => o.id)).toEqual([second]);
    for (const limit of ['0', '101', 'abc', '-1']) {
      const bad = await api.call('GET', `/api/orders?limit=${limit}`, { buyer: 'u1' });
      expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', path: 'query.limit' } });
    }
  });

  it("reads only the buyer's own orders", async () => {
    api = await startApi();
    const id = await placeOne('u1');
    expect(await api.call('GET', `/api/orders/${id}`, { buyer: 'u2' })).toMatchObject({
      status: 403,
      body: { code: 'NOT_YOUR_ORDER' },
    });
    expect(await api.call('GET', '/api/orders/o-nope', { buyer: 'u1' })).toMatchObject({
      status: 404,
      body: { code: 'ORDER_NOT_FOUND' },
    });
  });

  it('refuses an order whose price moved from what the shopper saw, and takes one that did not', async () => {
    api = await startApi();
    const stale = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { lines: [{ sku: 'tv', qty: 1 }], expectedPayable: 399_900 },
    });
    expect(stale).toMatchObject({ status: 409, body: { code: 'PRICE_MISMATCH', payable: 359_910 } });
    expect(await api.stock('tv')).toMatchObject({ available: 20, reserved: 0 });
    const fresh = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { lines: [{ sku: 'tv', qty: 1 }], expectedPayable: 359_910 },
    });
    expect(fresh.status).toBe(201);
  });

  /** A TV at ¥3,999, ¥3,699 for 88VIP members. */
  const memberPriceApi = () =>
    startApi({
      catalog: [item('tv', 's1', 399_900, { stock: 10 })],
      promotions: [promo.memberPrice('mp', 'tv', 'vip88', 369_900)],
      coupons: [],
      memberships: [{ id: 'vip88', name: '88VIP', discountPercent: 0 }],
    });

  it('gives member prices only to memberships the gateway vouches for, never to a body that claims one', async () => {
    api = await memberPriceApi();
    const cart = { lines: [{ sku: 'tv', qty: 1 }] };
    const member = await api.call('POST', '/api/orders', {
      buyer: 'm1',
      json: cart,
      headers: { 'x-buyer-memberships': 'vip88' },
    });
    expect([member.status, member.body.payable]).toEqual([201, 369_900]);
    expect((await api.call('POST', '/api/orders', { buyer: 'u1', json: cart })).body.payable).toBe(399_900);
    const before = await api.snapshot('u1');
    const claimed = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { ...cart, memberships: ['vip88'] },
    });
    expect([claimed.status, claimed.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const bad = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: cart,
      headers: { 'x-buyer-memberships': 'vip88,{bad}' },
    });
    expect([bad.status, bad.body.code, bad.body.path]).toEqual([
      400,
      'VALIDATION_FAILED',
      'headers.x-buyer-memberships',
    ]);
    expect(await api.snapshot('u1')).toEqual(before);
  });

  it('quotes a signed-in shopper as their checkout prices them: with the gateway’s memberships', async () => {
    api = await memberPriceApi();
    const cart = { lines: [{ sku: 'tv', qty: 1 }] };
    const vip = { 'x-buyer-memberships': 'vip88' };
    const quoted = await api.call('POST', '/api/quote', { buyer: 'm1', headers: vip, json: cart });
    expect([quoted.status, quoted.body.buyerId, quoted.body.payable]).toEqual([200, 'm1', 369_900]);
    // The quote's figure is what the checkout expects, and gets.
    const placed = await api.call('POST', '/api/orders', {
      buyer: 'm1',
      headers: vip,
      json: { ...cart, expectedPayable: quoted.body.payable },
    });
    expect([placed.status, placed.body.payable]).toEqual([201, 369_900]);
    // Repeating themselves in the body is allowed; pricing for someone else, or claiming another
    // membership, is refused rather than ignored.
    const same = { buyer: { id: 'm1', memberships: ['vip88'] }, ...cart };
    expect(
      (await api.call('POST', '/api/quote', { buyer: 'm1', headers: vip, json: same })).body.payable,
    ).toBe(369_900);
    const other = await api.call('POST', '/api/quote', {
      buyer: 'u1',
      json: { buyer: { id: 'm1' }, ...cart },
    });
    expect([other.status, other.body.code, other.body.path]).toEqual([400, 'VALIDATION_FAILED', 'buyer.id']);
    const claimed = await api.call('POST', '/api/quote', {
      buyer: 'u1',
      json: { buyer: { id: 'u1', memberships: ['vip88'] }, ...cart },
    });
    expect([claimed.status, claimed.body.path]).toEqual([400, 'buyer.memberships']);
    // Without the header (the operators' price preview) the body says whom to price for.
    const preview = await api.call('POST', '/api/quote', { json: same });
    expect([preview.body.buyerId, preview.body.payable]).toEqual(['m1', 369_900]);
  });

  it('applies claimed wallet coupons and refuses coupons the buyer does not hold', async () => {
    api = await startApi();
    const order = { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c-s1-100'] };
    const unclaimed = await api.call('POST', '/api/orders', { buyer: 'u1', json: order });
    expect(unclaimed).toMatchObject({
      status: 422,
      body: { code: 'COUPON_NOT_IN_WALLET', path: 'wallet[0]' },
    });
    const claimed = await api.call('POST', '/api/coupons/c-s1-100/claim', { buyer: 'u1', json: {} });
    expect(claimed).toMatchObject({ status: 201, body: { couponId: 'c-s1-100', status: 'available' } });
    const res = await api.call('POST', '/api/orders', { buyer: 'u1', json: order });
    expect(res).toMatchObject({ status: 201, body: { payable: 359_910 - 10_000 } });
    const again = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { ...order, wallet: [claimed.body.id] },
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'COUPON_ALREADY_USED' } });
  });
});

describe('cancel', () => {
  it('releases the stock and refuses to cancel twice or to cancel a paid order', async () => {
    api = await startApi();
    const id = await placeOne('u1', 'tv', 3);
    expect(await api.stock('tv')).toMatchObject({ available: 17, reserved: 3 });
    const cancelled = await api.call('POST', `/api/orders/${id}/cancel`, { buyer: 'u1' });
    expect(cancelled).toMatchObject({ status: 200, body: { id, status: 'cancelled' } });
    expect(await api.stock('tv')).toMatchObject({ available: 20, reserved: 0, sold: 0 });
    expect((await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' })).body.status).toBe('cancelled');
    expect(await api.call('POST', `/api/orders/${id}/cancel`, { buyer: 'u1' })).toMatchObject({
      status: 409,
      body: { code: 'ORDER_CANCELLED' },
    });
    expect(await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1' })).toMatchObject({
      status: 409,
      body: { code: 'ORDER_CANCELLED' },
    });
  });

  it('accepts an empty JSON object as the body too', async () => {
    api = await startApi();
    const id = await placeOne('u1');
    expect(await api.call('POST', `/api/orders/${id}/cancel`, { buyer: 'u1', json: {} })).toMatchObject({
      status: 200,
    });
  });
});

describe('Idempotency-Key', () => {
  it('places once for concurrent and later retries with the same key, and refuses the key for another body', async () => {
    api = await startApi();
    const headers = { 'idempotency-key': 'k-1' };
    const lines = [{ sku: 'tv', qty: 1 }];
    const [a, b] = await Promise.all([place('u1', lines, headers), place('u1', lines, headers)]);
    const c = await place('u1', lines, headers);
    expect(a.status).toBe(201);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // Same JSON in another key order is the same request.
    const reordered = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      raw: '{"lines":[{"qty":1,"sku":"tv"}]}',
      headers,
    });
    expect(reordered.body).toEqual(a.body);
    expect(await api.countRows('orders')).toBe(1);
    expect(await api.stock('tv')).toMatchObject({ reserved: 1 });

    const other = await place('u1', [{ sku: 'tv', qty: 2 }], headers);
    expect(other).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(other.contentType).toMatch(/^application\/problem\+json/);
    // Keys belong to a buyer: another buyer's same key is another request.
    expect((await place('u2', lines, headers)).status).toBe(201);
    expect(await api.countRows('orders')).toBe(2);
  });

  it('replays an answer stored before orders carried shipDate, saying null', async () => {
    api = await startApi();
    const headers = { 'idempotency-key': 'k-old' };
    const first = await place('u1', [{ sku: 'tv', qty: 1 }], headers);
    expect(first.status).toBe(201);
    expect(first.body.orders[0].shipDate).toBeNull();
    // The answer as an earlier version stored it: no shipDate on its orders.
    const row = await api.db
      .selectFrom('idempotency')
      .select('response')
      .where('key', '=', 'k-old')
      .executeTakeFirstOrThrow();
    const stored = JSON.parse(row.response);
    for (const o of stored.value.orders) delete o.shipDate;
    await api.db
      .updateTable('idempotency')
      .set({ response: JSON.stringify(stored) })
      .where('key', '=', 'k-old')
      .execute();
    const again = await place('u1', [{ sku: 'tv', qty: 1 }], headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await api.countRows('orders')).toBe(1);
  });

  it('pays once for a retried pay and replays the answer', async () => {
    api = await startApi();
    const id = await placeOne('u1');
    const headers = { 'idempotency-key': 'pay-1' };
    const first = await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1', headers });
    const again = await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1', headers });
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    expect(await api.countRows('payments')).toBe(1);
    expect(await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1' })).toMatchObject({
      status: 409,
      body: { code: 'ORDER_ALREADY_PAID' },
    });
    expect(
      await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1', headers, json: { channel: 'alipay' } }),
    ).toMatchObject({
      status: 422,
      body: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
  });
});

describe('payments', () => {
  it('lists the cashier’s payment channels in failover order, and pays through the one named first', async () => {
    api = await startApi({
      channels: [
        new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 }),
        new SimulatedChannel({ name: 'wechat', latencyMs: 0, failureRate: 0 }),
      ],
    });
    const methods = await api.call('GET', '/api/payment-methods');
    expect([methods.status, methods.body]).toEqual([
      200,
      { items: [{ channel: 'alipay' }, { channel: 'wechat' }] },
    ]);
    const id = await placeOne('u1');
    const paid = await api.call('POST', `/api/orders/${id}/pay`, {
      buyer: 'u1',
      json: { channel: 'wechat' },
    });
    expect([paid.status, paid.body.channel]).toEqual([200, 'wechat']);
  });

  it('fails over when the first channel is slower than the timeout, and compensates the shopper', async () => {
    api = await startApi({
      channels: [
        new SimulatedChannel({ name: 'alipay', latencyMs: 5_000, failureRate: 0 }),
        new SimulatedChannel({ name: 'wechat', latencyMs: 1, failureRate: 0 }),
      ],
      config: { paymentTimeoutMs: 20 },
    });
    const id = await placeOne('u1', 'cup');
    const started = performance.now();
    const paid = await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(paid).toMatchObject({
      status: 200,
      body: { channel: 'wechat', compensation: { couponId: 'r-sorry', amount: 500 } },
    });
    expect(
      paid.body.attempts.map((a: { channel: string; outcome: string }) => `${a.channel}:${a.outcome}`),
    ).toEqual(['alipay:timeout', 'wechat:succeeded']);
    const wallet = await api.call('GET', '/api/wallet', { buyer: 'u1' });
    expect(wallet.status).toBe(200);
    expect(wallet.body.items).toEqual([
      expect.objectContaining({
        couponId: 'r-sorry',
        kind: 'red-envelope',
        balanceFen: 500,
        source: `compensation:${id}`,
      }),
    ]);
    expect((await api.call('GET', '/api/wallet', { buyer: 'u2' })).body.items).toEqual([]);
  });

  it('answers 402 when every channel fails, and the order stays payable', async () => {
    api = await startApi({
      channels: [new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 1 })],
    });
    const id = await placeOne('u1', 'cup');
    const failed = await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1' });
    expect(failed).toMatchObject({
      status: 402,
      body: { code: 'PAYMENT_FAILED', attempts: [{ channel: 'alipay', outcome: 'error' }] },
    });
    expect(failed.contentType).toMatch(/^application\/problem\+json/);
    expect(await api.stock('cup')).toMatchObject({ reserved: 1, sold: 0 });
    expect((await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' })).body.status).toBe('pending_payment');
  });

  it('compensates an order once however often its payment fails, and the envelope takes nothing from the coupon’s caps', async () => {
    api = await startApi({
      channels: [
        new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 1 }),
        new SimulatedChannel({ name: 'wechat', latencyMs: 0, failureRate: 1 }),
      ],
    });
    const id = await placeOne('u1', 'cup');
    const tries = [];
    for (let i = 0; i < 4; i++) tries.push(await api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1' }));
    expect(tries.map((t) => t.status)).toEqual([402, 402, 402, 402]);
    expect(tries.map((t) => t.body.compensation?.amount ?? null)).toEqual([500, null, null, null]);
    const wallet = (await api.call('GET', '/api/wallet', { buyer: 'u1' })).body.items;
    expect(wallet.map((w: { couponId: string; balanceFen: number }) => [w.couponId, w.balanceFen])).toEqual([
      ['r-sorry', 500],
    ]);
    const other = await placeOne('u2', 'cup');
    const again = await api.call('POST', `/api/orders/${other}/pay`, { buyer: 'u2' });
    expect(again.body.compensation).toMatchObject({ couponId: 'r-sorry', amount: 500 });
    const listed = (await api.call('GET', '/api/coupons')).body.items.find(
      (c: { id: string }) => c.id === 'r-sorry',
    );
    expect(listed?.claimed ?? 0).toBe(0);
  });

  it('confirms a channel callback once: the same reference again is fine, another one is a duplicate payment', async () => {
    api = await startApi();
    const id = await placeOne('u1', 'cup', 2);
    const callback = { orderId: id, channel: 'alipay', channelRef: 'ali-777' };
    const first = await api.call('POST', '/api/payments/callback', signedCallback(callback));
    expect(first).toMatchObject({ status: 200, body: { id, status: 'paid', duplicate: false } });
    expect(await api.stock('cup')).toMatchObject({ reserved: 0, sold: 2 });
    const again = await api.call('POST', '/api/payments/callback', signedCallback(callback));
    expect(again).toMatchObject({ status: 200, body: { id, status: 'paid', duplicate: true } });
    expect(await api.stock('cup')).toMatchObject({ reserved: 0, sold: 2 });
    const other = await api.call(
      'POST',
      '/api/payments/callback',
      signedCallback({ ...callback, channelRef: 'ali-778' }),
    );
    expect(other).toMatchObject({ status: 409, body: { code: 'DUPLICATE_PAYMENT' } });
    const order = await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' });
    expect(order.body).toMatchObject({ status: 'paid', paymentChannel: 'alipay', paymentRef: 'ali-777' });
    expect(
      await api.call('POST', '/api/payments/callback', signedCallback({ ...callback, orderId: 'o-nope' })),
    ).toMatchObject({
      status: 404,
      body: { code: 'ORDER_NOT_FOUND' },
    });
  });
  it('refunds a charge a callback reports with its amount when it pays nothing, once; a wrong amount pays nothing', async () => {
    // Alipay's refunds take a while, so two asks for one refund overlap.
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 50, failureRate: 0 });
    const wechat = new SimulatedChannel({ name: 'wechat', latencyMs: 0, failureRate: 0 });
    api = await startApi({ channels: [alipay, wechat] });
    const id = await placeOne('u1', 'cup', 2);
    const payable = (await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' })).body.payable as number;
    const send = (callback: { channelRef: string; channel?: string; amount?: number }) =>
      api.call(
        'POST',
        '/api/payments/callback',
        signedCallback({ orderId: id, channel: 'wechat', ...callback }),
      );

    const wrong = await send({ channelRef: 'wechat-w1', amount: payable - 1 });
    expect(wrong).toMatchObject({
      status: 409,
      body: {
        code: 'PAYMENT_AMOUNT_MISMATCH',
        owed: payable,
        refund: { status: 'refunded', amount: payable - 1 },
      },
    });
    expect((await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' })).body.status).toBe('pending_payment');
    expect((await send({ channelRef: 'wechat-w1', amount: payable - 1 })).body.code).toBe('PAYMENT_REFUNDED');

    const paid = await send({ channelRef: 'wechat-p1', amount: payable });
    expect(paid).toMatchObject({ status: 200, body: { status: 'paid', duplicate: false } });
    // A late success of an abandoned channel: a second charge, given back through it.
    const late = await send({ channel: 'alipay', channelRef: 'alipay-late', amount: payable });
    expect(late).toMatchObject({
      status: 409,
      body: { code: 'DUPLICATE_PAYMENT', refund: { channel: 'alipay', status: 'refunded', amount: payable } },
    });
    expect((await send({ channel: 'alipay', channelRef: 'alipay-late', amount: payable })).body.code).toBe(
      'PAYMENT_REFUNDED',
    );
    // The gateway sending one callback twice at once: the copy waits for the first, one refund, one row.
    const twice = await Promise.all(
      [1, 2].map(() => send({ channel: 'alipay', channelRef: 'alipay-l2', amount: 5 })),
    );
    expect(twice[0]!.body.refund).toMatchObject({ status: 'refunded', recorded: true });
    expect(twice[1]!.body.code).toBe('PAYMENT_REFUNDED');
    expect(alipay.takings()).toMatchObject({ refunds: 2, refundedFen: payable + 5 });
    expect(wechat.takings()).toMatchObject({ refunds: 1, refundedFen: payable - 1 });
    const payments = await api.db
      .selectFrom('payments')
      .select(['status', 'amount_fen'])
      .orderBy('id')
      .execute();
    expect(payments.map((p) => p.status).sort()).toEqual(['refunded', 'refunded', 'refunded', 'succeeded']);
    expect((await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' })).body).toMatchObject({
      status: 'paid',
      paymentRef: 'wechat-p1',
    });
    // Without an amount the sale cannot give it back: the gateway is told to.
    const unsaid = await send({ channel: 'alipay', channelRef: 'alipay-late2' });
    expect(unsaid.body).toMatchObject({ code: 'DUPLICATE_PAYMENT' });
    expect(unsaid.body.detail).toContain('refund this payment');
  });

  it('refuses an unsigned or wrongly signed callback, changing nothing', async () => {
    api = await startApi();
    const id = await placeOne('u1', 'cup', 1);
    const callback = { orderId: id, channel: 'alipay', channelRef: 'forged-1' };
    const before = await api.snapshot('u1');
    const unsigned = await api.call('POST', '/api/payments/callback', { json: callback });
    const forged = await api.call('POST', '/api/payments/callback', {
      json: callback,
      headers: {
        'x-dacu-signature': signedCallback({ ...callback, channelRef: 'other' }).headers['x-dacu-signature']!,
      },
    });
    const otherSecret = await api.call('POST', '/api/payments/callback', {
      json: callback,
      headers: { 'x-dacu-signature': signCallback('not-the-gateway-secret', callback) },
    });
    // The amount is signed too: one added after signing is a forgery.
    const amended = await api.call('POST', '/api/payments/callback', {
      json: { ...callback, amount: 1 },
      headers: signedCallback(callback).headers,
    });
    for (const r of [unsigned, forged, otherSecret, amended]) {
      expect(r.status).toBe(401);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body.code).toBe('CALLBACK_SIGNATURE_INVALID');
    }
    expect(await api.snapshot('u1')).toEqual(before);
    expect(await api.stock('cup')).toMatchObject({ reserved: 1, sold: 0 });
  });
});
