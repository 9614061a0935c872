// The GMV target and its pacing curve (DOMAIN.md §7: GMV vs target). The plan splits the target
// over the campaign's phases (campaign file, `phases[].gmvShare`); within a phase the GMV accrues
// along the phase's pace (`phases[].pace`), else evenly, so by `now` the board expects
//   target × Σ over phases (share ÷ 100 × the part of the share the pace expects by now).
import type { Campaign, CampaignPhase, Instant } from '../domain/campaign.ts';
import { percentOf } from '../domain/money.ts';
import { isOpenAt } from '../domain/window.ts';
import { formatInstant, parseInstant } from '../domain/zoned-time.ts';
import { liveLimits } from './live-limits.ts';
import type { LiveCampaign, LiveGmv, LivePacingCurve, LivePhasePacing } from './live-snapshot.ts';
import type { PaidByMinute } from './paid-by-minute.ts';

/**
 * How much of a phase's share the plan expects by `now`, from 0 to 1: along the phase's pace
 * (straight lines between its points, from 0 at the start to 1 at the end), else evenly. A phase
 * open on one side (no start or no end) has no length to spread over: it counts in full once it
 * has ended, else not at all.
 */
export function expectedFraction(phase: CampaignPhase, now: Instant): number {
  const { startMs, endMs } = phase.window;
  if (endMs !== null && now >= endMs) return 1;
  if (startMs === null || endMs === null || now <= startMs) return 0;
  let from = { atMs: startMs, percent: 0 };
  for (const point of [...(phase.pace ?? []), { atMs: endMs, percent: 100 }]) {
    if (now < point.atMs) {
      const along = (now - from.atMs) / (point.atMs - from.atMs);
      return (from.percent + (point.percent - from.percent) * along) / 100;
    }
    from = point;
  }
  return 1;
}

/** GMV in fen the plan expects by `now`; null without a target or without phases. */
export function expectedGmvByNow(campaign: Campaign, now: Instant): number | null {
  const target = campaign.targets.gmvFen;
  if (target === null || campaign.phases.length === 0) return null;
  let share = 0;
  for (const phase of campaign.phases) share += (phase.gmvSharePercent / 100) * expectedFraction(phase, now);
  // A pacing figure, not money that moves: rounded once, here.
  return Math.round(target * share);
}

export function currentPhase(campaign: Campaign, now: Instant): string | null {
  return campaign.phases.find((phase) => isOpenAt(phase.window, now))?.id ?? null;
}

/** A ratio rounded to 4 decimals (0.8765 = 87.65%); null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/** GMV paid and placed, against the whole plan and against the current phase. */
export interface GmvTotals {
  paid: number;
  placed: number;
  byMinute: PaidByMinute;
}

export function gmvPacing(campaign: Campaign, totals: GmvTotals, now: Instant): LiveGmv {
  const { paid, placed, byMinute } = totals;
  const expectedByNow = expectedGmvByNow(campaign, now);
  const span = curveSpan(campaign, now);
  const { curve, paidByNow } = pacingCurve(campaign, span, byMinute, now);
  return {
    paid,
    placed,
    target: campaign.targets.gmvFen,
    expectedByNow,
    pacingRatio: expectedByNow === null ? null : ratio(paid, expectedByNow),
    currentPhase: currentPhase(campaign, now),
    phase: span.phase && phasePacing(span.phase, paidByNow, span.expectedAt(now)),
    curve,
  };
}

interface Span {
  startMs: Instant;
  endMs: Instant;
}

/** What the curve spans, and what the plan expects at each moment of it (counted from its start). */
interface CurveSpan extends Span {
  scope: LivePacingCurve['scope'];
  /** Moments the curve must have a point at (the phase boundaries of a whole plan). */
  cornersMs: Instant[];
  expectedAt: (t: Instant) => number | null;
  /** The phase under way, with its share of the target, when the span is that phase. */
  phase: { id: string; name: string; target: number | null } | null;
}

/** The phase under way against its own share: on 11.11 the day's plan, whatever came before. */
function phasePacing(
  phase: NonNullable<CurveSpan['phase']>,
  paid: number,
  expectedByNow: number | null,
): LivePhasePacing {
  return {
    ...phase,
    paid,
    expectedByNow,
    pacingRatio: expectedByNow === null ? null : ratio(paid, expectedByNow),
  };
}

