// A commit whose outcome is unknown (the connection broke after PostgreSQL committed) must not give
// back what the orders took in Redis: the orders may be there, pending and payable, and their units
// sold again would be an oversell (and a Redis behind the database, which refuses every start).
// Only a write PostgreSQL surely refused gives back at once; the rest is the reconciler's to judge.
import { afterEach, describe, expect, it } from 'vitest';
import { item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { auditCounters } from '../../src/services/shared/counter-audit.ts';
import type { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import { WriteRefused } from '../../src/store/ports.ts';
import type { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { startApi, type TestApi } from '../api/api-harness.ts';

let api: TestApi;
afterEach(() => api?.close());

/** The store's next commit of orders ends with `error`: after writing them, or instead. */
function failNextOrderCommit(store: PostgresTradeStore, error: Error, written: boolean): void {
  const commit = store.commit.bind(store);
  let armed = true;
  store.commit = async (batch) => {
    if (!armed || batch.orders.length === 0) return commit(batch);
    armed = false;
    if (written) await commit(batch);
    throw error;
  };
}

const sale = () => startApi({ backend: 'shared', catalog: [item('lip', 's2', 23_900, { stock: 10 })] });
const order = () =>
  api.call('POST', '/api/orders', { buyer: 'u1', json: { lines: [{ sku: 'lip', qty: 4 }] } });

describe('a commit that fails after PostgreSQL may have written it', () => {
  it('keeps the reservation until the reconciler finds the order there', async () => {
    api = await sale();
    const store = api.engine.ctx.store as PostgresTradeStore;
    failNextOrderCommit(
      store,
      Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }),
      true,
    );
    expect((await order()).body.code).toBe('SERVICE_UNAVAILABLE'); // retried with its Idempotency-Key
    expect(await api.db.selectFrom('orders').select('status').execute()).toEqual([
      { status: 'pending_payment' },
    ]);
    expect(await api.stock('lip')).toMatchObject({ reserved: 4, available: 6 });
    expect(await auditCounters(api.engine.ctx.index, store, api.hot!)).toEqual([]);
    // Past the grace, the reconciler finds the order open, and leaves its reservation.
    expect((await (api.engine as SharedTradeEngine).reconcileNow(0)).orphansReleased).toBe(0);
    expect(await api.stock('lip')).toMatchObject({ reserved: 4, available: 6 });
  });

  it('gives back at once what a surely refused write took', async () => {
    api = await sale();
    const store = api.engine.ctx.store as PostgresTradeStore;
    failNextOrderCommit(store, new WriteRefused(new Error('deadlock detected')), false);
    expect((await order()).status).toBe(500);
    expect(await api.db.selectFrom('orders').select('status').execute()).toEqual([]);
    expect(await api.stock('lip')).toMatchObject({ reserved: 0, available: 10 });
  });
});
