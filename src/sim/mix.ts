// The mix of shopper behaviours, in one place (src/sim/README.md, "Behaviours"): how often each
// step is planned, and the bounds of each behaviour. No imports, so every behaviour file can read it.

export const MIX = {
  roleWeight: { hero: 6, featured: 3, regular: 1 },
  /** Cart lines: 1, 2, 3, 4. */
  cartLineWeights: [55, 25, 13, 7],
  /** Units of one line: 1, 2, 3. */
  qtyWeights: [85, 12, 3],
  browseFirst: 0.25,
  quoteFirst: 0.35,
  topUpWhenQuoted: 0.5,
  retrySameKey: 0.05,
  /** After placing: pay at once, pay late, abandon, cancel. */
  afterWeights: [75, 8, 10, 7],
  rushPays: 0.9,
  browseQuotes: 0.4,
  /** Simulated delays, up to (a late payment, a change of mind). */
  payLateMsMax: 10 * 60_000,
  cancelMsMax: 5 * 60_000,
  /** A top-up hint worth following: at most this much more to spend (fen). */
  topUpNeededMax: 50_000,
  topUpQtyMax: 3,
  buyerPoolShare: 0.6,
  /** 领券: shoppers who claim coupons before checking out, and what they go for. */
  claimCoupons: 0.2,
  /** …a platform or category coupon as well as their stores' coupons; a red envelope. */
  claimPlatform: 0.5,
  claimEnvelope: 0.5,
  /** Claims per shopper, at most (a wallet of a few, never the limit of 50). */
  claimsMax: 3,
  /** 预售: shoppers arriving while a pre-sale takes deposits who put its SKU in their cart. */
  presaleShare: 0.08,
  /** Deposit payers who come back for the balance; the others forfeit their deposit. */
  balancePays: 0.8,
  /** Balances are paid in the first part of the balance window (the rest is margin). */
  balanceWindowUsed: 0.9,
  /** 收银台: the channel a shopper names, by the server's order (Alipay-like, WeChat-like, the rest). */
  payChannelWeights: [55, 35, 10],
} as const;
