// Servers of one shared sale in this process: SharedTradeEngine instances with their own
// connections on one PostgreSQL schema and one Redis prefix, one clock. Their reconciler runs once
// an hour and their timers once a minute, so a test sees only what it makes happen.
import { Redis } from 'ioredis';
import type { CampaignIndex } from '../../src/domain/campaign-index.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { dropRedisPrefix, dropTestSchema, freshPostgresUrl, REDIS_URL } from '../support/test-store.ts';

export interface EnginesInProcess {
  servers: SharedTradeEngine[];
  /** Each server's own simulated alipay (its refunds and takings are that server's). */
  channels: SimulatedChannel[];
  redis: Redis;
  prefix: string;
  url: string;
  cleanUp: () => Promise<void>;
}

export async function enginesInProcess(
  index: CampaignIndex,
  clock: () => number,
  count = 2,
): Promise<EnginesInProcess> {
  const url = freshPostgresUrl();
  const prefix = `dacu-test:${new URL(url).searchParams.get('schema')}`;
  const redis = new Redis(REDIS_URL);
  const servers: SharedTradeEngine[] = [];
  const channels: SimulatedChannel[] = [];
  const cleanUp = async () => {
    for (const engine of servers.reverse()) await engine.stop();
    await dropRedisPrefix(redis, prefix);
    await redis.quit();
    await dropTestSchema(url);
  };
  for (let i = 0; i < count; i++) {
    const client = new Redis(REDIS_URL);
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    const engine = await SharedTradeEngine.startShared({
      index,
      store: new PostgresTradeStore({ url, poolSize: 2 }),
      hot: new RedisHotLedger(client, prefix),
      channels: [alipay],
      config: { timerTickMs: 60_000 },
      clock,
      reconcileEveryMs: 3_600_000,
    });
    engine.onStop(() => client.quit().then(() => {}));
    servers.push(engine);
    channels.push(alipay);
  }
  return { servers, channels, redis, prefix, url, cleanUp };
}
