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

/** Reads both sides and compares them; an empty list means Redis holds at least what the database does. */
export async function auditCounters(
  index: CampaignIndex,
  store: PostgresTradeStore,
  hot: RedisHotLedger,
): Promise<CounterLoss[]> {
  const stockIds = stockOpenings(index.campaign.catalog).map((o) => o.sku);
  const unitOffers = unitOffersOf(index);
  const budgets = new Set(budgetOpenings(index).map((b) => b.offerId));
  const [stock, offers, claims] = await Promise.all([
    stockHeld(store.db),
    offersHeld(store.db),
    claimsHeld(store.db),
  ]);
  // What Redis took, against what it opened with (not the campaign file, which may have changed).
  const [redisStock, offerTaken, budgetSpent, claimTotals] = await Promise.all([
    hot.stockOf([...new Set([...stockIds, ...stock.keys()])]),
    hot.offerTaken([...unitOffers.keys()]),
    hot.budgetSpent([...budgets]),
    Promise.all([...claims.keys()].map(async (id) => [id, (await hot.claimCounts(id, '')).total] as const)),
  ]);
  const pick = <T>(m: ReadonlyMap<string, T>, keep: (id: string) => boolean, f: (v: T) => number) =>
    new Map([...m].filter(([id]) => keep(id)).map(([id, v]) => [id, f(v)]));
  return [
    ...countersBehind(
      'stock',
      stockIds,
      pick(
        stock,
        () => true,
        (s) => s.reserved + s.sold,
      ),
      pick(
        redisStock,
        () => true,
        (s) => s.reserved + s.sold,
      ),
    ),
    ...countersBehind(
      'offer',
      unitOffers.keys(),
      pick(
        offers,
        (id) => unitOffers.has(id),
        (o) => o.units,
      ),
      offerTaken,
    ),
    ...countersBehind(
      'budget',
      budgets,
      pick(
        offers,
        (id) => budgets.has(id),
        (o) => o.spentFen,
      ),
      budgetSpent,
    ),
    // A coupon's counts exist from its first claim on: a coupon never claimed has nothing to lose.
    ...countersBehind('coupon', [], claims, new Map(claimTotals)),
  ];
}

/** One line per loss, for the CLI and the refusal at start. */
export function describeLoss(loss: CounterLoss): string {
  const unit = loss.counter === 'budget' ? 'fen spent' : loss.counter === 'coupon' ? 'claimed' : 'units held';
  const redis = loss.redis === null ? 'no counter' : `${loss.redis} ${unit}`;
  return `${loss.counter} ${loss.id}: Redis ${redis}, the database's orders ${loss.database}`;
}
