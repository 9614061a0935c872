// Every bound in dacu, named once (STYLE.md, TigerBeetle: put a limit on everything).
import { strict as assert } from 'node:assert';

export const limits = {
  /** Lines in one cart (and so in one checkout). */
  cartLinesMax: 100,
  /** Units of one SKU in one cart line. */
  lineQtyMax: 999,
  /** Coupons and red envelopes a buyer may present at one checkout. */
  walletItemsMax: 50,
  /** Stores, SKUs, promotions and coupons in one campaign file. */
  campaignStoresMax: 10_000,
  campaignSkusMax: 1_000_000,
  campaignPromotionsMax: 100_000,
  campaignCouponsMax: 100_000,
  /** Tiers in one threshold or ladder promotion. */
  tiersMax: 20,
  /** Pace points in one phase (one an hour over a day, with room for the peaks). */
  pacePointsMax: 100,
  /** SKUs in one bundle. */
  bundleSkusMax: 10,
  /** Writes in one group commit (one transaction): a full batch is sealed and sent, and the next
   *  fills while it is written (1,024 beat 512 and 4,096 in bench/orders-inprocess.ts). */
  groupCommitBatchMax: 1024,
  /** Payment deadlines expired per timer tick. */
  timersPerTickMax: 1000,
  /** Orders returned by one "my orders" page. */
  ordersPageMax: 100,
  /** Length of an Idempotency-Key header. */
  idempotencyKeyLengthMax: 128,
  /** Largest price or amount in a campaign (10 million yuan in fen): keeps every sum exact. */
  moneyFenMax: 1_000_000_000,
} as const;

// A whole cart at the largest prices still sums exactly in a double.
assert(limits.cartLinesMax * limits.lineQtyMax * limits.moneyFenMax <= Number.MAX_SAFE_INTEGER);
assert(limits.walletItemsMax >= 10, 'the bench wallet (8 coupons + 2 red envelopes) must fit');
