// Shoppers (DOMAIN.md §9): each session is a plan — a cart and a list of steps — drawn from the
// run's seed and the shopper's index alone, then played against the real API. One behaviour is one
// function (see `behaviours`); a new one (pre-sale deposit, coupon claim: src/sim/README.md) is a
// new step kind, a new function and a line in the planner.
import type { StockLine } from '../domain/stock-ledger.ts';
import type { ShopperClient } from './http-client.ts';
import type { AcknowledgedStoreOrder, OrderBook } from './order-book.ts';
import { Random, STREAM, seedFor } from './random.ts';
import type { FlashSession } from './sale-day.ts';

export interface ShopItem {
  sku: string;
  storeId: string;
  role: 'hero' | 'featured' | 'regular';
  /** Activity price when the run started (fen): the planner's idea of "cheap" and "dear". */
  price: number;
}

export interface ShopperWorld {
  seed: number;
  catalog: readonly ShopItem[];
  bySku: ReadonlyMap<string, ShopItem>;
  /** Per store, cheapest first (top-up picks from here). */
  byStore: ReadonlyMap<string, readonly ShopItem[]>;
  roleWeights: readonly number[];
  /** Flash sessions with the SKUs rush shoppers grab (hero SKUs when the campaign names none). */
  flash: readonly FlashSession[];
  /** Distinct buyers; some shoppers come back and buy again. */
  buyerPool: number;
}

/** The mix of behaviours, in one place. */
export const MIX = {
  roleWeight: { hero: 6, featured: 3, regular: 1 },
  /** Cart lines: 1, 2, 3, 4. */
  cartLineWeights: [55, 25, 13, 7],
  /** Units of one line: 1, 2, 3. */
  qtyWeights: [85, 12, 3],
  browseFirst: 0.25,
  quoteFirst: 0.35,
  topUpWhenQuoted: 0.5,
  retrySameKey: 0.05,
  /** After placing: pay at once, pay late, abandon, cancel. */
  afterWeights: [75, 8, 10, 7],
  rushPays: 0.9,
  browseQuotes: 0.4,
  /** Simulated delays, up to (a late payment, a change of mind). */
  payLateMsMax: 10 * 60_000,
  cancelMsMax: 5 * 60_000,
  /** A top-up hint worth following: at most this much more to spend (fen). */
  topUpNeededMax: 50_000,
  topUpQtyMax: 3,
  buyerPoolShare: 0.6,
} as const;

export function shopperWorld(
  seed: number,
  catalog: readonly ShopItem[],
  flash: readonly FlashSession[],
  sessions: number,
): ShopperWorld {
  if (catalog.length === 0) throw new Error('the catalogue is empty: nothing to shop for');
  const bySku = new Map(catalog.map((item) => [item.sku, item]));
  const byStore = new Map<string, ShopItem[]>();
  for (const item of catalog) {
    const list = byStore.get(item.storeId) ?? [];
    list.push(item);
    byStore.set(item.storeId, list);
  }
  for (const list of byStore.values()) list.sort((a, b) => a.price - b.price || (a.sku < b.sku ? -1 : 1));
  const heroes = catalog.filter((i) => i.role === 'hero').map((i) => i.sku);
  const fallback = heroes.length > 0 ? heroes : [catalog[0]!.sku];
  return {
    seed,
    catalog,
    bySku,
    byStore,
    roleWeights: catalog.map((i) => MIX.roleWeight[i.role]),
    flash: flash.map((f) => {
      const known = f.skus.filter((sku) => bySku.has(sku));
      return { offsetMs: f.offsetMs, skus: known.length > 0 ? known : fallback, promotionOf: f.promotionOf };
    }),
    buyerPool: Math.max(1, Math.floor(sessions * MIX.buyerPoolShare)),
  };
}

// ── the plan ───────────────────────────────────────────────────────────────────────────────

