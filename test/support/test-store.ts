// The store the trade and API tests run on: the embedded default (in-memory SQLite), or, with
// DACU_TEST_BACKEND=postgres, the PostgreSQL at DATABASE_URL in a schema of its own that is
// dropped afterwards — so the same tests prove both adapters (vitest.config.ts runs both).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RedisHotLedger } from '../../src/store/redis/redis-hot-ledger.ts';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { SqliteTradeStore } from '../../src/store/sql/sqlite-trade-store.ts';

/** embedded: in-memory SQLite; postgres: the same engine on PostgreSQL; shared: PostgreSQL + Redis,
 *  the engine any number of servers can share. */
export type TestBackend = 'embedded' | 'postgres' | 'shared';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testBackend(): TestBackend {
  const named = process.env.DACU_TEST_BACKEND;
  return named === 'postgres' || named === 'shared' ? named : 'embedded';
}

/** Deletes every Redis key under a test's prefix. */
export async function dropRedisPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/**
 * Every key under `prefix` as it is now (DUMP, with its time to live): the returned function puts
 * them back and deletes every key made since, as a Redis restored from this moment's RDB would be.
 */
export async function redisSnapshot(client: Redis, prefix: string): Promise<() => Promise<void>> {
  const saved: { key: string; dump: Buffer; ttlMs: number }[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const dump = await client.dumpBuffer(key);
      if (dump) saved.push({ key, dump, ttlMs: Math.max(0, await client.pttl(key)) });
    }
  } while (cursor !== '0');
  return async () => {
    await dropRedisPrefix(client, prefix);
    for (const { key, dump, ttlMs } of saved) await client.restore(key, ttlMs, dump, 'REPLACE');
  };
}

/** A PostgreSQL URL naming a fresh schema (dropped by dropTestSchema). */
export function freshPostgresUrl(): string {
  const url = new URL(DATABASE_URL);
  url.searchParams.set('schema', `t_${randomBytes(6).toString('hex')}`);
  return url.toString();
}

export async function dropTestSchema(url: string): Promise<void> {
  const schema = new URL(url).searchParams.get('schema');
  if (!schema?.startsWith('t_')) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface TestStore {
  store: SqliteTradeStore | PostgresTradeStore;
  /** The shared backend's Redis hot ledger (its stock is the truth there). */
  hot: RedisHotLedger | null;
  /** Removes what the store left behind (after the engine has closed it). */
  cleanUp: () => Promise<void>;
}

export function newTestStore(backend: TestBackend = testBackend()): TestStore {
  if (backend === 'embedded')
    return { store: new SqliteTradeStore({ file: ':memory:' }), hot: null, cleanUp: async () => {} };
  const url = freshPostgresUrl();
  const store = new PostgresTradeStore({ url, poolSize: 4 });
  if (backend === 'postgres') return { store, hot: null, cleanUp: () => dropTestSchema(url) };
  const client = new Redis(REDIS_URL, { enableAutoPipelining: true });
  const prefix = `dacu-test:${store.schema}`;
  let cleaned: Promise<void> | null = null;
  const cleanUp = async () => {
    await dropRedisPrefix(client, prefix);
    await client.quit();
    await dropTestSchema(url);
  };
  // Tests may close an API twice; the keys and the connection go once.
  return { store, hot: new RedisHotLedger(client, prefix), cleanUp: () => (cleaned ??= cleanUp()) };
}
