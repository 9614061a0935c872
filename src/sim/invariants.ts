// After the rehearsal: ask the server what became of everything it acknowledged, replay the same
// outcomes through a reference StockLedger (the model the engine itself is built on), and judge
// the invariants of ARCHITECTURE.md — no oversold unit (超卖), no lost order (漏单, pre-sale
// deposits and forfeits included), the stock identity per SKU, one order per idempotency key, one
// payment per paid order or deposit, flash and coupon limits (coupon-caps.ts).
//
// Evidence comes from the server only: over HTTP (GET /api/orders/:id, GET /api/catalog), and,
// when simulate started the server in this process, from its engine and database as well.
import { fenToYuanGrouped } from '../domain/money.ts';
import type { OrderStatus } from '../domain/order-lifecycle.ts';
import { type SkuStock, StockLedger } from '../domain/stock-ledger.ts';
import { poolOf, presalePoolOf } from '../domain/stock-pools.ts';
import type { TradeEngine } from '../services/trade-engine.ts';
import { SqliteTradeStore } from '../store/sql/sqlite-trade-store.ts';
import { type CouponEvidence, couponsOverHttp, couponVerdict, tallyCoupons } from './coupon-caps.ts';
import { type FlashLimit, type FlashTally, tallyFlashSessions } from './flash-sessions.ts';
import type { ShopperClient } from './http-client.ts';
import { inParallel } from './in-parallel.ts';
import { type MoneyMark, type MoneySince, moneySince } from './money.ts';
import { EXAMPLES_MAX, type Expected, type OrderBook } from './order-book.ts';
import { Random, STREAM, seedFor } from './random.ts';

export type InvariantStatus = 'pass' | 'fail' | 'skip';

export interface InvariantResult {
  id:
    | 'oversold'
    | 'lost'
    | 'stock-identity'
    | 'idempotency'
    | 'payments'
    | 'flash-sessions'
    | 'coupon-caps'
    | 'errors';
  zh: string;
  en: string;
  status: InvariantStatus;
  value: number;
  detail: string;
  examples: string[];
}

export interface StockRow {
  sku: string;
  /** The server's counters (engine), or only `available` (catalogue, when driving --url). */
  server: Partial<SkuStock>;
  /** The reference model after replaying what the server acknowledged. */
  model: SkuStock;
  oversold: number;
  matches: boolean;
}

export interface Evidence {
  mode: 'in-process' | 'url';
  ordersAcknowledged: number;
  readBack: {
    /** Acknowledged orders looked up (database and/or HTTP). */
    checked: number;
    viaDatabase: number;
    viaHttp: number;
    missing: number;
    wrongStatus: number;
    /** Unpaid orders still pending past their deadline and the grace: the deadline timers never closed them. */
    overdue: number;
    overdueMsMax: number;
    examples: string[];
  };
  stock: {
    rows: StockRow[];
    modelOversold: number;
    identityBroken: number;
    mismatched: number;
    examples: string[];
  };
  idempotency: {
    retried: number;
    violations: number;
    strays: number;
    /** Strays of buyers whose checkout was never answered, within what those checkouts could make. */
    straysExcused: number;
    unknownOutcomes: number;
    examples: string[];
  };
  /**
   * Succeeded payment rows; paid orders on the server and paid answers the shoppers got; pre-sale
   * orders whose deposit is in on the server (deposit paid, then paid or forfeited) and deposit
   * answers. A pre-sale paid in full took two payments: its deposit and its balance.
   */
  payments: {
    succeeded: number | null;
    /** Payments answered 200 through a channel (red envelopes covering it all take no payment). */
    channelPaymentsSeen: number;
    paidOnServer: number | null;
    paidSeen: number;
    depositsOnServer: number | null;
    depositsSeen: number;
    exact: boolean;
    /** 资金: what the channels took and kept since the start, and what payments booked; null = not checked. */
    money: MoneySince | null;
  };
  /** Per flash session: units at its price and the most one buyer got; null = not checked (--url). */
  flash: FlashTally[] | null;
  /** Claims per coupon template and budgets spent; null = the server lists no coupons. */
  coupons: CouponEvidence | null;
  /** Answers that should not happen (5xx, an unexpected 4xx, no answer, a shopper cut off), by kind. */
  errors: { count: number; kinds: [string, number][]; examples: string[] };
}

