// The rehearsal (DOMAIN.md §9, 全链路压测): plays a seeded 11.11 day of shoppers against the real
// HTTP API on a thread of their own (shopper-day.ts, shopper-thread.ts), waits for unpaid orders to
// reach their deadline, then reads everything back and judges the invariants. It stops by itself:
// after the planned shoppers, or at the wall-clock cap, or when aborted (Ctrl-C in the demo).

import { randomBytes } from 'node:crypto';
import type { Campaign } from '../domain/campaign.ts';
import type { SkuStock } from '../domain/stock-ledger.ts';
import type { TradeEngine } from '../services/trade-engine.ts';
import { threadCpuSeconds, threadRunDelaySeconds } from '../support/proc-stat.ts';
import { flashLimitsOf } from './flash-sessions.ts';
import { ShopperClient } from './http-client.ts';
import {
  collectEvidence,
  type Evidence,
  exitCodeOf,
  type InvariantResult,
  judge,
  type StockRow,
  type VerifyInput,
} from './invariants.ts';
import { ENDPOINTS, type Endpoint, type LatencySummary } from './latency.ts';
import { markMoney } from './money.ts';
import type { OrderBook } from './order-book.ts';
import { ProgressBar, type ProgressSink } from './progress.ts';
import { dayClockLabel, saleDayOf } from './sale-day.ts';
import type { Crowd, ShopperDayOutcome, ShopperProgress } from './shopper-day.ts';
import { playShopperDayOnThread } from './shopper-thread.ts';
import type { SimClock } from './sim-clock.ts';
import { simLimits } from './sim-limits.ts';

export { SimTargetError, sessionPlan } from './shopper-day.ts';
export { simLimits } from './sim-limits.ts';

export interface SimulateOptions extends Crowd {
  baseUrl: string;
  /** The server's engine, when simulate started it in this process (its ledger and database are read). */
  engine?: TradeEngine | null;
  /** The clock the in-process server reads; it follows the simulated day. */
  clock?: SimClock | null;
  /** The campaign (for the sale day and its flash sessions); null when driving --url. */
  campaign?: Campaign | null;
  /** Acknowledged orders to read back over HTTP (default: all with --url, a sample in process). */
  httpReadMax?: number;
  progress?: ProgressSink | null;
  signal?: AbortSignal;
}

export interface SimResult {
  /** Every invariant holds (over what was played: see run.stoppedBy). */
  ok: boolean;
  /** 0 passed, 1 an invariant failed, 3 stopped at the time cap, 130 stopped by Ctrl-C. */
  exitCode: SimExitCode;
  run: {
    campaign: { id: string; name: string } | null;
    target: string;
    mode: 'in-process' | 'url';
    seed: number;
    speed: number;
    concurrency: number;
    shoppers: number | null;
    ordersTarget: number | null;
    sessionsPlanned: number;
    runTag: string;
    startedAt: string;
    stoppedBy: 'done' | 'time-cap' | 'aborted';
    day: { date: string; timezone: string; from: string; to: string };
  };
  timing: {
    driveSeconds: number;
    settleSeconds: number;
    verifySeconds: number;
    totalSeconds: number;
    /** How far behind its schedule the driver fell at worst (the server could not keep up). */
    lagSecondsMax: number;
    /**
     * In process (Linux): CPU of the server's event loop while the shoppers played, in all, per
     * request, and as a share of that wall time; and the share it was ready to run but waited for
     * a core (shared with the shoppers, the writer thread, GC). One thread runs it: busy near 100%,
     * it bounds the rate; busy less but waiting much, the cores do; neither, the load offered or
     * the commits do. waitingPercent is null where the kernel keeps no schedstat. Null when
     * driving --url.
     */
    serverLoop: {
      cpuSeconds: number;
      microsPerRequest: number;
      busyPercent: number;
      waitingPercent: number | null;
    } | null;
  };
  counts: OrderBook['counts'] & { ordersAcknowledged: number; errors: number; requests: number };
  rejected: Record<string, number>;
  /** OUT_OF_STOCK answers per SKU (售罄). */
  soldOut: Record<string, number>;
  errors: Record<string, number>;
  errorExamples: string[];
  gmv: { fen: number; yuan: string };
  throughput: {
    checkoutsPerSecond: number;
    ordersPerSecond: number;
    paidPerSecond: number;
    requestsPerSecond: number;
  };
  latency: Partial<Record<Endpoint, LatencySummary & { endpoint: string }>>;
  invariants: InvariantResult[];
  stock: StockRow[];
  /** Shoppers arriving per hour of the simulated day (the shape of the traffic). */
  hourly: number[];
}

