// Shoppers (DOMAIN.md §9): each session is a plan — a cart and a list of steps — drawn from the
// run's seed and the shopper's index alone, then played against the real API. One behaviour is one
// function (see `behaviours`); a new one is a new step kind, a new function and a line in the
// planner. Coupon claims live in coupon-claims.ts, pre-sale deposits and balances in
// presale-steps.ts; what they share (the session, the calls, paying one order) in shopper-calls.ts.

import type { StockLine } from '../domain/stock-ledger.ts';
import { presalePoolOf } from '../domain/stock-pools.ts';
import {
  claimCoupon,
  planClaims,
  type ShopCoupon,
  WALLET_REFUSALS,
  walletForOrder,
} from './coupon-claims.ts';
import { MIX } from './mix.ts';
import type { AcknowledgedStoreOrder } from './order-book.ts';
import { forfeit, payBalance, payDeposit, planPresale } from './presale-steps.ts';
import { Random, STREAM, seedFor } from './random.ts';
import { type FlashSession, isInside, type PresaleDay } from './sale-day.ts';
import {
  type Behaviour,
  call,
  codeOf,
  outcomeUnknown,
  payOne,
  type QuoteSeen,
  type ShopperEnv,
  type ShopperSession,
  unexpected,
} from './shopper-calls.ts';
import { DAY_MS } from './traffic.ts';

export { MIX } from './mix.ts';
export type { ShopperEnv, ShopperSession } from './shopper-calls.ts';

export interface ShopItem {
  sku: string;
  storeId: string;
  role: 'hero' | 'featured' | 'regular';
  /** Activity price when the run started (fen): the planner's idea of "cheap" and "dear". */
  price: number;
  /** Pre-sale orders of this SKU reserve from its own pre-sale pool (kept apart from spot stock). */
  presalePool?: boolean;
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
  /** Coupons and red envelopes the shoppers may claim (GET /api/coupons). */
  coupons: readonly ShopCoupon[];
  /** Pre-sales taking deposits during the day (known from the campaign only). */
  presales: readonly PresaleDay[];
  /** The last arrival of the day played: nobody comes back (for a balance) later than this. */
  dayEndMs: number;
  /** The server's payment channels (GET /api/payment-methods), in its failover order. */
  payChannels: readonly string[];
}

/** What the world knows of the sale's offers beyond the catalogue and its flash sessions. */
export interface WorldOffers {
  coupons?: readonly ShopCoupon[];
  presales?: readonly PresaleDay[];
  dayEndMs?: number;
  payChannels?: readonly string[];
}

export function shopperWorld(
  seed: number,
  catalog: readonly ShopItem[],
  flash: readonly FlashSession[],
  sessions: number,
  offers: WorldOffers = {},
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
    coupons: offers.coupons ?? [],
    presales: offers.presales ?? [],
    dayEndMs: offers.dayEndMs ?? DAY_MS,
    payChannels: offers.payChannels ?? [],
  };
}

// ── the plan ───────────────────────────────────────────────────────────────────────────────

export type Step =
  | { do: 'browse' }
  | { do: 'claim-coupon'; couponId: string }
  | { do: 'quote' }
  | { do: 'top-up' }
  | { do: 'rush' }
  | { do: 'order'; retrySameKey: boolean }
  | { do: 'pay' }
  | { do: 'pay-late'; afterSimMs: number }
  | { do: 'pay-deposit' }
  /** Comes back at this offset of the day to pay a pre-sale's balance. */
  | { do: 'pay-balance'; atMs: number }
  | { do: 'forfeit' }
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

/** SKUs taking pre-sale deposits at this moment: only the pre-sale shoppers put them in a cart. */
function presaleSkusAt(world: ShopperWorld, offsetMs: number): ReadonlySet<string> | null {
  if (world.presales.length === 0) return null;
  const open = world.presales.filter((p) => isInside(p.deposit, offsetMs)).map((p) => p.sku);
  return open.length === 0 ? null : new Set(open);
}

function drawCart(
  world: ShopperWorld,
  random: Random,
  linesMax: number,
  avoid: ReadonlySet<string> | null = null,
): StockLine[] {
  const weights = [...world.roleWeights];
  let eligible = weights.length;
  if (avoid) {
    world.catalog.forEach((item, i) => {
      if (avoid.has(item.sku)) {
        weights[i] = 0;
        eligible -= 1;
      }
    });
  }
  const count = Math.min(linesMax, 1 + random.weightedIndex(MIX.cartLineWeights), eligible);
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
  // Coupons and pre-sales draw from a stream of their own, so the rest of the plan stays as it was.
  const offers = new Random(seedFor(world.seed, STREAM.offers, index));
  const steps: Step[] = [];
  if (random.chance(MIX.browseFirst)) steps.push({ do: 'browse' });
  const lines = drawCart(world, random, 4, presaleSkusAt(world, arrivalMs));
  const presale = planPresale(world, offers, arrivalMs);
  if (presale) lines.push({ sku: presale.sku, qty: 1 });
  steps.push(...planClaims(world, offers, lines, arrivalMs));
  if (random.chance(MIX.quoteFirst)) {
    steps.push({ do: 'quote' });
    if (random.chance(MIX.topUpWhenQuoted)) steps.push({ do: 'top-up' });
  }
  steps.push({ do: 'order', retrySameKey: random.chance(MIX.retrySameKey) });
  const after = afterPlacing(random);
  steps.push(...(presale ? presale.steps : [after]));
  return { ...base, intent: 'buy', lines, steps };
}

