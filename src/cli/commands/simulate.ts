// dacu simulate [--url URL | --campaign FILE] [--speed N] [--shoppers N] [--orders N] [--seed N]
//               [--concurrency N] [--json FILE] [--deadline-seconds N] [--max-seconds N] [--verify N]
// The rehearsal (DOMAIN.md §9): a seeded 11.11 day of shoppers against the real HTTP API, then the
// invariants. With --url it drives a running `dacu serve` on this machine; otherwise it starts its
// own server on a temporary SQLite database, with the server's clock following the simulated day.
import { constants, mkdtempSync, rmSync } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Campaign } from '../../domain/campaign.ts';
import { loopbackUrl, NotLoopback } from '../../sim/http-client.ts';
import type { ProgressSink } from '../../sim/progress.ts';
import { runSimulation, type SimResult, SimTargetError, simLimits } from '../../sim/run.ts';
import { saleDayOf } from '../../sim/sale-day.ts';
import { SimClock } from '../../sim/sim-clock.ts';
import { renderSummary } from '../../sim/summary.ts';
import { CliError } from '../cli-error.ts';
import { loadCampaignForCli } from '../load-campaign.ts';
import { type RunningServer, type ServeOptions, startServer } from './serve.ts';

export const DEMO_CAMPAIGN = fileURLToPath(new URL('../../../examples/demo/campaign.yaml', import.meta.url));
export const SPEED_DEFAULT = 1_440;
export const ORDERS_DEFAULT = 10_000;
export const CONCURRENCY_DEFAULT = 64;
/** The payment deadline of the sale, in simulated time, unless --deadline-seconds says otherwise. */
export const DEADLINE_SIM_MS_DEFAULT = 30 * 60_000;
/**
 * …but never under two real seconds: at high speeds 30 simulated minutes are a blink, and a
 * payment queued behind a busy server would miss its deadline for no fault of the shopper.
 */
export const DEADLINE_WALL_MS_MIN = 2_000;

export function defaultDeadlineSimMs(speed: number): number {
  return Math.max(DEADLINE_SIM_MS_DEFAULT, DEADLINE_WALL_MS_MIN * speed);
}
const DEADLINE_SECONDS_MAX = 24 * 3_600;
const MAX_SECONDS_MAX = 7 * 24 * 3_600;

export interface SimulateCommandOptions {
  url?: string;
  campaign?: string;
  speed?: string;
  shoppers?: string;
  orders?: string;
  seed?: string;
  concurrency?: string;
  json?: string;
  deadlineSeconds?: string;
  maxSeconds?: string;
  verify?: string;
}

export function wholeFlag(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().replaceAll('_', '');
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(
      `${flag} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got "${value}"`,
    );
  }
  return n;
}

/** A wall-clock cap that leaves room for a day twice as slow as planned. */
export function defaultMaxSeconds(speed: number): number {
  return Math.min(MAX_SECONDS_MAX, Math.ceil((2 * 86_400) / speed) + 60);
}

export function stderrSink(): ProgressSink {
  return {
    write: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  };
}

export interface SimServer {
  server: RunningServer;
  clock: SimClock;
  campaign: Campaign;
}

/** A server whose clock is the simulated 11.11 (the demo and simulate without --url). */
export async function startSimServer(options: {
  campaign: Campaign;
  db: string;
  speed: number;
  deadlineSimMs: number;
  port?: number;
  host?: string;
  logLevel?: string;
  /** Anything else startServer takes (the demo's operator accounts). */
  serve?: Partial<ServeOptions>;
}): Promise<SimServer> {
  const day = saleDayOf(options.campaign, Date.now());
  const clock = new SimClock(day.startMs, options.speed);
  const server = await startServer({
    ...options.serve,
    campaign: options.campaign,
    db: options.db,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    logLevel: options.logLevel ?? 'error',
    clock: clock.now,
    config: { paymentDeadlineMs: options.deadlineSimMs },
  });
  return { server, clock, campaign: options.campaign };
}

