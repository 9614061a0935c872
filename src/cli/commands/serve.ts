// dacu serve --campaign FILE [--db FILE|postgres://…] [--redis redis://…] [--port N] [--host H] [--deadline-minutes N] [--channels SPEC]
//            [--operators FILE]
// One process, SQLite in it (ARCHITECTURE.md, "Scale: one machine"): loads the campaign, starts the
// trade engine and serves the HTTP API with its OpenAPI docs at /docs, the live board tailing the
// event log. Operators sign in with the accounts of --operators FILE (JSON
// [{username, password | passwordHash, role}]) or DACU_OPERATORS (name:password:role,…); with
// neither, an admin with a random password is made and printed once.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  generatedAdmin,
  OperatorAuth,
  type OperatorSpec,
  OperatorsInvalid,
  parseOperatorsEnv,
  parseOperatorsJson,
} from '../../api/auth.ts';
import { type BuyerLimits, DEFAULT_BUYER_LIMITS } from '../../api/buyer-limits.ts';
import { buildServer } from '../../api/server.ts';
import type { Campaign } from '../../domain/campaign.ts';
import { indexCampaign } from '../../domain/campaign-index.ts';
import { type LiveOptions, LiveService } from '../../live/live-service.ts';
import {
  ChannelConfigInvalid,
  parseChannelConfig,
  simulatedChannels,
} from '../../services/payments/simulated-channel.ts';
import { type StockPlanChange, stockPlanChanges } from '../../services/restock.ts';
import type { TradeConfig } from '../../services/trade-context.ts';
import type { TradeEngine } from '../../services/trade-engine.ts';
import { isPostgresUrl } from '../../store/sql/postgres-url.ts';
import { CliError } from '../cli-error.ts';
import { hotSkusFrom } from '../hot-skus.ts';
import { loadCampaignForCli } from '../load-campaign.ts';
import { readJsonFile } from '../read-json-file.ts';
import { describeBackend, startEngine } from '../trade-backend.ts';

export const DEFAULT_DB_FILE = '.dacu/dacu.db';
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
/** A payment deadline longer than a week is a typo, not a sale rule. */
const DEADLINE_MINUTES_MAX = 7 * 24 * 60;

export interface ServeOptions {
  /** A campaign file, or a campaign already loaded (tests, the demo). */
  campaign: string | Campaign;
  /** A SQLite file (default .dacu/dacu.db) or postgres://…[?schema=NAME]. */
  db?: string;
  /** redis://… with a postgres:// db: several servers share the sale (stock in Redis). */
  redis?: string;
  /** Redis key prefix (tests give each run its own). */
  redisPrefix?: string;
  /** Shared backend: seconds a reservation may wait for its order before the reconciler releases it. */
  reconcileGraceSeconds?: number | string;
  /** Shared backend: `SKU=BUCKETS`, a hot SKU's stock split over slots (cli/hot-skus.ts). */
  hotSku?: readonly string[];
  /** Numbers, or the text commander hands over; 0 = any free port. */
  port?: number | string;
  host?: string;
  deadlineMinutes?: number | string;
  /** A payment deadline in seconds, for drills and tests (wins over deadlineMinutes). */
  deadlineSeconds?: number | string;
  /** Simulated channel overrides, e.g. `alipay:latency=50,failure=0.3;wechat:latency=5`. */
  channels?: string;
  logLevel?: string;
  /** 'full' (default): a commit is on disk before it is acknowledged, power cuts included;
   *  'normal': WAL without the per-commit fsync — survives a process crash, not a power cut. */
  durability?: string;
  /** Operator accounts: a JSON file (--operators) or the accounts themselves (tests, the demo). */
  operators?: string | OperatorSpec[];
  /** `name:password:role,…`; defaults to the DACU_OPERATORS environment variable. */
  operatorsEnv?: string;
  /** Live board intervals (tests shorten them). */
  live?: LiveOptions;
  /** Engine settings beyond the flags (tests). */
  config?: Partial<TradeConfig>;
  /** Writes per buyer per window, `20/10s` (the default) or `off`. */
  buyerLimit?: string;
  /** The proxies in front: their number, or their addresses (X-Forwarded-For is read past them). */
  trustProxy?: string;
  /** The secret payment callbacks are signed with (default DACU_CALLBACK_SECRET, else a random one shown once). */
  callbackSecret?: string;
  clock?: () => number;
}

export interface RunningServer {
  app: FastifyInstance;
  engine: TradeEngine;
  live: LiveService;
  url: string;
  /** The admin account made because none was configured: its password is shown once. */
  generatedOperator: { username: string; password: string } | null;
  /** The callback secret made because none was configured: shown once. */
  generatedCallbackSecret: string | null;
  /** Stops accepting requests, lets those under way finish, then stops the live board and the engine. */
  close(): Promise<void>;
}

