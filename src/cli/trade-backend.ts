// Which engine a server runs on (ARCHITECTURE.md, Scale): the embedded default (SQLite file in
// process), PostgreSQL alone (one server, the same single-writer engine), or PostgreSQL + Redis
// (any number of servers: Redis holds stock and offer units, PostgreSQL orders and timers).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import type { CampaignIndex } from '../domain/campaign-index.ts';
import { campaignDigest } from '../services/campaign-digest.ts';
import type { PaymentChannel } from '../services/payments/payment-channel.ts';
import {
  AUDIT_SETTLE_MS,
  auditCounters,
  type CounterLoss,
  describeLoss,
} from '../services/shared/counter-audit.ts';
import { openSaleCounters } from '../services/shared/rebuild-counters.ts';
import { SharedTradeEngine } from '../services/shared/shared-trade-engine.ts';
import type { TradeConfig } from '../services/trade-context.ts';
import { TradeEngine } from '../services/trade-engine.ts';
import { RedisHotLedger } from '../store/redis/redis-hot-ledger.ts';
import { PostgresTradeStore } from '../store/sql/postgres-trade-store.ts';
import { isPostgresUrl } from '../store/sql/postgres-url.ts';
import {
  claimSale,
  markRedisOpened,
  recordCampaignDigest,
  type SaleIdentity,
} from '../store/sql/sale-identity.ts';
import { type SqliteOptions, SqliteTradeStore } from '../store/sql/sqlite-trade-store.ts';
import { CliError } from './cli-error.ts';
import { hotSkuMismatches, hotSkuWarning } from './hot-skus.ts';

export interface BackendFlags {
  /** A SQLite file, ':memory:', or postgres://…[?schema=NAME]. */
  db: string;
  /** redis://… : stock and offer units in Redis, so several servers can share the sale. */
  redis?: string | undefined;
  /** SQLite only: full (default) or normal. */
  durability?: string | undefined;
  /** Redis key prefix (default dacu:<the database's sale id>). */
  redisPrefix?: string | undefined;
  /** Shared backend: how long a reservation may wait for its order before it is released. */
  reconcileGraceMs?: number | undefined;
  /** Shared backend: SKUs whose stock opens split into this many buckets (hot-skus.ts). */
  hotSkus?: ReadonlyMap<string, number> | undefined;
}

export interface EngineParts {
  index: CampaignIndex;
  channels: PaymentChannel[];
  config: Partial<TradeConfig>;
  clock?: (() => number) | undefined;
}

/** Crash-only: with writing stopped nothing more can be acknowledged; a restart reads the state back. */
function exitWhenWritesStop(error: Error): void {
  console.error(`dacu: ${error.message}; stopping (every acknowledged write is in the database)`);
  process.exit(70);
}

/** A --db value names PostgreSQL (postgres://…) or a SQLite file; any other scheme is a mistake, not a file name. */
export function isPostgresDb(db: string): boolean {
  if (isPostgresUrl(db)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db))
    throw new CliError(`--db must be a SQLite file or a postgres:// URL, got "${db}"`);
  return false;
}

export function describeBackend(flags: BackendFlags): string {
  if (!isPostgresDb(flags.db)) return `SQLite ${flags.db}`;
  const where = new URL(flags.db);
  const pg = `PostgreSQL ${where.host}${where.pathname}`;
  if (!flags.redis) return pg;
  const nodes = redisNodes(flags.redis);
  return nodes.length > 1
    ? `${pg} + Redis Cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`
    : `${pg} + Redis ${new URL(flags.redis).host}`;
}

