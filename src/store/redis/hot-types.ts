// What the Redis hot ledger takes and answers. Business outcomes are values with a stable code
// (STYLE.md: three kinds of error); bad input is an assert that throws; Redis errors are thrown.
import type { SkuStock, StockLine } from '../../domain/stock-ledger.ts';

export type { SkuStock, StockLine };

export interface StockOpening {
  sku: string;
  storeId: string;
  initial: number;
}

/** A limited offer of one store: a flash session, first-N units or gift stock. */
export interface OfferOpening {
  offerId: string;
  storeId: string;
  units: number;
}

/** Units one order takes from a limited offer; perBuyer caps what one buyer holds in total. */
export interface HotOfferTake {
  offerId: string;
  units: number;
  perBuyer?: number;
}

/** One store order: its stock lines and offer takes are reserved together or not at all. */
export interface HotReservation {
  orderId: string;
  storeId: string;
  buyerId: string;
  lines: readonly StockLine[];
  takes: readonly HotOfferTake[];
  /** Reserve time (epoch ms), supplied by the caller like every clock reading in dacu. */
  at: number;
}

export type HotReserveResult =
  | { ok: true }
  | { ok: false; code: 'OUT_OF_STOCK'; sku: string; available: number }
  | { ok: false; code: 'UNKNOWN_SKU'; sku: string }
  | { ok: false; code: 'FLASH_SOLD_OUT'; offerId: string; left: number }
  | { ok: false; code: 'FLASH_LIMIT_REACHED'; offerId: string; perBuyer: number }
  /** The offer was never opened in this store: refusing beats giving out unlimited units. */
  | { ok: false; code: 'UNKNOWN_OFFER'; offerId: string }
  /** A retry of an order already released (cancelled, expired or fenced by the reconciler). */
  | { ok: false; code: 'ALREADY_RELEASED' };

export type HotReserveFailure = Exclude<HotReserveResult, { ok: true }>;

export type ReservationState = 'reserved' | 'sold' | 'released';

/** Commit and release answer the record's state: ok when it is (now) the one asked for. */
export type FinishResult =
  | { ok: true; state: 'sold' | 'released' }
  | { ok: false; state: 'sold' | 'released' | 'missing' };

export interface OpenReservation {
  storeId: string;
  orderId: string;
  /** The store order's state; anything but 'reserved' marks a stray bucket part to release. */
  state: ReservationState | 'missing';
  at: number;
}

export interface HotLedgerOptions {
  /** Hot SKUs split into this many buckets (slots) when first opened. */
  buckets?: ReadonlyMap<string, number>;
  /** How long a finished reservation record is kept for replies to retries (0 = for ever). */
  finishedTtlSeconds?: number;
}

/** A promotion's or coupon's spend budget (a soft cap): once spent, the offer stops applying. */
export interface BudgetOpening {
  offerId: string;
  budgetFen: number;
}

/** What one order spends from one budget (the discount it gets from that offer). */
export interface BudgetTake {
  offerId: string;
  spentFen: number;
}

export type BudgetTakeResult =
  | { ok: true }
  | { ok: false; code: 'BUDGET_SPENT'; offerId: string; leftFen: number }
  /** The budget was never opened: refusing beats spending without a cap. */
  | { ok: false; code: 'UNKNOWN_BUDGET'; offerId: string };

export type BudgetTakeFailure = Exclude<BudgetTakeResult, { ok: true }>;

/** A take neither kept nor given back: the reconciler asks PostgreSQL what became of its order. */
export interface OpenBudgetTake {
  offerId: string;
  orderId: string;
  at: number;
}

/** One coupon claim (领券) into one wallet row. */
export interface CouponClaim {
  couponId: string;
  buyerId: string;
  /** The wallet row the coupon goes into: the claim's idempotency key. */
  walletId: string;
  /** Issue cap over all buyers; null = unlimited. */
  total: number | null;
  perBuyer: number;
  /** Claim time (epoch ms). */
  at: number;
}

export type CouponClaimResult =
  | { ok: true }
  | { ok: false; code: 'COUPON_SOLD_OUT'; total: number }
  | { ok: false; code: 'CLAIM_LIMIT_REACHED'; perBuyer: number };

export interface ClaimCounts {
  total: number;
  byBuyer: number;
}

/** A claim whose wallet row is not known to be in PostgreSQL yet. */
export interface OpenClaim {
  couponId: string;
  walletId: string;
  buyerId: string;
  at: number;
}
