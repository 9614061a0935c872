// What operators do with a hot SKU that sold out (DOMAIN.md §3): switch it to pre-sale with a
// ship date (more units sold now, shipped later), or point shoppers to a substitute SKU.
import type { Instant } from './campaign.ts';
import type { CampaignIndex } from './campaign-index.ts';
import { formatInstant, parseInstant } from './zoned-time.ts';

export type SoldOutAction =
  | { kind: 'presale'; shipDate: string; units: number }
  | { kind: 'substitute'; substituteSku: string };

export type SoldOutActionRefusal = {
  code: 'UNKNOWN_SKU' | 'VALIDATION_FAILED' | 'SUBSTITUTE_SOLD_OUT';
  detail: string;
  path: string;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PRESALE_UNITS_MAX = 1_000_000;

export function checkSoldOutAction(
  index: CampaignIndex,
  sku: string,
  action: SoldOutAction,
): SoldOutActionRefusal | null {
  if (!index.items.has(sku)) return { code: 'UNKNOWN_SKU', detail: `unknown sku "${sku}"`, path: 'sku' };
  if (action.kind === 'presale') {
    // A calendar date (2027-02-30 is not one, though Date.parse rolls it into March).
    if (!DATE.test(action.shipDate) || parseInstant(`${action.shipDate}T00:00:00`, 'UTC') === null) {
      return {
        code: 'VALIDATION_FAILED',
        detail: 'shipDate must be a date like 2026-11-20',
        path: 'shipDate',
      };
    }
    if (!Number.isSafeInteger(action.units) || action.units < 1 || action.units > PRESALE_UNITS_MAX) {
      return {
        code: 'VALIDATION_FAILED',
        detail: `units must be a whole number from 1 to ${PRESALE_UNITS_MAX}`,
        path: 'units',
      };
    }
    return null;
  }
  if (action.substituteSku === sku)
    return { code: 'VALIDATION_FAILED', detail: 'a SKU cannot substitute itself', path: 'substituteSku' };
  if (!index.items.has(action.substituteSku)) {
    return {
      code: 'UNKNOWN_SKU',
      detail: `unknown substitute sku "${action.substituteSku}"`,
      path: 'substituteSku',
    };
  }
  return null;
}

/**
 * What an action set now must also meet (checkSoldOutAction is its shape, which holds for good):
 * a ship date that is not already past in the campaign's zone, and a substitute with units to sell.
 */
export function checkSoldOutActionNow(
  index: CampaignIndex,
  action: SoldOutAction,
  nowMs: Instant,
  availableOf: (sku: string) => number,
): SoldOutActionRefusal | null {
  if (action.kind === 'presale') {
    const today = formatInstant(nowMs, index.campaign.timezone).slice(0, 10);
    if (action.shipDate < today) {
      const detail = `shipDate ${action.shipDate} is already past: it is ${today} in ${index.campaign.timezone}`;
      return { code: 'VALIDATION_FAILED', detail, path: 'shipDate' };
    }
    return null;
  }
  if (availableOf(action.substituteSku) <= 0) {
    const detail = `the substitute ${action.substituteSku} is sold out too: point shoppers to a SKU they can buy`;
    return { code: 'SUBSTITUTE_SOLD_OUT', detail, path: 'substituteSku' };
  }
  return null;
}

/**
 * The same decision: an operator's retry (a double click, a resubmit after a timeout) sets what the
 * SKU already has, and must not add a pre-sale's units a second time.
 */
export function sameSoldOutAction(a: SoldOutAction | undefined, b: SoldOutAction): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'presale' && b.kind === 'presale') return a.shipDate === b.shipDate && a.units === b.units;
  return a.kind === 'substitute' && b.kind === 'substitute' && a.substituteSku === b.substituteSku;
}