// ── playing a plan against the API ─────────────────────────────────────────────────────────

/** A flash session's refusals (flash-rush.ts): business outcomes of a rush, not errors. */
const FLASH_REFUSALS: ReadonlySet<string> = new Set([
  'FLASH_SESSION_NOT_OPEN',
  'FLASH_SESSION_ENDED',
  'FLASH_SOLD_OUT',
  'FLASH_LIMIT_REACHED',
]);

const browse: Behaviour = async (env, session) => {
  const reply = await call(env, 'catalog', 'GET', '/api/catalog', {
    buyer: session.buyerId,
    ignoreOkBody: true,
  });
  env.book.counts.catalogViews += 1;
  if (reply.status !== 200) unexpected(env, 'catalog', reply);
};

const quote: Behaviour = async (env, session) => {
  // Signed in, as at checkout: the gateway's header says who is asking, and the server reads the
  // shopper's own wallet (entries by id, its balances).
  const json: Record<string, unknown> = { lines: session.lines };
  if (session.wallet.length > 0) json.wallet = walletForOrder(session.wallet);
  let reply = await call(env, 'quote', 'POST', '/api/quote', { json, buyer: session.buyerId });
  env.book.counts.quotes += 1;
  const code = codeOf(reply);
  if (code !== undefined && WALLET_REFUSALS.has(code)) {
    // A coupon of theirs was used meanwhile: priced again without the wallet, as at checkout.
    env.book.reject(code);
    session.wallet = [];
    reply = await call(env, 'quote', 'POST', '/api/quote', {
      json: { lines: session.lines },
      buyer: session.buyerId,
    });
    env.book.counts.quotes += 1;
  }
  if (reply.status !== 200) {
    unexpected(env, 'quote', reply);
    session.quote = null;
    return;
  }
  const b = reply.body;
  session.quote = {
    payable: b.payable,
    savings: b.savings,
    hints: (Array.isArray(b.hints) ? b.hints : []).map((h: QuoteSeen['hints'][number]) => ({
      id: h.id,
      kind: h.kind,
      storeId: h.storeId,
      needed: h.needed,
    })),
    applied: Array.isArray(b.applied) ? b.applied.map((a: { id: string; amount: number }) => ({ ...a })) : [],
  };
};

/** The hint a shopper follows: a store's spend-X-save-Y first, then a cross-store step or a coupon. */
function hintToFollow(quoteSeen: QuoteSeen): QuoteSeen['hints'][number] | undefined {
  const near = (h: QuoteSeen['hints'][number]) => h.needed > 0 && h.needed <= MIX.topUpNeededMax;
  return quoteSeen.hints.find((h) => h.kind === 'store-threshold' && near(h)) ?? quoteSeen.hints.find(near);
}

const appliedOf = (q: QuoteSeen | null, id: string) => q?.applied.find((a) => a.id === id)?.amount ?? 0;

/**
 * 凑单: a cart just under a threshold gets the cheapest item that covers what is missing (or a few
 * of the dearest when none does); the quote again shows whether the threshold now saves more.
 */
const topUp: Behaviour = async (env, session, step) => {
  if (!session.quote) await quote(env, session, step);
  const before = session.quote;
  const hint = before ? hintToFollow(before) : undefined;
  if (!hint) return;
  const inCart = new Set(session.lines.map((l) => l.sku));
  const avoid = presaleSkusAt(env.world, session.plan.arrivalMs);
  const pool = (
    hint.storeId === null ? env.world.catalog : (env.world.byStore.get(hint.storeId) ?? [])
  ).filter((i) => !inCart.has(i.sku) && !avoid?.has(i.sku) && i.price > 0);
  if (pool.length === 0) return;
  const covering = pool.filter((i) => i.price >= hint.needed).sort((a, b) => a.price - b.price)[0];
  const item = covering ?? pool.reduce((a, b) => (b.price > a.price ? b : a));
  const qty = covering ? 1 : Math.min(MIX.topUpQtyMax, Math.ceil(hint.needed / item.price));
  session.lines.push({ sku: item.sku, qty });
  env.book.counts.topUps += 1;
  await quote(env, session, step);
  if (appliedOf(session.quote, hint.id) > appliedOf(before, hint.id)) env.book.counts.topUpsReached += 1;
};