function wholeNumber(
  value: number | string | undefined,
  flag: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new CliError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

function channelsFrom(spec: string | undefined) {
  try {
    return simulatedChannels(parseChannelConfig(spec ?? ''));
  } catch (error) {
    if (error instanceof ChannelConfigInvalid) throw new CliError(`--channels: ${error.message}`);
    throw error;
  }
}

async function operatorSpecs(
  options: ServeOptions,
): Promise<{ specs: OperatorSpec[]; generated: RunningServer['generatedOperator'] }> {
  const env = options.operatorsEnv ?? process.env.DACU_OPERATORS;
  try {
    if (Array.isArray(options.operators))
      return { specs: parseOperatorsJson(options.operators), generated: null };
    if (typeof options.operators === 'string') {
      const file = options.operators;
      return { specs: parseOperatorsJson(await readJsonFile(file), `--operators ${file}`), generated: null };
    }
    if (env !== undefined && env.trim() !== '') return { specs: parseOperatorsEnv(env), generated: null };
  } catch (error) {
    if (error instanceof OperatorsInvalid) throw new CliError(error.message);
    throw error;
  }
  const admin = generatedAdmin();
  return { specs: [admin], generated: { username: admin.username, password: admin.password } };
}

/** The payment gateway's callback secret: given, from DACU_CALLBACK_SECRET, or made now (shown once). */
function callbackSecretOf(given: string | undefined): { secret: string; generated: boolean } {
  const secret = given ?? process.env.DACU_CALLBACK_SECRET;
  if (secret === undefined || secret === '')
    return { secret: randomBytes(24).toString('base64url'), generated: true };
  if (secret.length < 16) throw new CliError('--callback-secret must be at least 16 characters');
  return { secret, generated: false };
}

/** What stops a server listening that the operator can fix: the port, or the host. */
const LISTEN_ERRORS = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN']);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevelFrom(level: string | undefined): string {
  if (level === undefined) return 'info';
  if (!LOG_LEVELS.includes(level))
    throw new CliError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return level;
}

/** `--buyer-limit 20/10s`: 20 writes per buyer in 10 seconds; `off`: none. */
export function buyerLimitsFrom(spec: string | undefined): BuyerLimits | null {
  if (spec === undefined) return DEFAULT_BUYER_LIMITS;
  if (spec === 'off') return null;
  const match = /^(\d{1,6})\/(\d{1,5})s$/.exec(spec.trim());
  const writes = Number(match?.[1]);
  const seconds = Number(match?.[2]);
  if (!match || writes < 1 || seconds < 1)
    throw new CliError(`--buyer-limit must be WRITES/SECONDSs (e.g. 20/10s) or off, got "${spec}"`);
  return { writes, windowMs: seconds * 1_000 };
}

/**
 * `--trust-proxy 1` (hops) or `--trust-proxy 10.0.0.0/8,10.1.2.3` (the proxies' addresses): the
 * client's address is read from X-Forwarded-For past them (sign-in limits count per address).
 */