export type Step =
  | { do: 'browse' }
  | { do: 'quote' }
  | { do: 'top-up' }
  | { do: 'rush' }
  | { do: 'order'; retrySameKey: boolean }
  | { do: 'pay' }
  | { do: 'pay-late'; afterSimMs: number }
  | { do: 'cancel'; afterSimMs: number }
  | { do: 'abandon' };

export interface ShopperPlan {
  index: number;
  /** Offset from local midnight of 11.11. */
  arrivalMs: number;
  buyer: number;
  intent: 'browse' | 'buy' | 'rush';
  lines: StockLine[];
  /** The flash session a rush shopper names at checkout (when the campaign says which it is). */
  flashSession?: string;
  steps: Step[];
}

function drawCart(world: ShopperWorld, random: Random, linesMax: number): StockLine[] {
  const count = Math.min(linesMax, 1 + random.weightedIndex(MIX.cartLineWeights), world.catalog.length);
  const weights = [...world.roleWeights];
  const lines: StockLine[] = [];
  while (lines.length < count) {
    const i = random.weightedIndex(weights);
    weights[i] = 0; // no SKU twice in a cart
    lines.push({ sku: world.catalog[i]!.sku, qty: 1 + random.weightedIndex(MIX.qtyWeights) });
  }
  return lines;
}

function afterPlacing(random: Random): Step {
  switch (random.weightedIndex(MIX.afterWeights)) {
    case 0:
      return { do: 'pay' };
    case 1:
      return { do: 'pay-late', afterSimMs: random.int(30_000, MIX.payLateMsMax) };
    case 2:
      return { do: 'abandon' };
    default:
      return { do: 'cancel', afterSimMs: random.int(10_000, MIX.cancelMsMax) };
  }
}

/** Pure: the same world, index and arrival always give the same plan. */
export function planShopper(
  world: ShopperWorld,
  index: number,
  arrivalMs: number,
  rushSession: number,
  browseOnly: boolean,
): ShopperPlan {
  const random = new Random(seedFor(world.seed, STREAM.shopper, index));
  const buyer = random.int(0, world.buyerPool - 1);
  const base = { index, arrivalMs, buyer };
  const flash = rushSession >= 0 ? world.flash[rushSession] : undefined;
  if (browseOnly) {
    const steps: Step[] = [{ do: 'browse' }];
    const lines = drawCart(world, random, 2);
    if (random.chance(MIX.browseQuotes)) steps.push({ do: 'quote' });
    return { ...base, intent: 'browse', lines, steps };
  }
  if (flash) {
    const sku = random.pick(flash.skus);
    const after: Step = random.chance(MIX.rushPays) ? { do: 'pay' } : { do: 'abandon' };
    const plan: ShopperPlan = {
      ...base,
      intent: 'rush',
      lines: [{ sku, qty: 1 }],
      steps: [{ do: 'rush' }, after],
    };
    const session = flash.promotionOf[sku];
    if (session !== undefined) plan.flashSession = session;
    return plan;
  }
  const steps: Step[] = [];
  if (random.chance(MIX.browseFirst)) steps.push({ do: 'browse' });
  const lines = drawCart(world, random, 4);
  if (random.chance(MIX.quoteFirst)) {
    steps.push({ do: 'quote' });
    if (random.chance(MIX.topUpWhenQuoted)) steps.push({ do: 'top-up' });
  }
  steps.push({ do: 'order', retrySameKey: random.chance(MIX.retrySameKey) });
  steps.push(afterPlacing(random));
  return { ...base, intent: 'buy', lines, steps };
}

// ── playing a plan against the API ─────────────────────────────────────────────────────────

export interface ShopperEnv {
  client: ShopperClient;
  book: OrderBook;
  world: ShopperWorld;
  /** Makes buyer ids and keys unique per run (a server may have seen an earlier rehearsal). */
  runTag: string;
  /** Waits a simulated duration; false when the run is stopping and the shopper should leave. */
  sleepSim(simMs: number): Promise<boolean>;
  /** The server's clock, as far as the driver knows it (for deadlines). */
  serverNow(): number;
}

interface PlacedOrder extends AcknowledgedStoreOrder {
  /** Index in the order book. */
  book: number;
}

