// Whether Redis still holds every count PostgreSQL's orders and wallets stand on (shared backend).
// Redis runs ahead of PostgreSQL, never behind it: a reservation, an offer unit, a budget spend
// and a coupon claim are counted in Redis before their order or wallet row is written, and given
// back only after the order closed. So a Redis count below the database's is a loss: a Redis that
// came back from an older RDB snapshot, an AOF that missed its last second, a replica promoted
// while it lagged. Serving on it would sell those units a second time, so a server refuses to
// start, `dacu redis check` names the counters, and `dacu redis rebuild` replays the database.
import type { CampaignIndex } from '../../domain/campaign-index.ts';
import { stockOpenings } from '../../domain/stock-pools.ts';
import type { RedisHotLedger } from '../../store/redis/redis-hot-ledger.ts';
import type { PostgresTradeStore } from '../../store/sql/postgres-trade-store.ts';
import { claimsHeld, offersHeld, stockHeld } from '../../store/sql/sale-holdings.ts';
import { budgetOpenings, unitOffersOf } from './shared-offers.ts';

export type CounterKind = 'stock' | 'offer' | 'budget' | 'coupon';

/** A counter Redis holds less on than the database: units, fen or claims. */
export interface CounterLoss {
  counter: CounterKind;
  id: string;
  /** What Redis counts as held (reserved + sold, taken, spent, claimed); null = the counter is gone. */
  redis: number | null;
  /** What the database's orders and wallets hold. */
  database: number;
}

/**
 * The counters of one kind where Redis holds less than the database. `ids` are the counters the
 * campaign opens: one Redis no longer has is a loss even at 0 (a checkout would meet an unknown
 * SKU, a claim a cap counted from nothing).
 */
export function countersBehind(
  counter: CounterKind,
  ids: Iterable<string>,
  database: ReadonlyMap<string, number>,
  redis: ReadonlyMap<string, number>,
): CounterLoss[] {
  const losses: CounterLoss[] = [];
  for (const id of new Set([...ids, ...database.keys()])) {
    const held = database.get(id) ?? 0;
    const counted = redis.get(id);
    if (counted === undefined) losses.push({ counter, id, redis: null, database: held });
    else if (counted < held) losses.push({ counter, id, redis: counted, database: held });
  }
  return losses;
}

/**
 * How long an order or claim may be in flight between its take in Redis and its row in
 * PostgreSQL (a group commit, a server's clock a little ahead): rows newer than this are left out.
 */
export const AUDIT_SETTLE_MS = 10_000;

/**
 * Reads both sides and compares them; an empty list means Redis holds at least what the database
 * does. Other servers may be selling meanwhile, so Redis is read first, then the database, and
 * only the database's rows from before `asOf` count: an order closed in between (the database
 * first, Redis after) then counts on Redis's side only, and one placed in between (Redis first,
 * the database after) on neither. A loss newer than `asOf` is missed; the audit runs at a start,
 * which comes after whatever Redis lost.
 */
export async function auditCounters(
  index: CampaignIndex,
  store: PostgresTradeStore,
  hot: RedisHotLedger,
  asOf = Number.POSITIVE_INFINITY,
): Promise<CounterLoss[]> {
  const stockIds = stockOpenings(index.campaign.catalog).map((o) => o.sku);
  const unitOffers = unitOffersOf(index);
  const budgets = new Set(budgetOpenings(index).map((b) => b.offerId));
  const couponIds = index.campaign.coupons.map((c) => c.id);
  // What Redis took, against what it opened with (not the campaign file, which may have changed).
  const [redisStock, offerTaken, budgetSpent, claimTotals] = await Promise.all([
    hot.stockOf(stockIds),
    hot.offerTaken([...unitOffers.keys()]),
    hot.budgetSpent([...budgets]),
    claimedTotals(hot, couponIds),
  ]);
  const [stock, offers, claims] = await Promise.all([
    stockHeld(store.db, asOf),
    offersHeld(store.db, asOf),
    claimsHeld(store.db, asOf),
  ]);
  // What the database holds of SKUs and coupons the campaign no longer has (read last: rare).
  const gone = <T>(held: ReadonlyMap<string, T>, known: ReadonlyMap<string, unknown>) =>
    [...held.keys()].filter((id) => !known.has(id));
  for (const [id, s] of await hot.stockOf(gone(stock, redisStock))) redisStock.set(id, s);
  for (const [id, n] of await claimedTotals(hot, gone(claims, claimTotals))) claimTotals.set(id, n);
  const held = <T>(
    m: ReadonlyMap<string, T>,
    count: (v: T) => number,
    keep: (id: string) => boolean = () => true,
  ) => new Map([...m].filter(([id]) => keep(id)).map(([id, v]) => [id, count(v)]));
  const reservedOrSold = (s: { reserved: number; sold: number }) => s.reserved + s.sold;
  return [
    ...countersBehind('stock', stockIds, held(stock, reservedOrSold), held(redisStock, reservedOrSold)),
    ...countersBehind(
      'offer',
      unitOffers.keys(),
      held(
        offers,
        (o) => o.units,
        (id) => unitOffers.has(id),
      ),
      offerTaken,
    ),
    ...countersBehind(
      'budget',
      budgets,
      held(
        offers,
        (o) => o.spentFen,
        (id) => budgets.has(id),
      ),
      budgetSpent,
    ),
    // A coupon's counts exist from its first claim on: a coupon never claimed has nothing to lose.
    ...countersBehind('coupon', [], claims, claimTotals),
  ];
}

/** Coupons claimed per coupon, over all buyers, as Redis counts them (0 before any claim). */
async function claimedTotals(
  hot: RedisHotLedger,
  couponIds: readonly string[],
): Promise<Map<string, number>> {
  const totals = await Promise.all(couponIds.map((id) => hot.claimCounts(id, '')));
  return new Map(couponIds.map((id, i) => [id, totals[i]!.total]));
}

/** One line per loss, for the CLI and the refusal at start. */
export function describeLoss(loss: CounterLoss): string {
  const unit = loss.counter === 'budget' ? 'fen spent' : loss.counter === 'coupon' ? 'claimed' : 'units held';
  const redis = loss.redis === null ? 'no counter' : `${loss.redis} ${unit}`;
  return `${loss.counter} ${loss.id}: Redis ${redis}, the database's orders ${loss.database}`;
}
