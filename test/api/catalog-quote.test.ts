// The catalogue's live prices and stock states, and quotes that the server prices itself.
import { afterEach, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

describe('GET /health and GET /api/catalog', () => {
  it('says it is alive', async () => {
    api = await startApi();
    const health = await api.call('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('lists every SKU with its activity price now and its stock', async () => {
    api = await startApi();
    const res = await api.call('GET', '/api/catalog');
    expect(res.status).toBe(200);
    expect(res.body.at).toBe('2026-11-11T20:05:00+08:00');
    const tv = res.body.items.find((i: { sku: string }) => i.sku === 'tv');
    expect(tv).toEqual({
      sku: 'tv',
      storeId: 's1',
      storeName: 's1',
      title: '55寸电视',
      category: 'appliances',
      role: 'hero',
      listPrice: 399_900,
      price: 359_910, // 10% off, limited time
      offer: { id: 'p-ltd', kind: 'limited-time' },
      stock: { available: 20, state: 'in_stock' },
      presaleStock: null,
      soldOutAction: null,
      flashSessions: [],
    });
    const cup = res.body.items.find((i: { sku: string }) => i.sku === 'cup');
    expect(cup).toMatchObject({ listPrice: 1_000, price: 1_000, offer: null });
  });

  it('filters by store', async () => {
    api = await startApi();
    const res = await api.call('GET', '/api/catalog?store=s2');
    expect(res.body.items.map((i: { sku: string }) => i.sku)).toEqual(['cup', 'mug']);
  });

  it('goes from in stock to low to sold out as orders are placed', async () => {
    api = await startApi();
    const state = async (sku: string) =>
      (await api.call('GET', '/api/catalog')).body.items.find((i: { sku: string }) => i.sku === sku).stock;
    const order = async (buyer: string, sku: string, qty: number) => {
      const res = await api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku, qty }] } });
      expect(res.status).toBe(201);
    };
    // tv: 20 units, safety stock 5.
    await order('u1', 'tv', 14);
    expect(await state('tv')).toEqual({ available: 6, state: 'in_stock' });
    await order('u2', 'tv', 1);
    expect(await state('tv')).toEqual({ available: 5, state: 'low' });
    await order('u3', 'tv', 5);
    expect(await state('tv')).toEqual({ available: 0, state: 'sold_out' });
    // mug: 50 units, no safety stock: low at 10% (5 units).
    await order('u4', 'mug', 44);
    expect(await state('mug')).toEqual({ available: 6, state: 'in_stock' });
    await order('u5', 'mug', 1);
    expect(await state('mug')).toEqual({ available: 5, state: 'low' });
  });
});

describe('POST /api/quote', () => {
  it('prices a cart at the given instant, for a guest by default', async () => {
    api = await startApi();
    const res = await api.call('POST', '/api/quote', {
      json: {
        lines: [
          { sku: 'tv', qty: 1 },
          { sku: 'cup', qty: 2 },
        ],
        wallet: ['c-s1-100'],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      buyerId: 'guest',
      at: '2026-11-11T20:05:00+08:00',
      listTotal: 401_900,
      // tv 3599.10 − store coupon 100 + cups 20
      payable: 359_910 - 10_000 + 2_000,
      applied: [
        { id: 'p-ltd', kind: 'limited-time', amount: 39_990 },
        { id: 'c-s1-100', kind: 'store', amount: 10_000, walletId: 'c-s1-100' },
      ],
    });
    expect(res.body.stores.map((s: { storeId: string }) => s.storeId)).toEqual(['s1', 's2']);
  });

  it('honours `at` and `buyer`: after the limited-time window the list price holds', async () => {
    api = await startApi();
    const res = await api.call('POST', '/api/quote', {
      json: { buyer: { id: 'u9', memberships: [] }, at: '2026-11-12T00:00', lines: [{ sku: 'tv', qty: 1 }] },
    });
    expect(res.body).toMatchObject({
      buyerId: 'u9',
      at: '2026-11-12T00:00:00+08:00',
      payable: 399_900,
      applied: [],
    });
  });

  it('refuses a price sent by the client instead of using it', async () => {
    api = await startApi();
    for (const json of [
      { lines: [{ sku: 'tv', qty: 1, unitPrice: 1 }] },
      { lines: [{ sku: 'tv', qty: 1 }], payable: 1 },
      { lines: [{ sku: 'tv', qty: 1 }], wallet: [{ id: 'w1', couponId: 'c-s1-100', amount: 99_999 }] },
    ]) {
      const res = await api.call('POST', '/api/quote', { json });
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const tampered = await api.call('POST', '/api/quote', {
      json: { lines: [{ sku: 'tv', qty: 1, unitPrice: 1 }] },
    });
    expect(tampered.body.path).toBe('lines[0].unitPrice');
  });

  it('answers domain errors with their codes and paths', async () => {
    api = await startApi();
    const unknown = await api.call('POST', '/api/quote', {
      json: {
        lines: [
          { sku: 'cup', qty: 1 },
          { sku: 'nope', qty: 1 },
        ],
      },
    });
    expect(unknown).toMatchObject({ status: 422, body: { code: 'UNKNOWN_SKU', path: 'lines[1].sku' } });
    const twice = await api.call('POST', '/api/quote', {
      json: {
        lines: [
          { sku: 'cup', qty: 1 },
          { sku: 'cup', qty: 2 },
        ],
      },
    });
    expect(twice).toMatchObject({ status: 400, body: { code: 'DUPLICATE_SKU', path: 'lines[1].sku' } });
    const coupon = await api.call('POST', '/api/quote', {
      json: { lines: [{ sku: 'cup', qty: 1 }], wallet: ['c-nope'] },
    });
    expect(coupon).toMatchObject({ status: 422, body: { code: 'UNKNOWN_COUPON', path: 'wallet[0]' } });
    const badTime = await api.call('POST', '/api/quote', {
      json: { at: 'yesterday', lines: [{ sku: 'cup', qty: 1 }] },
    });
    expect(badTime).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', path: 'at' } });
    // The preview names whom to price: a membership the campaign does not have is a typo, not a guest.
    const typo = await api.call('POST', '/api/quote', {
      json: { buyer: { id: 'u1', memberships: ['vip99'] }, lines: [{ sku: 'cup', qty: 1 }] },
    });
    expect(typo).toMatchObject({
      status: 422,
      body: { code: 'UNKNOWN_MEMBERSHIP', path: 'buyer.memberships[0]' },
    });
    // The gateway may vouch for programmes of other sales: a signed-in shopper is priced without them.
    const vouched = await api.call('POST', '/api/quote', {
      buyer: 'u1',
      headers: { 'x-buyer-memberships': 'vip99' },
      json: { lines: [{ sku: 'cup', qty: 1 }] },
    });
    expect(vouched.status).toBe(200);
  });
});
