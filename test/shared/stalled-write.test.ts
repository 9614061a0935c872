// A placement whose PostgreSQL write stalls past the reconcile grace (a lock, a failover, an I/O
// stall) on servers that share PostgreSQL and Redis: another server's reconciler gives back its
// reservation, and the write, when it finally goes on, must not land, or the order would be
// acknowledged holding no stock and the SKU oversold. The reconciler fences the order first.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { AT, campaignOf, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { parsePostgresUrl } from '../../src/store/sql/postgres-url.ts';
import { enginesInProcess } from './engines-in-process.ts';

const index = campaignOf({
  catalog: [item('low', 's1', 10_000, { stock: 30 }), item('many', 's1', 1_000, { stock: 1_000 })],
});
let now = AT;
const sale = await enginesInProcess(index, () => now);
afterAll(() => sale.cleanUp());

describe('a placement write that stalls past the grace', () => {
  it('is refused once the reconciler has given its stock back, and nothing is oversold', async () => {
    const [one, two] = sale.servers as [(typeof sale.servers)[0], (typeof sale.servers)[0]];
    const hot = new RedisHotLedger(sale.redis, sale.prefix);
    const { connectionString, schema } = parsePostgresUrl(sale.url);
    const blocker = new pg.Client({ connectionString });
    await blocker.connect();
    try {
      // Someone holds the orders table: the first server's group commit waits on it.
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE ${schema}.orders IN SHARE MODE`);
      const stalled = one.placeOrder({
        buyer: { id: 'b1', memberships: [] },
        lines: [{ sku: 'low', qty: 30 }],
        wallet: [],
      });
      const settled = stalled.then(
        (outcome) => ({ acknowledged: outcome.ok }),
        () => ({ acknowledged: false }),
      );
      await expect.poll(async () => (await hot.stockOf(['low'])).get('low')?.reserved).toBe(30);

      // A minute on, the other server's reconciler (30 s grace) finds no order: fenced, released.
      now += 60_000;
      const done = await two.reconcileNow();
      expect(done.orphansReleased).toBe(1);
      expect((await hot.stockOf(['low'])).get('low')).toMatchObject({ available: 30, reserved: 0 });

      // The stall ends: the write goes on and is refused, so the shopper is never told "placed".
      await blocker.query('COMMIT');
      expect(await settled).toEqual({ acknowledged: false });
    } finally {
      await blocker.end();
    }
    // The 30 units are sold once, to someone else.
    const next = await two.placeOrder({
      buyer: { id: 'b2', memberships: [] },
      lines: [{ sku: 'low', qty: 30 }],
      wallet: [],
    });
    expect(next.ok).toBe(true);
    const orders = await new pg.Client({ connectionString: parsePostgresUrl(sale.url).connectionString });
    await orders.connect();
    try {
      const { rows } = await orders.query(`SELECT buyer_id FROM ${parsePostgresUrl(sale.url).schema}.orders`);
      expect(rows).toEqual([{ buyer_id: 'b2' }]);
    } finally {
      await orders.end();
    }
    expect((await hot.stockOf(['low'])).get('low')).toMatchObject({ available: 0, reserved: 30 });
    expect(await hot.checkIdentity()).toEqual([]);
  });

  it('finds an orphan behind more pending orders than it reads at once', async () => {
    const [one, two] = sale.servers as [(typeof sale.servers)[0], (typeof sale.servers)[0]];
    const hot = new RedisHotLedger(sale.redis, sale.prefix);
    await two.placeOrder({
      buyer: { id: 'b3', memberships: [] },
      lines: [{ sku: 'many', qty: 1 }],
      wallet: [],
    });
    for (let i = 0; i < 12; i++) {
      const placed = await one.placeOrder({
        buyer: { id: `p${i}`, memberships: [] },
        lines: [{ sku: 'many', qty: 1 }],
        wallet: [],
      });
      expect(placed.ok).toBe(true);
    }
    // A server died after reserving, before writing its order: a reservation with no order.
    now += 1_000;
    const orphan = { orderId: 'o-dead-server', storeId: 's1', buyerId: 'b9' };
    expect((await hot.reserve({ ...orphan, lines: [{ sku: 'many', qty: 5 }], takes: [], at: now })).ok).toBe(
      true,
    );
    now += 60_000;
    // Pages of 5: the 14 pending orders (one from the test before) come first, then the orphan.
    const done = await one.reconcileNow(30_000, 5);
    expect(done.orphansReleased).toBe(1);
    expect((await hot.stockOf(['many'])).get('many')).toMatchObject({ reserved: 13 });
    // The pending orders were judged once and moved five minutes on, then read again, still open.
    expect(await hot.openReservations(now + 1, 100)).toEqual([]);
    expect(await hot.openReservations(now + 5 * 60_000 + 1, 100)).toHaveLength(14);
    now += 6 * 60_000;
    expect(await one.reconcileNow(30_000, 5)).toMatchObject({
      orphansReleased: 0,
      released: 0,
      committed: 0,
    });
    expect((await hot.stockOf(['many'])).get('many')).toMatchObject({ reserved: 13 });
  });
});
