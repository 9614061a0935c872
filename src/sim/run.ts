// The rehearsal driver (DOMAIN.md §9, 全链路压测): plays a seeded 11.11 day of shoppers against
// the real HTTP API with bounded concurrency, waits for unpaid orders to reach their deadline,
// then reads everything back and judges the invariants. It stops by itself: after the planned
// shoppers, or at the wall-clock cap, or when aborted (Ctrl-C in the demo).
import { randomBytes } from 'node:crypto';
import type { Campaign } from '../domain/campaign.ts';
import type { SkuStock } from '../domain/stock-ledger.ts';
import { presalePoolOf } from '../domain/stock-pools.ts';
import type { TradeEngine } from '../services/trade-engine.ts';
import type { ShopCoupon } from './coupon-claims.ts';
import { flashLimitsOf } from './flash-sessions.ts';
import { CONCURRENCY_MAX, ShopperClient } from './http-client.ts';
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
import { OrderBook } from './order-book.ts';
import { ProgressBar, type ProgressSink } from './progress.ts';
import { ReturnVisits } from './return-visits.ts';
import { dayClockLabel, type SaleDay, saleDayOf } from './sale-day.ts';
import { planShopper, runShopper, type ShopItem, type ShopperEnv, shopperWorld } from './shopper.ts';
import type { SimClock } from './sim-clock.ts';
import { type Arrivals, hourlyCounts, isBrowseOnly, planArrivals, sessionsForOrders } from './traffic.ts';

/** Every bound of the driver, in one place (STYLE.md: limits). */
export const simLimits = {
  ordersMax: 10_000_000,
  shoppersMax: 12_500_000,
  speedMax: 8_640_000,
  concurrencyMax: CONCURRENCY_MAX,
  /** Sessions alive at once per connection (waiting for a connection, or for a late payment). */
  livePerConnection: 8,
  liveMin: 256,
  /** After the cap or an abort: how long shoppers under way may take to finish. */
  drainMsMax: 60_000,
  /** How long to wait for unpaid orders to reach their deadlines before reading back. */
  settleMsMax: 60_000,
  /** Acknowledged orders read back over HTTP when the database is at hand too. */
  httpReadInProcess: 5_000,
  /** Requests waiting for a connection, per connection, before new shoppers wait too. */
  queuedPerConnectionMax: 1,
  /** How far (in wall ms) the simulated clock may run past the next shopper not yet sent. */
  clockSlackWallMs: 2,
  /** Sessions started per turn of the event loop before letting the answers in. */
  startsPerTurn: 64,
} as const;

export interface SimulateOptions {
  baseUrl: string;
  /** The server's engine, when simulate started it in this process (its ledger and database are read). */
  engine?: TradeEngine | null;
  /** The clock the in-process server reads; it follows the simulated day. */
  clock?: SimClock | null;
  /** The campaign (for the sale day and its flash sessions); null when driving --url. */
  campaign?: Campaign | null;
  speed: number;
  shoppers?: number;
  orders?: number;
  seed: number;
  concurrency: number;
  maxSeconds: number;
  /** Acknowledged orders to read back over HTTP (default: all with --url, a sample in process). */
  httpReadMax?: number;
  rushShare?: number;
  progress?: ProgressSink | null;
  signal?: AbortSignal;
}

