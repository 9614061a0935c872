// dacu serve --campaign FILE [--db FILE] [--port N] [--host H] [--deadline-minutes N] [--channels SPEC]
// One process, SQLite in it (ARCHITECTURE.md, "Scale: one machine"): loads the campaign, starts the
// trade engine and serves the HTTP API with its OpenAPI docs at /docs.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server.ts';
import type { Campaign } from '../../domain/campaign.ts';
import { indexCampaign } from '../../domain/campaign-index.ts';
import {
  ChannelConfigInvalid,
  parseChannelConfig,
  simulatedChannels,
} from '../../services/payments/simulated-channel.ts';
import type { TradeConfig } from '../../services/trade-context.ts';
import { TradeEngine } from '../../services/trade-engine.ts';
import { SqliteTradeStore } from '../../store/sql/sqlite-trade-store.ts';
import { CliError } from '../cli-error.ts';
import { loadCampaignForCli } from '../load-campaign.ts';

export const DEFAULT_DB_FILE = '.dacu/dacu.db';
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
/** A payment deadline longer than a week is a typo, not a sale rule. */
const DEADLINE_MINUTES_MAX = 7 * 24 * 60;

export interface ServeOptions {
  /** A campaign file, or a campaign already loaded (tests, the demo). */
  campaign: string | Campaign;
  db?: string;
  /** Numbers, or the text commander hands over; 0 = any free port. */
  port?: number | string;
  host?: string;
  deadlineMinutes?: number | string;
  /** Simulated channel overrides, e.g. `alipay:latency=50,failure=0.3;wechat:latency=5`. */
  channels?: string;
  logLevel?: string;
  /** Engine settings beyond the flags (tests). */
  config?: Partial<TradeConfig>;
  clock?: () => number;
}

export interface RunningServer {
  app: FastifyInstance;
  engine: TradeEngine;
  url: string;
  /** Stops accepting requests, lets those under way finish, then stops the engine. */
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

function openStore(file: string): SqliteTradeStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  try {
    return new SqliteTradeStore({ file });
  } catch (error) {
    throw new CliError(`--db ${file}: cannot open the database (${(error as Error).message})`);
  }
}

function channelsFrom(spec: string | undefined) {
  try {
    return simulatedChannels(parseChannelConfig(spec ?? ''));
  } catch (error) {
    if (error instanceof ChannelConfigInvalid) throw new CliError(`--channels: ${error.message}`);
    throw error;
  }
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
  const store = openStore(options.db ?? DEFAULT_DB_FILE);
  const engine = await TradeEngine.start({
    index: indexCampaign(campaign),
    store,
    channels,
    config: { paymentDeadlineMs: deadlineMinutes * 60_000, ...options.config },
    clock: options.clock,
  });
  const app = buildServer({ engine, logLevel: options.logLevel ?? 'info' });
  try {
    await app.listen({ port, host });
  } catch (error) {
    await app.close();
    await engine.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(`cannot listen on ${host}:${port} (${code})`);
    }
    throw error;
  }
  const address = app.server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await engine.stop();
    })();
    return closing;
  };
  return { app, engine, url, close };
}

export interface ServeCommandOptions {
  campaign: string;
  db?: string;
  port?: string;
  host?: string;
  deadlineMinutes?: string;
  channels?: string;
  logLevel?: string;
}

/** Runs until SIGINT or SIGTERM, then stops cleanly (in-flight requests and commits finish). */
export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  const server = await startServer(options);
  console.log(
    `dacu serving ${server.engine.ctx.index.campaign.name} at ${server.url} — API docs ${server.url}/docs`,
  );
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