export async function startEngine(flags: BackendFlags, given: EngineParts): Promise<TradeEngine> {
  const parts = { ...given, onWritesStopped: exitWhenWritesStop };
  const postgres = isPostgresDb(flags.db);
  if (flags.redis !== undefined && !postgres)
    throw new CliError('--redis needs --db postgres://… (orders live in PostgreSQL, stock in Redis)');
  if (flags.durability !== undefined && postgres)
    throw new CliError(
      '--durability is a SQLite setting; PostgreSQL commits are durable by its own settings',
    );
  if (
    flags.redis === undefined &&
    (flags.redisPrefix !== undefined ||
      flags.reconcileGraceMs !== undefined ||
      (flags.hotSkus?.size ?? 0) > 0)
  )
    throw new CliError(
      '--redis-prefix, --reconcile-grace-seconds and --hot-sku are for servers that share Redis (--redis)',
    );
  checkPrefix(flags.redisPrefix);
  const campaignId = parts.index.campaign.id;
  if (!postgres) {
    const store = openSqlite(flags.db, flags.durability);
    await saleOf(store, campaignId, flags.db)
      .then((sale) => noteCampaignFile(store, sale, parts.index))
      .catch(closing(store));
    return TradeEngine.start({ ...parts, store });
  }
  const store = openPostgres(flags.db);
  const sale = await saleOf(store, campaignId, redactedUrl(flags.db)).catch(closing(store));
  await noteCampaignFile(store, sale, parts.index).catch(closing(store));
  if (flags.redis === undefined) return TradeEngine.start({ ...parts, store });
  const { client, prefix } = connectRedis(flags.redis, flags.redisPrefix, sale);
  try {
    await claimRedisFor(client, prefix, sale);
    const hotSkus = flags.hotSkus ?? new Map<string, number>();
    const hot = new RedisHotLedger(client, prefix, { buckets: hotSkus });
    await refuseLostCounters(parts.index, store, hot);
    const differ = hotSkuMismatches(hotSkus, await hot.bucketLayouts([...hotSkus.keys()]));
    if (differ.length > 0) console.warn(hotSkuWarning(differ));
    const engine = await SharedTradeEngine.startShared({
      ...parts,
      store,
      hot,
      ...(flags.reconcileGraceMs === undefined ? {} : { reconcileGraceMs: flags.reconcileGraceMs }),
    });
    await markRedisOpened(store.db);
    engine.onStop(() => client.quit().then(() => {}));
    return engine;
  } catch (error) {
    client.disconnect();
    await store.close();
    throw error;
  }
}

/** A shared sale's database and Redis, opened for an operator's command (not a server). */
export interface SharedSale {
  store: PostgresTradeStore;
  hot: RedisHotLedger;
  client: Redis | Cluster;
  prefix: string;
  sale: SaleIdentity;
  /** The sale id Redis's marker names: null when Redis holds none. */
  marker: string | null;
  close(): Promise<void>;
}

