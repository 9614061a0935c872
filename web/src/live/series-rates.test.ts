import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../api/types.ts';
import { bucketMs, perSecond, perUnit, rateUnit } from './series-rates.ts';

const T0 = Date.parse('2026-11-11T20:00:00+08:00');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe('rates from the series', () => {
  const series: SeriesPoint[] = [
    { t: at(0), placed: 2, paid: 1, gmvPaid: 1_000 },
    { t: at(10), placed: 0, paid: 0, gmvPaid: 0 },
    { t: at(20), placed: 5, paid: 3, gmvPaid: 4_000 },
  ];

  it('reads the bucket width from the gaps', () => {
    expect(bucketMs(series)).toBe(10_000);
    expect(bucketMs([series[0]!])).toBe(1_000);
  });

  it('turns bucket counts into per-second rates', () => {
    expect(perSecond(series).map((p) => p.placed)).toEqual([0.2, 0, 0.5]);
    expect(perSecond(series).map((p) => p.paid)).toEqual([0.1, 0, 0.3]);
  });

  it('counts per minute on a quiet sale, per second once anything reaches one a second', () => {
    const quiet = { series, orders: { perSecond: 0.3 } };
    expect(rateUnit(quiet)).toBe('minute');
    expect(perUnit(rateUnit(quiet))).toBe(60);
    expect(rateUnit({ ...quiet, orders: { perSecond: 1.2 } })).toBe('second');
    const burst = [...series, { t: at(30), placed: 10, paid: 0, gmvPaid: 0 }];
    expect(rateUnit({ series: burst, orders: { perSecond: 0 } })).toBe('second');
  });
});
