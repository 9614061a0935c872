// One schema per promotion kind (campaign-file.md, "Promotions"), joined on `kind`. Each turns
// the written promotion into its engine form: yuan -> fen, times -> instants, defaults filled.
// Rules between fields (tiers rising, price below list) are checked in promotion-checks.ts.
import { z } from 'zod';
import type { Promotion } from '../campaign.ts';
import { limits } from '../limits.ts';
import {
  countField,
  fields,
  idField,
  instantField,
  moneyField,
  nameListField,
  percentField,
  textField,
} from './fields.ts';
import { campaignMembershipsMax, totalFenMax } from './sections.ts';
import { readThresholdRule, refuse, scopeKeys, thresholdKeys, toScope } from './threshold-and-scope.ts';

interface WrittenBase {
  id: string;
  name?: string | undefined;
  start?: number | undefined;
  end?: number | undefined;
  budget?: number | undefined;
}

function base(p: WrittenBase) {
  return {
    id: p.id,
    name: p.name ?? p.id,
    window: { startMs: p.start ?? null, endMs: p.end ?? null },
    budgetFen: p.budget ?? null,
  };
}

const skuListFor = (what: string) =>
  nameListField({ min: 1, max: limits.campaignSkusMax, sizeMessage: `list at least one SKU ${what}` });

export function promotionSchema(timeZone: string) {
  const common = commonShape(timeZone);
  const kinds = [
    flashSale(common, timeZone),
    limitedTime(common),
    firstN(common),
    ladder(common),
    memberPrice(common),
    bundle(common),
    storeThreshold(common),
    crossStore(common),
    presale(common, timeZone),
    gift(common),
  ] as const;
  return z.discriminatedUnion('kind', kinds);
}

type Common = ReturnType<typeof commonShape>;

/** Keys every promotion has (campaign-file.md): start/end omitted = always on. */
function commonShape(timeZone: string) {
  return {
    id: idField,
    name: textField.optional(),
    start: instantField(timeZone).optional(),
    end: instantField(timeZone).optional(),
    budget: moneyField({ maxFen: totalFenMax }).optional(),
  };
}

function flashSale(common: Common, timeZone: string) {
  return fields({
    ...common,
    kind: z.literal('flash-sale'),
    sku: idField,
    price: moneyField(),
    quantity: countField(1),
    perBuyer: countField(1).default(1),
    // A flash sale is a session: both ends are required (campaign-file.md).
    start: instantField(timeZone),
    end: instantField(timeZone),
  }).transform(
    (p): Promotion => ({
      ...base(p),
      kind: p.kind,
      sku: p.sku,
      priceFen: p.price,
      quantity: p.quantity,
      perBuyer: p.perBuyer,
    }),
  );
}

function limitedTime(common: Common) {
  return fields({
    ...common,
    kind: z.literal('limited-time'),
    skus: skuListFor('to discount'),
    percentOff: percentField('open'),
  }).transform((p): Promotion => ({ ...base(p), kind: p.kind, skus: p.skus, percentOff: p.percentOff }));
}

function firstN(common: Common) {
  return fields({
    ...common,
    kind: z.literal('first-n'),
    sku: idField,
    price: moneyField(),
    firstN: countField(1),
  }).transform(
    (p): Promotion => ({ ...base(p), kind: p.kind, sku: p.sku, priceFen: p.price, firstN: p.firstN }),
  );
}

function ladder(common: Common) {
  const tier = fields({ minQty: countField(2), unitPrice: moneyField() });
  return fields({
    ...common,
    kind: z.literal('ladder'),
    sku: idField,
    tiers: z
      .array(tier)
      .min(1, 'give at least one tier')
      .max(limits.tiersMax, `at most ${limits.tiersMax} tiers`),
  }).transform(
    (p): Promotion => ({
      ...base(p),
      kind: p.kind,
      sku: p.sku,
      tiers: p.tiers.map((t) => ({ minQty: t.minQty, unitPriceFen: t.unitPrice })),
    }),
  );
}

function memberPrice(common: Common) {
  return fields({
    ...common,
    kind: z.literal('member-price'),
    sku: idField,
    membership: idField,
    price: moneyField(),
  }).transform(
    (p): Promotion => ({
      ...base(p),
      kind: p.kind,
      sku: p.sku,
      membershipId: p.membership,
      priceFen: p.price,
    }),
  );
}

function bundle(common: Common) {
  const max = limits.bundleSkusMax;
  return fields({
    ...common,
    kind: z.literal('bundle'),
    skus: nameListField({ min: 2, max, sizeMessage: `a bundle has 2 to ${max} distinct SKUs` }),
    price: moneyField(),
  }).transform((p): Promotion => ({ ...base(p), kind: p.kind, skus: p.skus, priceFen: p.price }));
}

function storeThreshold(common: Common) {
  const { skus, categories, excludeSkus } = scopeKeys;
  return fields({
    ...common,
    kind: z.literal('store-threshold'),
    store: idField,
    ...thresholdKeys,
    skus,
    categories,
    excludeSkus,
  }).transform((p, ctx): Promotion => {
    const rule = readThresholdRule(p);
    if ('message' in rule) return refuse(ctx, rule);
    return { ...base(p), kind: p.kind, storeId: p.store, rule, scope: toScope(p) };
  });
}

function crossStore(common: Common) {
  const { stores, categories, excludeSkus } = scopeKeys;
  return fields({
    ...common,
    kind: z.literal('cross-store'),
    ...thresholdKeys,
    stores,
    categories,
    excludeSkus,
  }).transform((p, ctx): Promotion => {
    const rule = readThresholdRule(p);
    if ('message' in rule) return refuse(ctx, rule);
    return { ...base(p), kind: p.kind, rule, scope: toScope(p) };
  });
}

function presale(common: Common, timeZone: string) {
  // The deposit window is the promotion's window, so start/end are not written here.
  const { start: _start, end: _end, ...rest } = common;
  return fields({
    ...rest,
    kind: z.literal('presale'),
    sku: idField,
    price: moneyField(),
    deposit: moneyField({ positive: true }),
    depositValue: moneyField().optional(),
    depositStart: instantField(timeZone),
    depositEnd: instantField(timeZone),
    balanceStart: instantField(timeZone),
    balanceEnd: instantField(timeZone),
  }).transform(
    (p): Promotion => ({
      ...base({ ...p, start: p.depositStart, end: p.depositEnd }),
      kind: p.kind,
      sku: p.sku,
      priceFen: p.price,
      depositFen: p.deposit,
      depositValueFen: p.depositValue ?? p.deposit,
      balanceWindow: { startMs: p.balanceStart, endMs: p.balanceEnd },
    }),
  );
}

function gift(common: Common) {
  return fields({
    ...common,
    kind: z.literal('gift'),
    triggerSkus: skuListFor('that triggers the gift'),
    giftSku: idField,
    giftQuantity: countField(1),
    perOrder: countField(1).default(1),
    memberships: nameListField({
      min: 0,
      max: campaignMembershipsMax,
      sizeMessage: `at most ${campaignMembershipsMax} memberships`,
    }).optional(),
  }).transform(
    (p): Promotion => ({
      ...base(p),
      kind: p.kind,
      triggerSkus: p.triggerSkus,
      giftSku: p.giftSku,
      giftQuantity: p.giftQuantity,
      perOrder: p.perOrder,
      membershipIds: p.memberships ?? [],
    }),
  );
}
