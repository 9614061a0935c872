// The day a rehearsal plays is the festival's own day, whatever its date.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../domain/campaign.ts';
import { parseCampaign } from '../domain/campaign-file.ts';
import { saleDayOf } from './sale-day.ts';

const DAY_MS = 86_400_000;
const parsed = parseCampaign(
  readFileSync(new URL('../../examples/demo/campaign.yaml', import.meta.url), 'utf8'),
  'campaign.yaml',
);
if (!parsed.ok) throw new Error('the demo campaign must parse');
const demo = parsed.campaign;
const NOW = Date.parse('2026-11-25T00:00:00Z');

/** The demo a month later: 11.11's flash sessions (and every other window) on 12.11. */
function shifted(campaign: Campaign, ms: number): Campaign {
  const move = <T extends { startMs: number | null; endMs: number | null }>(w: T): T => ({
    ...w,
    startMs: w.startMs === null ? null : w.startMs + ms,
    endMs: w.endMs === null ? null : w.endMs + ms,
  });
  return {
    ...campaign,
    promotions: campaign.promotions.map((p) => ({ ...p, window: move(p.window) })),
    phases: campaign.phases.map((p) => ({ ...p, window: move(p.window) })),
  } as Campaign;
}

describe('the day a rehearsal plays', () => {
  it("is the demo's 11.11, with its three flash sessions", () => {
    const day = saleDayOf(demo, NOW);
    expect(day.date).toBe('2026-11-11');
    expect(day.flash.map((f) => f.offsetMs / 3_600_000)).toEqual([0, 10, 20]);
  });

  it('follows the flash sessions to another festival day (12.11 here), not 11.11', () => {
    const day = saleDayOf(shifted(demo, 30 * DAY_MS), NOW);
    expect(day.date).toBe('2026-12-11');
    expect(day.flash.map((f) => f.offsetMs / 3_600_000)).toEqual([0, 10, 20]);
  });

  it('without flash sessions, plays the day its busiest phase (most target a day) begins', () => {
    const noFlash = { ...demo, promotions: demo.promotions.filter((p) => p.kind !== 'flash-sale') };
    const busiest = [...demo.phases].sort(
      (a, b) =>
        b.gmvSharePercent / ((b.window.endMs! - b.window.startMs!) / DAY_MS) -
        a.gmvSharePercent / ((a.window.endMs! - a.window.startMs!) / DAY_MS),
    )[0]!;
    const expected = new Date(busiest.window.startMs! + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(saleDayOf(noFlash, NOW).date).toBe(expected);
    expect(saleDayOf(shifted(noFlash, 31 * DAY_MS), NOW).date).not.toBe(expected);
  });
});
