// dacu demo (= npm start): the demo sale, live. Serves examples/demo/campaign.yaml on a fresh
// embedded SQLite database (.dacu/demo.db) at 127.0.0.1:3000 (or the next free port), plays a
// compressed 11.11 of simulated shoppers against it in the background so the live board moves, and
// keeps serving until Ctrl-C. --exit-after-sim (tests, CI): serve, rehearse, print the summary,
// exit with the invariants' status.
import { rmSync } from 'node:fs';
import { demoOperators } from '../../api/auth.ts';
import { runSimulation, type SimRun } from '../../sim/run.ts';
import { renderSummary } from '../../sim/summary.ts';
import { CliError } from '../cli-error.ts';
import { loadCampaignForCli } from '../load-campaign.ts';
import {
  abortOnSigint,
  CONCURRENCY_DEFAULT,
  checkWritable,
  DEMO_CAMPAIGN,
  defaultDeadlineSimMs,
  defaultMaxSeconds,
  type SimServer,
  startSimServer,
  stderrSink,
  wholeFlag,
  writeResult,
} from './simulate.ts';

export const DEMO_DB_FILE = '.dacu/demo.db';
const DEMO_PORT = 3000;
/** Ports tried after 3000 when it is taken. */
const PORT_TRIES = 20;
/** Serving: a day in ten minutes, busy enough to watch. With --exit-after-sim: a day in five seconds. */
const SPEED_SERVING = 144;
const SPEED_EXIT = 17_280;
const ORDERS_SERVING = 20_000;
const ORDERS_EXIT = 2_000;

export interface DemoOptions {
  exitAfterSim?: boolean;
  orders?: string;
  speed?: string;
  seed?: string;
  port?: string;
  json?: string;
}

function freshDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

async function startOnFreePort(
  start: (port: number) => Promise<SimServer>,
  first: number,
): Promise<SimServer> {
  const last = first === 0 ? 0 : first + PORT_TRIES - 1;
  for (let port = first; ; port++) {
    try {
      return await start(port);
    } catch (error) {
      const taken = error instanceof CliError && error.message.includes('EADDRINUSE');
      if (!taken || port >= last) throw error;
    }
  }
}

function printWelcome(sim: SimServer, orders: number, speed: number): void {
  const { url } = sim.server;
  const minutes = 1440 / speed;
  console.log(
    [
      `dacu demo — ${sim.campaign.name}`,
      `  实时看板 Live board   ${url}/   (登录 sign in: admin / dacu-demo)`,
      `  接口文档 API docs     ${url}/docs`,
      `  模拟 11.11：${orders.toLocaleString('en-US')} 单，${minutes >= 1 ? `${minutes.toFixed(minutes < 10 ? 1 : 0)} 分钟` : `${(minutes * 60).toFixed(0)} 秒`}跑完一天 — simulating 11.11: ${orders.toLocaleString('en-US')} orders, a day in ${minutes >= 1 ? `${minutes.toFixed(minutes < 10 ? 1 : 0)} min` : `${(minutes * 60).toFixed(0)} s`}`,
    ].join('\n'),
  );
}

/** Resolves to the exit code with --exit-after-sim; otherwise serves until Ctrl-C (and exits then). */
export async function demoCommand(options: DemoOptions = {}): Promise<number | undefined> {
  const exitAfterSim = options.exitAfterSim === true;
  const speed =
    wholeFlag(options.speed, '--speed', 1, 8_640_000) ?? (exitAfterSim ? SPEED_EXIT : SPEED_SERVING);
  const orders =
    wholeFlag(options.orders, '--orders', 1, 10_000_000) ?? (exitAfterSim ? ORDERS_EXIT : ORDERS_SERVING);
  const seed = wholeFlag(options.seed, '--seed', 0, 2 ** 32 - 1) ?? 1111;
  const port = wholeFlag(options.port, '--port', 0, 65_535) ?? DEMO_PORT;
  if (options.json) await checkWritable(options.json);
  const campaign = await loadCampaignForCli(DEMO_CAMPAIGN);
  freshDatabase(DEMO_DB_FILE);
  const sim = await startOnFreePort(
    (p) =>
      startSimServer({
        campaign,
        db: DEMO_DB_FILE,
        speed,
        deadlineSimMs: defaultDeadlineSimMs(speed),
        port: p,
        logLevel: 'warn',
        serve: { operators: demoOperators() },
      }),
    port,
  );
  printWelcome(sim, orders, speed);
  const stop = abortOnSigint();
  const rehearsal = runSimulation({
    baseUrl: sim.server.url,
    engine: sim.server.engine,
    clock: sim.clock,
    campaign,
    speed,
    orders,
    seed,
    concurrency: CONCURRENCY_DEFAULT,
    maxSeconds: defaultMaxSeconds(speed),
    progress: stderrSink(),
    signal: stop.signal,
  });
  if (exitAfterSim) {
    try {
      const run = await rehearsal;
      await report(run, options.json);
      return run.result.exitCode;
    } finally {
      stop.dispose();
      await sim.server.close();
    }
  }
  return serveUntilStopped(sim, rehearsal, stop, options.json);
}

async function report(run: SimRun, json: string | undefined): Promise<void> {
  console.log(`\n${renderSummary(run.result)}`);
  if (json) await writeResult(json, run.result);
}

/** The rehearsal ends, the board stays: serve until Ctrl-C, then stop cleanly. */
async function serveUntilStopped(
  sim: SimServer,
  rehearsal: Promise<SimRun>,
  stop: ReturnType<typeof abortOnSigint>,
  json: string | undefined,
): Promise<undefined> {
  const ended = rehearsal.then(
    async (run) => {
      sim.clock.settle(); // after the simulated day, time passes at its normal pace
      await report(run, json);
      if (!stop.signal.aborted)
        console.log(`\n继续服务中，按 Ctrl-C 停止 — still serving ${sim.server.url}/ ; Ctrl-C to stop`);
    },
    (error: unknown) => console.error('rehearsal failed:', error),
  );
  await new Promise<void>((resolve) =>
    stop.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await ended;
  stop.dispose();
  await sim.server.close();
  process.exit(0);
}
