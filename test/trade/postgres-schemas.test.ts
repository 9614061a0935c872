// Two sales in one PostgreSQL database, each in its own schema (`?schema=` in the URL): the second
// migrates while the first is there, and each keeps its own record of what ran. Kysely's migrator
// looks for its tables in every schema unless told which one, so before this the second sale found
// the first one's kysely_migration_lock, made none of its own, and failed to start.
import { afterEach, expect, it } from 'vitest';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { dropTestSchema, freshPostgresUrl } from '../support/test-store.ts';

let cleanUp: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanUp.reverse()) await c();
  cleanUp = [];
});

function saleStore(): PostgresTradeStore {
  const url = freshPostgresUrl();
  const store = new PostgresTradeStore({ url, poolSize: 1 });
  cleanUp.push(() => dropTestSchema(url));
  cleanUp.push(() => store.close());
  return store;
}

it('migrates a second sale in its own schema while the first one is there, and each only once', async () => {
  const first = saleStore();
  const second = saleStore();

  const ranFirst = await first.migrate();
  expect(ranFirst.length).toBeGreaterThan(0);
  const ranSecond = await second.migrate();
  expect(ranSecond).toEqual(ranFirst);

  expect(await first.migrate()).toEqual([]);
  expect(await second.migrate()).toEqual([]);

  await first.openStock(new Map([['tv', 10]]));
  await second.openStock(new Map([['tv', 3]]));
  const stockOf = (store: PostgresTradeStore) =>
    store.db.selectFrom('stock').select(['sku', 'available']).execute();
  expect(await stockOf(first)).toEqual([{ sku: 'tv', available: 10 }]);
  expect(await stockOf(second)).toEqual([{ sku: 'tv', available: 3 }]);
});

it('migrates a new schema from several servers starting at once', async () => {
  // Five new schemas, six servers each: a race shows in some rounds, not every one.
  for (let round = 0; round < 5; round++) {
    const url = freshPostgresUrl();
    cleanUp.push(() => dropTestSchema(url));
    const servers = Array.from({ length: 6 }, () => new PostgresTradeStore({ url, poolSize: 1 }));
    for (const s of servers) cleanUp.push(() => s.close());
    const ran = await Promise.all(servers.map((s) => s.migrate()));
    // One of them ran every migration; the others found nothing left to run.
    const withWork = ran.filter((names) => names.length > 0);
    expect(withWork).toHaveLength(1);
    expect(withWork[0]!.length).toBeGreaterThan(0);
  }
});
