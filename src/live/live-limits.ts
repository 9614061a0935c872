// Every bound of the live board, named once (STYLE.md: put a limit on everything).
import { strict as assert } from 'node:assert';

export const liveLimits = {
  /** Unpaid orders whose lines are remembered until they close; the oldest are forgotten first. */
  openOrdersMax: 200_000,
  /** Shoppers the funnel counts (about 70 bytes each); those past it are left out, and counted as such. */
  funnelBuyersMax: 1_000_000,
  /** Shared backends: how often a server sends its funnel reaches and reads the sale's counts back, */
  funnelSyncMs: 1_000,
  /** …the shoppers waiting to be sent at most (more are left out), and the shoppers per script call. */
  funnelPendingMax: 100_000,
  funnelBatchMax: 1_000,
  /** Rows in the top SKU and top category tables. */
  topRows: 10,
  /** Stock alerts in one snapshot (sold out first, then the lowest). */
  stockAlertsMax: 50,
  /** Distinct payment channel names tracked; more are counted under "other". */
  channelsMax: 32,
  /** Nearest payment deadlines shown. */
  nextDeadlines: 5,
  /** Window of the orders-per-second figure. */
  rateWindowSeconds: 10,
  /** The series: buckets of this many seconds over this many seconds. */
  seriesBucketSeconds: 10,
  seriesSpanSeconds: 600,
  /** Minutes of paid GMV kept for the pacing curve: 62 days, a whole festival season. */
  paidMinutesMax: 62 * 24 * 60,
  /** The pacing curve: this many even steps over the span it draws. */
  pacingCurveSteps: 96,
  /** Events read from the log per poll. */
  tailPageSize: 1000,
  /**
   * How long the tail waits for a seq it skipped (its transaction may commit after higher seqs'
   * on PostgreSQL) before giving it up as rolled back. Writes end well within a minute (a group
   * commit is a handful of statements, and the reconciler takes an order write still open after
   * 30 s for stalled and fences it); a transaction open for five is not coming back.
   */
  tailMissingWaitMs: 5 * 60_000,
  /** Runs of skipped seqs waited for at once; past it the oldest is given up. A transaction in
   * flight leaves a run, or several when its inserts interleave with another's; every poll sends
   * the list (an index probe per run). */
  tailMissingRunsMax: 10_000,
  /** Open SSE streams per server. */
  streamsMax: 200,
} as const;

assert(liveLimits.seriesSpanSeconds % liveLimits.seriesBucketSeconds === 0);
assert(liveLimits.rateWindowSeconds <= liveLimits.seriesSpanSeconds);
