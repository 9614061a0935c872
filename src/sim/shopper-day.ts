// The shoppers' side of a rehearsal: read the catalogue and coupons, spread the sessions over the
// day, and play them against the HTTP API on schedule, with bounded concurrency and backpressure,
// until the planned shoppers are done, the wall-clock cap is reached or the run is aborted. It
// runs on a thread of its own (shopper-thread.ts), so the shoppers and the server they load use
// two cores; everything it takes and gives back survives a structured clone.
import type { SkuStock } from '../domain/stock-ledger.ts';
import { presalePoolOf } from '../domain/stock-pools.ts';
import type { ShopCoupon } from './coupon-claims.ts';
import { ShopperClient } from './http-client.ts';
import type { Endpoint, HistogramData } from './latency.ts';
import { OrderBook } from './order-book.ts';
import { ReturnVisits } from './return-visits.ts';
import { dayClockLabel, type SaleDay } from './sale-day.ts';
import { planShopper, runShopper, type ShopItem, type ShopperEnv, shopperWorld } from './shopper.ts';
import { SimClock, type SimClockHandle } from './sim-clock.ts';
import { simLimits } from './sim-limits.ts';
import { type Arrivals, hourlyCounts, isBrowseOnly, planArrivals, sessionsForOrders } from './traffic.ts';

export type StoppedBy = 'done' | 'time-cap' | 'aborted';

/** How many shoppers come, how fast the day runs, how hard they push: a run's flags. */
export interface Crowd {
  speed: number;
  shoppers?: number;
  orders?: number;
  seed: number;
  concurrency: number;
  maxSeconds: number;
  rushShare?: number;
}

/** What the shoppers' thread is told. */
export interface ShopperDayPlan extends Crowd {
  baseUrl: string;
  day: SaleDay;
  /** The clock of the in-process server (the shoppers move it); null when driving --url. */
  clock: SimClockHandle | null;
  runTag: string;
}

/** The counters the progress bar shows while the shoppers play. */
export interface ShopperProgress {
  started: number;
  played: number;
  /** Offset in the day of the latest shopper started. */
  offsetMs: number;
  orders: number;
  paid: number;
  paidFen: number;
  errors: number;
}

/** What the shoppers' thread gives back. */
export interface ShopperDayOutcome {
  book: OrderBook;
  played: number;
  started: number;
  lagMsMax: number;
  stoppedBy: StoppedBy;
  requests: number;
  latency: Partial<Record<Endpoint, HistogramData>>;
  /** Opening stock as the catalogue showed it (the model's start when driving --url). */
  catalogOpening: Map<string, SkuStock>;
  /** Shoppers started per hour of the simulated day, and the day's span they covered. */
  hourly: number[];
  dayRange: { date: string; timezone: string; from: string; to: string };
}

/** The server to rehearse against cannot be reached or answers nonsense: the user's to fix. */
export class SimTargetError extends Error {
  override name = 'SimTargetError';
}

