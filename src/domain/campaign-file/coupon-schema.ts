// One schema per coupon kind (campaign-file.md, "Coupons"), joined on `kind`. Each turns the
// written template into its engine form; rules between fields are in coupon-checks.ts.
import { z } from 'zod';
import type { CouponTemplate } from '../campaign.ts';
import { countField, fields, idField, instantField, moneyField, textField } from './fields.ts';
import { totalFenMax } from './sections.ts';
import { scopeKeys, toScope } from './threshold-and-scope.ts';

/** Keys every coupon has: when it is used, when it is claimed, and how many. */
function commonShape(timeZone: string) {
  return {
    id: idField,
    name: textField.optional(),
    validFrom: instantField(timeZone).optional(),
    validTo: instantField(timeZone).optional(),
    claimFrom: instantField(timeZone).optional(),
    claimTo: instantField(timeZone).optional(),
    perBuyer: countField(1).default(1),
    total: countField(1).optional(),
    budget: moneyField({ maxFen: totalFenMax }).optional(),
  };
}
type Common = ReturnType<typeof commonShape>;

interface WrittenBase {
  id: string;
  name?: string | undefined;
  validFrom?: number | undefined;
  validTo?: number | undefined;
  claimFrom?: number | undefined;
  claimTo?: number | undefined;
  perBuyer: number;
  total?: number | undefined;
  budget?: number | undefined;
}

function base(c: WrittenBase) {
  return {
    id: c.id,
    name: c.name ?? c.id,
    validity: { startMs: c.validFrom ?? null, endMs: c.validTo ?? null },
    claimWindow: { startMs: c.claimFrom ?? null, endMs: c.claimTo ?? null },
    perBuyer: c.perBuyer,
    total: c.total ?? null,
    budgetFen: c.budget ?? null,
  };
}

export function couponSchema(timeZone: string) {
  const common = commonShape(timeZone);
  return z.discriminatedUnion('kind', [
    storeCoupon(common),
    platformCoupon(common),
    categoryCoupon(common),
    redEnvelope(common, timeZone),
  ]);
}

// threshold = 0 is a no-threshold coupon (无门槛券).
const threshold = () => moneyField().default(0);
const amount = () => moneyField({ positive: true });

function storeCoupon(common: Common) {
  const { skus, categories, excludeSkus } = scopeKeys;
  return fields({
    ...common,
    kind: z.literal('store'),
    store: idField,
    threshold: threshold(),
    amount: amount(),
    skus,
    categories,
    excludeSkus,
  }).transform(
    (c): CouponTemplate => ({
      ...base(c),
      kind: c.kind,
      storeId: c.store,
      thresholdFen: c.threshold,
      amountFen: c.amount,
      scope: toScope(c),
    }),
  );
}

function platformCoupon(common: Common) {
  const { stores, categories, excludeSkus } = scopeKeys;
  return fields({
    ...common,
    kind: z.literal('platform'),
    threshold: threshold(),
    amount: amount(),
    stores,
    categories,
    excludeSkus,
  }).transform(
    (c): CouponTemplate => ({
      ...base(c),
      kind: c.kind,
      thresholdFen: c.threshold,
      amountFen: c.amount,
      scope: toScope(c),
    }),
  );
}

function categoryCoupon(common: Common) {
  const { stores, excludeSkus } = scopeKeys;
  return fields({
    ...common,
    kind: z.literal('category'),
    category: textField,
    threshold: threshold(),
    amount: amount(),
    stores,
    excludeSkus,
  }).transform(
    (c): CouponTemplate => ({
      ...base(c),
      kind: c.kind,
      category: c.category,
      thresholdFen: c.threshold,
      amountFen: c.amount,
      scope: toScope(c),
    }),
  );
}

function redEnvelope(common: Common, timeZone: string) {
  const inflate = fields({
    perTask: moneyField({ positive: true }),
    maxTasks: countField(1),
    dayMultiplier: countField(1).default(2),
    dayStart: instantField(timeZone),
    dayEnd: instantField(timeZone),
  });
  return fields({
    ...common,
    kind: z.literal('red-envelope'),
    amount: amount(),
    inflate: inflate.optional(),
  }).transform(
    (c): CouponTemplate => ({
      ...base(c),
      kind: c.kind,
      amountFen: c.amount,
      inflate:
        c.inflate === undefined
          ? null
          : {
              perTaskFen: c.inflate.perTask,
              maxTasks: c.inflate.maxTasks,
              dayMultiplier: c.inflate.dayMultiplier,
              day: { startMs: c.inflate.dayStart, endMs: c.inflate.dayEnd },
            },
    }),
  );
}
