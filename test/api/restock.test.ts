// 补货 (services/restock.ts): an operator adds units to a SKU after the sale opened; they sell at
// once, a resubmit with its Idempotency-Key adds nothing, each has its row and event, and bad input
// changes nothing. Runs on the embedded default, PostgreSQL, and PostgreSQL + Redis.
import { afterEach, describe, expect, it } from 'vitest';
import { item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { OPS_AND_WATCHER, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

const operators = OPS_AND_WATCHER;
const signIn = (username: string, password: string) => api.signIn(username, password);

const restock = (cookie: string, sku: string, json: unknown, headers: Record<string, string> = {}) =>
  api.call('POST', `/api/admin/skus/${sku}/restock`, { headers: { cookie, ...headers }, json });
const buy = (buyer: string, qty: number) =>
  api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'hot', qty }] } });
const catalogStock = async () =>
  (await api.call('GET', '/api/catalog')).body.items.find((i: { sku: string }) => i.sku === 'hot').stock;

describe('restock 补货', () => {
  it('adds units that sell at once, once per Idempotency-Key, with its row and event', async () => {
    api = await startApi({
      catalog: [item('hot', 's1', 9_900, { stock: 2 })],
      promotions: [],
      coupons: [],
      operators,
    });
    expect((await buy('b1', 2)).status).toBe(201);
    expect((await buy('b2', 1)).body.code).toBe('OUT_OF_STOCK');
    const cookie = await signIn('ops', 'ops-pass');

    const key = { 'idempotency-key': 'restock-1' };
    const added = await restock(cookie, 'hot', { units: 30, note: '退货入库' }, key);
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ sku: 'hot', units: 30 });
    expect(await catalogStock()).toEqual({ available: 30, state: 'in_stock' });
    // A resubmit (a double click, a retry) answers the first and adds nothing.
    expect((await restock(cookie, 'hot', { units: 30, note: '退货入库' }, key)).body).toEqual(added.body);
    expect(await api.stock('hot')).toMatchObject({ initial: 2, restocked: 30, available: 30, reserved: 2 });

    expect((await buy('b2', 30)).status).toBe(201);
    expect((await buy('b3', 1)).body.code).toBe('OUT_OF_STOCK');
    const rows = await api.db.selectFrom('restocks').selectAll().execute();
    expect(rows.map((r) => ({ ...r, units: Number(r.units) }))).toMatchObject([
      { id: added.body.restockId, sku: 'hot', units: 30, operator: 'ops', note: '退货入库' },
    ]);
    const events = await api.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'StockRestocked')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload))).toEqual([
      {
        sku: 'hot',
        pool: 'spot',
        units: 30,
        operator: 'ops',
        note: '退货入库',
        restockId: added.body.restockId,
      },
    ]);
  });

  it("adds to a SKU's own pre-sale pool when asked, and refuses it for a SKU without one", async () => {
    api = await startApi({
      catalog: [item('tv', 's1', 399_900, { stock: 5, presaleStock: 3 }), item('cup', 's1', 1_000)],
      promotions: [],
      coupons: [],
      operators,
    });
    const cookie = await signIn('ops', 'ops-pass');
    const added = await restock(cookie, 'tv', { units: 7, pool: 'presale', note: '追加预售' });
    expect(added.body).toMatchObject({ sku: 'tv', pool: 'presale', units: 7 });
    expect(await api.stock('tv#presale')).toMatchObject({ initial: 3, restocked: 7, available: 10 });
    expect(await api.stock('tv')).toMatchObject({ initial: 5, restocked: 0, available: 5 });
    expect((await restock(cookie, 'tv', { units: 2 })).body.pool).toBe('spot');
    expect(await api.stock('tv')).toMatchObject({ restocked: 2, available: 7 });
    const none = await restock(cookie, 'cup', { units: 2, pool: 'presale' });
    expect([none.status, none.body.code]).toEqual([422, 'NO_PRESALE_POOL']);
    expect(await api.stock('cup')).toMatchObject({ restocked: 0 });
  });

  it('refuses bad input, unknown SKUs and viewers, and changes nothing', async () => {
    api = await startApi({
      catalog: [item('hot', 's1', 9_900, { stock: 2 })],
      promotions: [],
      coupons: [],
      operators,
    });
    const cookie = await signIn('ops', 'ops-pass');
    const before = await api.stock('hot');
    for (const [body, code] of [
      [{ units: 0 }, 'VALIDATION_FAILED'],
      [{ units: 2.5 }, 'VALIDATION_FAILED'],
      [{ units: 1_000_001 }, 'VALIDATION_FAILED'],
      [{ units: '10' }, 'VALIDATION_FAILED'],
      [{ units: 5, extra: 1 }, 'VALIDATION_FAILED'],
      [{ units: 5, pool: 'warehouse' }, 'VALIDATION_FAILED'],
      [{}, 'VALIDATION_FAILED'],
    ] as const) {
      const refused = await restock(cookie, 'hot', body);
      expect([refused.status, refused.body.code]).toEqual([400, code]);
    }
    const unknown = await restock(cookie, 'nope', { units: 5 });
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_SKU']);
    const viewer = await restock(await signIn('watcher', 'view-pass'), 'hot', { units: 5 });
    expect([viewer.status, viewer.body.code]).toEqual([403, 'FORBIDDEN']);
    const anonymous = await api.call('POST', '/api/admin/skus/hot/restock', { json: { units: 5 } });
    expect(anonymous.status).toBe(401);
    expect(await api.stock('hot')).toEqual(before);
    expect(await api.db.selectFrom('restocks').selectAll().execute()).toEqual([]);
  });
});