/** Ctrl-C once: stop the shoppers, check what was done, print it. Twice: leave at once. */
export function abortOnSigint(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\n停止中… stopping (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Refuses a --json path that could not be written, before a rehearsal that may take an hour. */
export async function checkWritable(file: string): Promise<void> {
  const refuse = (why: string) => new CliError(`--json ${file}: cannot write there (${why})`);
  const existing = await stat(file).catch(() => null);
  if (existing?.isDirectory()) throw refuse('it is a directory');
  try {
    await access(existing ? file : dirname(resolve(file)), constants.W_OK);
  } catch (error) {
    throw refuse((error as NodeJS.ErrnoException).code ?? String(error));
  }
}

export async function writeResult(file: string, result: SimResult): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    throw new CliError(`--json ${file}: cannot write (${(error as Error).message})`);
  }
}

function parse(options: SimulateCommandOptions) {
  if (options.url !== undefined && options.campaign !== undefined) {
    throw new CliError('give --url (drive a running dacu serve) or --campaign (start one), not both');
  }
  if (options.url !== undefined && options.deadlineSeconds !== undefined) {
    throw new CliError(
      '--deadline-seconds applies to the server simulate starts; with --url, start `dacu serve --deadline-minutes N`',
    );
  }
  let url: URL | undefined;
  try {
    url = options.url === undefined ? undefined : loopbackUrl(options.url);
  } catch (error) {
    if (error instanceof NotLoopback) throw new CliError(error.message);
    throw error;
  }
  const speed = wholeFlag(options.speed, '--speed', 1, simLimits.speedMax) ?? SPEED_DEFAULT;
  const shoppers = wholeFlag(options.shoppers, '--shoppers', 1, simLimits.shoppersMax);
  let orders = wholeFlag(options.orders, '--orders', 1, simLimits.ordersMax);
  if (shoppers === undefined && orders === undefined) orders = ORDERS_DEFAULT;
  return {
    url,
    speed,
    shoppers,
    orders,
    seed: wholeFlag(options.seed, '--seed', 0, 2 ** 32 - 1) ?? 1111,
    concurrency:
      wholeFlag(options.concurrency, '--concurrency', 1, simLimits.concurrencyMax) ?? CONCURRENCY_DEFAULT,
    deadlineSeconds: wholeFlag(options.deadlineSeconds, '--deadline-seconds', 1, DEADLINE_SECONDS_MAX),
    maxSeconds:
      wholeFlag(options.maxSeconds, '--max-seconds', 1, MAX_SECONDS_MAX) ?? defaultMaxSeconds(speed),
    httpReadMax: wholeFlag(options.verify, '--verify', 0, simLimits.ordersMax * 4),
  };
}

/** Runs the rehearsal, prints the summary; resolves to the exit code (1 when an invariant fails). */
export async function simulateCommand(options: SimulateCommandOptions): Promise<number> {
  const flags = parse(options);
  if (options.json) await checkWritable(options.json);
  const stop = abortOnSigint();
  let own: SimServer | null = null;
  let dir: string | null = null;
  try {
    if (!flags.url) {
      const campaign = await loadCampaignForCli(options.campaign ?? DEMO_CAMPAIGN);
      dir = mkdtempSync(join(tmpdir(), 'dacu-sim-'));
      const deadlineSimMs =
        flags.deadlineSeconds === undefined
          ? defaultDeadlineSimMs(flags.speed)
          : flags.deadlineSeconds * 1000 * flags.speed;
      own = await startSimServer({ campaign, db: join(dir, 'sim.db'), speed: flags.speed, deadlineSimMs });
      process.stderr.write(
        `dacu simulate: 服务已启动 server started at ${own.server.url} (temporary SQLite in ${dir})\n`,
      );
    }
    const run = await runSimulation({
      baseUrl: flags.url?.origin ?? own!.server.url,
      engine: own?.server.engine ?? null,
      clock: own?.clock ?? null,
      campaign: own?.campaign ?? null,
      speed: flags.speed,
      shoppers: flags.shoppers,
      orders: flags.orders,
      seed: flags.seed,
      concurrency: flags.concurrency,
      maxSeconds: flags.maxSeconds,
      httpReadMax: flags.httpReadMax,
      progress: stderrSink(),
      signal: stop.signal,
    });
    console.log(renderSummary(run.result)); // first: a file that cannot be written loses nothing shown
    if (options.json) await writeResult(options.json, run.result);
    return run.result.exitCode;
  } catch (error) {
    if (error instanceof SimTargetError) throw new CliError(`dacu simulate: ${error.message}`, 2);
    throw error;
  } finally {
    stop.dispose();
    await own?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
