// What the shared backend (PostgreSQL + Redis) does not run yet is refused plainly — 501
// NOT_ON_SHARED_BACKEND, nothing reserved or stored — instead of half working (issue 7 stays open
// for wallets, coupon claims, inflation, pre-sales and sold-out actions there).
import { afterEach, describe, expect, it } from 'vitest';
import { AT, item, promo } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { startApi, type TestApi } from '../api/api-harness.ts';

let api: TestApi;
afterEach(() => api?.close());

const HOUR = 3_600_000;

describe('the shared backend refuses what it does not run yet', () => {
  it('refuses coupon claims, wallets, inflation, pre-sales and sold-out actions, changing nothing', async () => {
    api = await startApi({
      backend: 'shared',
      catalog: [item('tv', 's1', 399_900, { stock: 10 }), item('cup', 's1', 1_000, { stock: 10 })],
      promotions: [
        promo.presale('pre', 'tv', {
          priceFen: 359_900,
          depositFen: 10_000,
          depositValueFen: 20_000,
          deposit: { startMs: AT - HOUR, endMs: AT + HOUR },
          balance: { startMs: AT + 2 * HOUR, endMs: AT + 3 * HOUR },
        }),
      ],
    });
    const before = await api.snapshot('u1');
    const refusals = [
      await api.call('POST', '/api/coupons/c-s1-100/claim', { buyer: 'u1', json: {} }),
      await api.call('POST', '/api/orders', {
        buyer: 'u1',
        json: { lines: [{ sku: 'cup', qty: 1 }], wallet: ['w1'] },
      }),
      await api.call('POST', '/api/orders', { buyer: 'u1', json: { lines: [{ sku: 'tv', qty: 1 }] } }),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(501);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body.code).toBe('NOT_ON_SHARED_BACKEND');
    }
    expect(await api.snapshot('u1')).toEqual(before);
    expect(await api.stock('tv')).toMatchObject({ available: 10, reserved: 0 });
    // The trade core itself runs: the cup sells.
    const cup = await api.call('POST', '/api/orders', {
      buyer: 'u1',
      json: { lines: [{ sku: 'cup', qty: 2 }] },
    });
    expect(cup.status).toBe(201);
    expect(await api.stock('cup')).toMatchObject({ available: 8, reserved: 2 });
  });
});
