// 200 shoppers at once for 37 units, through HTTP: exactly 37 orders, no overselling.
import { afterEach, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

describe('a rush on one SKU', () => {
  it('sells exactly the stock to 200 concurrent buyers and refuses the rest with OUT_OF_STOCK', async () => {
    api = await startApi();
    expect(await api.stock('hot')).toMatchObject({ available: 37 });
    const buyers = Array.from({ length: 200 }, (_, i) => `rush-${i}`);
    const replies = await Promise.all(
      buyers.map((buyer) =>
        api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'hot', qty: 1 }] } }),
      ),
    );
    const byStatus = new Map<number, number>();
    for (const r of replies) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 201: 37, 409: 163 });
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ code: 'OUT_OF_STOCK', sku: 'hot', available: 0 });
    }
    expect(await api.stock('hot')).toEqual({
      initial: 37,
      restocked: 0,
      available: 0,
      reserved: 37,
      sold: 0,
    });
    expect(await api.countRows('orders')).toBe(37);
    if (!api.onSharedBackend) {
      // One process: the counters are also in the database (on the shared backend Redis keeps them).
      const persisted = await api.db
        .selectFrom('stock')
        .select(['available', 'reserved', 'sold'])
        .where('sku', '=', 'hot')
        .executeTakeFirstOrThrow();
      expect([persisted.available, persisted.reserved, persisted.sold].map(Number)).toEqual([0, 37, 0]);
    }
    const winners = new Set(replies.filter((r) => r.status === 201).map((r) => r.body.orders[0].id));
    expect(winners.size).toBe(37);
    const catalog = await api.call('GET', '/api/catalog?store=s1');
    expect(catalog.body.items.find((i: { sku: string }) => i.sku === 'hot').stock).toEqual({
      available: 0,
      state: 'sold_out',
    });
  });
});
