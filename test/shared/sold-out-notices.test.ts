// A sold-out action set on one server of a shared sale reaches the others at once (a Redis
// notice), not at their next reconciler pass: until it does, a checkout there would take the
// pre-sale's new units as spot stock, shipping now. Two engines in this process share one
// PostgreSQL schema and one Redis prefix; their reconciler runs once an hour and their timers
// once a minute, so only the notice can tell the second one in time.
import { afterEach, expect, it, vi } from 'vitest';
import { AT, campaignOf, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import type { SoldOutAction } from '../../src/domain/sold-out-action.ts';
import type { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { enginesInProcess } from './engines-in-process.ts';

let cleanUp: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanUp.reverse()) await c();
  cleanUp = [];
});

const index = campaignOf({
  // The hot SKU's one unit is its safety stock: it runs low, so operators may set an action.
  catalog: [item('hot', 's1', 9_900, { stock: 1, safetyStock: 1 }), item('alt', 's1', 8_900, { stock: 50 })],
  promotions: [],
  coupons: [],
});

/** Two servers of one sale (engines-in-process.ts). */
async function twoServers(clock: () => number = () => AT) {
  const sale = await enginesInProcess(index, clock);
  cleanUp.push(sale.cleanUp);
  return sale;
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

it('keeps the newer action when an older one is heard late, and a resend of the newer adds nothing', async () => {
  let now = AT;
  const { servers, redis, prefix } = await twoServers(() => now);
  const [one, two] = servers as [SharedTradeEngine, SharedTradeEngine];
  const older: SoldOutAction = { kind: 'substitute', substituteSku: 'alt' };
  const newer: SoldOutAction = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
  expect((await two.setSoldOutAction('hot', older, 'ops')).ok).toBe(true);
  now += 1_000;
  expect((await one.setSoldOutAction('hot', newer, 'ops')).ok).toBe(true);
  // The older action's notice, delivered late, then a marker notice behind it.
  const channel = `${prefix}:notices:sold-out-actions`;
  await redis.publish(channel, JSON.stringify({ sku: 'hot', action: older, at: AT }));
  const marker: SoldOutAction = { kind: 'substitute', substituteSku: 'hot' };
  await redis.publish(channel, JSON.stringify({ sku: 'alt', action: marker, at: now }));
  await vi.waitFor(() => expect(one.ctx.soldOutActions.get('alt')).toEqual(marker), { timeout: 2_000 });
  expect(one.ctx.soldOutActions.get('hot')).toEqual(newer);
  await vi.waitFor(() => expect(two.ctx.soldOutActions.get('hot')).toEqual(newer), { timeout: 2_000 });

  expect((await one.setSoldOutAction('hot', newer, 'ops')).ok).toBe(true);
  expect((await two.setSoldOutAction('hot', newer, 'ops')).ok).toBe(true);
  await one.reconcileNow();
  const hot = new RedisHotLedger(redis, prefix);
  expect((await hot.stockOf(['hot'])).get('hot')).toMatchObject({ restocked: 10 });
});

it('counts pre-sale units added under the id of earlier versions (presale@<at>) as added', async () => {
  const { servers, redis, prefix, url } = await twoServers();
  const [one] = servers as [SharedTradeEngine];
  // A server of an earlier version switched the SKU and added its units under the old id.
  const action: SoldOutAction = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
  const hot = new RedisHotLedger(redis, prefix);
  expect(await hot.restock('s1', 'hot', 10, `presale@${AT}`)).toBe(true);
  const store = new PostgresTradeStore({ url, poolSize: 1 });
  cleanUp.push(() => store.close());
  await store.db
    .insertInto('sku_actions')
    .values({ sku: 'hot', action: JSON.stringify(action), operator: 'ops', at: AT })
    .execute();
  await one.reconcileNow();
  await one.reconcileNow();
  expect((await hot.stockOf(['hot'])).get('hot')).toMatchObject({ restocked: 10 });
  expect(one.ctx.soldOutActions.get('hot')).toEqual(action);
});

it('runs one submit sent to two servers at once once, when it carries an Idempotency-Key', async () => {
  // Each reading of the clock a millisecond later: the two servers never set it at the same instant.
  let now = AT;
  const { servers, redis, prefix } = await twoServers(() => now++);
  const [one, two] = servers as [SharedTradeEngine, SharedTradeEngine];
  const action: SoldOutAction = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
  const idem = { buyerId: 'operator:ops', key: 'submit-1', hash: 'same-request' };
  const answers = await Promise.all([
    one.setSoldOutAction('hot', action, 'ops', idem),
    two.setSoldOutAction('hot', action, 'ops', idem),
  ]);
  expect(answers).toEqual([
    { ok: true, value: { sku: 'hot', action } },
    { ok: true, value: { sku: 'hot', action } },
  ]);
  const hot = new RedisHotLedger(redis, prefix);
  expect((await hot.stockOf(['hot'])).get('hot')).toMatchObject({ initial: 1, restocked: 10, available: 11 });
  const rows = await one.ctx.store.loadSkuActions();
  expect(rows.filter((r) => r.sku === 'hot')).toHaveLength(1);
});
