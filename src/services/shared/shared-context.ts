// What the services of a shared-backend server hold: the embedded engine's context (campaign,
// store, group commit, channels, clock; its ledger and offer counters are read mirrors here), the
// Redis hot ledger that owns stock and offer units, and the PostgreSQL order book that owns order
// state.
import type { RedisHotLedger } from '../../store/redis/redis-hot-ledger.ts';
import type { PostgresOrderBook } from '../../store/sql/postgres-order-book.ts';
import type { TradeContext } from '../trade-context.ts';
import type { UnitOffer } from './shared-offers.ts';

export interface SharedContext {
  ctx: TradeContext;
  hot: RedisHotLedger;
  book: PostgresOrderBook;
  unitOffers: ReadonlyMap<string, UnitOffer>;
  unitOfferIds: readonly string[];
  /** SKUs whose counters just changed here: the catalogue mirror reads them again from Redis. */
  refreshMirror(skus: readonly string[]): Promise<void>;
}
