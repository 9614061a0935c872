// The GMV target and its pacing curve (DOMAIN.md §7: GMV vs target). The plan splits the target
// over the campaign's phases (campaign file, `phases[].gmvShare`); within a phase the GMV is
// expected to accrue evenly, so by `now` the board expects
//   target × Σ over phases (share ÷ 100 × the part of the phase already gone).
import type { Campaign, CampaignPhase, Instant } from '../domain/campaign.ts';
import { percentOf } from '../domain/money.ts';
import { isOpenAt } from '../domain/window.ts';
import { formatInstant } from '../domain/zoned-time.ts';
import type { LiveCampaign, LiveGmv } from './live-snapshot.ts';

/** How much of a phase has gone by at `now`, from 0 to 1. A phase open on one side (no start or
 * no end) has no length to spread over: it counts in full once it has ended, else not at all. */
export function elapsedFraction(phase: CampaignPhase, now: Instant): number {
  const { startMs, endMs } = phase.window;
  if (endMs !== null && now >= endMs) return 1;
  if (startMs === null || endMs === null || now <= startMs) return 0;
  return (now - startMs) / (endMs - startMs);
}

/** GMV in fen the plan expects by `now`; null without a target or without phases. */
export function expectedGmvByNow(campaign: Campaign, now: Instant): number | null {
  const target = campaign.targets.gmvFen;
  if (target === null || campaign.phases.length === 0) return null;
  let share = 0;
  for (const phase of campaign.phases) share += (phase.gmvSharePercent / 100) * elapsedFraction(phase, now);
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

export function gmvPacing(campaign: Campaign, paid: number, placed: number, now: Instant): LiveGmv {
  const expectedByNow = expectedGmvByNow(campaign, now);
  return {
    paid,
    placed,
    target: campaign.targets.gmvFen,
    expectedByNow,
    pacingRatio: expectedByNow === null ? null : ratio(paid, expectedByNow),
    currentPhase: currentPhase(campaign, now),
  };
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
    })),
  };
}
