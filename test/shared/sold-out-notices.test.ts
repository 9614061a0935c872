// A sold-out action set on one server of a shared sale reaches the others at once (a Redis
// notice), not at their next reconciler pass: until it does, a checkout there would take the
// pre-sale's new units as spot stock, shipping now. Two engines in this process share one
// PostgreSQL schema and one Redis prefix; their reconciler runs once an hour and their timers
// once a minute, so only the notice can tell the second one in time.
import { Redis } from 'ioredis';
import { afterEach, expect, it, vi } from 'vitest';
import { AT, campaignOf, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import type { SoldOutAction } from '../../src/domain/sold-out-action.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { dropRedisPrefix, dropTestSchema, freshPostgresUrl, REDIS_URL } from '../support/test-store.ts';

let cleanUp: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanUp.reverse()) await c();
  cleanUp = [];
});

const index = campaignOf({
  catalog: [item('hot', 's1', 9_900, { stock: 1 }), item('alt', 's1', 8_900, { stock: 50 })],
  promotions: [],
  coupons: [],
});

/** Two servers of one sale: their own connections, the same schema and key prefix. */
async function twoServers(): Promise<{ servers: SharedTradeEngine[]; redis: Redis; prefix: string }> {
  const url = freshPostgresUrl();
  const prefix = `dacu-test:${new URL(url).searchParams.get('schema')}`;
  const redis = new Redis(REDIS_URL);
  cleanUp.push(async () => {
    await dropRedisPrefix(redis, prefix);
    await redis.quit();
    await dropTestSchema(url);
  });
  const servers: SharedTradeEngine[] = [];
  for (let i = 0; i < 2; i++) {
    const client = new Redis(REDIS_URL);
    const engine = await SharedTradeEngine.startShared({
      index,
      store: new PostgresTradeStore({ url, poolSize: 2 }),
      hot: new RedisHotLedger(client, prefix),
      channels: [new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 })],
      config: { timerTickMs: 60_000 },
      clock: () => AT,
      reconcileEveryMs: 3_600_000,
    });
    engine.onStop(() => client.quit().then(() => {}));
    cleanUp.push(() => engine.stop());
    servers.push(engine);
  }
  return { servers, redis, prefix };
}

const buyer = (id: string) => ({ id, memberships: [] });

it('takes up a pre-sale switch made on another server at once: the next checkout there ships on the date', async () => {
  const { servers } = await twoServers();
  const [one, two] = servers as [SharedTradeEngine, SharedTradeEngine];
  const sold = await one.placeOrder({ buyer: buyer('b0'), lines: [{ sku: 'hot', qty: 1 }], wallet: [] });
  expect(sold.ok).toBe(true);

  const action: SoldOutAction = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
  expect(await two.setSoldOutAction('hot', action, 'ops')).toEqual({
    ok: true,
    value: { sku: 'hot', action },
  });
  await vi.waitFor(() => expect(one.ctx.soldOutActions.get('hot')).toEqual(action), { timeout: 2_000 });

  const placed = await one.placeOrder({ buyer: buyer('b1'), lines: [{ sku: 'hot', qty: 2 }], wallet: [] });
  expect(placed.ok).toBe(true);
  if (!placed.ok) return;
  expect(placed.value.orders.map((o) => o.shipDate)).toEqual(['2026-11-20']);
});

it('ignores a notice it cannot read or that names what this sale does not sell', async () => {
  const { servers, redis, prefix } = await twoServers();
  const [one, two] = servers as [SharedTradeEngine, SharedTradeEngine];
  const channel = `${prefix}:notices:sold-out-actions`;
  await redis.publish(channel, 'not json');
  await redis.publish(
    channel,
    JSON.stringify({ sku: 'ghost', action: { kind: 'substitute', substituteSku: 'alt' } }),
  );
  await redis.publish(channel, JSON.stringify({ sku: 'hot', action: { kind: 'presale', units: 'many' } }));
  const action: SoldOutAction = { kind: 'substitute', substituteSku: 'alt' };
  expect((await two.setSoldOutAction('hot', action, 'ops')).ok).toBe(true);
  // Notices arrive in the order they were sent: once the real one is in, the others were heard.
  await vi.waitFor(() => expect(one.ctx.soldOutActions.get('hot')).toEqual(action), { timeout: 2_000 });
  expect([...one.ctx.soldOutActions.keys()]).toEqual(['hot']);
});
