// Every bound of the rehearsal's driver, in one place (STYLE.md: limits).
import { CONCURRENCY_MAX } from './http-client.ts';

export const simLimits = {
  ordersMax: 10_000_000,
  shoppersMax: 12_500_000,
  speedMax: 8_640_000,
  concurrencyMax: CONCURRENCY_MAX,
  /** Sessions alive at once per connection (waiting for a connection, or for a late payment). */
  livePerConnection: 8,
  liveMin: 256,
  /** After the cap or an abort: how long shoppers under way may take to finish. */
  drainMsMax: 60_000,
  /** How long to wait for unpaid orders to reach their deadlines before reading back. */
  settleMsMax: 60_000,
  /** Acknowledged orders read back over HTTP when the database is at hand too. */
  httpReadInProcess: 5_000,
  /** Requests waiting for a connection, per connection, before new shoppers wait too. */
  queuedPerConnectionMax: 1,
  /** How far (in wall ms) the simulated clock may run past the next shopper not yet sent. */
  clockSlackWallMs: 2,
  /** Sessions started per turn of the event loop before letting the answers in. */
  startsPerTurn: 64,
  /** How often the shoppers' thread reports its counters to the progress bar. */
  progressEveryMs: 200,
  /**
   * The shoppers' thread runs this much nicer than the server (Linux; nice is at most 19): the load
   * generator yields the cores to the server it rehearses. At the same priority the scheduler
   * shared them evenly, and the server's event loop, which bounds the rate, got ~87% of a core.
   */
  shopperThreadNiceStep: 10,
  /**
   * The shoppers' thread's young generation (V8 resourceLimits.maxYoungGenerationSizeMb).
   * Thousands of live shopper sessions survive every scavenge; at the default size that thread
   * scavenged ~350 times in a 30 s run (2.6 s), at 128 ~100 times (1.2 s), and the server got that
   * CPU back (30 s runs, three pairs back to back: +2% to +10% requests/s). V8 makes each of the
   * two semi-spaces a third of this, rounded up to a power of two: 64 MB against 16 MB by default
   * (new space peaks at 128 MB against 32 MB), and any value from 97 to 192 gives the same.
   */
  shopperYoungGenerationMb: 128,
} as const;
