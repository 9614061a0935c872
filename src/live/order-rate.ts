// Orders per second and the last ten minutes, from event times (not arrival times), so a board
// rebuilt from the log after a restart shows the same curve. Per-second counters, kept only for
// the span the series covers. Both are read as of an instant the board has every event before
// (the tail reads the log a poll behind); the series ends with the last whole bucket before it: a
// bucket still filling reads low, and the curve would always dip at its end.
import type { Instant } from '../domain/campaign.ts';
import { formatInstant } from '../domain/zoned-time.ts';
import { liveLimits } from './live-limits.ts';
import type { LiveSeriesPoint } from './live-snapshot.ts';

interface SecondCounts {
  placed: number;
  paid: number;
  gmvPaid: number;
}

const SPAN_S = liveLimits.seriesSpanSeconds;
const BUCKET_S = liveLimits.seriesBucketSeconds;
const WINDOW_S = liveLimits.rateWindowSeconds;

export class OrderRate {
  private readonly seconds = new Map<number, SecondCounts>();
  private newestSecond = Number.NEGATIVE_INFINITY;

  placed(at: Instant): void {
    const counts = this.at(at);
    if (counts) counts.placed += 1;
  }

  paid(at: Instant, payableFen: number): void {
    const counts = this.at(at);
    if (!counts) return;
    counts.paid += 1;
    counts.gmvPaid += payableFen;
  }

  /** Orders placed per second over the last WINDOW_S seconds up to `asOf` (the current one at most a tenth). */
  perSecond(asOf: Instant): number {
    const last = Math.floor(asOf / 1000);
    let placed = 0;
    for (let s = last - WINDOW_S + 1; s <= last; s++) placed += this.seconds.get(s)?.placed ?? 0;
    return Math.round((placed / WINDOW_S) * 10) / 10;
  }

  /** SPAN_S ÷ BUCKET_S buckets, oldest first, the last one the whole bucket before `asOf`. */
  series(asOf: Instant, timeZone: string): LiveSeriesPoint[] {
    const lastBucket = Math.floor(asOf / 1000 / BUCKET_S) - 1;
    const points: LiveSeriesPoint[] = [];
    for (let b = lastBucket - SPAN_S / BUCKET_S + 1; b <= lastBucket; b++) {
      const point = { t: formatInstant(b * BUCKET_S * 1000, timeZone), placed: 0, paid: 0, gmvPaid: 0 };
      for (let s = b * BUCKET_S; s < (b + 1) * BUCKET_S; s++) {
        const counts = this.seconds.get(s);
        if (!counts) continue;
        point.placed += counts.placed;
        point.paid += counts.paid;
        point.gmvPaid += counts.gmvPaid;
      }
      points.push(point);
    }
    return points;
  }

  /** The counters of the second holding `at`; null when it is older than the span kept. */
  private at(at: Instant): SecondCounts | null {
    const second = Math.floor(at / 1000);
    if (second > this.newestSecond) {
      this.newestSecond = second;
      this.prune();
    }
    if (second <= this.newestSecond - SPAN_S) return null;
    let counts = this.seconds.get(second);
    if (!counts) {
      counts = { placed: 0, paid: 0, gmvPaid: 0 };
      this.seconds.set(second, counts);
    }
    return counts;
  }

  private prune(): void {
    for (const second of this.seconds.keys())
      if (second <= this.newestSecond - SPAN_S) this.seconds.delete(second);
  }
}
