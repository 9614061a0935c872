// Sold-out actions (issue: sale mechanics): an operator switches a sold-out SKU to pre-sale with a
// ship date, or points it to a substitute; both show in the catalogue at once.
import { afterEach, describe, expect, it } from 'vitest';
import { item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

const operators = [
  { username: 'ops', password: 'ops-pass', role: 'operator' as const },
  { username: 'watcher', password: 'view-pass', role: 'viewer' as const },
];

async function signIn(username: string, password: string): Promise<string> {
  const res = await api.call('POST', '/api/auth/login', { json: { username, password } });
  expect(res.status).toBe(200);
  return res.cookie!;
}

const catalogEntry = async (sku: string) =>
  (await api.call('GET', '/api/catalog')).body.items.find((i: { sku: string }) => i.sku === sku);

describe('sold-out actions', () => {
  it('switches a sold-out SKU to pre-sale: more units sell now and the catalogue shows the ship date', async () => {
    api = await startApi({
      catalog: [item('hot', 's1', 9_900, { stock: 2 }), item('alt', 's1', 8_900, { stock: 50 })],
      promotions: [],
      coupons: [],
      operators,
    });
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

  it('points a sold-out SKU to a substitute', async () => {
    api = await startApi({
      catalog: [item('hot', 's1', 9_900, { stock: 1 }), item('alt', 's1', 8_900, { stock: 50 })],
      promotions: [],
      coupons: [],
      operators,
    });
    const cookie = await signIn('ops', 'ops-pass');
    const set = await api.call('POST', '/api/admin/skus/hot/sold-out-action', {
      headers: { cookie },
      json: { kind: 'substitute', substituteSku: 'alt' },
    });
    expect(set.status).toBe(200);
    expect((await catalogEntry('hot')).soldOutAction).toEqual({ kind: 'substitute', substituteSku: 'alt' });
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
    expect((await catalogEntry('hot')).soldOutAction).toBeNull();
    expect((await api.stock('hot')).restocked).toBe(0);
  });
});
