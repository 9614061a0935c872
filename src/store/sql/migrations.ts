// One migration set for SQLite and PostgreSQL (ARCHITECTURE.md), run through Kysely's Migrator.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed schema exists
type AnyDb = Kysely<any>;

function migrations(dialect: SqlDialect): Record<string, Migration> {
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  const time = money;
  return {
    '0001_trade_core': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('stock')
          .addColumn('sku', 'text', (c) => c.primaryKey())
          .addColumn('initial', 'integer', (c) => c.notNull())
          .addColumn('restocked', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('available', 'integer', (c) => c.notNull())
          .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('sold', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('orders')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('checkout_id', 'text', (c) => c.notNull())
          .addColumn('buyer_id', 'text', (c) => c.notNull())
          .addColumn('store_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('payable_fen', money, (c) => c.notNull())
          .addColumn('amount_fen', money, (c) => c.notNull())
          .addColumn('list_total_fen', money, (c) => c.notNull())
          .addColumn('placed_at', time, (c) => c.notNull())
          .addColumn('deadline_at', time, (c) => c.notNull())
          .addColumn('paid_at', time)
          .addColumn('closed_at', time)
          .addColumn('payment_channel', 'text')
          .addColumn('payment_ref', 'text')
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('orders_by_buyer')
          .on('orders')
          .columns(['buyer_id', 'placed_at'])
          .execute();
        await db.schema.createIndex('orders_by_status').on('orders').columns(['status']).execute();
        await db.schema
          .createTable('events')
          .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', time, (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('order_id', 'text')
          .addColumn('buyer_id', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('timers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('ref', 'text', (c) => c.notNull())
          .addColumn('due_at', time, (c) => c.notNull())
          .addColumn('fired_at', time)
          .execute();
        await db.schema
          .createIndex('timers_due')
          .on('timers')
          .column('due_at')
          .where(sql.ref('fired_at'), 'is', null)
          .execute();
        await db.schema
          .createTable('idempotency')
          .addColumn('buyer_id', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('status_code', 'integer', (c) => c.notNull())
          .addColumn('response', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('idempotency_pk', ['buyer_id', 'key'])
          .execute();
        await db.schema
          .createTable('payments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('order_ids', 'text', (c) => c.notNull())
          .addColumn('buyer_id', 'text', (c) => c.notNull())
          .addColumn('channel', 'text')
          .addColumn('channel_ref', 'text', (c) => c.unique())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('amount_fen', money, (c) => c.notNull())
          .addColumn('attempts', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('wallet')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('buyer_id', 'text', (c) => c.notNull())
          .addColumn('coupon_id', 'text', (c) => c.notNull())
          .addColumn('balance_fen', money)
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('available'))
          .addColumn('used_by', 'text')
          .addColumn('tasks_done', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('inflated', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('wallet_by_buyer').on('wallet').column('buyer_id').execute();
        await db.schema
          .createTable('sku_actions')
          .addColumn('sku', 'text', (c) => c.primaryKey())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('operator', 'text', (c) => c.notNull())
          .addColumn('at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('offer_usage')
          .addColumn('offer_id', 'text', (c) => c.notNull())
          .addColumn('buyer_id', 'text', (c) => c.notNull())
          .addColumn('units', 'integer', (c) => c.notNull())
          .addColumn('spent_fen', money, (c) => c.notNull())
          .addPrimaryKeyConstraint('offer_usage_pk', ['offer_id', 'buyer_id'])
          .execute();
      },
    },
    // Several servers share one database: a server claims a due timer for a while, so two never
    // fire the same one (PostgreSQL: FOR UPDATE SKIP LOCKED), and a payment under way holds its
    // order until `paying_until`, so no server expires or cancels it meanwhile.
    '0002_shared_servers': {
      async up(db: AnyDb) {
        await db.schema.alterTable('timers').addColumn('claimed_until', time).execute();
        await db.schema.alterTable('orders').addColumn('paying_until', time).execute();
      },
    },
    // Several servers share one database: what an unpaid order took from the wallet is a row, so a
    // close gives it back in the order's own transaction, and the reconciler finds what an order
    // that never reached the database took.
    '0003_wallet_holds': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('wallet_holds')
          .addColumn('order_id', 'text', (c) => c.notNull())
          .addColumn('wallet_id', 'text', (c) => c.notNull())
          .addColumn('checkout_id', 'text', (c) => c.notNull())
          .addColumn('amount_fen', money, (c) => c.notNull())
          .addColumn('at', time, (c) => c.notNull())
          .addPrimaryKeyConstraint('wallet_holds_pk', ['order_id', 'wallet_id'])
          .execute();
        await db.schema
          .createIndex('wallet_holds_by_wallet')
          .on('wallet_holds')
          .column('wallet_id')
          .execute();
        await db.schema.createIndex('wallet_holds_by_at').on('wallet_holds').column('at').execute();
      },
    },
    // An order's payment deadline is its own deadline_at (no timer row per order): the deadline
    // loop reads the pending orders that are due through a partial index. Timer rows stay for
    // pre-sale balances and reminders, and for the shared backend, whose servers claim them. The
    // index on every order's status goes: a start reads the open orders through the two partial
    // indexes, and nothing else looks orders up by status alone.
    '0004_order_payment_deadlines': {
      async up(db: AnyDb) {
        await db.schema
          .createIndex('orders_payment_due')
          .on('orders')
          .column('deadline_at')
          .where(sql.ref('status'), '=', sql.lit('pending_payment'))
          .execute();
        await db.schema
          .createIndex('orders_deposit_paid')
          .on('orders')
          .column('id')
          .where(sql.ref('status'), '=', sql.lit('deposit_paid'))
          .execute();
        await db.schema.dropIndex('orders_by_status').execute();
      },
    },
    // The sale a database holds, named once (sale-identity.ts): its own id, which keys its Redis
    // counters apart from any other database's, and the campaign it sells.
    '0005_sale_identity': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('sale')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // 补货: units an operator added to a SKU after the sale opened, one row each (the shared
    // backend's reconciler adds a row's units to Redis once, by its id, and a rebuild again).
    '0006_restocks': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('restocks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('sku', 'text', (c) => c.notNull())
          .addColumn('units', 'integer', (c) => c.notNull())
          .addColumn('operator', 'text', (c) => c.notNull())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('at', time, (c) => c.notNull())
          .execute();
      },
    },
  };
}

class InCodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/**
 * Runs what has not run. On PostgreSQL, `schema` is the sale's schema: the migrator's own tables
 * are looked for there alone. Without it Kysely looks in every schema of the database, so a second
 * sale's schema (or a test's) found the first one's tables, skipped making its own, and failed.
 */
export async function migrateToLatest(db: AnyDb, dialect: SqlDialect, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrations(dialect),
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