export async function openSharedSale(
  flags: { db: string; redis: string; redisPrefix?: string | undefined },
  index: CampaignIndex,
): Promise<SharedSale> {
  if (!isPostgresDb(flags.db)) throw new CliError("--db must be the sale's postgres://… database");
  checkPrefix(flags.redisPrefix);
  const store = openPostgres(flags.db);
  const sale = await saleOf(store, index.campaign.id, redactedUrl(flags.db)).catch(closing(store));
  const { client, prefix } = connectRedis(flags.redis, flags.redisPrefix, sale);
  const close = async () => {
    client.disconnect();
    await store.close();
  };
  try {
    const marker = await client.get(markerKeyOf(prefix));
    if (marker !== null && marker !== sale.saleId) throw anotherSale(prefix, marker, sale);
    return { store, hot: new RedisHotLedger(client, prefix), client, prefix, sale, marker, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The key naming the sale whose counters are under `prefix`. */
export const markerKeyOf = (prefix: string) => `${prefix}:sale`;

function anotherSale(prefix: string, owner: string | null, sale: SaleIdentity): CliError {
  return new CliError(
    `--redis: the keys under ${prefix} belong to another sale (${owner}), not this database's (${sale.saleId}); give this sale its own --redis-prefix or Redis`,
  );
}

function checkPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && !/^[\w:.-]{1,100}$/.test(prefix))
    throw new CliError(`--redis-prefix must be 1–100 letters, digits and _ : . - (got "${prefix}")`);
}

/** The sale's Redis: its client, and its key prefix (keyed by the database's own sale id by default). */
function connectRedis(
  url: string,
  chosenPrefix: string | undefined,
  sale: SaleIdentity,
): { client: Redis | Cluster; prefix: string } {
  // Keyed by the database's own sale id: two databases on one Redis never meet.
  return { client: openRedis(url), prefix: chosenPrefix ?? `dacu:${sale.saleId}` };
}

/**
 * Redis must hold at least what the database's orders and wallets hold (counter-audit.ts): a
 * Redis restored from an older snapshot, or a sale that ran on PostgreSQL alone before, would
 * sell those units again. Counters the campaign opens and Redis lacks are opened first (a new
 * sale), so only a real loss is refused.
 */
async function refuseLostCounters(
  index: CampaignIndex,
  store: PostgresTradeStore,
  hot: RedisHotLedger,
): Promise<void> {
  await openSaleCounters(hot, index);
  const losses = await auditCounters(index, store, hot, await settledBefore(hot));
  if (losses.length > 0) throw new CliError(lostCountersMessage(losses));
}

/**
 * Up to when the audit can count every row: everything, with no server of the sale running; else
 * what is older than AUDIT_SETTLE_MS (the others' orders and claims in flight are left out).
 */
export async function settledBefore(hot: RedisHotLedger): Promise<number> {
  const running = await hot.notices().listeners('sold-out-actions');
  return running === 0 ? Number.POSITIVE_INFINITY : Date.now() - AUDIT_SETTLE_MS;
}

const LOSSES_SHOWN = 10;

export function lostCountersMessage(losses: readonly CounterLoss[]): string {
  const shown = losses.slice(0, LOSSES_SHOWN).map((l) => `  ${describeLoss(l)}`);
  if (losses.length > LOSSES_SHOWN) shown.push(`  … and ${losses.length - LOSSES_SHOWN} more`);
  return [
    `--redis: Redis holds less than the database's orders on ${losses.length} counter(s) (restored from an older snapshot, or it lost its last writes); serving would sell those units again:`,
    ...shown,
    'Stop every server of this sale, then run "dacu redis rebuild" with the same --campaign, --db and --redis to count them again from the database.',
  ].join('\n');
}

/** Closes a store its engine will never start on, then passes the error on. */
function closing(store: { close(): Promise<void> }): (error: unknown) => Promise<never> {
  return async (error) => {
    await store.close();
    throw error;
  };
}

/**
 * A database that cannot be reached, or refuses this user, is said in one line (the address, the
 * driver's reason), like `dacu migrate` says it; an error without a code is a bug and keeps its stack.
 */
function unreachable(shown: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof CliError || typeof (error as { code?: unknown })?.code !== 'string') throw error;
    throw new CliError(`--db ${shown}: ${(error as Error).message}`);
  };
}

/** The address without its password, for messages. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** The sale this database holds (sale-identity.ts); a file of another campaign is refused. */
async function saleOf(
  store: SqliteTradeStore | PostgresTradeStore,
  campaignId: string,
  shown: string,
): Promise<SaleIdentity> {
  await store.migrate().catch(unreachable(shown));
  const sale = await claimSale(store.db, campaignId);
  if (sale.campaignId !== campaignId) {
    throw new CliError(
      `--db ${shown}: this database holds the sale of campaign "${sale.campaignId}", not "${campaignId}"; start it with that campaign's file, or give the new campaign a database of its own`,
    );
  }
  return sale;
}

/**
 * This server's campaign file becomes the sale's; a file other than the one the sale's last server
 * started with is said (a rolling deploy, or one server given the wrong file): servers of one sale
 * running different files price the same cart differently.
 */
async function noteCampaignFile(
  store: SqliteTradeStore | PostgresTradeStore,
  sale: SaleIdentity,
  index: CampaignIndex,
): Promise<void> {
  const digest = campaignDigest(index.campaign);
  if (sale.campaignDigest !== null && sale.campaignDigest !== digest) {
    console.warn(
      `dacu: warning: this campaign file (${digest}) is not the one this sale's servers last started with (${sale.campaignDigest}); it is the sale's from now on. Servers still running the other file price carts by it (a quote on one and an order on another: 409 PRICE_MISMATCH): restart them with this file. GET /health/ready names each server's file.`,
    );
  }
  if (sale.campaignDigest !== digest) await recordCampaignDigest(store.db, digest);
}

/**
 * Redis under `prefix` holds this sale's counters, or none yet (then it is claimed for the sale).
 * Refused: keys of another sale (a second database given the same prefix), or a Redis that lost
 * the counters this database opened there (restarted without its AOF, a lagging replica promoted):
 * opening them again from the campaign file would sell the stock a second time.
 */
