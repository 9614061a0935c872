// Sold-out actions (issue: sale mechanics): an operator switches a sold-out SKU to pre-sale with a
// ship date, or points it to a substitute; both show in the catalogue at once.
import { afterEach, describe, expect, it } from 'vitest';
import { item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { OPS_AND_WATCHER, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

const operators = OPS_AND_WATCHER;
const signIn = (username: string, password: string) => api.signIn(username, password);

/** A hot SKU with `hotStock` units and an alternative of 50, in one store, no offers; operators can sign in. */
const hotAndAlt = (hotStock: number) =>
  startApi({
    catalog: [item('hot', 's1', 9_900, { stock: hotStock }), item('alt', 's1', 8_900, { stock: 50 })],
    promotions: [],
    coupons: [],
    operators,
  });

/** The hot SKU's last units, bought: it is sold out. */
const sellOutHot = async (units: number) =>
  expect(
    (await api.call('POST', '/api/orders', { buyer: 'b0', json: { lines: [{ sku: 'hot', qty: units }] } }))
      .status,
  ).toBe(201);

const catalogEntry = async (sku: string) =>
  (await api.call('GET', '/api/catalog')).body.items.find((i: { sku: string }) => i.sku === sku);

describe('sold-out actions', () => {
  it('switches a sold-out SKU to pre-sale: more units sell now and the catalogue shows the ship date', async () => {
    api = await hotAndAlt(2);
    await api.call('POST', '/api/orders', { buyer: 'b1', json: { lines: [{ sku: 'hot', qty: 2 }] } });
    expect((await catalogEntry('hot')).stock.state).toBe('sold_out');
    const cookie = await signIn('ops', 'ops-pass');
    const set = await api.call('POST', '/api/admin/skus/hot/sold-out-action', {
      headers: { cookie },
      json: { kind: 'presale', shipDate: '2026-11-20', units: 100 },
    });
    expect(set.status).toBe(200);
    const hot = await catalogEntry('hot');
    expect(hot.soldOutAction).toEqual({ kind: 'presale', shipDate: '2026-11-20', units: 100 });
    expect(hot.stock).toEqual({ available: 100, state: 'in_stock' });
    expect(
      (await api.call('POST', '/api/orders', { buyer: 'b2', json: { lines: [{ sku: 'hot', qty: 1 }] } }))
        .status,
    ).toBe(201);
    expect(await api.stock('hot')).toMatchObject({ initial: 2, restocked: 100, reserved: 3, available: 99 });
  });

  it('sells a switched SKU as a pre-sale: its lines go into an order of their own that ships on the date', async () => {
    api = await hotAndAlt(1);
    const before = await api.call('POST', '/api/orders', {
      buyer: 'b0',
      json: {
        lines: [
          { sku: 'hot', qty: 1 },
          { sku: 'alt', qty: 1 },
        ],
      },
    });
    expect(before.body.orders).toHaveLength(1);
    expect(before.body.orders[0].shipDate).toBeNull();
    const cookie = await signIn('ops', 'ops-pass');
    await api.call('POST', '/api/admin/skus/hot/sold-out-action', {
      headers: { cookie },
      json: { kind: 'presale', shipDate: '2026-11-20', units: 10 },
    });
    const placed = await api.call('POST', '/api/orders', {
      buyer: 'b1',
      json: {
        lines: [
          { sku: 'hot', qty: 2 },
          { sku: 'alt', qty: 1 },
        ],
      },
    });
    expect(placed.status).toBe(201);
    const orders = placed.body.orders as {
      id: string;
      storeId: string;
      shipDate: string | null;
      payable: number;
    }[];
    // One store, two orders: the spot line ships now, the pre-sale lines on their date (现货 / 预售).
    expect(orders.map((o) => [o.storeId, o.shipDate, o.payable])).toEqual([
      ['s1', '2026-11-20', 2 * 9_900],
      ['s1', null, 8_900],
    ]);
    const later = await api.call('GET', `/api/orders/${orders[0]!.id}`, { buyer: 'b1' });
    expect(later.body.shipDate).toBe('2026-11-20');
    expect(later.body.lines.map((l: { sku: string }) => l.sku)).toEqual(['hot']);
    const spot = await api.call('GET', `/api/orders/${orders[1]!.id}`, { buyer: 'b1' });
    expect(spot.body.shipDate).toBeNull();
    expect(await api.stock('hot')).toMatchObject({ restocked: 10, reserved: 3, available: 8 });
  });

  it("adds a pre-sale switch's units once when an operator sends it again, even twice at once; another switch adds its own", async () => {
    api = await hotAndAlt(1);
    await api.call('POST', '/api/orders', { buyer: 'b1', json: { lines: [{ sku: 'hot', qty: 1 }] } });
    const cookie = await signIn('ops', 'ops-pass');
    const set = (json: object) =>
      api.call('POST', '/api/admin/skus/hot/sold-out-action', { headers: { cookie }, json });
    const action = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
    // A double click, then a resubmit after the answer.
    const twice = await Promise.all([set(action), set(action)]);
    expect(twice.map((r) => [r.status, r.body])).toEqual([
      [200, { sku: 'hot', action }],
      [200, { sku: 'hot', action }],
    ]);
    expect((await set(action)).status).toBe(200);
    expect(await api.stock('hot')).toMatchObject({ restocked: 10, available: 10, reserved: 1 });

    const more = { ...action, units: 5 };
    expect((await set(more)).body).toEqual({ sku: 'hot', action: more });
    expect(await api.stock('hot')).toMatchObject({ restocked: 15, available: 15 });
    expect((await catalogEntry('hot')).soldOutAction).toEqual(more);
  });

  it('runs a submit with an Idempotency-Key once: a retry replays it, the key with another action is refused', async () => {
    api = await hotAndAlt(1);
    await sellOutHot(1);
    const cookie = await signIn('ops', 'ops-pass');
    const set = (json: object, key: string) =>
      api.call('POST', '/api/admin/skus/hot/sold-out-action', {
        headers: { cookie, 'idempotency-key': key },
        json,
      });
    const action = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
    const first = await set(action, 'submit-1');
    expect(first).toMatchObject({ status: 200, body: { sku: 'hot', action } });
    // Another operator changes the action meanwhile; a late retry of the first submit replays its
    // answer and does not set the first action again.
    const substitute = { kind: 'substitute', substituteSku: 'alt' };
    expect((await set(substitute, 'submit-2')).status).toBe(200);
    const retry = await set(action, 'submit-1');
    expect([retry.status, retry.body]).toEqual([first.status, first.body]);
    expect((await catalogEntry('hot')).soldOutAction).toEqual(substitute);
    expect(await api.stock('hot')).toMatchObject({ restocked: 10 });

    const reused = await set({ ...action, units: 99 }, 'submit-1');
    expect(reused).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await api.stock('hot')).toMatchObject({ restocked: 10 });
    expect((await catalogEntry('hot')).soldOutAction).toEqual(substitute);
  });

  it('keeps operators’ Idempotency-Keys apart from a buyer’s, whatever id the buyer has', async () => {
    api = await hotAndAlt(5);
    await sellOutHot(5);
    const mine = await api.call('POST', '/api/orders', {
      buyer: 'operator:ops',
      headers: { 'idempotency-key': 'k1' },
      json: { lines: [{ sku: 'alt', qty: 1 }] },
    });
    expect(mine.status).toBe(201);
    const cookie = await signIn('ops', 'ops-pass');
    const set = await api.call('POST', '/api/admin/skus/hot/sold-out-action', {
      headers: { cookie, 'idempotency-key': 'k1' },
      json: { kind: 'substitute', substituteSku: 'alt' },
    });
    expect([set.status, set.body]).toEqual([
      200,
      { sku: 'hot', action: { kind: 'substitute', substituteSku: 'alt' } },
    ]);
  });

  it('points a sold-out SKU to a substitute', async () => {
    api = await hotAndAlt(1);
    await sellOutHot(1);
    const cookie = await signIn('ops', 'ops-pass');
    const set = await api.call('POST', '/api/admin/skus/hot/sold-out-action', {
      headers: { cookie },
      json: { kind: 'substitute', substituteSku: 'alt' },
    });
    expect(set.status).toBe(200);
    expect((await catalogEntry('hot')).soldOutAction).toEqual({ kind: 'substitute', substituteSku: 'alt' });
  });

  it('refuses an action for a SKU with plenty to sell, until it runs low', async () => {
    api = await hotAndAlt(50);
    const cookie = await signIn('ops', 'ops-pass');
    const set = () =>
      api.call('POST', '/api/admin/skus/hot/sold-out-action', {
        headers: { cookie },
        json: { kind: 'presale', shipDate: '2026-11-20', units: 10 },
      });
    const early = await set();
    expect([early.status, early.body.code, early.body.path]).toEqual([409, 'SKU_IN_STOCK', 'sku']);
    expect((await catalogEntry('hot')).soldOutAction).toBeNull();
    expect((await api.stock('hot')).restocked).toBe(0);
    // 5 of 50 left is low (10%): now it may be switched.
    await sellOutHot(45);
    expect((await catalogEntry('hot')).stock.state).toBe('low');
    expect((await set()).status).toBe(200);
  });

  it('refuses a substitute that is sold out too', async () => {
    api = await hotAndAlt(1);
    await api.call('POST', '/api/orders', { buyer: 'b1', json: { lines: [{ sku: 'alt', qty: 50 }] } });
    const cookie = await signIn('ops', 'ops-pass');
    const set = await api.call('POST', '/api/admin/skus/hot/sold-out-action', {
      headers: { cookie },
      json: { kind: 'substitute', substituteSku: 'alt' },
    });
    expect([set.status, set.body.code, set.body.path]).toEqual([409, 'SUBSTITUTE_SOLD_OUT', 'substituteSku']);
    expect((await catalogEntry('hot')).soldOutAction).toBeNull();
  });

  it('refuses shoppers, viewers and bad actions, changing nothing', async () => {
    api = await startApi({
      catalog: [item('hot', 's1', 9_900, { stock: 1 })],
      promotions: [],
      coupons: [],
      operators,
    });
    const path = '/api/admin/skus/hot/sold-out-action';
    const body = { kind: 'substitute', substituteSku: 'hot' };
    expect((await api.call('POST', path, { buyer: 'b1', json: body })).body.code).toBe('UNAUTHENTICATED');
    const viewer = await signIn('watcher', 'view-pass');
    expect((await api.call('POST', path, { headers: { cookie: viewer }, json: body })).body.code).toBe(
      'FORBIDDEN',
    );
    const ops = await signIn('ops', 'ops-pass');
    const self = await api.call('POST', path, { headers: { cookie: ops }, json: body });
    expect([self.status, self.body.code, self.body.path]).toEqual([
      400,
      'VALIDATION_FAILED',
      'substituteSku',
    ]);
    const unknown = await api.call('POST', '/api/admin/skus/nope/sold-out-action', {
      headers: { cookie: ops },
      json: { kind: 'substitute', substituteSku: 'hot' },
    });
    expect(unknown.body.code).toBe('UNKNOWN_SKU');
    const badDate = await api.call('POST', path, {
      headers: { cookie: ops },
      json: { kind: 'presale', shipDate: 'soon', units: 5 },
    });
    expect(badDate.status).toBe(400);
    // The harness's sale runs on 11.11 2026 in Shanghai: a ship date before it is refused.
    const past = await api.call('POST', path, {
      headers: { cookie: ops },
      json: { kind: 'presale', shipDate: '2026-01-01', units: 5 },
    });
    expect([past.status, past.body.code, past.body.path]).toEqual([400, 'VALIDATION_FAILED', 'shipDate']);
    expect((await catalogEntry('hot')).soldOutAction).toBeNull();
    expect((await api.stock('hot')).restocked).toBe(0);
  });
});
