// The store the trade and API tests run on: the embedded default (in-memory SQLite), or, with
// DACU_TEST_BACKEND=postgres, the PostgreSQL at DATABASE_URL in a schema of its own that is
// dropped afterwards — so the same tests prove both adapters (vitest.config.ts runs both).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { SqliteTradeStore } from '../../src/store/sql/sqlite-trade-store.ts';

export type TestBackend = 'embedded' | 'postgres';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testBackend(): TestBackend {
  return process.env.DACU_TEST_BACKEND === 'postgres' ? 'postgres' : 'embedded';
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
  /** Removes what the store left behind (after the engine has closed it). */
  cleanUp: () => Promise<void>;
}

export function newTestStore(backend: TestBackend = testBackend()): TestStore {
  if (backend === 'embedded')
    return { store: new SqliteTradeStore({ file: ':memory:' }), cleanUp: async () => {} };
  const url = freshPostgresUrl();
  return { store: new PostgresTradeStore({ url, poolSize: 4 }), cleanUp: () => dropTestSchema(url) };
}
