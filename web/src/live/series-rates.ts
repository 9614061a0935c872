// Rates from the series buckets (the server sends 10-second ones); the pacing curve itself comes
// ready from the server (snapshot.gmv.curve).
import type { LiveSnapshot, SeriesPoint } from '../api/types.ts';
import { toMs } from '../format/time.ts';

/** The width of the series buckets in ms: the median gap between them (10 s from dacu serve). */
export function bucketMs(series: readonly SeriesPoint[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < series.length; i++) {
    const a = toMs(series[i - 1]!.t);
    const b = toMs(series[i]!.t);
    if (a !== null && b !== null && b > a) gaps.push(b - a);
  }
  gaps.sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : 1000;
}

/** Per-second rates from the series buckets, whatever their width. */
export function perSecond(series: readonly SeriesPoint[]): { t: number; placed: number; paid: number }[] {
  const widthS = bucketMs(series) / 1000;
  const out: { t: number; placed: number; paid: number }[] = [];
  for (const s of series) {
    const t = toMs(s.t);
    if (t !== null) out.push({ t, placed: s.placed / widthS, paid: s.paid / widthS });
  }
  return out;
}

/**
 * Orders per second on a busy sale; per minute on a quiet one (the rate now and every bucket of
 * the series below one a second), where per-second figures would read 0.0–0.3 all day.
 */
export type RateUnit = 'second' | 'minute';

export function rateUnit(s: {
  series: LiveSnapshot['series'];
  orders: Pick<LiveSnapshot['orders'], 'perSecond'>;
}): RateUnit {
  if (s.orders.perSecond >= 1) return 'second';
  return perSecond(s.series).some((r) => r.placed >= 1 || r.paid >= 1) ? 'second' : 'minute';
}

/** How many of `unit` in a second. */
export function perUnit(unit: RateUnit): number {
  return unit === 'minute' ? 60 : 1;
}
