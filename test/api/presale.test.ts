// Pre-sale (预售) through HTTP (issue: sale mechanics): the deposit in its window, the balance in
// the balance window with the later discounts applied (PRICING.md, "Pre-sale"), a reminder 2 hours
// before the balance deadline, and a forfeited deposit with the stock released when it stays unpaid.
import { afterEach, describe, expect, it } from 'vitest';
import { item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { AT, signedCallback, startApi, type TestApi } from './api-harness.ts';

const HOUR = 3_600_000;
const balance = { startMs: AT + 24 * HOUR, endMs: AT + 48 * HOUR };
let now = AT;
let api: TestApi;
afterEach(async () => {
  await api?.close();
});

/** The TV's pre-sale: 100 deposit counts as 200, balance in its window. */
const tvPresale = () =>
  promo.presale('pre', 'tv', {
    priceFen: 359_900,
    depositFen: 10_000,
    depositValueFen: 20_000,
    deposit: { startMs: AT - HOUR, endMs: AT + HOUR },
    balance,
  });

async function presaleApi(): Promise<TestApi> {
  now = AT;
  return startApi({
    catalog: [item('tv', 's1', 399_900, { stock: 10 }), item('cable', 's1', 5_000, { stock: 100 })],
    promotions: [tvPresale(), promo.storeTiers('st', 's1', [[300_000, 10_000]])],
    coupons: [],
    now: () => now,
  });
}

const paymentAmounts = async () =>
  (await api.db.selectFrom('payments').select('amount_fen').orderBy('created_at').execute()).map((r) =>
    Number(r.amount_fen),
  );
const pay = (id: string) => api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1', json: {} });

/** u1 checks out the TV on pre-sale with a cable: a pre-sale order and a spot order. */
async function placeTvAndCable() {
  const placed = await api.call('POST', '/api/orders', {
    buyer: 'u1',
    json: {
      lines: [
        { sku: 'tv', qty: 1 },
        { sku: 'cable', qty: 1 },
      ],
    },
  });
  expect(placed.status).toBe(201);
  return {
    pre: placed.body.orders.find((o: { presale: unknown }) => o.presale),
    spot: placed.body.orders.find((o: { presale: unknown }) => !o.presale),
  };
}

describe('pre-sale deposit and balance', () => {
  it('ends an order’s deadline with the deposit window, and takes no deposit once it has passed', async () => {
    api = await presaleApi();
    now = AT + HOUR - 10 * 60_000; // ten minutes before the deposit window ends
    const { pre, spot } = await placeTvAndCable();
    expect(pre.deadlineAt).toBe(AT + HOUR); // not now + 30 min
    expect(spot.deadlineAt).toBe(now + 30 * 60_000);
    now = AT + HOUR; // the window has closed; the deadline loop has not closed the order yet
    const late = await pay(pre.id);
    expect(late).toMatchObject({ status: 409, body: { code: 'ORDER_EXPIRED' } });
    expect(await paymentAmounts()).toEqual([]);
    // The spot order is still in its own deadline.
    expect((await pay(spot.id)).body.status).toBe('paid');
  });

  it('takes no payment from the instant an order’s deadline passes, before the deadline loop closes it', async () => {
    api = await presaleApi();
    const placed = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { lines: [{ sku: 'cable', qty: 1 }] },
    });
    const order = placed.body.orders[0];
    now = order.deadlineAt - 1;
    const inTime = await api.call('POST', '/api/orders', {
      buyer: 'u2',
      json: { lines: [{ sku: 'cable', qty: 1 }] },
    });
    expect(
      (await api.call('POST', `/api/orders/${inTime.body.orders[0].id}/pay`, { buyer: 'u2', json: {} }))
        .status,
    ).toBe(200);
    now = order.deadlineAt;
    expect(await pay(order.id)).toMatchObject({ status: 409, body: { code: 'ORDER_EXPIRED' } });
    expect(await paymentAmounts()).toHaveLength(1);
  });

  it('takes the deposit now and the discounted balance in its window, in a separate order from spot goods', async () => {
    api = await presaleApi();
    const { pre, spot } = await placeTvAndCable();
    // d + (p − v) = 349 900 plus the cable reaches the store tier (300 000 → 10 000 off); the TV's
    // share, 10 000 × 349 900 / 354 900 = 9 859, comes off the balance only: 339 900 − 9 859.
    expect(pre.presale).toEqual({
      deposit: 10_000,
      balance: 330_041,
      balanceStartsAt: balance.startMs,
      balanceEndsAt: balance.endMs,
    });
    expect(pre.payable).toBe(340_041);
    expect(spot.presale).toBeNull();
    const view = async (id: string) => (await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' })).body;
    const terms = { ...pre.presale, depositPaid: false };
    expect(await view(pre.id)).toMatchObject({ presale: terms, amountDue: 10_000, payBy: pre.deadlineAt });
    expect(await view(spot.id)).toMatchObject({
      presale: null,
      amountDue: spot.payable,
      payBy: spot.deadlineAt,
    });
    const deposit = await pay(pre.id);
    expect(deposit.body.status).toBe('deposit_paid');
    // The shopper's order page: the deposit is in, the balance of 330 041 is due in its window.
    expect(await view(pre.id)).toMatchObject({
      status: 'deposit_paid',
      presale: { ...terms, depositPaid: true },
      amountDue: 330_041,
      payBy: balance.endMs,
      paidAt: null,
    });
    expect(await paymentAmounts()).toEqual([10_000]);
    expect((await pay(pre.id)).body.code).toBe('BALANCE_WINDOW_NOT_OPEN');
    expect(
      (await api.call('POST', `/api/orders/${pre.id}/cancel`, { buyer: 'u1', json: {} })).body.code,
    ).toBe('DEPOSIT_ALREADY_PAID');
    now = balance.startMs;
    const balancePaid = await pay(pre.id);
    expect(balancePaid.body.status).toBe('paid');
    expect(await paymentAmounts()).toEqual([10_000, pre.presale.balance]);
    expect(await api.stock('tv')).toMatchObject({ sold: 1, reserved: 0 });
    expect(await view(pre.id)).toMatchObject({ presale: { depositPaid: true }, amountDue: 0, payBy: null });
    expect((await view(pre.id)).paidAt).toBe(balance.startMs);
  });

  it("takes a channel's callback for what is due now: the deposit, then the balance in its window; a reference again is its own payment again", async () => {
    api = await presaleApi();
    const placed = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { lines: [{ sku: 'tv', qty: 1 }] },
    });
    const pre = placed.body.orders[0];
    const callback = (channelRef: string) =>
      api.call(
        'POST',
        '/api/payments/callback',
        signedCallback({ orderId: pre.id, channel: 'alipay', channelRef }),
      );
    const status = async () => (await api.call('GET', `/api/orders/${pre.id}`, { buyer: 'u1' })).body.status;

    expect(await callback('alipay-d1')).toMatchObject({
      status: 200,
      body: { id: pre.id, status: 'deposit_paid', duplicate: false },
    });
    expect(await status()).toBe('deposit_paid');
    expect(await paymentAmounts()).toEqual([10_000]);
    // The deposit's callback again is the deposit again, not the balance.
    expect((await callback('alipay-d1')).body).toMatchObject({ status: 'deposit_paid', duplicate: true });
    expect((await callback('alipay-b1')).body.code).toBe('BALANCE_WINDOW_NOT_OPEN');
    expect(await paymentAmounts()).toEqual([10_000]);

    now = balance.startMs;
    expect((await callback('alipay-b1')).body).toMatchObject({ status: 'paid', duplicate: false });
    expect(await paymentAmounts()).toEqual([10_000, pre.presale.balance]);
    expect(await api.stock('tv')).toMatchObject({ sold: 1, reserved: 0 });
    for (const ref of ['alipay-b1', 'alipay-d1'])
      expect((await callback(ref)).body).toMatchObject({ status: 'paid', duplicate: true });
    expect((await callback('alipay-x9')).body.code).toBe('DUPLICATE_PAYMENT');
    expect(await paymentAmounts()).toEqual([10_000, pre.presale.balance]);
  });

  it('reminds 2 hours before the balance deadline, then forfeits the deposit and releases the stock', async () => {
    api = await presaleApi();
    const placed = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { lines: [{ sku: 'tv', qty: 2 }] },
    });
    const id = placed.body.orders[0].id;
    await pay(id);
    expect(await api.stock('tv')).toMatchObject({ reserved: 2 });
    now = balance.endMs - 2 * HOUR;
    await api.engine.tick();
    const events = async () =>
      (
        await api.db.selectFrom('events').select('type').where('order_id', '=', id).orderBy('seq').execute()
      ).map((r) => r.type);
    expect(await events()).toContain('BalanceReminderDue');
    now = balance.endMs;
    expect(await api.engine.tick()).toBe(1);
    expect((await events()).at(-1)).toBe('DepositForfeited');
    expect(await api.stock('tv')).toMatchObject({ reserved: 0, available: 10 });
    expect((await api.call('GET', `/api/orders/${id}`, { buyer: 'u1' })).body.status).toBe('forfeited');
    expect((await pay(id)).body.code).toBe('ORDER_FORFEITED');
  });

  it('sells a pre-sale from its own pool, kept apart from spot stock; once the pool is out the SKU sells from spot stock; forfeited units go back to the pool', async () => {
    now = AT;
    api = await startApi({
      catalog: [item('tv', 's1', 399_900, { stock: 5, presaleStock: 2 })],
      promotions: [tvPresale()],
      coupons: [],
      now: () => now,
    });
    const order = (buyer: string, qty: number) =>
      api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'tv', qty }] } });
    // More than the pool holds is not a pre-sale line: it is priced and sold as spot goods.
    const quoted = await api.call('POST', '/api/quote', {
      buyer: 'u0',
      json: { lines: [{ sku: 'tv', qty: 3 }] },
    });
    expect([quoted.body.payable, quoted.body.stores[0].lines[0].presale]).toEqual([3 * 399_900, null]);
    const first = await order('u1', 2);
    expect(first.status).toBe(201);
    expect(first.body.orders[0].presale).not.toBeNull();
    // The pool is empty; the spot stock was not touched and is not lent to the pre-sale.
    expect(await api.stock('tv')).toMatchObject({ available: 5, reserved: 0 });
    expect(await api.stock('tv#presale')).toMatchObject({ initial: 2, available: 0, reserved: 2 });
    // The pre-sale is sold out, the SKU is not: the catalogue shows its spot price, and the next
    // shopper buys from spot stock at it (no deposit, no balance).
    const listed = (await api.call('GET', '/api/catalog')).body.items[0];
    expect([listed.price, listed.offer, listed.stock.available, listed.presaleStock]).toEqual([
      399_900,
      null,
      5,
      { available: 0 },
    ]);
    const spot = await order('u2', 1);
    expect([spot.status, spot.body.orders[0].presale, spot.body.orders[0].payable]).toEqual([
      201,
      null,
      399_900,
    ]);
    expect(await api.stock('tv')).toMatchObject({ available: 4, reserved: 1 });
    expect(await api.stock('tv#presale')).toMatchObject({ available: 0, reserved: 2 });
    // Deposit paid, balance never: forfeited at the deadline, the units go back to the pool.
    await api.call('POST', `/api/orders/${first.body.orders[0].id}/pay`, { buyer: 'u1', json: {} });
    now = balance.endMs;
    await api.engine.tick();
    expect(await api.stock('tv#presale')).toMatchObject({ available: 2, reserved: 0, sold: 0 });
  });
});
