// The pacing curve: how much GMV the plan expects by each moment (phase targets spread evenly over
// each phase, DOMAIN.md §1 "进程表") against what has been paid.
import type { LiveSnapshot, PhaseView, SeriesPoint } from '../api/types.ts';
import { toMs } from '../format/time.ts';

export interface Point {
  t: number;
  v: number;
}

interface TimedPhase {
  startMs: number;
  endMs: number;
  targetFen: number;
  id: string;
}

function timedPhases(phases: readonly PhaseView[], targetFen: number | null): TimedPhase[] {
  const out: TimedPhase[] = [];
  for (const phase of phases) {
    const startMs = toMs(phase.start);
    const endMs = toMs(phase.end);
    if (startMs === null || endMs === null || endMs <= startMs) continue;
    const targetFromShare = targetFen === null ? null : Math.round((targetFen * phase.gmvSharePercent) / 100);
    const phaseTarget = phase.targetGmv ?? targetFromShare;
    if (phaseTarget === null) continue;
    out.push({ startMs, endMs, targetFen: phaseTarget, id: phase.id });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Cumulative expected GMV at every phase boundary; straight lines between them. */
export function expectedCurve(phases: readonly PhaseView[], targetFen: number | null): Point[] {
  const points: Point[] = [];
  let cumulative = 0;
  for (const phase of timedPhases(phases, targetFen)) {
    points.push({ t: phase.startMs, v: cumulative });
    cumulative += phase.targetFen;
    points.push({ t: phase.endMs, v: cumulative });
  }
  return points;
}

export function valueAt(curve: readonly Point[], t: number): number | null {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!first || !last) return null;
  if (t <= first.t) return first.v;
  if (t >= last.t) return last.v;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (t <= b.t) return b.t === a.t ? b.v : a.v + ((b.v - a.v) * (t - a.t)) / (b.t - a.t);
  }
  return last.v;
}

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

/**
 * Paid GMV over time from the series (GMV paid within each bucket, `t` its start), anchored on the
 * running total: at the end of the last bucket it is `paidTotal`, at the end of each earlier one
 * that minus what the later ones took.
 */
export function actualCurve(series: readonly SeriesPoint[], paidTotal: number, atMs: number): Point[] {
  const width = bucketMs(series);
  const points: Point[] = [];
  let after = 0;
  for (let i = series.length - 1; i >= 0; i--) {
    const bucket = series[i]!;
    const t = toMs(bucket.t);
    if (t === null) continue;
    points.push({ t: Math.min(t + width, atMs), v: Math.max(0, paidTotal - after) });
    after += bucket.gmvPaid;
    if (i === 0) points.push({ t, v: Math.max(0, paidTotal - after) });
  }
  points.reverse();
  const last = points[points.length - 1];
  if (!last || last.t < atMs) points.push({ t: atMs, v: paidTotal });
  return points;
}

/** Two curves of the same quantity merged by time; where both have a point, `b` wins. */
export function mergeCurves(a: readonly Point[], b: readonly Point[]): Point[] {
  const byTime = new Map<number, number>();
  for (const p of a) byTime.set(p.t, p.v);
  for (const p of b) byTime.set(p.t, p.v);
  return [...byTime].sort(([x], [y]) => x - y).map(([t, v]) => ({ t, v }));
}

/** The span the pacing chart shows: the current phase, else the whole plan, else the series. */
export function pacingWindow(snapshot: LiveSnapshot): { startMs: number; endMs: number } | null {
  const phases = snapshot.campaign.phases;
  const current = phases.find((p) => p.id === snapshot.gmv.currentPhase);
  const currentStart = toMs(current?.start);
  const currentEnd = toMs(current?.end);
  if (currentStart !== null && currentEnd !== null) return { startMs: currentStart, endMs: currentEnd };
  const starts = phases.map((p) => toMs(p.start)).filter((t): t is number => t !== null);
  const ends = phases.map((p) => toMs(p.end)).filter((t): t is number => t !== null);
  if (starts.length > 0 && ends.length > 0) return { startMs: Math.min(...starts), endMs: Math.max(...ends) };
  const times = snapshot.series.map((s) => toMs(s.t)).filter((t): t is number => t !== null);
  const atMs = toMs(snapshot.at);
  if (times.length === 0 || atMs === null) return null;
  return { startMs: Math.min(...times), endMs: atMs };
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