export function trustProxyFrom(spec: string | undefined): number | string | undefined {
  if (spec === undefined) return undefined;
  const trimmed = spec.trim();
  if (/^\d{1,2}$/.test(trimmed) && Number(trimmed) >= 1) return Number(trimmed);
  const parts = trimmed.split(',').map((p) => p.trim());
  if (trimmed !== '' && parts.every((p) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p) && /[.:]/.test(p)))
    return parts.join(',');
  throw new CliError(
    `--trust-proxy must be the number of proxies in front (e.g. 1) or their addresses (e.g. 10.0.0.0/8,10.1.2.3), got "${spec}"`,
  );
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const campaign =
    typeof options.campaign === 'string' ? await loadCampaignForCli(options.campaign) : options.campaign;
  const port = wholeNumber(options.port, '--port', 0, 65_535, DEFAULT_PORT);
  const host = options.host ?? DEFAULT_HOST;
  const deadlineMinutes = wholeNumber(
    options.deadlineMinutes,
    '--deadline-minutes',
    1,
    DEADLINE_MINUTES_MAX,
    30,
  );
  const channels = channelsFrom(options.channels);
  const callback = callbackSecretOf(options.callbackSecret);
  const operators = await operatorSpecs(options);
  const deadlineMs =
    options.deadlineSeconds === undefined
      ? deadlineMinutes * 60_000
      : wholeNumber(options.deadlineSeconds, '--deadline-seconds', 1, DEADLINE_MINUTES_MAX * 60, 1_800) *
        1_000;
  const index = indexCampaign(campaign);
  const flags = {
    db: options.db ?? DEFAULT_DB_FILE,
    redis: options.redis,
    durability: options.durability,
    redisPrefix: options.redisPrefix,
    reconcileGraceMs:
      options.reconcileGraceSeconds === undefined
        ? undefined
        : wholeNumber(options.reconcileGraceSeconds, '--reconcile-grace-seconds', 1, 86_400, 30) * 1_000,
    hotSkus: hotSkusFrom(options.hotSku, index),
  };
  // Every flag is read before the engine starts: a bad one must not leave a started engine behind.
  const buyerLimits = buyerLimitsFrom(options.buyerLimit);
  const logLevel = logLevelFrom(options.logLevel);
  const trustProxy = trustProxyFrom(options.trustProxy);
  const engine = await startEngine(flags, {
    index,
    channels,
    config: { paymentDeadlineMs: deadlineMs, ...options.config },
    clock: options.clock,
  });
  let app: FastifyInstance | null = null;
  let live: LiveService;
  try {
    // Sessions and sign-in attempts where the engine keeps shared state: this process, or the Redis
    // every server of the sale shares (an operator signed in on one server is known to all).
    const auth = await OperatorAuth.create(operators.specs, {
      sessions: engine.sessions,
      rates: engine.rates.signIns,
    });
    live = new LiveService(engine, {
      ...options.live,
      onError: (error, what) => app?.log.error({ err: error }, `live board: ${what} failed`),
    });
    app = buildServer({
      engine,
      logLevel,
      auth,
      live,
      buyerLimits,
      callbackSecret: callback.secret,
      ...(trustProxy === undefined ? {} : { trustProxy }),
    });
    // Ready starts the live board's tail from seq 0, so a restart rebuilds the board from the log.
    await app.listen({ port, host });
  } catch (error) {
    await app?.close();
    await engine.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code && LISTEN_ERRORS.has(code)) throw new CliError(`cannot listen on ${host}:${port} (${code})`);
    throw error;
  }
  const address = app.server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await live.stop(); // app.close() stopped it already; the tail must be gone before the store
      await engine.stop();
    })();
    return closing;
  };
  return {
    app,
    engine,
    live,
    url,
    generatedOperator: operators.generated,
    generatedCallbackSecret: callback.generated ? callback.secret : null,
    close,
  };
}

export interface ServeCommandOptions {
  campaign: string;
  db?: string;
  redis?: string;
  deadlineSeconds?: string;
  reconcileGraceSeconds?: string;
  redisPrefix?: string;
  hotSku?: string[];
  port?: string;
  host?: string;
  deadlineMinutes?: string;
  channels?: string;
  logLevel?: string;
  durability?: string;
  /** JSON file of operator accounts. */
  operators?: string;
  buyerLimit?: string;
  callbackSecret?: string;
  trustProxy?: string;
}

const CHANGES_SHOWN = 5;

export function stockPlanWarning(changed: readonly StockPlanChange[]): string {
  const shown = changed
    .slice(0, CHANGES_SHOWN)
    .map((c) => `${c.sku} ${c.inFile} in the file, opened with ${c.opened}`);
  const more = changed.length > CHANGES_SHOWN ? `, and ${changed.length - CHANGES_SHOWN} more` : '';
  return `dacu: warning: the campaign file's stock differs from what this sale opened with (${shown.join('; ')}${more}). The file's stock counts once, when a sale opens; add units with 补货 restock (POST /api/admin/skus/<sku>/restock, or the cockpit).`;
}

/** Runs until SIGINT or SIGTERM, then stops cleanly (in-flight requests and commits finish). */
export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  // The environment names the production databases; flags win over it.
  const db = options.db ?? process.env.DATABASE_URL ?? DEFAULT_DB_FILE;
  const redis = options.redis ?? (isPostgresUrl(db) ? process.env.REDIS_URL || undefined : undefined);
  const server = await startServer({ ...options, db, ...(redis ? { redis } : {}) });
  console.log(
    `dacu serving ${server.engine.ctx.index.campaign.name} at ${server.url} on ${describeBackend({ db, redis })} — API docs ${server.url}/docs`,
  );
  const changed = stockPlanChanges(server.engine.ctx);
  if (changed.length > 0) console.warn(stockPlanWarning(changed));
  const generated = server.generatedOperator;
  if (generated) {
    console.log(
      `operator account (shown once; set --operators FILE or DACU_OPERATORS to choose): ${generated.username} / ${generated.password}`,
    );
  }
  if (server.generatedCallbackSecret) {
    console.log(
      `payment callback secret (shown once; set --callback-secret or DACU_CALLBACK_SECRET to choose): ${server.generatedCallbackSecret}`,
    );
  }
  const stop = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
