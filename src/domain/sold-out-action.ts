// What operators do with a hot SKU that sold out (DOMAIN.md §3): switch it to pre-sale with a
// ship date (more units sold now, shipped later), or point shoppers to a substitute SKU.
import type { CampaignIndex } from './campaign-index.ts';

export type SoldOutAction =
  | { kind: 'presale'; shipDate: string; units: number }
  | { kind: 'substitute'; substituteSku: string };

export type SoldOutActionRefusal = {
  code: 'UNKNOWN_SKU' | 'VALIDATION_FAILED';
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
    if (!DATE.test(action.shipDate) || Number.isNaN(Date.parse(action.shipDate))) {
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
 * The same decision: an operator's retry (a double click, a resubmit after a timeout) sets what the
 * SKU already has, and must not add a pre-sale's units a second time.
 */
export function sameSoldOutAction(a: SoldOutAction | undefined, b: SoldOutAction): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'presale' && b.kind === 'presale') return a.shipDate === b.shipDate && a.units === b.units;
  return a.kind === 'substitute' && b.kind === 'substitute' && a.substituteSku === b.substituteSku;
}