/** A pre-sale order's units come from the SKU's pre-sale pool when it has one (as on the server). */
function poolUnits(env: ShopperEnv, order: AcknowledgedStoreOrder, units: StockLine[]): StockLine[] {
  if (!order.presale) return units;
  return units.map((l) =>
    env.world.bySku.get(l.sku)?.presalePool ? { sku: presalePoolOf(l.sku), qty: l.qty } : l,
  );
}

function linesOfStore(env: ShopperEnv, lines: readonly StockLine[], storeId: string): StockLine[] {
  return lines.filter((l) => env.world.bySku.get(l.sku)?.storeId === storeId).map((l) => ({ ...l }));
}

/**
 * The units each store order holds (for the reference stock model): its store's cart lines, unless
 * the store's lines went into several orders (a pre-sale SKU is an order of its own); then the
 * lines as the server stored them (GET /api/orders/:id, only for those few checkouts).
 */
async function unitsByOrder(
  env: ShopperEnv,
  session: ShopperSession,
  orders: readonly AcknowledgedStoreOrder[],
): Promise<StockLine[][]> {
  const lines = session.lines.map((l) => ({ ...l }));
  return Promise.all(
    orders.map(async (o) => {
      const store = linesOfStore(env, lines, o.storeId);
      if (!orders.some((other) => other !== o && other.storeId === o.storeId)) return store;
      const path = `/api/orders/${encodeURIComponent(o.id)}`;
      const reply = await call(env, 'order-read', 'GET', path, { buyer: session.buyerId });
      if (reply.status !== 200) {
        unexpected(env, 'order-read', reply);
        return store;
      }
      const units = new Map<string, number>();
      for (const l of reply.body.lines as StockLine[]) units.set(l.sku, (units.get(l.sku) ?? 0) + l.qty);
      return [...units].map(([sku, qty]) => ({ sku, qty }));
    }),
  );
}

function checkoutBody(session: ShopperSession, expectedPayable: number | undefined) {
  const json: Record<string, unknown> = { lines: session.lines };
  if (session.wallet.length > 0) json.wallet = walletForOrder(session.wallet);
  if (expectedPayable !== undefined) json.expectedPayable = expectedPayable;
  if (session.plan.flashSession !== undefined) json.flashSessions = [session.plan.flashSession];
  return json;
}

/**
 * POST /api/orders with a fresh key, then (when asked) the same request with the same key again:
 * the second answer must be the first checkout, not a new one. Sold out: drop that SKU and try
 * once more with what is left; a changed price: accept it once; a wallet refused (a coupon used
 * meanwhile): check out without it.
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
    const options = {
      buyer: session.buyerId,
      idempotencyKey: key,
      json: checkoutBody(session, expectedPayable),
    };
    book.counts.checkoutsAttempted += 1;
    const reply = await call(env, 'order', 'POST', '/api/orders', options);
    if (reply.status === 201) {
      const orders: AcknowledgedStoreOrder[] = reply.body.orders;
      const units = await unitsByOrder(env, session, orders);
      const indexes = book.acknowledge(
        session.buyerId,
        orders,
        (o, k) => poolUnits(env, o, units[k]!),
        env.serverNow(),
      );
      session.placed = orders.map((o, k) => ({ ...o, book: indexes[k]! }));
      if (session.wallet.length > 0) book.counts.walletCheckouts += 1;
      if (retrySameKey) await retryKey(env, session, options, reply.body);
      return;
    }
    const code = codeOf(reply);
    if (reply.status === 0) {
      const stores = new Set(session.lines.map((l) => env.world.bySku.get(l.sku)?.storeId));
      book.checkoutUnknown(session.buyerId, stores.size);
      unexpected(env, 'order', reply);
      return;
    }
    if (code !== undefined && FLASH_REFUSALS.has(code)) {
      book.reject(code); // the session is over, sold out, or this buyer had their share: gone
      if (code === 'FLASH_SOLD_OUT') book.outOfStock(session.lines[0]?.sku);
      return;
    }
    if (code !== undefined && WALLET_REFUSALS.has(code)) {
      book.reject(code);
      session.wallet = [];
      expectedPayable = undefined;
      continue;
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
  options: Parameters<ShopperEnv['client']['call']>[3],
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
    const sentAt = env.serverNow();
    const reply = await call(env, 'cancel', 'POST', path, { buyer: session.buyerId });
    const code = codeOf(reply);
    if (reply.status === 200) {
      env.book.counts.cancelled += 1;
      env.book.markClosed(o.book, 'cancelled');
      env.book.cancelSentAt.set(o.book, sentAt);
    } else if (code === 'ORDER_EXPIRED') env.book.markClosed(o.book, 'expired');
    else {
      if (outcomeUnknown(reply)) env.book.markUnknown(o.book);
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
  'claim-coupon': claimCoupon,
  quote,
  'top-up': topUp,
  rush,
  order,
  pay,
  'pay-late': payLate,
  'pay-deposit': payDeposit,
  'pay-balance': payBalance,
  forfeit,
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
    wallet: [],
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