export interface SimRun {
  result: SimResult;
  book: OrderBook;
  evidence: Evidence;
  /** What the checks read; call collectEvidence(verify) again to re-judge (tests doctor the book). */
  verify: Omit<VerifyInput, 'client'>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps, but wakes at once when the run is aborted. */
function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Lets unpaid orders reach their deadlines, so the read-back sees them expired. Pre-sale deposits
 * whose balance is due later than the settling allows stay deposit_paid, which the checks accept
 * until that deadline.
 */
async function settle(o: SimulateOptions, book: OrderBook): Promise<void> {
  const open = book.openOrders();
  if (open.length === 0 || o.signal?.aborted) return;
  const until = performance.now() + simLimits.settleMsMax;
  if (o.engine) {
    if (!o.clock) return; // a fixed clock: deadlines never pass
    const { engine, clock } = o;
    const horizon = clock.now() + simLimits.settleMsMax * o.speed;
    let latest = 0;
    for (const i of open) if (book.deadlineAt[i]! <= horizon) latest = Math.max(latest, book.deadlineAt[i]!);
    const passed = () => clock.now() > latest + engine.ctx.config.timerTickMs * o.speed;
    while (engine.ctx.pending.size > 0 && !passed() && performance.now() < until && !o.signal?.aborted) {
      await sleep(50);
    }
    await engine.tick();
    return;
  }
  // --url: the server keeps wall time; wait for the deadlines within the settling window.
  const horizon = Date.now() + simLimits.settleMsMax - SERVER_TICK_MARGIN_MS;
  let latest = 0;
  for (const i of open) if (book.deadlineAt[i]! <= horizon) latest = Math.max(latest, book.deadlineAt[i]!);
  const waitMs = latest - Date.now() + SERVER_TICK_MARGIN_MS;
  if (latest > 0 && waitMs > 0) await sleepUnlessAborted(waitMs, o.signal);
}

/** A server run by --url expires orders on its own tick (1 s by default): wait this much longer. */
const SERVER_TICK_MARGIN_MS = 2_000;

function latencyTable(summary: Partial<Record<Endpoint, LatencySummary>>): SimResult['latency'] {
  const out: SimResult['latency'] = {};
  for (const [endpoint, s] of Object.entries(summary) as [Endpoint, LatencySummary][]) {
    out[endpoint] = { endpoint: ENDPOINTS[endpoint], ...s };
  }
  return out;
}

function perSecond(n: number, seconds: number): number {
  return seconds > 0 ? Math.round((n / seconds) * 10) / 10 : 0;
}

/** Everything a run produced, for the result. */
interface RunFacts {
  o: SimulateOptions;
  /** The verifier's client, holding the shoppers' latencies too. */
  client: ShopperClient;
  day: ShopperDayOutcome;
  runTag: string;
  startedAt: string;
  evidence: Evidence;
  invariants: InvariantResult[];
  seconds: { drive: number; settle: number; total: number };
  /** The server's event loop while the shoppers played (in process, Linux). */
  /** The server loop's CPU, its wait for a core and the wall time while the shoppers played. */
  serverLoop: { cpuSeconds: number; waitSeconds: number | null; wallSeconds: number } | null;
}

export type SimExitCode = 0 | 1 | 3 | 130;

/** A day not played to the end is not a pass, whatever held over the part that was played. */
const UNFINISHED_EXIT: Record<SimResult['run']['stoppedBy'], SimExitCode> = {
  done: 0,
  'time-cap': 3,
  aborted: 130,
};

function resultOf(f: RunFacts): SimResult {
  const { o, day, seconds } = f;
  const { book } = day;
  const ok = exitCodeOf(f.invariants) === 0;
  return {
    ok,
    exitCode: ok ? UNFINISHED_EXIT[day.stoppedBy] : 1,
    run: {
      campaign: o.campaign ? { id: o.campaign.id, name: o.campaign.name } : null,
      target: f.client.baseUrl.origin,
      mode: o.engine ? 'in-process' : 'url',
      seed: o.seed,
      speed: o.speed,
      concurrency: o.concurrency,
      shoppers: o.shoppers ?? null,
      ordersTarget: o.orders ?? null,
      sessionsPlanned: day.played,
      runTag: f.runTag,
      startedAt: f.startedAt,
      stoppedBy: day.stoppedBy,
      day: day.dayRange,
    },
    timing: {
      driveSeconds: round2(seconds.drive),
      settleSeconds: round2(seconds.settle),
      verifySeconds: round2(seconds.total - seconds.drive - seconds.settle),
      totalSeconds: round2(seconds.total),
      lagSecondsMax: round2(day.lagMsMax / 1000),
      serverLoop:
        f.serverLoop === null
          ? null
          : {
              cpuSeconds: round2(f.serverLoop.cpuSeconds),
              microsPerRequest: Math.round((f.serverLoop.cpuSeconds * 1e6) / Math.max(1, day.requests)),
              busyPercent: percentOf(f.serverLoop.cpuSeconds, f.serverLoop.wallSeconds),
              waitingPercent:
                f.serverLoop.waitSeconds === null
                  ? null
                  : percentOf(f.serverLoop.waitSeconds, f.serverLoop.wallSeconds),
            },
    },
    counts: {
      ...book.counts,
      ordersAcknowledged: book.ordersAcknowledged,
      errors: book.errorCount,
      requests: day.requests + f.client.requests,
    },
    rejected: Object.fromEntries(book.rejected),
    soldOut: Object.fromEntries(book.soldOut),
    errors: Object.fromEntries(book.errors),
    errorExamples: book.errorExamples,
    gmv: { fen: book.paidFen, yuan: (book.paidFen / 100).toFixed(2) },
    throughput: {
      checkoutsPerSecond: perSecond(book.counts.checkoutsAttempted, seconds.drive),
      ordersPerSecond: perSecond(book.ordersAcknowledged, seconds.drive),
      paidPerSecond: perSecond(book.counts.paid, seconds.drive),
      requestsPerSecond: perSecond(day.requests, seconds.drive),
    },
    latency: latencyTable(f.client.latency.summary()),
    invariants: f.invariants,
    stock: f.evidence.stock.rows,
    hourly: day.hourly,
  };
}

/** The server's own ledger before the first shopper: the reference model starts from it. */
function engineOpening(engine: TradeEngine): Map<string, SkuStock> {
  return new Map([...engine.ctx.ledger.skus()].map(([sku, s]) => [sku, { ...s }]));
}

export async function runSimulation(o: SimulateOptions): Promise<SimRun> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const startedAt = new Date().toISOString();
  const engine = o.engine ?? null;
  const opening = engine ? engineOpening(engine) : null;
  const day = saleDayOf(o.campaign ?? null, Date.now());
  const serverNow = () => (o.clock ? o.clock.now() : engine ? engine.ctx.clock() : Date.now());
  const runTag = randomBytes(3).toString('hex');
  let shoppers: ShopperProgress = {
    started: 0,
    played: 0,
    offsetMs: 0,
    orders: 0,
    paid: 0,
    paidFen: 0,
    errors: 0,
  };
  const progress = { phase: '演练 rehearsal', verifying: false, done: 0, total: 0 };
  const bar = o.progress
    ? new ProgressBar(o.progress, () => ({
        phase: progress.phase,
        done: progress.verifying ? progress.done : shoppers.started,
        total: progress.verifying ? progress.total : shoppers.played,
        orders: shoppers.orders,
        paid: shoppers.paid,
        paidFen: shoppers.paidFen,
        errors: shoppers.errors,
        clock: dayClockLabel(day, o.clock ? o.clock.now() : day.startMs + shoppers.offsetMs),
      }))
    : null;
  const client = new ShopperClient(new URL(o.baseUrl), o.concurrency);
  try {
    bar?.start();
    const moneyMark = markMoney(engine);
    const cpuAtStart = engine ? threadCpuSeconds() : null;
    const waitAtStart = threadRunDelaySeconds();
    const wallAtStart = performance.now();
    let loopAtEnd: { cpu: number; wait: number | null; wall: number } | null = null;
    const played = await playShopperDayOnThread(
      {
        baseUrl: o.baseUrl,
        day,
        clock: o.clock?.handle ?? null,
        speed: o.speed,
        shoppers: o.shoppers,
        orders: o.orders,
        seed: o.seed,
        concurrency: o.concurrency,
        maxSeconds: o.maxSeconds,
        rushShare: o.rushShare,
        runTag,
      },
      {
        signal: o.signal,
        onProgress: (p) => (shoppers = p),
        onPlayed: () => {
          const cpu = cpuAtStart === null ? null : threadCpuSeconds();
          if (cpu !== null) loopAtEnd = { cpu, wait: threadRunDelaySeconds(), wall: performance.now() };
        },
      },
    );
    const { book } = played;
    shoppers = {
      ...shoppers,
      orders: book.ordersAcknowledged,
      paid: book.counts.paid,
      paidFen: book.paidFen,
      errors: book.errorCount,
    };
    client.latency.add(played.latency);
    const driveSeconds = seconds();
    const loopEnd = loopAtEnd as { cpu: number; wait: number | null; wall: number } | null;
    const serverLoop =
      cpuAtStart === null || loopEnd === null
        ? null
        : {
            cpuSeconds: loopEnd.cpu - cpuAtStart,
            waitSeconds: waitAtStart === null || loopEnd.wait === null ? null : loopEnd.wait - waitAtStart,
            wallSeconds: (loopEnd.wall - wallAtStart) / 1000,
          };
    progress.phase = '等待订单到期 settling';
    await settle(o, book);
    o.clock?.settle(); // the day is over: from here on the server's time passes at wall speed
    const settleSeconds = seconds() - driveSeconds;
    Object.assign(progress, { phase: '核对 verifying', verifying: true });
    const verify: Omit<VerifyInput, 'client'> = {
      book,
      engine,
      moneyMark,
      runTag,
      seed: o.seed,
      opening: opening ?? played.catalogOpening,
      flashLimits: flashLimitsOf(o.campaign ?? null),
      serverNow,
      expiryGraceMs: expiryGraceMs(o),
      httpReadMax: o.httpReadMax ?? (engine ? simLimits.httpReadInProcess : Number.POSITIVE_INFINITY),
      onProgress: (done, total) => Object.assign(progress, { done, total }),
    };
    const evidence = await collectEvidence({ ...verify, client });
    const invariants = judge(evidence);
    const result = resultOf({
      o,
      client,
      day: played,
      runTag,
      startedAt,
      evidence,
      invariants,
      seconds: { drive: driveSeconds, settle: settleSeconds, total: seconds() },
      serverLoop,
    });
    return { result, book, evidence, verify };
  } finally {
    bar?.stop();
    client.close();
  }
}

/** How long past its deadline a pending order may still be waiting for the timer loop. */
function expiryGraceMs(o: SimulateOptions): number {
  if (!o.engine) return 60_000; // --url: the server runs on the wall clock
  const wallMs = 2 * o.engine.ctx.config.timerTickMs + 5_000;
  return o.clock ? wallMs * o.speed : wallMs;
}

function percentOf(part: number, whole: number): number {
  return Math.round((100 * part) / Math.max(1e-9, whole));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