/** The current phase when it has a start and an end (a share spreads only over those), else the
 * whole plan, else the day in the campaign's zone. */
function curveSpan(campaign: Campaign, now: Instant): CurveSpan {
  const current = campaign.phases.find((p) => isOpenAt(p.window, now));
  const { startMs, endMs } = current?.window ?? { startMs: null, endMs: null };
  if (current && startMs !== null && endMs !== null) {
    const target =
      campaign.targets.gmvFen === null ? null : percentOf(campaign.targets.gmvFen, current.gmvSharePercent);
    return {
      scope: 'phase',
      startMs,
      endMs,
      cornersMs: paceTimes(current),
      // A pacing figure, not money that moves: rounded once, here.
      expectedAt: (t) => (target === null ? null : Math.round(target * expectedFraction(current, t))),
      phase: { id: current.id, name: current.name, target },
    };
  }
  const bounded = campaign.phases.filter((p) => p.window.startMs !== null && p.window.endMs !== null);
  if (bounded.length > 0) {
    return {
      scope: 'plan',
      startMs: Math.min(...bounded.map((p) => p.window.startMs!)),
      endMs: Math.max(...bounded.map((p) => p.window.endMs!)),
      cornersMs: bounded.flatMap((p) => [p.window.startMs!, p.window.endMs!, ...paceTimes(p)]),
      expectedAt: (t) => expectedGmvByNow(campaign, t),
      phase: null,
    };
  }
  return {
    scope: 'day',
    ...dayOf(now, campaign.timezone),
    cornersMs: [],
    expectedAt: () => null,
    phase: null,
  };
}

function paceTimes(phase: CampaignPhase): Instant[] {
  return (phase.pace ?? []).map((point) => point.atMs);
}

/** The calendar day holding `now` in the zone: from its midnight to the next. */
function dayOf(now: Instant, timeZone: string): Span {
  const midnight = (at: Instant) =>
    parseInstant(`${formatInstant(at, timeZone).slice(0, 10)}T00:00`, timeZone)!;
  const startMs = midnight(now);
  return { startMs, endMs: midnight(startMs + 36 * 3_600_000) };
}

/**
 * Paid GMV against the plan over the span, from its start, and what was paid in it by now (the
 * last point at or before now: now itself whenever now is inside the span).
 */
function pacingCurve(
  campaign: Campaign,
  span: CurveSpan,
  byMinute: PaidByMinute,
  now: Instant,
): { curve: LivePacingCurve; paidByNow: number } {
  const { startMs, endMs } = span;
  const steps = liveLimits.pacingCurveSteps;
  const times = new Set<number>();
  for (let k = 0; k <= steps; k++) times.add(Math.round(startMs + ((endMs - startMs) * k) / steps));
  for (const t of [now, ...span.cornersMs]) if (t > startMs && t < endMs) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const past = sorted.filter((t) => t <= now);
  const paid = byMinute.accrued(startMs, past, now);
  const tz = campaign.timezone;
  const curve: LivePacingCurve = {
    scope: span.scope,
    start: formatInstant(startMs, tz),
    end: formatInstant(endMs, tz),
    points: sorted.map((t, k) => ({
      t: formatInstant(t, tz),
      expected: span.expectedAt(t),
      paid: k < past.length ? paid[k]! : null,
    })),
  };
  return { curve, paidByNow: paid.at(-1) ?? 0 };
}

export function liveCampaign(campaign: Campaign): LiveCampaign {
  const tz = campaign.timezone;
  const target = campaign.targets.gmvFen;
  return {
    id: campaign.id,
    name: campaign.name,
    timezone: tz,
    targetGmv: target,
    targetOrders: campaign.targets.orders,
    phases: campaign.phases.map((phase) => ({
      id: phase.id,
      name: phase.name,
      start: phase.window.startMs === null ? null : formatInstant(phase.window.startMs, tz),
      end: phase.window.endMs === null ? null : formatInstant(phase.window.endMs, tz),
      gmvSharePercent: phase.gmvSharePercent,
      targetGmv: target === null ? null : percentOf(target, phase.gmvSharePercent),
      pace: (phase.pace ?? []).map((point) => ({
        at: formatInstant(point.atMs, tz),
        percent: point.percent,
      })),
    })),
  };
}
