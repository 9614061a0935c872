// Expected business outcomes that end a request, with a stable code (STYLE.md: errors are values).
// The HTTP status of every code lives here, in one table.
import { poolOf } from '../domain/stock-pools.ts';

export const PROBLEM_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  /** A request the HTTP layer refuses for another reason (bad URL encoding, wrong Content-Length). */
  BAD_REQUEST: 400,
  /** Answered by the HTTP parser's edge only (api/client-errors.ts): headers over the limit, too slow. */
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  EMPTY_CART: 400,
  TOO_MANY_LINES: 400,
  INVALID_QUANTITY: 400,
  DUPLICATE_SKU: 400,
  WALLET_TOO_LARGE: 400,
  DUPLICATE_WALLET_ITEM: 400,
  UNKNOWN_SKU: 422,
  /** A restock of a SKU's pre-sale pool, for a SKU that has none (no presaleStock in the campaign). */
  NO_PRESALE_POOL: 422,
  UNKNOWN_COUPON: 422,
  UNKNOWN_MEMBERSHIP: 422,
  UNAUTHENTICATED: 401,
  /** An operator's sign-in with a wrong username or password. */
  INVALID_CREDENTIALS: 401,
  /** Signed in, but the role may not do this. */
  FORBIDDEN: 403,
  NOT_YOUR_ORDER: 403,
  ORDER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  OUT_OF_STOCK: 409,
  NOT_INFLATABLE: 422,
  INFLATION_CLOSED: 409,
  INFLATION_TASKS_DONE: 409,
  ORDER_FORFEITED: 409,
  DEPOSIT_ALREADY_PAID: 409,
  BALANCE_WINDOW_NOT_OPEN: 409,
  BALANCE_WINDOW_CLOSED: 409,
  COUPON_NOT_IN_WALLET: 422,
  COUPON_ALREADY_USED: 409,
  UNKNOWN_COUPON_TEMPLATE: 404,
  CLAIM_WINDOW_CLOSED: 409,
  COUPON_SOLD_OUT: 409,
  CLAIM_LIMIT_REACHED: 409,
  UNKNOWN_FLASH_SESSION: 422,
  FLASH_SESSION_NOT_OPEN: 409,
  FLASH_SESSION_ENDED: 409,
  FLASH_SOLD_OUT: 409,
  /** A sold-out SKU pointed to a substitute that has nothing to sell either. */
  SUBSTITUTE_SOLD_OUT: 409,
  /** A sold-out action for a SKU that still has plenty to sell. */
  SKU_IN_STOCK: 409,
  FLASH_LIMIT_REACHED: 409,
  PRICE_MISMATCH: 409,
  ORDER_ALREADY_PAID: 409,
  ORDER_CANCELLED: 409,
  ORDER_EXPIRED: 409,
  PAYMENT_IN_PROGRESS: 409,
  REQUEST_IN_PROGRESS: 409,
  CALLBACK_SIGNATURE_INVALID: 401,
  DUPLICATE_PAYMENT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYMENT_FAILED: 402,
  PAYMENT_DECLINED: 402,
  /** A channel took the money but the payment could not be saved: it was given back (extra.refund). */
  PAYMENT_NOT_RECORDED: 503,
  SERVICE_UNAVAILABLE: 503,
  /** A callback for a charge that was given back (it could not be booked): it pays nothing. */
  PAYMENT_REFUNDED: 409,
  /** A callback whose amount is not what the order owes now: it pays nothing (and is refunded). */
  PAYMENT_AMOUNT_MISMATCH: 409,
  /** A callback whose reference already paid another order: it pays nothing, and is not refunded. */
  PAYMENT_REF_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** A sale mechanic the shared PostgreSQL + Redis backend does not run yet. */
  INTERNAL: 500,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

export interface Problem {
  code: ProblemCode;
  detail: string;
  /** Where in the request, e.g. lines[2].qty. */
  path?: string;
  /** Extra machine-readable facts (e.g. the SKU that ran out and what is left). */
  extra?: Record<string, unknown>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export const fail = (
  code: ProblemCode,
  detail: string,
  more: Omit<Problem, 'code' | 'detail'> = {},
): { ok: false; problem: Problem } => ({
  ok: false,
  problem: { code, detail, ...more },
});

/** Not enough stock of a ledger entry: named by its SKU, with the pool when it is the pre-sale one. */
export function outOfStock(stockId: string, available: number): Outcome<never> {
  const { sku, presale } = poolOf(stockId);
  return presale
    ? fail('OUT_OF_STOCK', `not enough pre-sale stock of ${sku}`, {
        extra: { sku, available, pool: 'presale' },
      })
    : fail('OUT_OF_STOCK', `not enough stock of ${sku}`, { extra: { sku, available } });
}