async function claimRedisFor(client: Redis | Cluster, prefix: string, sale: SaleIdentity): Promise<void> {
  const markerKey = markerKeyOf(prefix);
  const marker = await client.get(markerKey);
  if (marker === null && sale.redisOpened) {
    throw new CliError(
      `--redis: Redis has lost this sale's counters (${markerKey} is gone, though this database opened them there). Opening them again from the campaign file would oversell: with every server of this sale stopped, run "dacu redis rebuild" with the same --campaign, --db and --redis to count them again from the database, then start again`,
    );
  }
  if (marker === null) await client.set(markerKey, sale.saleId, 'NX');
  const owner = marker ?? (await client.get(markerKey));
  if (owner !== sale.saleId) throw anotherSale(prefix, owner, sale);
}

function openSqlite(file: string, durability: string | undefined): SqliteTradeStore {
  if (durability !== undefined && durability !== 'full' && durability !== 'normal') {
    throw new CliError(`--durability must be full or normal, got "${durability}"`);
  }
  return openSqliteFile({
    file,
    synchronous: durability === 'normal' ? 'normal' : 'full',
    // Crash-only: with no writer nothing more can be acknowledged; what was is on disk, and a
    // restart (by the supervisor) picks the pending orders up again.
    onWriterFailure: (error) => {
      console.error(`dacu: ${error.message}; stopping (every acknowledged order is in ${file})`);
      process.exit(70);
    },
  });
}

/** The SQLite store of `--db FILE`, its directory made first; what stands in the way is a CliError. */
export function openSqliteFile(options: SqliteOptions): SqliteTradeStore {
  const { file } = options;
  if (file !== ':memory:') {
    const dir = dirname(file);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : code;
      throw new CliError(`--db ${file}: cannot make the directory ${dir} (${why})`);
    }
  }
  try {
    return new SqliteTradeStore(options);
  } catch (error) {
    throw new CliError(`--db ${file}: cannot open the database (${(error as Error).message})`);
  }
}

function openPostgres(url: string): PostgresTradeStore {
  try {
    return new PostgresTradeStore({ url });
  } catch (error) {
    throw new CliError(`--db: ${(error as Error).message}`);
  }
}

const REDIS_COMMAND_TIMEOUT_MS = 2_000;
/** Redis connection errors are reported at most once per this long (a down Redis repeats them). */
const REDIS_ERROR_REPORT_MS = 10_000;

/** redis://host:port, or several seed nodes of a Redis Cluster: redis://a:7000,redis://b:7001 (or a:7000,b:7001). */
function openRedis(url: string): Redis | Cluster {
  const nodes = redisNodes(url);
  // Commands issued in one turn of the event loop go out as one pipeline (many buyers at once).
  // A command Redis does not answer within REDIS_COMMAND_TIMEOUT_MS fails (503 to the shopper)
  // rather than holding the request until the client gives up.
  const client =
    nodes.length === 1
      ? new Redis(url, {
          enableAutoPipelining: true,
          maxRetriesPerRequest: 3,
          commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
          lazyConnect: false,
        })
      : openCluster(url, nodes);
  let reportedAt = Number.NEGATIVE_INFINITY;
  client.on('error', (error: Error) => {
    if (performance.now() - reportedAt < REDIS_ERROR_REPORT_MS) return;
    reportedAt = performance.now();
    console.error(
      `dacu: Redis ${describeRedis(nodes)}: ${error.message} (retrying; reported at most every 10 s)`,
    );
  });
  return client;
}

function describeRedis(nodes: { host: string; port: number }[]): string {
  return nodes.map((n) => `${n.host}:${n.port}`).join(',');
}

function openCluster(url: string, nodes: { host: string; port: number }[]): Cluster {
  const first = new URL(url.split(',')[0]!);
  return new Cluster(nodes, {
    enableAutoPipelining: true,
    redisOptions: {
      maxRetriesPerRequest: 3,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

function redisNodes(url: string): { host: string; port: number }[] {
  const first = url.split(',')[0]!;
  if (!/^rediss?:\/\//.test(first)) throw new CliError(`--redis must be a redis:// URL, got "${url}"`);
  const scheme = first.slice(0, first.indexOf('//') + 2);
  return url.split(',').map((part) => {
    const node = new URL(/^rediss?:\/\//.test(part) ? part : `${scheme}${part}`);
    if (!node.hostname) throw new CliError(`--redis: no host in "${part}"`);
    return { host: node.hostname, port: node.port ? Number(node.port) : 6379 };
  });
}
