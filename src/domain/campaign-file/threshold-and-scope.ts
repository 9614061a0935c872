// The parts shared by several promotion and coupon kinds: the spend-X-save-Y rule of store and
// cross-store threshold discounts, and the scope (which lines a discount may touch).
import { z } from 'zod';
import type { Scope, ThresholdRule } from '../campaign.ts';
import { limits } from '../limits.ts';
import { fields, moneyField, nameListField, textField } from './fields.ts';
import type { Problem } from './problems.ts';

const tierSchema = fields({ spend: moneyField({ positive: true }), save: moneyField({ positive: true }) });

/** Keys of a threshold rule: either `tiers` or `every` + `save` (+ `maxSave`). */
export const thresholdKeys = {
  tiers: z
    .array(tierSchema)
    .min(1, 'give at least one tier')
    .max(limits.tiersMax, `at most ${limits.tiersMax} tiers`)
    .optional(),
  every: moneyField({ positive: true }).optional(),
  save: moneyField({ positive: true }).optional(),
  maxSave: moneyField({ positive: true }).optional(),
};

interface WrittenThreshold {
  tiers?: { spend: number; save: number }[] | undefined;
  every?: number | undefined;
  save?: number | undefined;
  maxSave?: number | undefined;
}

/** Decides which form of rule was written; mixing the two forms is ambiguous, so it is refused. */
export function readThresholdRule(written: WrittenThreshold): ThresholdRule | Problem {
  const { tiers, every, save, maxSave } = written;
  if (tiers !== undefined) {
    const extra = (['every', 'save', 'maxSave'] as const).find((key) => written[key] !== undefined);
    if (extra !== undefined) return { path: [extra], message: 'give either tiers or every/save, not both' };
    return { type: 'tiers', tiers: tiers.map((tier) => ({ spendFen: tier.spend, saveFen: tier.save })) };
  }
  if (every === undefined && save === undefined) {
    return { path: [], message: 'give either tiers: [{ spend, save }] or every and save' };
  }
  if (every === undefined) return { path: ['every'], message: 'is required with save (every X save Y)' };
  if (save === undefined) return { path: ['save'], message: 'is required with every (every X save Y)' };
  return { type: 'every', everyFen: every, saveFen: save, maxSaveFen: maxSave ?? null };
}

function listOf(what: string, max: number, item?: z.ZodType<string>) {
  const sizeMessage = `list at least one ${what} (at most ${max}), or leave the key out to mean any ${what}`;
  return nameListField({ min: 1, max, sizeMessage }, item).optional();
}

/** Scope keys; each kind takes the ones campaign-file.md gives it. */
export const scopeKeys = {
  skus: listOf('SKU', limits.campaignSkusMax),
  stores: listOf('store', limits.campaignStoresMax),
  categories: listOf('category', limits.campaignSkusMax, textField),
  excludeSkus: nameListField({
    min: 0,
    max: limits.campaignSkusMax,
    sizeMessage: `at most ${limits.campaignSkusMax} SKUs`,
  }).optional(),
};

interface WrittenScope {
  skus?: string[] | undefined;
  stores?: string[] | undefined;
  categories?: string[] | undefined;
  excludeSkus?: string[] | undefined;
}

/** An absent list means "any" (null); exclusions default to none. */
export function toScope(written: WrittenScope): Scope {
  return {
    stores: written.stores === undefined ? null : new Set(written.stores),
    skus: written.skus === undefined ? null : new Set(written.skus),
    categories: written.categories === undefined ? null : new Set(written.categories),
    excludeSkus: new Set(written.excludeSkus ?? []),
  };
}

/** A transform's way to refuse: report at `problem.path` below the item. */
export function refuse(ctx: z.core.$RefinementCtx, problem: Problem): never {
  ctx.addIssue({ code: 'custom', message: problem.message, path: [...problem.path] });
  return z.NEVER;
}
