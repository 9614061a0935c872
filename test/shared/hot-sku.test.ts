// `--hot-sku SKU=BUCKETS` as an operator meets it: two servers sell a hot SKU split over buckets
// to exactly its stock, a later server's other count is said and changes nothing, `redis check`
// audits the buckets, `redis rebuild` keeps the layout Redis had or lays it out again, and a bad
// flag is refused before anything changes.
import { afterAll, describe, expect, it } from 'vitest';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { dacu, post, saleFlagsOf, sharedSale, smallSale } from './shared-servers.ts';

const sale = sharedSale();
afterAll(() => sale.cleanUp());

const saleFlags = () => saleFlagsOf(sale);

const layoutOf = async (sku: string) =>
  (await new RedisHotLedger(sale.redis, sale.prefix).bucketLayouts([sku])).get(sku);

describe('a hot SKU split over buckets (--hot-sku)', () => {
  it('sells exactly its stock from two servers, and rebuild keeps or changes its layout', async () => {
    const first = await sale.start({}, ['--hot-sku', 's1-hot=4']);
    const second = await sale.start({}, ['--hot-sku', 's1-hot=2']);
    expect(second.output()).toContain('--hot-sku changes nothing for counters this sale already opened');
    expect(second.output()).toContain('s1-hot is in 4 buckets, not 2');
    expect(first.output()).not.toContain('warning');
    expect(await layoutOf('s1-hot')).toBe(4);
    expect(await layoutOf('s1-tv')).toBe(0);
    expect((await sale.redis.keys(`${sale.prefix}*s1-hot*`)).length).toBeGreaterThanOrEqual(4);

    // 150 units, 170 buyers of one each over both servers.
    const servers = [first, second];
    const answers = await Promise.all(
      Array.from({ length: 170 }, (_, i) =>
        post(`${servers[i % 2]!.url}/api/orders`, `rush${i}`, { lines: [{ sku: 's1-hot', qty: 1 }] }),
      ),
    );
    const placed = answers.filter((a) => a.status === 201);
    expect(placed).toHaveLength(150);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body.code)).toEqual(
      Array(20).fill('OUT_OF_STOCK'),
    );
    const stock = (await new RedisHotLedger(sale.redis, sale.prefix).stockOf(['s1-hot'])).get('s1-hot');
    expect(stock).toEqual({ initial: 150, restocked: 0, available: 0, reserved: 150, sold: 0 });
    const k = answers.findIndex((a) => a.status === 201);
    const paid = await post(`${first.url}/api/orders/${answers[k]!.body.orders[0].id}/pay`, `rush${k}`, {});
    expect(paid.body.status).toBe('paid');
    expect(dacu('redis', 'check', ...saleFlags()).status).toBe(0);

    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));

    const kept = dacu('redis', 'rebuild', ...saleFlags());
    expect(kept.stderr).toBe('');
    expect(kept.status).toBe(0);
    expect(kept.stdout).toContain('hot SKUs: s1-hot in 4 buckets');
    expect(kept.stdout).toContain('149 unpaid and 1 paid order(s) reserved again');
    expect(await layoutOf('s1-hot')).toBe(4);

    const bad = dacu('redis', 'rebuild', ...saleFlags(), '--hot-sku', 's1-nope=2');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--hot-sku s1-nope=2: the campaign has no SKU "s1-nope"');
    expect(await sale.redis.get(`${sale.prefix}:sale`)).not.toBeNull(); // refused before the marker went

    const back = dacu('redis', 'rebuild', ...saleFlags(), '--hot-sku', 's1-hot=0');
    expect(back.status).toBe(0);
    expect(back.stdout).not.toContain('hot SKUs');
    expect(await layoutOf('s1-hot')).toBe(0);
    expect(dacu('redis', 'check', ...saleFlags()).status).toBe(0);

    const again = await sale.start();
    const beyond = await post(`${again.url}/api/orders`, 'late', { lines: [{ sku: 's1-hot', qty: 1 }] });
    expect(beyond.body.code).toBe('OUT_OF_STOCK');
  });

  it('refuses a bad --hot-sku with the flag and what is wrong', () => {
    const sqlite = dacu('serve', '--campaign', smallSale, '--db', ':memory:', '--hot-sku', 's1-hot=4');
    expect(sqlite.status).toBe(1);
    expect(sqlite.stderr).toContain('--hot-sku are for servers that share Redis (--redis)');
    const tooMany = dacu('serve', ...saleFlags(), '--hot-sku', 's1-hot=65');
    expect(tooMany.status).toBe(1);
    expect(tooMany.stderr).toContain('--hot-sku must be SKU=BUCKETS with BUCKETS from 0 to 64');
    const twice = dacu('serve', ...saleFlags(), '--hot-sku', 's1-hot=4', '--hot-sku', 's1-hot=8');
    expect(twice.stderr).toContain('--hot-sku names s1-hot twice');
  });
});