export interface ShopperSession {
  plan: ShopperPlan;
  buyerId: string;
  lines: StockLine[];
  quote: { payable: number; hints: { storeId: string | null; needed: number }[] } | null;
  placed: PlacedOrder[];
}

type Behaviour<S extends Step = Step> = (env: ShopperEnv, session: ShopperSession, step: S) => Promise<void>;

/** A flash session's refusals (flash-rush.ts): business outcomes of a rush, not errors. */
const FLASH_REFUSALS: ReadonlySet<string> = new Set([
  'FLASH_SESSION_NOT_OPEN',
  'FLASH_SESSION_ENDED',
  'FLASH_SOLD_OUT',
  'FLASH_LIMIT_REACHED',
]);

/** Transport failures are retried (the same request, so the same Idempotency-Key) this often. */
const TRANSPORT_RETRIES = 3;
const RETRY_BACKOFF_MS = 50;

async function call(
  env: ShopperEnv,
  endpoint: Parameters<ShopperClient['call']>[0],
  method: 'GET' | 'POST',
  path: string,
  options: Parameters<ShopperClient['call']>[3],
) {
  let reply = await env.client.call(endpoint, method, path, options);
  for (let attempt = 1; reply.status === 0 && attempt <= TRANSPORT_RETRIES; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS * 2 ** attempt));
    reply = await env.client.call(endpoint, method, path, options);
  }
  return reply;
}

function codeOf(reply: { body: unknown }): string | undefined {
  const body = reply.body as { code?: unknown } | undefined;
  return typeof body?.code === 'string' ? body.code : undefined;
}

function unexpected(
  env: ShopperEnv,
  endpoint: string,
  reply: { status: number; body: unknown; error?: string },
) {
  const body = reply.body as { detail?: unknown } | undefined;
  const detail = reply.error ?? (typeof body?.detail === 'string' ? body.detail : '');
  env.book.error(endpoint, reply.status, codeOf(reply), detail);
}

const browse: Behaviour = async (env) => {
  const reply = await call(env, 'catalog', 'GET', '/api/catalog', {});
  env.book.counts.catalogViews += 1;
  if (reply.status !== 200) unexpected(env, 'catalog', reply);
};

const quote: Behaviour = async (env, session) => {
  const json = { buyer: { id: session.buyerId }, lines: session.lines };
  const reply = await call(env, 'quote', 'POST', '/api/quote', { json });
  env.book.counts.quotes += 1;
  if (reply.status !== 200) {
    unexpected(env, 'quote', reply);
    session.quote = null;
    return;
  }
  const hints = Array.isArray(reply.body.hints) ? reply.body.hints : [];
  session.quote = {
    payable: reply.body.payable,
    hints: hints.map((h: { storeId: string | null; needed: number }) => ({
      storeId: h.storeId,
      needed: h.needed,
    })),
  };
};

/** 凑单: follow a "spend ¥N more to save ¥M" hint by adding the cheapest item that covers N. */
const topUp: Behaviour = async (env, session, step) => {
  if (!session.quote) await quote(env, session, step);
  const hint = session.quote?.hints.find((h) => h.needed > 0 && h.needed <= MIX.topUpNeededMax);
  if (!hint) return;
  const inCart = new Set(session.lines.map((l) => l.sku));
  const pool = (
    hint.storeId === null ? env.world.catalog : (env.world.byStore.get(hint.storeId) ?? [])
  ).filter((i) => !inCart.has(i.sku) && i.price > 0);
  if (pool.length === 0) return;
  const covering = pool.filter((i) => i.price >= hint.needed).sort((a, b) => a.price - b.price)[0];
  const item = covering ?? pool.reduce((a, b) => (b.price > a.price ? b : a));
  const qty = covering ? 1 : Math.min(MIX.topUpQtyMax, Math.ceil(hint.needed / item.price));
  session.lines.push({ sku: item.sku, qty });
  env.book.counts.topUps += 1;
  await quote(env, session, step);
};

