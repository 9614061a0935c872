// `dacu redis check` and `dacu redis rebuild` as an operator meets them after Redis came back from
// an older snapshot in the middle of a sale: the servers refuse to start (they would sell the
// forgotten units again), the check names the counter, the rebuild is refused while a server of the
// sale runs and then counts the orders again, and the sale sells exactly the stock that is left.
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisSnapshot } from '../support/test-store.ts';
import { dacu, post, saleFlagsOf, sharedSale, smallSale } from './shared-servers.ts';

const sale = sharedSale();
afterAll(() => sale.cleanUp());

const saleFlags = () => saleFlagsOf(sale);

describe('a Redis restored from an older snapshot mid-sale', () => {
  it('is refused by servers, named by redis check, and counted again by redis rebuild', async () => {
    const server = await sale.start();
    const buy = (buyer: string, qty: number) =>
      post(`${server.url}/api/orders`, buyer, { lines: [{ sku: 's1-hot', qty }] });
    for (let i = 0; i < 5; i++) expect((await buy(`early${i}`, 2)).status).toBe(201);
    const restoreOlder = await redisSnapshot(sale.redis, sale.prefix);
    const later = [];
    for (let i = 0; i < 10; i++) later.push(await buy(`late${i}`, 2));
    expect(later.map((r) => r.status)).toEqual(Array(10).fill(201));
    for (const [i, r] of later.slice(0, 3).entries())
      expect((await post(`${server.url}/api/orders/${r.body.orders[0].id}/pay`, `late${i}`, {})).status).toBe(
        200,
      );

    const whileServing = dacu('redis', 'rebuild', ...saleFlags());
    expect(whileServing.status).toBe(1);
    expect(whileServing.stderr).toContain('1 server(s) of this sale are connected');
    expect(await sale.redis.get(`${sale.prefix}:sale`)).not.toBeNull(); // put back as it was
    expect(dacu('redis', 'check', ...saleFlags()).status).toBe(0);

    server.child.kill('SIGTERM');
    await server.exited;
    await restoreOlder(); // 10 units held, where the database's orders hold 30

    const refused = await sale.start().then(
      () => null,
      (error: Error) => error.message,
    );
    expect(refused).toContain("--redis: Redis holds less than the database's orders on 1 counter(s)");
    expect(refused).toContain("stock s1-hot: Redis 10 units held, the database's orders 30");
    const check = dacu('redis', 'check', ...saleFlags());
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("stock s1-hot: Redis 10 units held, the database's orders 30");
    expect(check.stderr).toContain('dacu redis rebuild');

    const rebuild = dacu('redis', 'rebuild', ...saleFlags());
    expect(rebuild.stderr).toBe('');
    expect(rebuild.status).toBe(0);
    expect(rebuild.stdout).toContain('12 unpaid and 3 paid order(s) reserved again');
    expect(dacu('redis', 'check', ...saleFlags()).status).toBe(0);

    // 150 units, 30 held by orders: 120 more sell, and not one unit beyond.
    const again = await sale.start();
    const rest = await post(`${again.url}/api/orders`, 'last', { lines: [{ sku: 's1-hot', qty: 120 }] });
    expect(rest.status).toBe(201);
    const beyond = await post(`${again.url}/api/orders`, 'one-more', { lines: [{ sku: 's1-hot', qty: 1 }] });
    expect(beyond.body.code).toBe('OUT_OF_STOCK');
    // An order placed before the loss is paid on the rebuilt counters.
    const early = later[5]!.body.orders[0].id;
    expect((await post(`${again.url}/api/orders/${early}/pay`, 'late5', {})).body.status).toBe('paid');
  });

  it('says a sale no server has opened in Redis yet holds nothing there to check', async () => {
    const fresh = sharedSale();
    try {
      const run = dacu(
        'redis',
        'check',
        '--campaign',
        smallSale,
        '--db',
        fresh.db,
        '--redis',
        REDIS_URL,
        '--redis-prefix',
        fresh.prefix,
      );
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('holds no counters of this sale yet');
    } finally {
      await fresh.cleanUp();
    }
  });

  it('says which flag is missing', () => {
    const run = dacu('redis', 'check', '--campaign', smallSale, '--redis', REDIS_URL);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--db/);
  });
});
