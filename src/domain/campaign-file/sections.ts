// Schemas for the plain sections of the campaign file: the campaign header, stores, memberships,
// the catalog and the phases (campaign-file.md, "Top level"). Each item becomes its engine form.
import { z } from 'zod';
import type { CampaignPhase, CatalogItem, Membership, Store } from '../campaign.ts';
import { limits } from '../limits.ts';
import {
  countField,
  fields,
  idField,
  instantField,
  moneyField,
  percentField,
  roleField,
  textField,
  timeZoneField,
} from './fields.ts';

/** Totals (a GMV target, a coupon budget) may pass the per-price limit but must stay exact. */
export const totalFenMax = Number.MAX_SAFE_INTEGER;
// Bounds limits.ts does not name yet; a campaign has a handful of each.
export const campaignMembershipsMax = 100;
export const campaignPhasesMax = 100;

export const campaignHeaderSchema = fields({
  id: idField,
  name: textField,
  timezone: timeZoneField.optional(),
  target: fields({
    gmv: moneyField({ maxFen: totalFenMax }).optional(),
    orders: countField(0).optional(),
    categoryShare: z.record(z.string(), percentField('share')).optional(),
  }).optional(),
});
export type CampaignHeader = z.output<typeof campaignHeaderSchema>;

export const storeSchema = fields({ id: idField, name: textField }).transform(
  (store): Store => ({ id: store.id, name: store.name }),
);

export const membershipSchema = fields({
  id: idField,
  name: textField,
  discountPercent: percentField('open'),
}).transform((m): Membership => ({ id: m.id, name: m.name, discountPercent: m.discountPercent }));

export const catalogItemSchema = fields({
  sku: idField,
  store: idField,
  title: textField,
  category: textField,
  role: roleField,
  // Every offer is measured against the list price (划线价), so a SKU has one above 0.
  listPrice: moneyField({ positive: true }),
  cost: moneyField(),
  stock: countField(0),
  presaleStock: countField(0).default(0),
  safetyStock: countField(0).default(0),
}).transform(
  (item): CatalogItem => ({
    sku: item.sku,
    storeId: item.store,
    title: item.title,
    category: item.category,
    role: item.role,
    listPriceFen: item.listPrice,
    costFen: item.cost,
    stock: item.stock,
    presaleStock: item.presaleStock,
    safetyStock: item.safetyStock,
  }),
);

export function phaseSchema(timeZone: string) {
  return fields({
    id: idField,
    name: textField,
    start: instantField(timeZone),
    end: instantField(timeZone),
    gmvShare: percentField('share'),
    pace: z
      .array(fields({ at: instantField(timeZone), percent: percentField('share') }))
      .max(limits.pacePointsMax, `at most ${limits.pacePointsMax} pace points`)
      .optional(),
  }).transform(
    (phase): CampaignPhase => ({
      id: phase.id,
      name: phase.name,
      window: { startMs: phase.start, endMs: phase.end },
      gmvSharePercent: phase.gmvShare,
      pace: (phase.pace ?? []).map((point) => ({ atMs: point.at, percent: point.percent })),
    }),
  );
}