export interface VerifyInput {
  client: ShopperClient;
  book: OrderBook;
  /** The channels' takings and the payments when the run began (in-process, simulated channels). */
  moneyMark?: MoneyMark | null;
  /** The engine, when simulate started the server in this process. */
  engine: TradeEngine | null;
  runTag: string;
  seed: number;
  /** The campaign's flash sessions (quantity, per-buyer limit); empty when unknown (--url). */
  flashLimits: readonly FlashLimit[];
  /** Stock per SKU when the run began, as the reference model opens it. */
  opening: ReadonlyMap<string, SkuStock>;
  serverNow(): number;
  /** A pending order this long past its deadline should have expired (server clock ms). */
  expiryGraceMs: number;
  /** How many acknowledged orders to read back over HTTP (a seeded sample beyond that). */
  httpReadMax: number;
  onProgress?(done: number, total: number): void;
}

interface ServerOrder {
  status: OrderStatus;
  buyerId: string;
  deadlineAt: number;
  closedAt: number | null;
}

/** Buyers' order lists read back to look for orders nobody acknowledged (beyond: not read). */
const STRAY_BUYERS_MAX = 2_000;
const READ_CONCURRENCY = 64;
const SNAPSHOT_ATTEMPTS = 10;

/** Still pending past its deadline and the grace: the deadline timers never closed it. */
const OVERDUE = 'overdue';

/**
 * What is wrong with an order as the server has it, given what its answers imply. `dueAt` is the
 * deadline the shoppers were answered (the payment deadline; once a pre-sale's deposit is paid,
 * its balance deadline), not the one the server keeps: a server that moved it is caught.
 */
function statusProblem(
  expected: Expected,
  found: ServerOrder,
  now: number,
  graceMs: number,
  dueAt: number,
): string | null {
  const { status, closedAt } = found;
  if (status === 'expired' && closedAt !== null && closedAt < dueAt)
    return `expired ${fmt(Math.round((dueAt - closedAt) / 1000))} s before the deadline it was acknowledged with`;
  switch (expected) {
    case 'any':
      return null;
    case 'open':
      if (status === 'expired') return null;
      if (status === 'pending_payment') return now < dueAt + graceMs ? null : OVERDUE;
      return `is ${status}, expected expired`;
    case 'deposit':
      // The deposit is in: deposit_paid until the balance deadline, forfeited from then on.
      if (status === 'forfeited')
        return closedAt !== null && closedAt < dueAt ? 'forfeited before its balance deadline' : null;
      if (status === 'deposit_paid') return now < dueAt + graceMs ? null : OVERDUE;
      return `is ${status}, expected deposit_paid or forfeited`;
    default:
      return status === expected ? null : `is ${status}, expected ${expected}`;
  }
}

function sqliteOf(engine: TradeEngine | null): SqliteTradeStore | null {
  return engine && engine.ctx.store instanceof SqliteTradeStore ? engine.ctx.store : null;
}

