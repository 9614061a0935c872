// Pre-sale (预售) through HTTP (issue: sale mechanics): the deposit in its window, the balance in
// the balance window with the later discounts applied (PRICING.md, "Pre-sale"), a reminder 2 hours
// before the balance deadline, and a forfeited deposit with the stock released when it stays unpaid.
import { afterEach, describe, expect, it } from 'vitest';
import { item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { AT, startApi, type TestApi } from './api-harness.ts';

const HOUR = 3_600_000;
const balance = { startMs: AT + 24 * HOUR, endMs: AT + 48 * HOUR };
let now = AT;
let api: TestApi;
afterEach(async () => {
  await api?.close();
});

async function presaleApi(): Promise<TestApi> {
  now = AT;
  return startApi({
    catalog: [item('tv', 's1', 399_900, { stock: 10 }), item('cable', 's1', 5_000, { stock: 100 })],
    promotions: [
      promo.presale('pre', 'tv', {
        priceFen: 359_900,
        depositFen: 10_000,
        depositValueFen: 20_000,
        deposit: { startMs: AT - HOUR, endMs: AT + HOUR },
        balance,
      }),
      promo.storeTiers('st', 's1', [[300_000, 10_000]]),
    ],
    coupons: [],
    now: () => now,
  });
}

const paymentAmounts = async () =>
  (await api.db.selectFrom('payments').select('amount_fen').orderBy('created_at').execute()).map((r) =>
    Number(r.amount_fen),
  );
const pay = (id: string) => api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1', json: {} });

describe('pre-sale deposit and balance', () => {
  it('takes the deposit now and the discounted balance in its window, in a separate order from spot goods', async () => {
    api = await presaleApi();
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
    const [spot, pre] = [
      placed.body.orders.find((o: { presale: unknown }) => !o.presale),
      placed.body.orders.find((o: { presale: unknown }) => o.presale),
    ];
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
    const deposit = await pay(pre.id);
    expect(deposit.body.status).toBe('deposit_paid');
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
});
