// The live board on two `dacu serve` processes sharing PostgreSQL + Redis (found by a production
// review): their transactions commit out of seq order, so a tail that only read `seq > last` missed
// the events committed late, for good. Many concurrent orders alternate between the servers, some
// are paid on the other one; then both boards show exactly what the database holds.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePostgresUrl } from '../../src/store/sql/postgres-url.ts';
import { BOSS_ENV, post, type Server, sharedSale, signInBoss } from './shared-servers.ts';

const sale = sharedSale();
const env = BOSS_ENV;
const servers: Server[] = [];
beforeAll(async () => {
  servers.push(
    await sale.start(env, ['--buyer-limit', 'off']),
    await sale.start(env, ['--buyer-limit', 'off']),
  );
});
afterAll(() => sale.cleanUp());

/** Orders placed, and requests in flight at once (enough that group commits of the two servers
 * interleave on every run). */
const ORDERS = 1_200;
const IN_FLIGHT = 64;
/** s1-tv has 400 units, s2-lip 500, s2-mask 800: every order of one unit is served. */
const SKUS = ['s1-tv', 's2-lip', 's2-mask'] as const;

interface Figures {
  placed: number;
  paid: number;
  gmvPlaced: number;
  gmvPaid: number;
}

async function databaseFigures(): Promise<Figures> {
  const { connectionString, schema } = parsePostgresUrl(sale.db);
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const { rows } = await client.query<Record<keyof Figures, string>>(
      `SELECT count(*) AS placed,
              count(*) FILTER (WHERE status = 'paid') AS paid,
              coalesce(sum(payable_fen), 0) AS "gmvPlaced",
              coalesce(sum(payable_fen) FILTER (WHERE status = 'paid'), 0) AS "gmvPaid"
         FROM orders`,
    );
    const r = rows[0]!;
    return {
      placed: Number(r.placed),
      paid: Number(r.paid),
      gmvPlaced: Number(r.gmvPlaced),
      gmvPaid: Number(r.gmvPaid),
    };
  } finally {
    await client.end();
  }
}

async function boardFigures(server: Server, cookie: string): Promise<Figures> {
  const res = await fetch(`${server.url}/api/live/snapshot`, { headers: { cookie } });
  const snap = (await res.json()) as {
    orders: { placed: number; paid: number };
    gmv: { placed: number; paid: number };
  };
  return {
    placed: snap.orders.placed,
    paid: snap.orders.paid,
    gmvPlaced: snap.gmv.placed,
    gmvPaid: snap.gmv.paid,
  };
}

/** Runs `count` calls, `inFlight` at a time. */
async function concurrently<T>(
  count: number,
  inFlight: number,
  call: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await call(i);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return results;
}

describe('the live board over two servers', () => {
  it('folds every committed event into both boards once, however the transactions interleave', async () => {
    const [one, two] = servers as [Server, Server];
    const placed = await concurrently(ORDERS, IN_FLIGHT, (i) =>
      post(`${servers[i % 2]!.url}/api/orders`, `b${i}`, { lines: [{ sku: SKUS[i % SKUS.length], qty: 1 }] }),
    );
    expect(placed.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([]);
    // Every fifth order is paid, on the other server than the one that took it.
    await concurrently(Math.ceil(ORDERS / 5), IN_FLIGHT, async (k) => {
      const i = k * 5;
      const id = placed[i]!.body.orders[0].id as string;
      const paid = await post(`${servers[(i + 1) % 2]!.url}/api/orders/${id}/pay`, `b${i}`, {});
      expect(paid.status).toBe(200);
    });

    const want = await databaseFigures();
    expect(want.placed).toBe(ORDERS);
    expect(want.paid).toBe(Math.ceil(ORDERS / 5));
    const cookies = [await signInBoss(one), await signInBoss(two)];
    // The tails poll every 200 ms; ten seconds is plenty to catch up.
    for (const [n, server] of [one, two].entries()) {
      await expect
        .poll(() => boardFigures(server, cookies[n]!), { timeout: 10_000, interval: 200 })
        .toEqual(want);
    }
  }, 120_000);
});