interface CatalogItemView {
  sku: string;
  storeId: string;
  role: ShopItem['role'];
  price: number;
  stock: { available: number };
  presaleStock?: { available: number } | null;
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

/** The channels the server's cashier offers; none (each payment starts at the first) without the route. */
async function fetchPayChannels(client: ShopperClient): Promise<string[]> {
  const reply = await client.call('payment-methods', 'GET', '/api/payment-methods', {});
  if (reply.status !== 200) return [];
  return (reply.body.items as { channel: string }[]).map((m) => m.channel);
}

/** How many sessions arrive over the day, and how many of them are played (the order cap). */
export function sessionPlan(shoppers: number | undefined, orders: number | undefined) {
  if (shoppers === undefined && orders === undefined) throw new Error('give shoppers, orders or both');
  const forOrders = orders === undefined ? Number.POSITIVE_INFINITY : sessionsForOrders(orders);
  const arriving = shoppers ?? forOrders;
  return { arriving, played: Math.min(arriving, forOrders) };
}

/** The catalogue's available units as opening stock, pre-sale pools too. */
function catalogOpening(catalog: readonly CatalogItemView[]): Map<string, SkuStock> {
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
  reason: StoppedBy = 'done';
  private readonly sleepers = new Set<() => void>();

  stop(reason: StoppedBy): void {
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

interface Drive {
  plan: ShopperDayPlan;
  clock: SimClock | null;
  env: ShopperEnv;
  arrivals: Arrivals;
  stopper: Stopper;
  state: DriveState;
  visits: ReturnVisits;
  signal: AbortSignal | undefined;
}

async function drive({ plan, clock, env, arrivals, stopper, state, visits, signal }: Drive): Promise<void> {
  const { speed } = plan;
  const t0 = performance.now();
  const capAt = t0 + plan.maxSeconds * 1000;
  const liveMax = Math.max(simLimits.liveMin, plan.concurrency * simLimits.livePerConnection);
  let live = 0;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  visits.onLeave = wakeUp; // a shopper who left for later frees a place among the live sessions
  const mustStop = () => {
    if (signal?.aborted) stopper.stop('aborted');
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
      else if (env.client.queued > plan.concurrency * simLimits.queuedPerConnectionMax) await sleep(1);
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
    const shopper = planShopper(env.world, i, arrival, arrivals.rush[i]!, isBrowseOnly(i));
    runShopper(env, shopper)
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
    if (signal?.aborted) stopper.stop('aborted');
    if (!stopper.stopping && performance.now() > capAt) stopper.stop('time-cap');
    if (performance.now() > drainUntil) {
      // Still waiting for the server after the drain limit: cut off, and said (their last request
      // has no answer, so what it did is not known).
      const detail = `${live} shopper(s) still waiting for an answer ${simLimits.drainMsMax / 1000} s after the last arrival: cut off`;
      env.book.error('session', 0, 'CUT_OFF', detail, live);
      break;
    }
  }
  visits.cancelAll();
  clock?.release();
}

/** The catalogue, the day's arrivals and the shoppers' world: everything decided before 0:00. */
async function prepare(plan: ShopperDayPlan, client: ShopperClient) {
  const catalog = await fetchCatalog(client);
  await client.warmUp(plan.concurrency);
  const { arriving, played } = sessionPlan(plan.shoppers, plan.orders);
  const arrivals = planArrivals({
    sessions: arriving,
    seed: plan.seed,
    flashOffsetsMs: plan.day.flash.map((f) => f.offsetMs),
    rushShare: plan.rushShare,
  });
  const items = catalog.map(({ sku, storeId, role, price, presaleStock }) => ({
    sku,
    storeId,
    role,
    price,
    presalePool: Boolean(presaleStock),
  }));
  const offers = {
    coupons: await fetchCoupons(client, plan.day),
    presales: plan.day.presales,
    dayEndMs: played > 0 ? arrivals.offsetMs[played - 1]! : 0,
    payChannels: await fetchPayChannels(client),
  };
  return {
    played,
    arrivals,
    world: shopperWorld(plan.seed, items, plan.day.flash, played, offers),
    opening: catalogOpening(catalog),
  };
}

function dayRange(day: SaleDay, arrivals: Arrivals, started: number) {
  const last = started > 0 ? arrivals.offsetMs[started - 1]! : 0;
  return {
    date: day.date,
    timezone: day.timezone,
    from: dayClockLabel(day, day.startMs + (started > 0 ? arrivals.offsetMs[0]! : 0)),
    to: dayClockLabel(day, day.startMs + last),
  };
}

/** Plays the day; `onProgress` hears the counters every few hundred milliseconds. */
export interface ShopperDayOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ShopperProgress) => void;
  /** The last shopper is done (or the run stopped): before the outcome is put together. */
  onPlayed?: () => void;
}

export async function playShopperDay(
  plan: ShopperDayPlan,
  options: ShopperDayOptions = {},
): Promise<ShopperDayOutcome> {
  const client = new ShopperClient(new URL(plan.baseUrl), plan.concurrency);
  const clock = plan.clock ? SimClock.attach(plan.clock) : null;
  const book = new OrderBook();
  const stopper = new Stopper();
  const state: DriveState = { played: 0, started: 0, lagMsMax: 0, offsetMs: 0 };
  const report = () =>
    options.onProgress?.({
      started: state.started,
      played: state.played,
      offsetMs: state.offsetMs,
      orders: book.ordersAcknowledged,
      paid: book.counts.paid,
      paidFen: book.paidFen,
      errors: book.errorCount,
    });
  const ticker = setInterval(report, simLimits.progressEveryMs);
  try {
    const { played, arrivals, world, opening } = await prepare(plan, client);
    state.played = played;
    const visits = new ReturnVisits();
    const env: ShopperEnv = {
      client,
      book,
      world,
      runTag: plan.runTag,
      sleepSim: (simMs) => stopper.sleep(simMs / plan.speed),
      comeBackAt: (offsetMs) => visits.add(offsetMs),
      serverNow: clock ? clock.now : Date.now,
    };
    await drive({ plan, clock, env, arrivals, stopper, state, visits, signal: options.signal });
    options.onPlayed?.();
    report();
    const started = {
      offsetMs: arrivals.offsetMs.subarray(0, state.started),
      rush: arrivals.rush.subarray(0, state.started),
    };
    return {
      book,
      played,
      started: state.started,
      lagMsMax: state.lagMsMax,
      stoppedBy: stopper.reason,
      requests: client.requests,
      latency: client.latency.data(),
      catalogOpening: opening,
      hourly: hourlyCounts(started),
      dayRange: dayRange(plan.day, arrivals, state.started),
    };
  } finally {
    clearInterval(ticker);
    client.close();
  }
}
