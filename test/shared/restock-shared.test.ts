// 补货 on the shared backend (services/shared/shared-restock.ts): a restock whose units never
// reached Redis (the server died between PostgreSQL and Redis) is added by the next reconciler
// pass, once; and a rebuild of Redis counts again every unit added since the sale opened — each
// restock and each switch to pre-sale, though the SKU keeps only its latest action.
import { afterEach, describe, expect, it } from 'vitest';
import { item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { auditCounters } from '../../src/services/shared/counter-audit.ts';
import { rebuildCounters } from '../../src/services/shared/rebuild-counters.ts';
import type { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import type { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { startApi, type TestApi } from '../api/api-harness.ts';

let api: TestApi;
afterEach(() => api?.close());

const sale = () =>
  startApi({
    backend: 'shared',
    catalog: [
      item('tv', 's1', 100_000, { stock: 5 }),
      item('pre', 's1', 9_900, { stock: 1 }),
      item('pp', 's1', 5_000, { stock: 1, presaleStock: 2 }),
    ],
    promotions: [],
    coupons: [],
  });

const buy = async (buyer: string, sku: string, qty: number) =>
  (await api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku, qty }] } })).status;

describe('restocks on the shared backend', () => {
  it('adds a restock a crash kept out of Redis on the next reconciler pass, once', async () => {
    api = await sale();
    const engine = api.engine as SharedTradeEngine;
    expect((await engine.restock({ sku: 'tv', units: 4, note: '' }, 'ops')).ok).toBe(true);
    // The row and event of a restock whose server died before Redis heard of it.
    await api.db
      .insertInto('restocks')
      .values({ id: 'r-cut-short', sku: 'tv', units: 6, operator: 'ops', note: '到货', at: 1 })
      .execute();
    expect(await api.stock('tv')).toMatchObject({ restocked: 4, available: 9 });
    expect((await engine.reconcileNow()).restocksAdded).toBe(1);
    expect(await api.stock('tv')).toMatchObject({ restocked: 10, available: 15 });
    expect((await engine.reconcileNow()).restocksAdded).toBe(0);
    expect(await api.stock('tv')).toMatchObject({ restocked: 10, available: 15 });
  });

  it('counts every restock and every switch to pre-sale again in a rebuild', async () => {
    api = await sale();
    const engine = api.engine as SharedTradeEngine;
    const hot = api.hot!;
    expect(await buy('b1', 'pre', 1)).toBe(201);
    const switchTo = (shipDate: string, units: number) =>
      engine.setSoldOutAction('pre', { kind: 'presale', shipDate, units }, 'ops');
    expect((await switchTo('2026-11-20', 2)).ok).toBe(true);
    expect(await buy('b2', 'pre', 2)).toBe(201);
    expect((await switchTo('2026-11-25', 3)).ok).toBe(true);
    expect(await buy('b3', 'pre', 1)).toBe(201);
    expect((await engine.restock({ sku: 'tv', units: 4, note: '退货入库' }, 'ops')).ok).toBe(true);
    expect((await engine.restock({ sku: 'pp', pool: 'presale', units: 6, note: '' }, 'ops')).ok).toBe(true);
    expect(await buy('b4', 'tv', 8)).toBe(201);
    const truth = Object.fromEntries(await hot.stockOf(['tv', 'pre', 'pp', 'pp#presale']));
    expect(truth['pp#presale']).toMatchObject({ initial: 2, restocked: 6, available: 8 });
    expect(truth.pre).toMatchObject({ initial: 1, restocked: 5, reserved: 4, available: 2 });

    await hot.dropCounters();
    const store = api.engine.ctx.store as PostgresTradeStore;
    const rebuilt = await rebuildCounters(api.engine.ctx.index, store, hot);
    expect(rebuilt).toMatchObject({ restocks: 4, open: 4, refused: [] });
    expect(Object.fromEntries(await hot.stockOf(['tv', 'pre', 'pp', 'pp#presale']))).toEqual(truth);
    expect(await auditCounters(api.engine.ctx.index, store, hot)).toEqual([]);
  });
});
