import { describe, expect, it } from 'vitest';
import type { PhaseView, SeriesPoint } from '../api/types.ts';
import { actualCurve, bucketMs, expectedCurve, mergeCurves, perSecond, valueAt } from './pacing.ts';

const phase = (id: string, start: string, end: string, share: number): PhaseView => ({
  id,
  name: id,
  start,
  end,
  gmvSharePercent: share,
  targetGmv: null,
});

const T0 = Date.parse('2026-11-11T20:00:00+08:00');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe('the expected pacing curve', () => {
  const phases = [
    phase('climax', '2026-11-11T00:00:00+08:00', '2026-11-12T00:00:00+08:00', 70),
    phase('warm-up', '2026-11-01T00:00:00+08:00', '2026-11-11T00:00:00+08:00', 30),
  ];
  const curve = expectedCurve(phases, 1_000_000);

  it('accumulates each phase’s share of the target, phases in time order', () => {
    expect(curve.map((p) => p.v)).toEqual([0, 300_000, 300_000, 1_000_000]);
  });

  it('spreads a phase evenly over its window', () => {
    expect(valueAt(curve, Date.parse('2026-11-11T12:00:00+08:00'))).toBe(650_000);
    expect(valueAt(curve, Date.parse('2026-10-01T00:00:00+08:00'))).toBe(0);
    expect(valueAt(curve, Date.parse('2026-12-01T00:00:00+08:00'))).toBe(1_000_000);
  });

  it('is empty without a target', () => {
    expect(expectedCurve(phases, null)).toEqual([]);
    expect(valueAt([], T0)).toBeNull();
  });
});

describe('the paid curve from the series', () => {
  const series: SeriesPoint[] = [
    { t: at(0), placed: 2, paid: 1, gmvPaid: 1_000 },
    { t: at(10), placed: 0, paid: 0, gmvPaid: 0 },
    { t: at(20), placed: 5, paid: 3, gmvPaid: 4_000 },
  ];

  it('reads the bucket width from the gaps', () => {
    expect(bucketMs(series)).toBe(10_000);
  });

  it('ends at the running total and steps back by what each bucket took', () => {
    const curve = actualCurve(series, 10_000, T0 + 25_000);
    expect(curve).toEqual([
      { t: T0, v: 5_000 },
      { t: T0 + 10_000, v: 6_000 },
      { t: T0 + 20_000, v: 6_000 },
      { t: T0 + 25_000, v: 10_000 },
    ]);
  });

  it('turns bucket counts into per-second rates', () => {
    expect(perSecond(series).map((p) => p.placed)).toEqual([0.2, 0, 0.5]);
  });

  it('merges what the page saw with the series, the series winning at equal times', () => {
    expect(
      mergeCurves(
        [
          { t: 1, v: 1 },
          { t: 3, v: 3 },
        ],
        [
          { t: 2, v: 2 },
          { t: 3, v: 4 },
        ],
      ),
    ).toEqual([
      { t: 1, v: 1 },
      { t: 2, v: 2 },
      { t: 3, v: 4 },
    ]);
  });
});
