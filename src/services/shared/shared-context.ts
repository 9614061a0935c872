// What the services of a shared-backend server hold: the embedded engine's context (campaign,
// store, group commit, channels, clock; its ledger and offer counters are read mirrors here), the
// Redis hot ledger that owns stock, offer units, budgets and coupon claims, and the PostgreSQL
// order and wallet books that own order and wallet state.
import type { RedisHotLedger } from '../../store/redis/redis-hot-ledger.ts';
import type { RedisNotices } from '../../store/redis/redis-notices.ts';
import type { PostgresOrderBook } from '../../store/sql/postgres-order-book.ts';
import type { PostgresWalletBook } from '../../store/sql/postgres-wallet-book.ts';
import type { TradeContext } from '../trade-context.ts';
import type { UnitOffer } from './shared-offers.ts';

export interface SharedContext {
  ctx: TradeContext;
  hot: RedisHotLedger;
  book: PostgresOrderBook;
  wallets: PostgresWalletBook;
  unitOffers: ReadonlyMap<string, UnitOffer>;
  unitOfferIds: readonly string[];
  /** Promotions and coupons with a spend budget, counted in Redis. */
  budgetIds: ReadonlySet<string>;
  /** Operators' changes told to and heard from the other servers of the sale. */
  notices: RedisNotices;
  /** Restocks (their ids) this server has seen applied in Redis: a reconciler pass skips them. */
  restocksSeen: Set<string>;
  /** The instant of the sold-out action this server holds per SKU (ctx.soldOutActions). */
  soldOutActionAt: Map<string, number>;
  /** SKUs whose counters just changed here: the catalogue mirror reads them again from Redis. */
  refreshMirror(skus: readonly string[]): Promise<void>;
}
