// Paid GMV per minute of event time, over the whole campaign: what the pacing of the current phase
// and the GMV curve are summed from, so a board opened (or rebuilt from the log) mid-day shows the
// day so far, not just the last ten minutes of the series. A minute counts in a span when it starts
// inside it; campaign windows are whole minutes, so phase sums are exact.
import type { Instant } from '../domain/campaign.ts';
import { liveLimits } from './live-limits.ts';

const MINUTE_MS = 60_000;

export class PaidByMinute {
  /** Minute number (epoch ms ÷ 60 000) → fen paid in it; in arrival order, which is mostly time order. */
  private readonly minutes = new Map<number, number>();

  paid(at: Instant, fen: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    const before = this.minutes.get(minute);
    if (before === undefined && this.minutes.size >= liveLimits.paidMinutesMax) {
      // Bounded: the minute that came in first goes (the oldest, for a log read in order).
      this.minutes.delete(this.minutes.keys().next().value!);
    }
    this.minutes.set(minute, (before ?? 0) + fen);
  }

  /**
   * Paid GMV from `startMs` up to each of `times` (ascending): the minutes that start in
   * [startMs, t), and for the last time, when it is `now`, the minute under way too.
   */
  accrued(startMs: Instant, times: readonly Instant[], now: Instant): number[] {
    const last = times.at(-1) ?? startMs;
    const inSpan = [...this.minutes]
      .filter(([minute]) => minute * MINUTE_MS >= startMs && minute * MINUTE_MS <= last)
      .sort(([a], [b]) => a - b);
    const sums: number[] = [];
    let sum = 0;
    let next = 0;
    for (const t of times) {
      const upTo = t === now ? Math.floor(now / MINUTE_MS) + 1 : Math.ceil(t / MINUTE_MS);
      while (next < inSpan.length && inSpan[next]![0] < upTo) sum += inSpan[next++]![1];
      sums.push(sum);
    }
    return sums;
  }
}