/** The ledger and the database's view of our orders at one settled moment (no batch in flight). */
async function engineSnapshot(
  engine: TradeEngine,
  runTag: string,
  flashLimits: readonly FlashLimit[],
  book: OrderBook,
) {
  const sqlite = sqliteOf(engine)?.sqlite ?? null;
  for (let attempt = 1; ; attempt++) {
    await engine.ctx.commits.drain();
    const ledger = new Map([...engine.ctx.ledger.skus()].map(([sku, s]) => [sku, { ...s }]));
    if (!sqlite) return { ledger, orders: null, stockRows: null, payments: null, flash: null, coupons: null };
    const orders = new Map<string, ServerOrder>();
    const rows = sqlite
      .prepare('SELECT id, status, buyer_id, deadline_at, closed_at FROM orders WHERE buyer_id LIKE ?')
      .raw()
      .iterate(`sim-${runTag}-%`) as Iterable<[string, OrderStatus, string, number, number | null]>;
    for (const [id, status, buyerId, deadlineAt, closedAt] of rows) {
      orders.set(id, { status, buyerId, deadlineAt, closedAt });
    }
    const stockRows = new Map(
      (
        sqlite.prepare('SELECT sku, initial, restocked, available, reserved, sold FROM stock').all() as ({
          sku: string;
        } & SkuStock)[]
      ).map(({ sku, ...s }) => [sku, s]),
    );
    const count = (sql: string) => (sqlite.prepare(sql).get(`sim-${runTag}-%`) as { n: number }).n;
    const payments = {
      succeeded: count("SELECT count(*) AS n FROM payments WHERE status = 'succeeded' AND buyer_id LIKE ?"),
      paidOrders: count("SELECT count(*) AS n FROM orders WHERE status = 'paid' AND buyer_id LIKE ?"),
      // A pre-sale order's detail holds its terms ("presale":{…}); a spot order's is null.
      deposits: count(
        `SELECT count(*) AS n FROM orders WHERE status IN ('deposit_paid', 'paid', 'forfeited')
          AND detail LIKE '%"presale":{%' AND buyer_id LIKE ?`,
      ),
    };
    const settled = [...ledger].every(([sku, s]) => {
      const row = stockRows.get(sku);
      return row && row.available === s.available && row.reserved === s.reserved && row.sold === s.sold;
    });
    if (settled || attempt >= SNAPSHOT_ATTEMPTS) {
      const flash = tallyFlashSessions(sqlite, runTag, flashLimits);
      const campaign = engine.ctx.index.campaign;
      const coupons = campaign.coupons.length > 0 ? tallyCoupons(sqlite, campaign, runTag, book) : null;
      return { ledger, orders, stockRows, payments, flash, coupons };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sampleIndexes(total: number, max: number, seed: number): number[] {
  const all = Array.from({ length: total }, (_, i) => i);
  if (total <= max) return all;
  const random = new Random(seedFor(seed, STREAM.sample));
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(random.float() * (total - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, max).sort((a, b) => a - b);
}

async function readOverHttp(
  input: VerifyInput,
  indexes: readonly number[],
  found: Map<number, ServerOrder | null>,
) {
  const { client, book } = input;
  let done = 0;
  input.onProgress?.(0, indexes.length);
  await inParallel(indexes, READ_CONCURRENCY, async (i) => {
    const path = `/api/orders/${encodeURIComponent(book.ids[i]!)}`;
    let reply = await client.call('order-read', 'GET', path, { buyer: book.buyers[i]! });
    if (reply.status === 0) reply = await client.call('order-read', 'GET', path, { buyer: book.buyers[i]! });
    if (reply.status === 200) {
      const b = reply.body;
      found.set(i, {
        status: b.status,
        buyerId: book.buyers[i]!,
        deadlineAt: b.deadlineAt,
        closedAt: b.closedAt,
      });
    } else if (reply.status === 404) found.set(i, null);
    else book.error('order-read', reply.status, reply.body?.code, reply.error ?? reply.body?.detail ?? '');
    done += 1;
    if (done % 100 === 0 || done === indexes.length) input.onProgress?.(done, indexes.length);
  });
}

/** Orders the shoppers never saw acknowledged, with their buyers: of the buyers who retried a key
 * or whose checkout was never answered (with --url only their order lists can be read). */
async function straysOverHttp(input: VerifyInput): Promise<Stray[]> {
  const known = new Set(input.book.ids);
  const strays: Stray[] = [];
  const buyers = [...new Set([...input.book.unknownCheckouts.keys(), ...input.book.retryBuyers])].slice(
    0,
    STRAY_BUYERS_MAX,
  );
  await inParallel(buyers, READ_CONCURRENCY, async (buyer) => {
    const reply = await input.client.call('orders-list', 'GET', '/api/orders?limit=100', { buyer });
    if (reply.status !== 200) return;
    for (const o of reply.body.items as { id: string }[])
      if (!known.has(o.id)) strays.push({ id: o.id, buyer });
  });
  return strays;
}

interface Stray {
  id: string;
  buyer: string;
}

/**
 * Strays a checkout that was never answered may explain: its buyer's, up to one per store of its
 * cart. Any other order nobody acknowledged is a second order for one request (or made from nothing).
 */
function excusedStrays(strays: readonly Stray[], unknownCheckouts: ReadonlyMap<string, number>): number {
  const left = new Map(unknownCheckouts);
  let excused = 0;
  for (const { buyer } of strays) {
    const n = left.get(buyer) ?? 0;
    if (n === 0) continue;
    left.set(buyer, n - 1);
    excused += 1;
  }
  return excused;
}

/**
 * What an acknowledged order must have become, as the reference model replays it: what its answers
 * decided, and by its deadlines what the shoppers were told (an unpaid order expired, a pre-sale's
 * unpaid balance forfeited). Only where either outcome is right (around a deadline, still within
 * the grace the timer loop gets) or the answer was lost does the server's own status stand.
 */
function modelStatusOf(book: OrderBook, clock: ServerClock, server: (i: number) => OrderStatus | null) {
  const { now, graceMs } = clock;
  return (i: number): OrderStatus | null => {
    const expected = book.expected[i]!;
    const dueAt = book.deadlineAt[i]!;
    const late = now >= dueAt + graceMs;
    switch (expected) {
      case 'any':
        return server(i) ?? (now < dueAt ? 'pending_payment' : 'expired');
      case 'open':
        if (now < dueAt) return 'pending_payment';
        return late ? 'expired' : (server(i) ?? 'expired');
      case 'deposit':
        if (now < dueAt) return 'deposit_paid';
        return late ? 'forfeited' : (server(i) ?? 'forfeited');
      default:
        return expected;
    }
  };
}

/**
 * The acknowledged orders replayed through a StockLedger in time: each takes its units when its 201
 * arrived (after the server reserved them) and gives them back at the earliest the server could
 * have (a cancel when it was sent, an expiry at the deadline answered, a forfeit at the balance
 * deadline; a closure whose answer was lost at once); what was paid is sold. The model so always
 * has at least the room the server had: an order it cannot place was placed on units that were not
 * there, if only for a moment (an oversell undone by a later cancel leaves no trace in the end
 * state), and the ledger it ends with is what the server's must equal.
 */
function replayModel(
  input: VerifyInput,
  status: (i: number) => OrderStatus | null,
): { model: StockLedger; oversold: number; examples: string[] } {
  const { book, opening } = input;
  const model = new StockLedger(opening);
  const events: { at: number; i: number; take: boolean }[] = [];
  for (let i = 0; i < book.ids.length; i++) {
    const takenAt = book.ackAt[i] ?? 0;
    const releasedAt = releaseTime(book, i, status(i), takenAt);
    // Given back the moment it was taken (its closing answer was lost, or with --url the server's
    // clock is not the driver's): it held no room anyone else could have wanted.
    if (releasedAt !== null && releasedAt <= takenAt) continue;
    events.push({ at: takenAt, i, take: true });
    if (releasedAt !== null) events.push({ at: releasedAt, i, take: false });
  }
  // Releases first at one instant: the model gives the server every benefit of the doubt.
  events.sort((a, b) => a.at - b.at || Number(a.take) - Number(b.take) || a.i - b.i);
  const linesOf = (i: number) => (book.lines[i] ?? []).filter((l) => model.get(l.sku));
  const failed = new Set<number>();
  const examples: string[] = [];
  for (const { at, i, take } of events) {
    if (failed.has(i)) continue; // never counted as taken
    if (!take) {
      model.release(linesOf(i));
      continue;
    }
    const taken = model.reserve(linesOf(i));
    if (taken.ok) continue;
    failed.add(i);
    if (examples.length < EXAMPLES_MAX)
      examples.push(
        `${book.ids[i]}: acknowledged at ${new Date(at).toISOString()} with ${linesOf(i).find((l) => l.sku === taken.sku)?.qty} × ${taken.sku} while only ${model.get(taken.sku)?.available ?? 0} were not held by orders answered before it`,
      );
  }
  for (let i = 0; i < book.ids.length; i++)
    if (!failed.has(i) && status(i) === 'paid') model.commit(linesOf(i)); // paid: never released
  return { model, oversold: failed.size, examples };
}

/** When an order's units came back at the earliest; null when they never did (paid, or still held). */
function releaseTime(book: OrderBook, i: number, status: OrderStatus | null, takenAt: number): number | null {
  if (status !== 'cancelled' && status !== 'expired' && status !== 'forfeited') return null;
  const expected = book.expected[i];
  if (expected === 'any') return takenAt; // the answer was lost: it may have closed at once
  if (status === 'cancelled') return book.cancelSentAt.get(i) ?? takenAt;
  return book.deadlineAt[i]!; // the payment deadline, or once the deposit was in, the balance's
}

function compareStock(
  model: StockLedger,
  server: ReadonlyMap<string, Partial<SkuStock>>,
  dbStock: ReadonlyMap<string, SkuStock> | null,
): Pick<Evidence['stock'], 'rows' | 'identityBroken' | 'mismatched' | 'examples'> {
  const rows: StockRow[] = [];
  const examples: string[] = [];
  let identityBroken = 0;
  let mismatched = 0;
  for (const [sku, m] of model.skus()) {
    const s = server.get(sku) ?? {};
    const full = s.initial !== undefined;
    const stocked = (s.initial ?? 0) + (s.restocked ?? 0);
    const oversold = full
      ? Math.max(0, (s.sold ?? 0) + (s.reserved ?? 0) - stocked)
      : Math.max(0, -(s.available ?? 0));
    const identity =
      !full ||
      ((s.available ?? 0) >= 0 &&
        (s.reserved ?? 0) >= 0 &&
        (s.sold ?? 0) >= 0 &&
        stocked === (s.available ?? 0) + (s.reserved ?? 0) + (s.sold ?? 0));
    const db = dbStock?.get(sku);
    const dbMatches =
      !db || (db.available === s.available && db.reserved === s.reserved && db.sold === s.sold);
    const matches =
      s.available === m.available && (!full || (s.reserved === m.reserved && s.sold === m.sold)) && dbMatches;
    if (!identity) identityBroken += 1;
    if (!matches) mismatched += 1;
    if ((!identity || !matches) && examples.length < EXAMPLES_MAX) {
      examples.push(
        `${sku}: server ${JSON.stringify(s)}${db && !dbMatches ? ` database ${JSON.stringify(db)}` : ''} model ${JSON.stringify(m)}`,
      );
    }
    rows.push({ sku, server: s, model: { ...m }, oversold, matches: matches && identity });
  }
  return { rows, identityBroken, mismatched, examples };
}

async function catalogStock(client: ShopperClient): Promise<Map<string, Partial<SkuStock>>> {
  const reply = await client.call('catalog', 'GET', '/api/catalog', {});
  if (reply.status !== 200) throw new Error(`GET /api/catalog answered ${reply.status}`);
  type Item = { sku: string; stock: { available: number }; presaleStock?: { available: number } | null };
  return new Map(
    (reply.body.items as Item[]).flatMap((i) => {
      const spot: [string, Partial<SkuStock>] = [i.sku, { available: i.stock.available }];
      const pool = i.presaleStock;
      return pool
        ? [spot, [presalePoolOf(i.sku), { available: pool.available }] as [string, Partial<SkuStock>]]
        : [spot];
    }),
  );
}

/** The server's clock when the evidence is read, and how long past a deadline its timers may take. */
interface ServerClock {
  now: number;
  graceMs: number;
}

/**
 * With --url the server keeps its own clock (a drill's may run a day in minutes): its now is what
 * the catalogue says (`at`), and the grace runs at its pace, measured over two reads.
 */
async function serverClockOverHttp(input: VerifyInput): Promise<ServerClock> {
  const read = async () => {
    const reply = await input.client.call('catalog', 'GET', '/api/catalog', {});
    const at = reply.status === 200 ? Date.parse(reply.body.at) : Number.NaN;
    return { at, wall: performance.now() };
  };
  const first = await read();
  await new Promise((resolve) => setTimeout(resolve, CLOCK_PROBE_MS));
  const second = await read();
  if (!Number.isFinite(first.at) || !Number.isFinite(second.at))
    return { now: input.serverNow(), graceMs: input.expiryGraceMs };
  const pace = Math.max(1, (second.at - first.at) / Math.max(1, second.wall - first.wall));
  return { now: second.at, graceMs: input.expiryGraceMs * pace };
}

const CLOCK_PROBE_MS = 250;

/** Every order read back against what its answers imply. */
function checkReadBack(
  input: VerifyInput,
  found: ReadonlyMap<number, ServerOrder | null>,
  clock: ServerClock,
) {
  const { now } = clock;
  const { book } = input;
  const readBack: Evidence['readBack'] = {
    checked: found.size,
    viaDatabase: 0,
    viaHttp: 0,
    missing: 0,
    wrongStatus: 0,
    overdue: 0,
    overdueMsMax: 0,
    examples: [],
  };
  for (const [i, order] of found) {
    const problem =
      order === null
        ? 'not found'
        : order.buyerId !== book.buyers[i]
          ? `belongs to ${order.buyerId}`
          : statusProblem(book.expected[i]!, order, now, clock.graceMs, book.deadlineAt[i]!);
    if (problem === null) continue;
    let shown = problem;
    if (problem === OVERDUE) {
      const lateMs = now - book.deadlineAt[i]!;
      readBack.overdue += 1;
      readBack.overdueMsMax = Math.max(readBack.overdueMsMax, lateMs);
      shown = `still ${order!.status} ${fmt(Math.round(lateMs / 1000))} s (server clock) past its deadline: never closed, its stock still held`;
    } else if (order === null) readBack.missing += 1;
    else readBack.wrongStatus += 1;
    if (readBack.examples.length < EXAMPLES_MAX) {
      readBack.examples.push(`${book.ids[i]} (${book.buyers[i]}): ${shown}`);
    }
  }
  return readBack;
}

/**
 * The catalogue's stock with --url, and the pre-sale orders' statuses that go with it: the server's
 * own clock may forfeit a deposit (releasing its units) while we read, so the statuses are read
 * around the catalogue until they stand still.
 */
async function stableCatalogStock(
  input: VerifyInput,
  found: Map<number, ServerOrder | null>,
): Promise<Map<string, Partial<SkuStock>>> {
  const presale = [...input.book.presaleOrders];
  const statuses = async () => {
    const read = new Map<number, ServerOrder | null>();
    await readOverHttp(input, presale, read);
    return read;
  };
  let before = await statuses();
  for (let attempt = 0; ; attempt++) {
    const stock = await catalogStock(input.client);
    const after = presale.length === 0 ? before : await statuses();
    const still = presale.every((i) => (before.get(i)?.status ?? null) === (after.get(i)?.status ?? null));
    if (still || attempt === 4) {
      for (const [i, order] of after) found.set(i, order);
      return stock;
    }
    before = after;
  }
}

export async function collectEvidence(input: VerifyInput): Promise<Evidence> {
  const { book, engine } = input;
  const clock = engine
    ? { now: input.serverNow(), graceMs: input.expiryGraceMs }
    : await serverClockOverHttp(input);
  const snapshot = engine ? await engineSnapshot(engine, input.runTag, input.flashLimits, book) : null;
  const money = snapshot ? moneySince(engine, input.moneyMark ?? null) : null; // after the drain
  const found = new Map<number, ServerOrder | null>();
  let viaDatabase = 0;
  if (snapshot?.orders) {
    for (let i = 0; i < book.ids.length; i++) found.set(i, snapshot.orders.get(book.ids[i]!) ?? null);
    viaDatabase = book.ids.length;
  }
  const httpIndexes = sampleIndexes(book.ids.length, input.httpReadMax, input.seed);
  const overHttp = new Map<number, ServerOrder | null>();
  await readOverHttp(input, httpIndexes, overHttp);
  for (const [i, order] of overHttp) if (!found.has(i) || order === null) found.set(i, order);

  const readBack = checkReadBack(input, found, clock);
  readBack.viaDatabase = viaDatabase;
  readBack.viaHttp = overHttp.size;

  const server = snapshot ? snapshot.ledger : await stableCatalogStock(input, found);
  const replay = replayModel(
    input,
    modelStatusOf(book, clock, (i) => found.get(i)?.status ?? null),
  );
  const compared = compareStock(replay.model, server, snapshot?.stockRows ?? null);

  const bookIds = snapshot?.orders ? new Set(book.ids) : null;
  const strays: Stray[] = bookIds
    ? [...snapshot!.orders!].filter(([id]) => !bookIds.has(id)).map(([id, o]) => ({ id, buyer: o.buyerId }))
    : await straysOverHttp(input);
  const straysExcused = excusedStrays(strays, book.unknownCheckouts);
  let paidOnServer: number | null = snapshot?.payments?.paidOrders ?? null;
  let depositsOnServer: number | null = snapshot?.payments?.deposits ?? null;
  if (paidOnServer === null && found.size === book.ids.length) {
    paidOnServer = [...found.values()].filter((o) => o?.status === 'paid').length;
    depositsOnServer = [...book.presaleOrders].filter((i) =>
      DEPOSIT_IN.has(found.get(i)?.status ?? ''),
    ).length;
  }
  return {
    mode: engine ? 'in-process' : 'url',
    ordersAcknowledged: book.ids.length,
    readBack,
    stock: {
      rows: compared.rows,
      modelOversold: replay.oversold,
      identityBroken: compared.identityBroken,
      mismatched: compared.mismatched,
      examples: [...replay.examples, ...compared.examples].slice(0, EXAMPLES_MAX),
    },
    idempotency: {
      retried: book.counts.retriedKeys,
      violations: book.idempotencyViolationCount,
      strays: strays.length,
      straysExcused,
      unknownOutcomes: book.counts.unknownOutcomes,
      examples: [
        ...book.idempotencyViolations,
        ...strays.slice(0, 5).map((o) => `order ${o.id} (${o.buyer}) was never acknowledged`),
      ],
    },
    payments: {
      succeeded: snapshot?.payments?.succeeded ?? null,
      channelPaymentsSeen: book.counts.channelPayments,
      paidOnServer,
      paidSeen: book.counts.paid,
      depositsOnServer,
      depositsSeen: book.counts.depositsPaid,
      exact: paidOnServer !== null,
      money,
    },
    flash: snapshot?.flash ?? null,
    coupons: snapshot?.orders ? snapshot.coupons : await couponsOverHttp(input.client, book),
    errors: {
      count: book.errorCount,
      kinds: [...book.errors].sort((a, b) => b[1] - a[1]),
      examples: book.errorExamples,
    },
  };
}

/** A pre-sale order in one of these statuses had its deposit paid. */
const DEPOSIT_IN: ReadonlySet<string> = new Set(['deposit_paid', 'paid', 'forfeited']);

const fmt = (n: number) => n.toLocaleString('en-US');

/** Pure: the verdict on each invariant from the evidence. */
export function judge(e: Evidence): InvariantResult[] {
  const oversoldUnits = e.stock.rows.reduce((sum, r) => sum + r.oversold, 0) + e.stock.modelOversold;
  const lost = e.readBack.missing;
  const sampled = e.readBack.checked < e.ordersAcknowledged;
  const unexcused = e.idempotency.strays - e.idempotency.straysExcused;
  const p = e.payments;
  const paymentsAgree =
    (p.succeeded === null || p.succeeded === p.channelPaymentsSeen) &&
    (p.paidOnServer === null || p.paidOnServer === p.paidSeen) &&
    (p.depositsOnServer === null || p.depositsOnServer === p.depositsSeen) &&
    (p.money === null || p.money.takenFen === p.money.bookedFen);
  return [
    {
      id: 'oversold',
      zh: '超卖件数',
      en: 'Oversold units',
      status: oversoldUnits === 0 ? 'pass' : 'fail',
      value: oversoldUnits,
      detail:
        e.mode === 'in-process'
          ? `sold + reserved ≤ initial + restocked on all ${stockEntries(e.stock.rows)} (server ledger), and the model could place every acknowledged order`
          : `catalogue stock never negative on ${stockEntries(e.stock.rows)}, and the model could place every acknowledged order`,
      examples: oversoldUnits === 0 ? [] : e.stock.examples,
    },
    {
      id: 'lost',
      zh: '漏单（已确认订单丢失）',
      en: 'Lost acknowledged orders',
      status: lost === 0 && e.readBack.wrongStatus === 0 && e.readBack.overdue === 0 ? 'pass' : 'fail',
      value: lost,
      detail: `${fmt(e.readBack.checked)} of ${fmt(e.ordersAcknowledged)} acknowledged orders read back (${fmt(e.readBack.viaDatabase)} from the database, ${fmt(e.readBack.viaHttp)} by GET /api/orders/:id${sampled ? ', a seeded sample' : ''}): ${fmt(lost)} missing, ${fmt(e.readBack.wrongStatus)} in the wrong status${e.readBack.overdue > 0 ? `, ${fmt(e.readBack.overdue)} never closed at their deadline (up to ${fmt(Math.round(e.readBack.overdueMsMax / 1000))} s of server clock past it)` : ''}`,
      examples: e.readBack.examples,
    },
    {
      id: 'stock-identity',
      zh: '库存恒等式',
      en: 'Stock identity',
      status: e.stock.identityBroken === 0 && e.stock.mismatched === 0 ? 'pass' : 'fail',
      value: e.stock.identityBroken + e.stock.mismatched,
      detail:
        e.mode === 'in-process'
          ? `initial + restocked = available + reserved + sold on every SKU, and the server's ledger (and database) equal the reference model replayed from the acknowledged outcomes: ${e.stock.identityBroken} broken, ${e.stock.mismatched} differ`
          : `the catalogue's available stock equals the reference model replayed from the acknowledged outcomes: ${e.stock.mismatched} of ${stockEntries(e.stock.rows)} differ`,
      examples: e.stock.examples,
    },
    {
      id: 'idempotency',
      zh: '幂等（同一键不重复下单）',
      en: 'Idempotency',
      status: e.idempotency.violations === 0 && unexcused === 0 ? 'pass' : 'fail',
      value: e.idempotency.violations + unexcused,
      detail: `${fmt(e.idempotency.retried)} keys retried: ${fmt(e.idempotency.violations)} answered with another checkout; ${fmt(e.idempotency.strays)} orders nobody acknowledged${e.idempotency.unknownOutcomes > 0 ? ` (${fmt(e.idempotency.straysExcused)} of them by the buyers of the ${e.idempotency.unknownOutcomes} checkouts never answered, within what those could make)` : ''}`,
      examples: e.idempotency.examples,
    },
    {
      id: 'payments',
      zh: '支付笔数 = 已付订单',
      en: 'Payments = paid orders',
      status: paymentsAgree ? 'pass' : 'fail',
      value: p.paidSeen,
      detail: paymentsDetail(p),
      examples: [],
    },
    flashVerdict(e.flash),
    couponVerdict(e.coupons),
    {
      id: 'errors',
      zh: '意外应答',
      en: 'Unexpected answers',
      status: e.errors.count === 0 ? 'pass' : 'fail',
      value: e.errors.count,
      detail:
        e.errors.count === 0
          ? 'every answer was one a shopper can meet (no 5xx, no unexpected refusal, none missing)'
          : `${fmt(e.errors.count)} answers a rehearsal must not meet: ${e.errors.kinds
              .slice(0, 5)
              .map(([kind, n]) => `${kind} ×${fmt(n)}`)
              .join(', ')}`,
      examples: e.errors.examples,
    },
  ];
}

function paymentsDetail(p: Evidence['payments']): string {
  const succeeded =
    p.succeeded === null
      ? ''
      : `${fmt(p.succeeded)} succeeded payments for ${fmt(p.channelPaymentsSeen)} answered through a channel, `;
  const paid =
    p.paidOnServer === null
      ? 'paid orders on the server not all read back'
      : `${fmt(p.paidOnServer)} paid orders on the server`;
  const deposits =
    p.depositsOnServer === null && p.depositsSeen === 0
      ? ''
      : `; ${p.depositsOnServer === null ? '' : `${fmt(p.depositsOnServer)} pre-sale deposits on the server, `}${fmt(p.depositsSeen)} deposit answers`;
  const money =
    p.money === null
      ? ''
      : `; the channels kept ¥${fenToYuanGrouped(p.money.takenFen)}, payments booked ¥${fenToYuanGrouped(p.money.bookedFen)}`;
  return `${succeeded}${paid}, ${fmt(p.paidSeen)} paid answers${deposits}${money}`;
}

function flashVerdict(flash: FlashTally[] | null): InvariantResult {
  const base = {
    id: 'flash-sessions',
    zh: '秒杀限量与限购',
    en: 'Flash-session quantity and per-buyer limit',
  } as const;
  if (flash === null || flash.length === 0) {
    const why =
      flash === null ? 'read from the database when simulate starts the server' : 'no flash sessions';
    return { ...base, status: 'skip', value: 0, detail: `not checked: ${why}`, examples: [] };
  }
  const over = flash.filter((f) => f.units > f.quantity || f.buyerMax > f.perBuyer);
  return {
    ...base,
    status: over.length === 0 ? 'pass' : 'fail',
    value: over.length,
    detail: `${flash.length} sessions: ${flash.map((f) => `${f.id} ${fmt(f.units)}/${fmt(f.quantity)}`).join(', ')}; at most ${Math.max(...flash.map((f) => f.buyerMax))} per buyer`,
    examples: over.map(
      (f) =>
        `${f.id} (${f.sku}): ${f.units} units for a quantity of ${f.quantity}, a buyer got ${f.buyerMax} (limit ${f.perBuyer})`,
    ),
  };
}

export function exitCodeOf(invariants: readonly InvariantResult[]): 0 | 1 {
  return invariants.some((i) => i.status === 'fail') ? 1 : 0;
}

/** "48 SKUs and 4 pre-sale pools": the ledger entries checked, as the campaign names them. */
function stockEntries(rows: readonly StockRow[]): string {
  const pools = rows.filter((r) => poolOf(r.sku).presale).length;
  const skus = `${rows.length - pools} SKUs`;
  return pools === 0 ? skus : `${skus} and ${pools} pre-sale pool${pools === 1 ? '' : 's'}`;
}
