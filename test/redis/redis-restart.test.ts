// A Redis that restarts under a running server and comes back with less (an older RDB, an AOF
// that missed its last second): the server notices its run id changed, audits the counters against
// the database, and stops taking orders and claims (503, not ready) instead of selling the lost
// units again. A restart that lost nothing changes nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AT, campaignOf, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import { AUDIT_SETTLE_MS } from '../../src/services/shared/counter-audit.ts';
import { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { freePort } from '../../src/support/free-port.ts';
import { dropTestSchema, freshPostgresUrl, redisSnapshot } from '../support/test-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'dacu-redis-restart-'));
let redisServer: ChildProcess | null = null;
const cleanUps: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanUps.splice(0).reverse()) await c();
});
afterAll(() => {
  redisServer?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A Redis of its own on `port`, without persistence: a restart comes back empty. */
async function startRedis(port: number): Promise<void> {
  redisServer = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  );
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    if (
      await probe.ping().then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  probe.disconnect();
}

async function restartRedis(port: number): Promise<void> {
  const old = redisServer!;
  const gone = new Promise((resolve) => old.once('exit', resolve));
  old.kill('SIGKILL');
  await gone;
  await startRedis(port);
}

async function sale() {
  let now = AT;
  const port = await freePort();
  await startRedis(port);
  const url = freshPostgresUrl();
  const client = new Redis(port, '127.0.0.1');
  const admin = new Redis(port, '127.0.0.1');
  // Refused connections while Redis restarts are expected here: the clients reconnect.
  for (const c of [client, admin]) c.on('error', () => {});
  const engine = await SharedTradeEngine.startShared({
    index: campaignOf({ catalog: [item('lip', 's2', 23_900, { stock: 100 })] }),
    store: new PostgresTradeStore({ url, poolSize: 2 }),
    hot: new RedisHotLedger(client, 'dacu-restart'),
    channels: [new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 })],
    config: { timerTickMs: 60_000 },
    clock: () => now,
    reconcileEveryMs: 3_600_000,
  });
  cleanUps.push(async () => {
    await engine.stop();
    client.disconnect();
    admin.disconnect();
    await dropTestSchema(url);
  });
  const buy = (buyer: string, qty: number) =>
    engine.placeOrder({ buyer: { id: buyer, memberships: [] }, lines: [{ sku: 'lip', qty }], wallet: [] });
  /** Redis is back once the server's own client answers again. */
  const reconnected = async () => {
    for (
      let i = 0;
      i < 100 &&
      !(await client.ping().then(
        () => true,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
  };
  /** The server's clock moves on (the settle window passes). */
  const later = (ms: number) => {
    now += ms;
  };
  return { engine, admin, port, buy, reconnected, later };
}

describe('a Redis that restarts under a running server', () => {
  it('found holding less: the server stops selling and says it is not ready', async () => {
    const { engine, admin, port, buy, reconnected, later } = await sale();
    expect((await buy('u1', 2)).ok).toBe(true);
    const older = await redisSnapshot(admin, 'dacu-restart');
    expect((await buy('u2', 3)).ok).toBe(true);
    await restartRedis(port);
    await reconnected();
    await older(); // the snapshot before u2's order

    // Seen at once; the orders of the last seconds may still be in flight, so they count only
    // once the settle window has passed: the next passes find the loss.
    expect(await engine.watchRedis()).toEqual([]);
    later(AUDIT_SETTLE_MS + 1_000);
    expect(await engine.watchRedis()).toEqual([{ counter: 'stock', id: 'lip', redis: 2, database: 5 }]);
    expect(await engine.readiness()).toMatchObject({ redis: true, redisCounters: false });
    const refused = await buy('u3', 1);
    expect(refused.ok ? null : refused.problem.code).toBe('SERVICE_UNAVAILABLE');
    expect((await engine.claimCoupon('u3', 'any')).ok).toBe(false);
  });

  it('found holding all of it: nothing changes', async () => {
    const { engine, admin, port, buy, reconnected, later } = await sale();
    expect((await buy('u1', 2)).ok).toBe(true);
    const all = await redisSnapshot(admin, 'dacu-restart');
    await restartRedis(port);
    await reconnected();
    await all();
    expect(await engine.watchRedis()).toEqual([]);
    later(AUDIT_SETTLE_MS + 1_000);
    expect(await engine.watchRedis()).toEqual([]);
    expect(await engine.readiness()).toMatchObject({ redisCounters: true });
    expect((await buy('u2', 1)).ok).toBe(true);
  });
});
