// What the shoppers saw: every store order the server acknowledged (201), what became of it as far
// as the answers tell, and the counters of the run. The invariant checks compare this with what
// the server says afterwards. Columnar arrays, because a rehearsal may acknowledge a million orders.
import type { StockLine } from '../domain/stock-ledger.ts';

/**
 * What the server must say about an acknowledged order at the end:
 * paid / cancelled / expired / forfeited: that status; open: pending_payment until its deadline,
 * then expired (abandoned, or a payment that failed); deposit: a pre-sale whose deposit is paid,
 * deposit_paid until its balance deadline, then forfeited (the balance never came); any: the
 * answer was lost, so only its existence is known.
 */
export type Expected = 'paid' | 'cancelled' | 'expired' | 'forfeited' | 'open' | 'deposit' | 'any';

export interface AcknowledgedStoreOrder {
  id: string;
  storeId: string;
  payable: number;
  deadlineAt: number;
  /** A pre-sale order (预售): the deposit is paid now, the balance in its window (epoch ms). */
  presale?: {
    deposit: number;
    balance: number;
    balanceStartsAt: number | null;
    balanceEndsAt: number | null;
  } | null;
}

/** Problems kept verbatim for the report; beyond this many only counts are kept. */
export const EXAMPLES_MAX = 20;

export class OrderBook {
  readonly ids: string[] = [];
  readonly buyers: string[] = [];
  readonly expected: Expected[] = [];
  /** The payment deadline; once a pre-sale's deposit is paid, its balance deadline. */
  readonly deadlineAt: number[] = [];
  /** Indexes of the pre-sale orders (few: a set, not a column). */
  readonly presaleOrders = new Set<number>();
  readonly payable: number[] = [];
  /** Every order's units (the reference stock model replays them), and the server clock when its
   *  201 arrived (after the server reserved). */
  readonly lines: StockLine[][] = [];
  readonly ackAt: number[] = [];
  /** Cancelled orders: the server clock when the cancel was sent (before the server released). */
  readonly cancelSentAt = new Map<number, number>();

  readonly counts = {
    sessions: 0,
    browseOnly: 0,
    rush: 0,
    catalogViews: 0,
    quotes: 0,
    topUps: 0,
    /** Top-ups after which the discount they went for grew (the threshold was reached). */
    topUpsReached: 0,
    /** 领券: claims answered 201, refused (sold out, limit, window), never answered. */
    couponsClaimed: 0,
    claimsRefused: 0,
    claimsUnknown: 0,
    /** Checkouts that presented coupons or red envelopes in their wallet. */
    walletCheckouts: 0,
    /** POST /api/orders with a fresh Idempotency-Key. */
    checkoutsAttempted: 0,
    checkoutsAcknowledged: 0,
    substitutions: 0,
    priceChanges: 0,
    /** Checkouts whose answer never came, even after retrying the same key. */
    unknownOutcomes: 0,
    retriedKeys: 0,
    payments: 0,
    paid: 0,
    /** Payments answered 200 that went through a channel (not covered in full by red envelopes). */
    channelPayments: 0,
    /** Shoppers who came back to pay after a while. */
    payLate: 0,
    paymentFailures: 0,
    /** 预售: deposits paid, balances paid, deposit payers who never came back for the balance, and
     *  balances still to come when the run stopped (the time cap or Ctrl-C came first). */
    depositsPaid: 0,
    balancesPaid: 0,
    balancesSkipped: 0,
    balancesCutShort: 0,
    cancelled: 0,
    abandoned: 0,
    expiredBeforePaying: 0,
  };
  paidFen = 0;
  /** Refusals that are business outcomes (OUT_OF_STOCK, PRICE_MISMATCH, …), per code. */
  readonly rejected = new Map<string, number>();
  /** OUT_OF_STOCK answers per SKU that ran out (售罄). */
  readonly soldOut = new Map<string, number>();
  /** Answers that should not happen (5xx, an unexpected 4xx, no answer at all), per endpoint:code. */
  readonly errors = new Map<string, number>();
  readonly errorExamples: string[] = [];
  /** A retried Idempotency-Key that answered with another checkout, or made a second one. */
  readonly idempotencyViolations: string[] = [];
  idempotencyViolationCount = 0;
  /** Buyers who retried a key (their order lists are checked for strays). */
  readonly retryBuyers = new Set<string>();
  /**
   * Buyers whose checkout was never answered, with the most store orders those checkouts could
   * have made (one per store in the cart): only these may hold orders nobody acknowledged.
   */
  readonly unknownCheckouts = new Map<string, number>();
  /** Buyers who got a claim answered 201, with how many (their wallets are read back with --url). */
  readonly claimsByBuyer = new Map<string, number>();