export interface SimResult {
  ok: boolean;
  exitCode: 0 | 1;
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

interface CatalogItemView {
  sku: string;
  storeId: string;
  role: ShopItem['role'];
  price: number;
  stock: { available: number };
  presaleStock?: { available: number } | null;
}

/** The server to rehearse against cannot be reached or answers nonsense: the user's to fix. */
export class SimTargetError extends Error {
  override name = 'SimTargetError';
}

async function fetchCatalog(client: ShopperClient): Promise<CatalogItemView[]> {
  for (let attempt = 0; ; attempt++) {
    const reply = await client.call('catalog', 'GET', '/api/catalog', {});
    if (reply.status === 200) return reply.body.items;
    if (attempt >= 3) {
      throw new SimTargetError(
        `GET ${client.baseUrl.origin}/api/catalog answered ${reply.status || reply.error}: is dacu serve running there?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface CouponView {
  id: string;
  kind: ShopCoupon['kind'];
  storeId: string | null;
  claimable: boolean;
}

/** The coupons to claim (GET /api/coupons), with their claim windows when the campaign is known. */
async function fetchCoupons(client: ShopperClient, day: SaleDay): Promise<ShopCoupon[]> {
  const reply = await client.call('coupons', 'GET', '/api/coupons', {});
  if (reply.status !== 200) return []; // a server without coupons: nobody claims
  return (reply.body.items as CouponView[]).map((c) => ({
    id: c.id,
    kind: c.kind,
    storeId: c.storeId ?? null,
    claim: day.claimWindows[c.id] ?? null,
    claimableAtStart: c.claimable,
  }));
}

/** How many sessions arrive over the day, and how many of them are played (the order cap). */
export function sessionPlan(shoppers: number | undefined, orders: number | undefined) {
  if (shoppers === undefined && orders === undefined) throw new Error('give shoppers, orders or both');
  const forOrders = orders === undefined ? Number.POSITIVE_INFINITY : sessionsForOrders(orders);
  const arriving = shoppers ?? forOrders;
  return { arriving, played: Math.min(arriving, forOrders) };
}

function openingStock(
  engine: TradeEngine | null,
  catalog: readonly CatalogItemView[],
): Map<string, SkuStock> {
  if (engine) return new Map([...engine.ctx.ledger.skus()].map(([sku, s]) => [sku, { ...s }]));
  // Driving --url: the model starts from what the catalogue shows as available (pre-sale pools too).
  const opening = (available: number) => ({
    initial: available,
    restocked: 0,
    available,
    reserved: 0,
    sold: 0,
  });
  return new Map(
    catalog.flatMap((i) => {
      const spot: [string, SkuStock] = [i.sku, opening(i.stock.available)];
      return i.presaleStock
        ? [spot, [presalePoolOf(i.sku), opening(i.presaleStock.available)] as [string, SkuStock]]
        : [spot];
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Stopper {
  stopping = false;
  reason: SimResult['run']['stoppedBy'] = 'done';
  private readonly sleepers = new Set<() => void>();

  stop(reason: SimResult['run']['stoppedBy']): void {
    if (this.stopping) return;
    this.stopping = true;
    this.reason = reason;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  /** Sleeps; resolves false at once when the run stops. */
  sleep(ms: number): Promise<boolean> {
    if (this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.sleepers.delete(wake);
        resolve(true);
      }, ms);
      this.sleepers.add(wake);
    });
  }
}

interface DriveState {
  played: number;
  started: number;
  lagMsMax: number;
  /** Offset in the day of the latest shopper started. */
  offsetMs: number;
}

async function drive(
  o: SimulateOptions,
  env: ShopperEnv,
  arrivals: Arrivals,
  stopper: Stopper,
  state: DriveState,
  visits: ReturnVisits,
): Promise<void> {
  const { speed, clock } = o;
  const t0 = performance.now();
  const capAt = t0 + o.maxSeconds * 1000;
  const liveMax = Math.max(simLimits.liveMin, o.concurrency * simLimits.livePerConnection);
  let live = 0;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  visits.onLeave = wakeUp; // a shopper who left for later frees a place among the live sessions
  const mustStop = () => {
    if (o.signal?.aborted) stopper.stop('aborted');
    else if (performance.now() > capAt) stopper.stop('time-cap');
    return stopper.stopping;
  };
  /** Waits until the day reaches `offsetMs` and the server has room; false when the run stops. */
  const reach = async (offsetMs: number): Promise<boolean> => {
    if (mustStop()) return false;
    // The clock may pass the next shopper's arrival by a couple of wall milliseconds: enough to
    // start the dense midnight crowd without a timer per shopper, too little to run ahead.
    clock?.holdAt(offsetMs + speed * simLimits.clockSlackWallMs);
    const due = t0 + offsetMs / speed;
    for (;;) {
      if (live - visits.size >= liveMax) await new Promise<void>((resolve) => (wake = resolve));
      // Backpressure: while requests wait for a connection, the server is not keeping up. New
      // shoppers (and the clock) wait, so the backlog shows as lag, not as payments that queue
      // past their deadlines.
      else if (env.client.queued > o.concurrency * simLimits.queuedPerConnectionMax) await sleep(1);
      else {
        // With the server on the simulated clock, a shopper goes when the clock reaches its
        // arrival (the clock never jumps, so a late day is a longer day, not a faster one); with
        // --url, on the wall-clock schedule.
        const waitMs = clock ? (offsetMs - clock.exactOffsetMs()) / speed : due - performance.now();
        if (waitMs <= (clock ? 0 : 1)) break;
        await sleep(Math.min(Math.max(waitMs, 1), 250));
      }
      if (mustStop()) return false;
    }
    state.lagMsMax = Math.max(state.lagMsMax, performance.now() - due);
    return true;
  };
  clock?.start();
  for (let i = 0; i < state.played && !mustStop(); i++) {
    const arrival = arrivals.offsetMs[i]!;
    // Shoppers coming back (a balance to pay) go in order with the arrivals.
    while (visits.nextAtMs <= arrival && (await reach(visits.nextAtMs))) visits.wakeNext();
    if (!(await reach(arrival))) break;
    state.offsetMs = arrival;
    state.started = i + 1;
    live += 1;
    const plan = planShopper(env.world, i, arrival, arrivals.rush[i]!, isBrowseOnly(i));
    runShopper(env, plan)
      .catch((error: unknown) => env.book.error('session', 0, undefined, String(error)))
      .finally(() => {
        live -= 1;
        wakeUp();
      });
    if (i % simLimits.startsPerTurn === simLimits.startsPerTurn - 1) await new Promise(setImmediate);
  }
  // The clock stays at the last arrival (or the last return) until the shoppers under way are
  // done: a slow server must not make their payments late. Then it runs freely (settle: deadlines
  // pass).
  const drainUntil = performance.now() + simLimits.drainMsMax;
  while (live > 0) {
    if (visits.size > 0 && !stopper.stopping) {
      if (await reach(visits.nextAtMs)) visits.wakeNext();
      continue;
    }
    if (stopper.stopping) visits.cancelAll();
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 100);
    });
    if (o.signal?.aborted) stopper.stop('aborted');
    if (!stopper.stopping && performance.now() > capAt) stopper.stop('time-cap');
    if (performance.now() > drainUntil) break;
  }
  visits.cancelAll();
  clock?.release();
}

/** Lets unpaid orders reach their deadlines, so the read-back sees them expired. */
async function settle(o: SimulateOptions, book: OrderBook, stopper: Stopper): Promise<void> {
  const open = book.openOrders();
  if (open.length === 0 || o.signal?.aborted) return;
  const until = performance.now() + simLimits.settleMsMax;
  if (o.engine) {
    if (!o.clock) return; // a fixed clock: deadlines never pass
    while (o.engine.ctx.pending.size > 0 && performance.now() < until && !o.signal?.aborted) await sleep(50);
    await o.engine.tick();
    return;
  }
  let latest = 0;
  for (const i of open) latest = Math.max(latest, book.deadlineAt[i]!);
  const waitMs = latest - Date.now() + 2_000;
  if (waitMs > 0 && waitMs < simLimits.settleMsMax) await stopper.sleep(waitMs);
}

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

function dayRange(day: SaleDay, arrivals: Arrivals, played: number) {
  const last = played > 0 ? arrivals.offsetMs[played - 1]! : 0;
  return {
    date: day.date,
    timezone: day.timezone,
    from: dayClockLabel(day, day.startMs + (played > 0 ? arrivals.offsetMs[0]! : 0)),
    to: dayClockLabel(day, day.startMs + last),
  };
}

/** Everything a run produced, for the result. */
interface RunFacts {
  o: SimulateOptions;
  client: ShopperClient;
  book: OrderBook;
  state: DriveState;
  stoppedBy: SimResult['run']['stoppedBy'];
  day: SaleDay;
  arrivals: Arrivals;
  runTag: string;
  startedAt: string;
  evidence: Evidence;
  invariants: InvariantResult[];
  seconds: { drive: number; settle: number; total: number };
  requestsWhileDriving: number;
}

function resultOf(f: RunFacts): SimResult {
  const { o, book, state, seconds } = f;
  const exitCode = exitCodeOf(f.invariants);
  const started = {
    offsetMs: f.arrivals.offsetMs.subarray(0, state.started),
    rush: f.arrivals.rush.subarray(0, state.started),
  };
  return {
    ok: exitCode === 0,
    exitCode,
    run: {
      campaign: o.campaign ? { id: o.campaign.id, name: o.campaign.name } : null,
      target: f.client.baseUrl.origin,
      mode: o.engine ? 'in-process' : 'url',
      seed: o.seed,
      speed: o.speed,
      concurrency: o.concurrency,
      shoppers: o.shoppers ?? null,
      ordersTarget: o.orders ?? null,
      sessionsPlanned: state.played,
      runTag: f.runTag,
      startedAt: f.startedAt,
      stoppedBy: f.stoppedBy,
      day: dayRange(f.day, f.arrivals, state.started),
    },
    timing: {
      driveSeconds: round2(seconds.drive),
      settleSeconds: round2(seconds.settle),
      verifySeconds: round2(seconds.total - seconds.drive - seconds.settle),
      totalSeconds: round2(seconds.total),
      lagSecondsMax: round2(state.lagMsMax / 1000),
    },
    counts: {
      ...book.counts,
      ordersAcknowledged: book.ordersAcknowledged,
      errors: book.errorCount,
      requests: f.client.requests,
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
      requestsPerSecond: perSecond(f.requestsWhileDriving, seconds.drive),
    },
    latency: latencyTable(f.client.latency.summary()),
    invariants: f.invariants,
    stock: f.evidence.stock.rows,
    hourly: hourlyCounts(started),
  };
}

/** The catalogue, the day's arrivals and the shoppers' world: everything decided before 0:00. */
async function prepare(o: SimulateOptions, client: ShopperClient, day: SaleDay) {
  const catalog = await fetchCatalog(client);
  await client.warmUp(o.concurrency);
  const { arriving, played } = sessionPlan(o.shoppers, o.orders);
  const arrivals = planArrivals({
    sessions: arriving,
    seed: o.seed,
    flashOffsetsMs: day.flash.map((f) => f.offsetMs),
    rushShare: o.rushShare,
  });
  const items = catalog.map(({ sku, storeId, role, price, presaleStock }) => ({
    sku,
    storeId,
    role,
    price,
    presalePool: Boolean(presaleStock),
  }));
  const offers = {
    coupons: await fetchCoupons(client, day),
    presales: day.presales,
    dayEndMs: played > 0 ? arrivals.offsetMs[played - 1]! : 0,
  };
  return {
    played,
    arrivals,
    world: shopperWorld(o.seed, items, day.flash, played, offers),
    opening: openingStock(o.engine ?? null, catalog),
  };
}

export async function runSimulation(o: SimulateOptions): Promise<SimRun> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const startedAt = new Date().toISOString();
  const client = new ShopperClient(new URL(o.baseUrl), o.concurrency);
  const book = new OrderBook();
  const stopper = new Stopper();
  const state: DriveState = { played: 0, started: 0, lagMsMax: 0, offsetMs: 0 };
  const engine = o.engine ?? null;
  const day = saleDayOf(o.campaign ?? null, Date.now());
  const serverNow = () => (o.clock ? o.clock.now() : engine ? engine.ctx.clock() : Date.now());
  const progress = { phase: '演练 rehearsal', verifying: false, done: 0, total: 0 };
  const bar = o.progress
    ? new ProgressBar(o.progress, () => ({
        phase: progress.phase,
        done: progress.verifying ? progress.done : state.started,
        total: progress.verifying ? progress.total : state.played,
        orders: book.ordersAcknowledged,
        paid: book.counts.paid,
        paidFen: book.paidFen,
        errors: book.errorCount,
        clock: dayClockLabel(day, o.clock ? o.clock.now() : day.startMs + state.offsetMs),
      }))
    : null;
  try {
    const { played, arrivals, world, opening } = await prepare(o, client, day);
    state.played = played;
    const runTag = randomBytes(3).toString('hex');
    const sleepSim = (simMs: number) => stopper.sleep(simMs / o.speed);
    const visits = new ReturnVisits();
    const comeBackAt = (offsetMs: number) => visits.add(offsetMs);
    const env: ShopperEnv = { client, book, world, runTag, sleepSim, comeBackAt, serverNow };
    bar?.start();
    await drive(o, env, arrivals, stopper, state, visits);
    const requestsWhileDriving = client.requests;
    const driveSeconds = seconds();
    progress.phase = '等待超时 settling';
    await settle(o, book, stopper);
    o.clock?.settle(); // the day is over: from here on the server's time passes at wall speed
    const settleSeconds = seconds() - driveSeconds;
    Object.assign(progress, { phase: '核对 verifying', verifying: true });
    const verify: Omit<VerifyInput, 'client'> = {
      book,
      engine,
      runTag,
      seed: o.seed,
      opening,
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
      book,
      state,
      day,
      arrivals,
      runTag,
      startedAt,
      evidence,
      invariants,
      stoppedBy: stopper.reason,
      seconds: { drive: driveSeconds, settle: settleSeconds, total: seconds() },
      requestsWhileDriving,
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

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
