// Budgets (issue: sale mechanics): a coupon or promotion with a spend budget stops applying once
// the budget is used, and the budget comes back when an order that spent it is cancelled.
import { afterEach, describe, expect, it } from 'vitest';
import { coupon, item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

describe('budgets', () => {
  it('stops a store threshold discount once its budget is spent and restores it on cancel', async () => {
    api = await startApi({
      catalog: [item('tv', 's1', 100_000, { stock: 100 })],
      promotions: [{ ...promo.storeTiers('st', 's1', [[50_000, 10_000]]), budgetFen: 15_000 }],
      coupons: [],
    });
    const buy = (buyer: string) =>
      api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'tv', qty: 1 }] } });
    const first = await buy('b1');
    const second = await buy('b2');
    const third = await buy('b3');
    // 10 000 spent, then 10 000 more (5 000 was left: the last use may overshoot), then nothing.
    expect([first, second, third].map((r) => r.body.payable)).toEqual([90_000, 90_000, 100_000]);
    await api.call('POST', `/api/orders/${second.body.orders[0].id}/cancel`, { buyer: 'b2', json: {} });
    expect((await buy('b4')).body.payable).toBe(90_000);
  });

  it('stops a coupon once its budget is spent', async () => {
    api = await startApi({
      catalog: [item('tv', 's1', 100_000, { stock: 100 })],
      promotions: [],
      coupons: [{ ...coupon.store('c', 's1', 0, 10_000), budgetFen: 10_000 }],
    });
    for (const buyer of ['b1', 'b2']) await api.call('POST', '/api/coupons/c/claim', { buyer, json: {} });
    const first = await api.call('POST', '/api/orders', {
      buyer: 'b1',
      json: { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c'] },
    });
    const second = await api.call('POST', '/api/orders', {
      buyer: 'b2',
      json: { lines: [{ sku: 'tv', qty: 1 }], wallet: ['c'] },
    });
    expect([first.body.payable, second.body.payable]).toEqual([90_000, 100_000]);
  });
});