  /** The book again, from its structured clone (it comes from the shoppers' thread). */
  static revive(data: OrderBook): OrderBook {
    return Object.assign(new OrderBook(), data);
  }

  get ordersAcknowledged(): number {
    return this.ids.length;
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }

  /** Records a 201: one entry per store order; returns their indexes. */
  acknowledge(
    buyer: string,
    orders: readonly AcknowledgedStoreOrder[],
    linesOf: (order: AcknowledgedStoreOrder, k: number) => StockLine[],
    at: number,
  ) {
    this.counts.checkoutsAcknowledged += 1;
    return orders.map((order, k) => {
      const index = this.ids.length;
      this.ids.push(order.id);
      this.buyers.push(buyer);
      this.expected.push('open');
      this.deadlineAt.push(order.deadlineAt);
      this.payable.push(order.payable);
      this.lines.push(linesOf(order, k));
      this.ackAt.push(at);
      if (order.presale) this.presaleOrders.add(index);
      return index;
    });
  }

  markPaid(index: number): void {
    this.expected[index] = 'paid';
    this.counts.paid += 1;
    this.paidFen += this.payable[index]!;
  }

  /** A pre-sale's deposit is in: its units stay held until the balance is paid or forfeited. */
  markDepositPaid(index: number, balanceEndsAt: number | null): void {
    this.expected[index] = 'deposit';
    this.deadlineAt[index] = balanceEndsAt ?? Number.POSITIVE_INFINITY;
    this.counts.depositsPaid += 1;
  }

  claimed(buyer: string): void {
    this.counts.couponsClaimed += 1;
    this.claimsByBuyer.set(buyer, (this.claimsByBuyer.get(buyer) ?? 0) + 1);
  }

  markClosed(index: number, status: 'cancelled' | 'expired' | 'forfeited'): void {
    this.expected[index] = status;
  }

  /** The pay or cancel answer was lost: the order may be in any state now. */
  markUnknown(index: number): void {
    this.expected[index] = 'any';
  }

  /** A checkout never answered, even after retrying its key: it may have made up to `stores` orders. */
  checkoutUnknown(buyer: string, stores: number): void {
    this.counts.unknownOutcomes += 1;
    this.unknownCheckouts.set(buyer, (this.unknownCheckouts.get(buyer) ?? 0) + stores);
  }

  reject(code: string): void {
    this.rejected.set(code, (this.rejected.get(code) ?? 0) + 1);
  }

  outOfStock(sku: unknown): void {
    const key = typeof sku === 'string' ? sku : '?';
    this.soldOut.set(key, (this.soldOut.get(key) ?? 0) + 1);
  }

  error(endpoint: string, status: number, code: string | undefined, detail: string, times = 1): void {
    const key = `${endpoint} ${status === 0 ? 'no answer' : status}${code ? ` ${code}` : ''}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + times);
    if (this.errorExamples.length < EXAMPLES_MAX) this.errorExamples.push(`${key}: ${detail}`);
  }

  idempotencyViolation(detail: string): void {
    this.idempotencyViolationCount += 1;
    if (this.idempotencyViolations.length < EXAMPLES_MAX) this.idempotencyViolations.push(detail);
  }

  /** Acknowledged orders the server decides about at their deadline (abandoned, failed payments,
   *  balances never paid). */
  openOrders(): number[] {
    const open: number[] = [];
    for (let i = 0; i < this.expected.length; i++) {
      const expected = this.expected[i];
      if (expected === 'open' || expected === 'deposit') open.push(i);
    }
    return open;
  }
}
