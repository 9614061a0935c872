// Payment channel health from the event log (DOMAIN.md §3: failover when a channel times out or
// fails). OrderPaid names the channel that took the money; PaymentFailedOver and PaymentFailed list
// every attempt, so the channels that erred or timed out, and those a payment left for another.
// PaymentRefunded and RefundFailed are charges a channel took that the sale could not book: the
// failed refunds are money the operators must give back by hand.
import { liveLimits } from './live-limits.ts';
import type { LiveChannel } from './live-snapshot.ts';
import { ratio } from './pacing.ts';

export interface Attempt {
  channel: string;
  outcome: string;
}

interface Counts {
  succeeded: number;
  errors: number;
  timeouts: number;
  failovers: number;
  refunded: number;
  refundsFailed: number;
}

/** Where channels beyond liveLimits.channelsMax are counted (callback names come from outside). */
export const OTHER_CHANNEL = 'other';
/** Fully discounted orders are paid without a channel. */
const NO_CHANNEL = 'none';

export class ChannelHealth {
  private readonly channels = new Map<string, Counts>();

  constructor(names: readonly string[] = []) {
    for (const name of names) this.counts(name);
  }

  paid(channel: string): void {
    if (channel !== NO_CHANNEL) this.counts(channel).succeeded += 1;
  }

  /** The attempts of one payment. A success among them is counted by its OrderPaid, not here. */
  attempts(attempts: readonly Attempt[]): void {
    attempts.forEach((attempt, i) => {
      const failed = attempt.outcome === 'error' || attempt.outcome === 'timeout';
      if (!failed) return;
      const counts = this.counts(attempt.channel);
      if (attempt.outcome === 'error') counts.errors += 1;
      else counts.timeouts += 1;
      if (i < attempts.length - 1) counts.failovers += 1;
    });
  }

  /** A charge the sale could not book, given back (or not) through the channel that took it. */
  refund(channel: string, ok: boolean): void {
    const counts = this.counts(channel);
    if (ok) counts.refunded += 1;
    else counts.refundsFailed += 1;
  }

  rows(): LiveChannel[] {
    return [...this.channels.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, c]) => ({
        name,
        ...c,
        successRate: ratio(c.succeeded, c.succeeded + c.errors + c.timeouts),
      }));
  }

  private counts(name: string): Counts {
    let counts = this.channels.get(name);
    if (counts) return counts;
    const key = this.channels.size < liveLimits.channelsMax ? name : OTHER_CHANNEL;
    counts = this.channels.get(key) ?? {
      succeeded: 0,
      errors: 0,
      timeouts: 0,
      failovers: 0,
      refunded: 0,
      refundsFailed: 0,
    };
    this.channels.set(key, counts);
    return counts;
  }
}
