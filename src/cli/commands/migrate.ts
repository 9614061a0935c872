// dacu migrate [--db FILE|postgres://…]: creates or upgrades the schema (SQLite or PostgreSQL) and
// says which migrations ran. (`dacu serve` migrates on start too; this prepares a database ahead
// of the sale.)
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../store/sql/migrations.ts';
import { PostgresTradeStore } from '../../store/sql/postgres-trade-store.ts';
import { CliError } from '../cli-error.ts';
import { isPostgresDb, openSqliteFile, redactedUrl as redacted } from '../trade-backend.ts';
import { DEFAULT_DB_FILE } from './serve.ts';

export async function migrateCommand(options: { db?: string }): Promise<string> {
  const target = options.db ?? process.env.DATABASE_URL ?? DEFAULT_DB_FILE;
  const postgres = isPostgresDb(target);
  const ran = postgres ? await migratePostgres(target) : await migrateSqlite(target);
  const shown = postgres ? redacted(target) : target;
  if (ran.length === 0) return `${shown}: 数据库已是最新 already up to date`;
  return [`${shown}: 已执行迁移 migrated:`, ...ran.map((name) => `  ✓ ${name}`)].join('\n');
}

async function migrateSqlite(file: string): Promise<string[]> {
  const store = openSqliteFile({ file });
  // The store's connection (and so its pragmas), with the migrator's list of what ran; destroying
  // this Kysely closes that connection.
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: store.sqlite }) });
  try {
    return await migrateToLatest(db, 'sqlite');
  } finally {
    await db.destroy();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  let store: PostgresTradeStore;
  try {
    store = new PostgresTradeStore({ url, poolSize: 1 });
  } catch (error) {
    throw new CliError(`--db: ${(error as Error).message}`);
  }
  try {
    return await store.migrate();
  } catch (error) {
    throw new CliError(`--db ${redacted(url)}: ${(error as Error).message}`);
  } finally {
    await store.close();
  }
}
