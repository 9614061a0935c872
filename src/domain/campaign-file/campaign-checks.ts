// Checks across the whole campaign: ids unique, the catalog, phases, targets, and each
// promotion and coupon. Runs on every item that passed its own shape, so all problems show at once.
import type { CampaignPhase } from '../campaign.ts';
import { formatInstant } from '../zoned-time.ts';
import { checkCatalog } from './catalog-checks.ts';
import { checkCoupon } from './coupon-checks.ts';
import { checkFlashSessions } from './flash-sessions.ts';
import type { PathSegment, Problems } from './problems.ts';
import { type CheckContext, checkPromotion } from './promotion-checks.ts';
import type { Listed, Sections } from './read-document.ts';
import { checkCategory, collectNames, writtenText } from './references.ts';
import { checkWindow } from './windows.ts';

export function checkCampaign(sections: Sections, problems: Problems): void {
  const ctx: CheckContext = { names: collectNames(sections), timeZone: sections.timeZone };
  checkUniqueIds(sections, problems);
  checkCatalog(sections, ctx.names, problems);
  checkPhases(sections.phases, ctx.timeZone, problems);
  checkTargets(sections, ctx, problems);
  sections.promotions.items.forEach((p, i) => {
    if (p !== null) checkPromotion(p, ctx, problems.at('promotions', i));
  });
  checkFlashSessions(sections.promotions.items, ctx.timeZone, problems);
  sections.coupons.items.forEach((c, i) => {
    if (c !== null) checkCoupon(c, ctx, problems.at('coupons', i));
  });
}

/** Promotion and coupon ids share one namespace: a quote's applied[] mixes them (campaign-file.md). */
function checkUniqueIds(sections: Sections, problems: Problems): void {
  const unique = (groups: readonly [string, Listed<unknown>][], key: string) => {
    const firstSeen = new Map<string, string>();
    for (const [section, listed] of groups) {
      writtenText(listed, key).forEach((id, i) => {
        if (id === null) return;
        const where = `${section}[${i}]`;
        const earlier = firstSeen.get(id);
        if (earlier === undefined) firstSeen.set(id, where);
        else problems.add([section, i, key], `duplicate id "${id}": already used by ${earlier}`);
      });
    }
  };
  unique([['stores', sections.stores]], 'id');
  unique([['memberships', sections.memberships]], 'id');
  unique([['catalog', sections.catalog]], 'sku');
  unique([['phases', sections.phases]], 'id');
  unique(
    [
      ['promotions', sections.promotions],
      ['coupons', sections.coupons],
    ],
    'id',
  );
}

/** Phases are consecutive stretches of the sale: they may touch but not overlap. */
function checkPhases(phases: Listed<CampaignPhase>, timeZone: string, problems: Problems): void {
  const valid: [number, CampaignPhase][] = [];
  phases.items.forEach((phase, i) => {
    if (phase === null) return;
    checkWindow(phase.window, ['start', 'end'], problems.at('phases', i), timeZone);
    if (phase.window.endMs! > phase.window.startMs!) {
      valid.push([i, phase]);
      checkPace(phase, timeZone, problems.at('phases', i));
    }
  });
  valid.sort(([, a], [, b]) => a.window.startMs! - b.window.startMs!);
  for (let k = 1; k < valid.length; k++) {
    const [i, phase] = valid[k]!;
    const [, before] = valid[k - 1]!;
    if (phase.window.startMs! < before.window.endMs!) {
      const at = (ms: number) => formatInstant(ms, timeZone);
      problems.add(
        ['phases', i, 'start'],
        `phase "${phase.id}" starts at ${at(phase.window.startMs!)}, before phase "${before.id}" ends at ${at(before.window.endMs!)}: phases may not overlap`,
      );
    }
  }
  const shares = phases.items.map((phase) => phase?.gmvSharePercent ?? 0);
  if (sumOfPercents(shares) > 100) {
    problems.add(['phases'], `gmvShare adds up to ${sumOfPercents(shares)}%, more than 100%`);
  }
}

/** A phase's pace: moments inside the phase, in order, each expecting at least what came before. */
function checkPace(phase: CampaignPhase, timeZone: string, problems: Problems): void {
  const at = (ms: number) => formatInstant(ms, timeZone);
  const { startMs, endMs } = phase.window;
  (phase.pace ?? []).forEach((point, k) => {
    const before = phase.pace![k - 1];
    if (point.atMs <= startMs! || point.atMs >= endMs!) {
      problems.add(
        ['pace', k, 'at'],
        `${at(point.atMs)} is not inside the phase (${at(startMs!)} – ${at(endMs!)}): the pace starts at 0% and ends at 100% by itself`,
      );
    } else if (before && point.atMs <= before.atMs) {
      problems.add(
        ['pace', k, 'at'],
        `pace points must follow each other: ${at(point.atMs)} is not after ${at(before.atMs)}`,
      );
    }
    if (before && point.percent < before.percent) {
      problems.add(
        ['pace', k, 'percent'],
        `the pace is cumulative: ${point.percent}% is less than the ${before.percent}% expected by ${at(before.atMs)}`,
      );
    }
  });
}

function checkTargets(sections: Sections, ctx: CheckContext, problems: Problems): void {
  const shares = sections.header?.target?.categoryShare;
  if (shares === undefined) return;
  const path: PathSegment[] = ['campaign', 'target', 'categoryShare'];
  for (const category of Object.keys(shares))
    checkCategory(ctx.names, category, problems.at(...path, category));
  const sum = sumOfPercents(Object.values(shares));
  if (sum > 100) problems.add(path, `category shares add up to ${sum}%, more than 100%`);
}

/** Percents carry two decimals; summed in basis points so 33.33 + 33.33 + 33.34 is exactly 100. */
function sumOfPercents(percents: readonly number[]): number {
  return percents.reduce((sum, percent) => sum + Math.round(percent * 100), 0) / 100;
}
