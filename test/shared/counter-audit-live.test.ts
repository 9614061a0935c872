// The start-time audit while other servers keep selling (counter-audit.ts): Redis is read before
// the database, and only rows older than the settle window count, so orders placed and cancelled
// meanwhile never read as a loss — while a real loss among the settled orders still does.
import { afterEach, describe, expect, it } from 'vitest';
import { AT, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { AUDIT_SETTLE_MS, auditCounters } from '../../src/services/shared/counter-audit.ts';
import type { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { startApi, type TestApi } from '../api/api-harness.ts';

let api: TestApi;
afterEach(() => api?.close());

describe('the counter audit beside servers that sell', () => {
  it('finds no loss while orders are placed and cancelled, and still finds a real one', async () => {
    let now = AT;
    api = await startApi({
      backend: 'shared',
      catalog: [item('lip', 's2', 23_900, { stock: 100_000 })],
      now: () => now,
    });
    const store = api.engine.ctx.store as PostgresTradeStore;
    const place = async (buyer: string) =>
      (await api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'lip', qty: 1 }] } })).body
        .orders[0].id as string;
    const settled: { buyer: string; id: string }[] = [];
    for (let i = 0; i < 200; i++) settled.push({ buyer: `s${i}`, id: await place(`s${i}`) });
    now += AUDIT_SETTLE_MS + 1_000; // those are settled; what follows is in flight

    let selling = true;
    const sell = (async () => {
      for (let i = 0; selling; i++) {
        const fresh = await place(`f${i}`);
        await api.call('POST', `/api/orders/${fresh}/cancel`, { buyer: `f${i}` });
        const old = settled[i % settled.length]!;
        if (i < settled.length) await api.call('POST', `/api/orders/${old.id}/cancel`, { buyer: old.buyer });
      }
    })();
    const found: number[] = [];
    for (let i = 0; i < 25; i++)
      found.push((await auditCounters(api.engine.ctx.index, store, api.hot!, now - AUDIT_SETTLE_MS)).length);
    selling = false;
    await sell;
    expect(found).toEqual(Array(25).fill(0));

    // A settled order's reservation gone from Redis is a loss, found as before.
    const open = await api.db
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'pending_payment')
      .execute();
    const lost = open.find((o) => settled.some((s) => s.id === o.id))!;
    expect((await api.hot!.release('s2', lost.id)).ok).toBe(true);
    expect(await auditCounters(api.engine.ctx.index, store, api.hot!, now - AUDIT_SETTLE_MS)).toMatchObject([
      { counter: 'stock', id: 'lip' },
    ]);
  });
});
