// `dacu serve --redis` with a Redis Cluster's seed nodes (issue: beyond one machine): two server
// processes on a three-master cluster sell exactly the stock; each checkout spans two stores whose
// keys live in different slots, and a payment on the other server commits the sale in the cluster.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { post, type SharedSale, sharedSale } from '../shared/shared-servers.ts';
import { startCluster, type TestCluster } from './redis-cluster-harness.ts';

let cluster: TestCluster;
let sale: SharedSale;
let client: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  sale = sharedSale(cluster.ports.map((p) => `redis://127.0.0.1:${p}`).join(','));
  client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
}, 60_000);

afterAll(async () => {
  await client?.quit();
  await sale?.cleanUp();
  cluster?.stop();
});

describe('dacu serve on a Redis Cluster', () => {
  it('sells exactly the stock over two servers, and pays on the other one', async () => {
    const servers = [await sale.start(), await sale.start()];
    const hot = new RedisHotLedger(client, sale.prefix);
    const initial = (await hot.stockOf(['s1-hot'])).get('s1-hot')!.available;
    const lines = [
      { sku: 's1-hot', qty: 1 },
      { sku: 's2-mask', qty: 1 },
    ];
    const replies = await Promise.all(
      Array.from({ length: initial + 40 }, (_, i) =>
        post(`${servers[i % 2]!.url}/api/orders`, `b${i}`, { lines }),
      ),
    );
    const won = replies.filter((r) => r.status === 201);
    expect(won).toHaveLength(initial);
    expect(won.every((r) => r.body.orders.length === 2)).toBe(true);
    expect(new Set(replies.filter((r) => r.status !== 201).map((r) => r.body.code))).toEqual(
      new Set(['OUT_OF_STOCK']),
    );
    const first = won[0]!;
    const s1Order = first.body.orders.find((o: { storeId: string }) => o.storeId === 's1');
    const buyer = `b${replies.indexOf(first)}`;
    const paid = await post(`${servers[1]!.url}/api/orders/${s1Order.id}/pay`, buyer, {});
    expect([paid.status, paid.body.status]).toEqual([200, 'paid']);
    const stock = await hot.stockOf(['s1-hot', 's2-mask']);
    expect(stock.get('s1-hot')).toMatchObject({ available: 0, reserved: initial - 1, sold: 1 });
    // The refused checkouts took nothing from the other store either (all or nothing).
    expect(stock.get('s2-mask')).toMatchObject({ available: 800 - initial, reserved: initial, sold: 0 });
    expect(await hot.checkIdentity()).toEqual([]);
  }, 90_000);
});
