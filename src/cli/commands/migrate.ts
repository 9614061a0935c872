// dacu migrate [--db FILE]: creates or upgrades the SQLite schema and says which migrations ran.
// (`dacu serve` migrates on start too; this is for preparing a database ahead of the sale.)
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../store/sql/migrations.ts';
import { SqliteTradeStore } from '../../store/sql/sqlite-trade-store.ts';
import { CliError } from '../cli-error.ts';
import { DEFAULT_DB_FILE } from './serve.ts';

export async function migrateCommand(options: { db?: string }): Promise<string> {
  const file = options.db ?? DEFAULT_DB_FILE;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let store: SqliteTradeStore;
  try {
    store = new SqliteTradeStore({ file });
  } catch (error) {
    throw new CliError(`--db ${file}: cannot open the database (${(error as Error).message})`);
  }
  // The store's connection (and so its pragmas), with the migrator's list of what ran; destroying
  // this Kysely closes that connection.
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: store.sqlite }) });
  try {
    const ran = await migrateToLatest(db, 'sqlite');
    if (ran.length === 0) return `${file}: 数据库已是最新 already up to date`;
    return [`${file}: 已执行迁移 migrated:`, ...ran.map((name) => `  ✓ ${name}`)].join('\n');
  } finally {
    await db.destroy();
  }
}
