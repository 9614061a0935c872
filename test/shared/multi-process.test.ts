// Three `dacu serve` processes on one PostgreSQL + Redis (issue: beyond one machine): concurrent
// buyers spread over them buy exactly the stock, every acknowledged order is in PostgreSQL, orders
// are paid on another server than the one that took them, and every payment deadline fires once.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { parsePostgresUrl } from '../../src/store/sql/postgres-url.ts';
import { post, type Server, sharedSale } from './shared-servers.ts';

const sale = sharedSale();
afterAll(() => sale.cleanUp());

async function rows<T>(text: string): Promise<T[]> {
  const { connectionString, schema } = parsePostgresUrl(sale.db);
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('three servers, one sale', () => {
  it('sell exactly the stock, lose no order, and fire each deadline once', async () => {
    const servers: Server[] = [];
    for (let i = 0; i < 3; i++) servers.push(await sale.start({}, ['--deadline-seconds', '6']));
    // 150 units of s1-hot; 400 buyers rush it, one unit each, spread over the three servers.
    const replies = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        post(`${servers[i % 3]!.url}/api/orders`, `b${i}`, { lines: [{ sku: 's1-hot', qty: 1 }] }).then(
          (r) => ({ ...r, buyer: `b${i}`, server: i % 3 }),
        ),
      ),
    );
    const won = replies.filter((r) => r.status === 201);
    expect(won).toHaveLength(150);
    expect(new Set(replies.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`))).toEqual(
      new Set(['409 OUT_OF_STOCK']),
    );
    expect(won.length + replies.filter((r) => r.status === 409).length).toBe(400);

    // No acknowledged order lost: each is in PostgreSQL, and nothing else is.
    const stored = await rows<{ id: string }>("SELECT id FROM orders WHERE status = 'pending_payment'");
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(won.map((r) => r.body.orders[0].id)));

    // A third of them pay, each on the next server over.
    const payers = won.filter((_, i) => i % 3 === 0);
    const paid = await Promise.all(
      payers.map((r) =>
        post(`${servers[(r.server + 1) % 3]!.url}/api/orders/${r.body.orders[0].id}/pay`, r.buyer, {}),
      ),
    );
    expect(new Set(paid.map((p) => `${p.status} ${p.body.status ?? p.body.code}`))).toEqual(
      new Set(['200 paid']),
    );

    const hot = new RedisHotLedger(sale.redis, sale.prefix);
    expect((await hot.stockOf(['s1-hot'])).get('s1-hot')).toMatchObject({
      available: 0,
      sold: 50,
      reserved: 100,
    });

    // The deadlines (6 s) pass; the three servers' timer loops share the due timers.
    let expired: { n: string }[] = [];
    for (let i = 0; i < 150; i++) {
      await new Promise((r) => setTimeout(r, 200));
      expired = await rows("SELECT count(*) AS n FROM orders WHERE status = 'expired'");
      if (Number(expired[0]!.n) === 100) break;
    }
    expect(Number(expired[0]!.n)).toBe(100);
    const fired = await rows<{ order_id: string; n: string }>(
      "SELECT order_id, count(*) AS n FROM events WHERE type = 'OrderExpired' GROUP BY order_id",
    );
    expect(fired).toHaveLength(100);
    expect(fired.every((f) => Number(f.n) === 1)).toBe(true);
    const timers = await rows<{ fired: string; open: string }>(
      'SELECT count(fired_at) AS fired, count(*) - count(fired_at) AS open FROM timers',
    );
    expect(timers[0]).toEqual({ fired: '150', open: '0' });
    expect((await hot.stockOf(['s1-hot'])).get('s1-hot')).toEqual({
      initial: 150,
      restocked: 0,
      available: 100,
      reserved: 0,
      sold: 50,
    });
    expect(await hot.checkIdentity()).toEqual([]);
  }, 90_000);

  it('run a retried request once when its Idempotency-Key reaches every server at once', async () => {
    const servers: Server[] = [];
    for (let i = 0; i < 3; i++) servers.push(await sale.start());
    const key = { 'idempotency-key': 'checkout-42' };
    const body = { lines: [{ sku: 's1-hot', qty: 2 }] };
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post(`${servers[i % 3]!.url}/api/orders`, 'retrier', body, key)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(new Set(replies.map((r) => r.body.checkoutId)).size).toBe(1);
    const mine = await rows<{ id: string }>("SELECT id FROM orders WHERE buyer_id = 'retrier'");
    expect(mine.map((r) => r.id)).toEqual([replies[0]!.body.orders[0].id]);
    // The same key with another cart is refused on any server.
    const other = await post(
      `${servers[1]!.url}/api/orders`,
      'retrier',
      { lines: [{ sku: 's1-hot', qty: 1 }] },
      key,
    );
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  }, 60_000);
});
