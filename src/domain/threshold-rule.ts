// Spend-X-save-Y rules shared by store threshold discounts and the cross-store discount
// (PRICING.md §2–3). The base is always the activity-price amount (parallel thresholds).
import type { ThresholdRule } from './campaign.ts';
import type { Fen } from './money.ts';

/** What the rule saves on `baseFen`: the highest tier reached, or floor(base/every)×save capped. */
export function thresholdSaving(rule: ThresholdRule, baseFen: Fen): Fen {
  if (rule.type === 'tiers') {
    let save = 0;
    for (const tier of rule.tiers) if (baseFen >= tier.spendFen) save = tier.saveFen;
    return save;
  }
  const raw = Math.floor(baseFen / rule.everyFen) * rule.saveFen;
  return rule.maxSaveFen === null ? raw : Math.min(raw, rule.maxSaveFen);
}

/** The next step the base does not reach yet: how much more to spend and how much more it saves. */
export function nextThresholdStep(
  rule: ThresholdRule,
  baseFen: Fen,
): { neededFen: Fen; savesFen: Fen } | null {
  const now = thresholdSaving(rule, baseFen);
  if (rule.type === 'tiers') {
    const next = rule.tiers.find((tier) => tier.spendFen > baseFen);
    return next ? { neededFen: next.spendFen - baseFen, savesFen: next.saveFen - now } : null;
  }
  const nextBase = (Math.floor(baseFen / rule.everyFen) + 1) * rule.everyFen;
  const saves = thresholdSaving(rule, nextBase) - now;
  return saves > 0 ? { neededFen: nextBase - baseFen, savesFen: saves } : null;
}