function linesOfStore(env: ShopperEnv, lines: readonly StockLine[], storeId: string): StockLine[] {
  return lines.filter((l) => env.world.bySku.get(l.sku)?.storeId === storeId).map((l) => ({ ...l }));
}

/**
 * POST /api/orders with a fresh key, then (when asked) the same request with the same key again:
 * the second answer must be the first checkout, not a new one. Sold out: drop that SKU and try
 * once more with what is left; a changed price: accept it once.
 */
async function checkout(
  env: ShopperEnv,
  session: ShopperSession,
  retrySameKey: boolean,
  substitute: boolean,
) {
  const { book } = env;
  let expectedPayable = session.quote?.payable;
  for (let attempt = 0; attempt < 3 && session.lines.length > 0; attempt++) {
    const key = `${env.runTag}-${session.plan.index}-o${attempt}`;
    const json: Record<string, unknown> = { lines: session.lines };
    if (expectedPayable !== undefined) json.expectedPayable = expectedPayable;
    if (session.plan.flashSession !== undefined) json.flashSessions = [session.plan.flashSession];
    const options = { buyer: session.buyerId, idempotencyKey: key, json };
    book.counts.checkoutsAttempted += 1;
    const reply = await call(env, 'order', 'POST', '/api/orders', options);
    if (reply.status === 201) {
      const orders: AcknowledgedStoreOrder[] = reply.body.orders;
      const lines = session.lines.map((l) => ({ ...l }));
      const indexes = book.acknowledge(session.buyerId, orders, (storeId) =>
        linesOfStore(env, lines, storeId),
      );
      session.placed = orders.map((o, k) => ({ ...o, book: indexes[k]! }));
      if (retrySameKey) await retryKey(env, session, options, reply.body);
      return;
    }
    const code = codeOf(reply);
    if (reply.status === 0) {
      book.counts.unknownOutcomes += 1;
      unexpected(env, 'order', reply);
      return;
    }
    if (code !== undefined && FLASH_REFUSALS.has(code)) {
      book.reject(code); // the session is over, sold out, or this buyer had their share: gone
      if (code === 'FLASH_SOLD_OUT') book.outOfStock(session.lines[0]?.sku);
      return;
    }
    if (code !== 'OUT_OF_STOCK' && code !== 'PRICE_MISMATCH') {
      unexpected(env, 'order', reply);
      return;
    }
    book.reject(code);
    if (code === 'OUT_OF_STOCK') book.outOfStock(reply.body.sku);
    if (code === 'PRICE_MISMATCH') {
      book.counts.priceChanges += 1;
      expectedPayable = typeof reply.body.payable === 'number' ? reply.body.payable : undefined;
      continue;
    }
    if (!substitute) return;
    const soldOut = reply.body.sku;
    session.lines = session.lines.filter((l) => l.sku !== soldOut);
    expectedPayable = undefined;
    book.counts.substitutions += 1;
  }
}

async function retryKey(
  env: ShopperEnv,
  session: ShopperSession,
  options: Parameters<ShopperClient['call']>[3],
  first: { checkoutId: string; orders: { id: string }[] },
) {
  env.book.counts.retriedKeys += 1;
  env.book.retryBuyers.add(session.buyerId);
  const again = await call(env, 'order-retry', 'POST', '/api/orders', options);
  if (again.status === 0) return unexpected(env, 'order-retry', again);
  const ids = (o: { orders?: { id: string }[] }) => (o.orders ?? []).map((x) => x.id).join(',');
  if (again.status !== 201 || again.body.checkoutId !== first.checkoutId || ids(again.body) !== ids(first)) {
    env.book.idempotencyViolation(
      `buyer ${session.buyerId} key ${options?.idempotencyKey}: first ${first.checkoutId} [${ids(first)}], retry answered ${again.status} ${again.body?.checkoutId ?? codeOf(again)} [${ids(again.body ?? {})}]`,
    );
  }
}

const order: Behaviour<Extract<Step, { do: 'order' }>> = (env, session, step) =>
  checkout(env, session, step.retrySameKey, true);

/** 秒杀: straight to checkout at the session second, no browsing, no substitute when sold out. */
const rush: Behaviour = async (env, session) => {
  env.book.counts.rush += 1;
  await checkout(env, session, false, false);
};

async function payOne(env: ShopperEnv, session: ShopperSession, o: PlacedOrder): Promise<void> {
  const { book } = env;
  const key = `${env.runTag}-${session.plan.index}-pay-${o.book}`;
  book.counts.payments += 1;
  const path = `/api/orders/${encodeURIComponent(o.id)}/pay`;
  const reply = await call(env, 'pay', 'POST', path, { buyer: session.buyerId, idempotencyKey: key });
  const code = codeOf(reply);
  if (reply.status === 200) book.markPaid(o.book);
  else if (reply.status === 402) {
    book.counts.paymentFailures += 1; // stays pending; expires at its deadline
    book.reject(code ?? 'PAYMENT_FAILED');
  } else if (code === 'ORDER_EXPIRED') {
    book.counts.expiredBeforePaying += 1;
    book.markClosed(o.book, 'expired');
    book.reject(code);
  } else {
    book.markUnknown(o.book);
    unexpected(env, 'pay', reply);
  }
}

const pay: Behaviour = async (env, session) => {
  for (const o of session.placed) await payOne(env, session, o);
};

/** A delay, but well inside the order's deadline (half of what is left at most). */
function withinDeadline(env: ShopperEnv, session: ShopperSession, simMs: number): number {
  const deadline = Math.min(...session.placed.map((o) => o.deadlineAt));
  return Math.max(0, Math.min(simMs, (deadline - env.serverNow()) / 2));
}

const payLate: Behaviour<Extract<Step, { do: 'pay-late' }>> = async (env, session, step) => {
  if (session.placed.length === 0) return;
  if (!(await env.sleepSim(withinDeadline(env, session, step.afterSimMs))))
    return abandon(env, session, step);
  env.book.counts.payLate += 1;
  await pay(env, session, step);
};

const cancel: Behaviour<Extract<Step, { do: 'cancel' }>> = async (env, session, step) => {
  if (session.placed.length === 0) return;
  if (!(await env.sleepSim(withinDeadline(env, session, step.afterSimMs))))
    return abandon(env, session, step);
  for (const o of session.placed) {
    const path = `/api/orders/${encodeURIComponent(o.id)}/cancel`;
    const reply = await call(env, 'cancel', 'POST', path, { buyer: session.buyerId });
    const code = codeOf(reply);
    if (reply.status === 200) {
      env.book.counts.cancelled += 1;
      env.book.markClosed(o.book, 'cancelled');
    } else if (code === 'ORDER_EXPIRED') env.book.markClosed(o.book, 'expired');
    else {
      env.book.markUnknown(o.book);
      unexpected(env, 'cancel', reply);
    }
  }
};

/** Never pays: the order expires at its deadline and its stock comes back. */
const abandon: Behaviour = async (env, session) => {
  env.book.counts.abandoned += session.placed.length;
};

export const behaviours: { [K in Step['do']]: Behaviour<Extract<Step, { do: K }>> } = {
  browse,
  quote,
  'top-up': topUp,
  rush,
  order,
  pay,
  'pay-late': payLate,
  cancel,
  abandon,
};

export function buyerIdOf(runTag: string, buyer: number): string {
  return `sim-${runTag}-b${buyer}`;
}

/** Plays one plan, step by step; a step that needs an order is skipped when there is none. */
export async function runShopper(env: ShopperEnv, plan: ShopperPlan): Promise<void> {
  const session: ShopperSession = {
    plan,
    buyerId: buyerIdOf(env.runTag, plan.buyer),
    lines: plan.lines.map((l) => ({ ...l })),
    quote: null,
    placed: [],
  };
  env.book.counts.sessions += 1;
  if (plan.intent === 'browse') env.book.counts.browseOnly += 1;
  for (const step of plan.steps) {
    const behaviour = behaviours[step.do] as Behaviour;
    await behaviour(env, session, step);
  }
}
