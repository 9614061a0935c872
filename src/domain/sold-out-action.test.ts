import { describe, expect, it } from 'vitest';
import { campaignOf, item } from './__fixtures__/campaign-builder.ts';
import {
  checkSoldOutAction,
  checkSoldOutActionNow,
  type SoldOutAction,
  sameSoldOutAction,
} from './sold-out-action.ts';

const presale: SoldOutAction = { kind: 'presale', shipDate: '2026-11-20', units: 10 };
const substitute: SoldOutAction = { kind: 'substitute', substituteSku: 'alt' };

describe('sold-out actions', () => {
  it('counts a resent action as the same decision, and any other field as another', () => {
    expect(sameSoldOutAction({ ...presale }, presale)).toBe(true);
    expect(sameSoldOutAction({ ...substitute }, substitute)).toBe(true);
    expect(sameSoldOutAction(undefined, presale)).toBe(false);
    expect(sameSoldOutAction({ ...presale, units: 11 }, presale)).toBe(false);
    expect(sameSoldOutAction({ ...presale, shipDate: '2026-11-21' }, presale)).toBe(false);
    expect(sameSoldOutAction(substitute, { kind: 'substitute', substituteSku: 'other' })).toBe(false);
    expect(sameSoldOutAction(substitute, presale)).toBe(false);
  });

  it('refuses an unknown SKU, a bad date or unit count, and a SKU substituting itself', () => {
    const index = campaignOf({ catalog: [item('hot', 's1', 9_900), item('alt', 's1', 8_900)] });
    expect(checkSoldOutAction(index, 'hot', presale)).toBeNull();
    expect(checkSoldOutAction(index, 'ghost', presale)?.code).toBe('UNKNOWN_SKU');
    expect(checkSoldOutAction(index, 'hot', { ...presale, shipDate: '20 Nov' })?.path).toBe('shipDate');
    // Shaped like a date, but no day of the calendar (Date.parse would roll it into March).
    for (const shipDate of ['2027-02-30', '2026-13-01', '2026-11-31']) {
      expect(checkSoldOutAction(index, 'hot', { ...presale, shipDate })).toMatchObject({
        detail: 'shipDate must be a date like 2026-11-20',
        path: 'shipDate',
      });
    }
    expect(checkSoldOutAction(index, 'hot', { ...presale, units: 0 })?.path).toBe('units');
    expect(checkSoldOutAction(index, 'alt', substitute)?.path).toBe('substituteSku');
    expect(checkSoldOutAction(index, 'hot', { kind: 'substitute', substituteSku: 'ghost' })?.code).toBe(
      'UNKNOWN_SKU',
    );
  });

  it('refuses, when set, a ship date already past in the campaign’s zone and a substitute sold out too', () => {
    const index = campaignOf({ catalog: [item('hot', 's1', 9_900), item('alt', 's1', 8_900)] });
    const left = new Map([['alt', 3]]);
    const availableOf = (sku: string) => left.get(sku) ?? 0;
    // 2026-11-19T16:30Z is already the 20th in Shanghai.
    const at = (iso: string) => checkSoldOutActionNow(index, presale, Date.parse(iso), availableOf);
    expect(at('2026-11-19T15:59:59Z')).toBeNull();
    expect(at('2026-11-19T16:00:00Z')).toBeNull(); // the 20th itself
    expect(at('2026-11-20T16:00:00Z')).toMatchObject({ code: 'VALIDATION_FAILED', path: 'shipDate' });
    const now = Date.parse('2026-11-11T12:00:00Z');
    expect(checkSoldOutActionNow(index, substitute, now, availableOf)).toBeNull();
    left.set('alt', 0);
    expect(checkSoldOutActionNow(index, substitute, now, availableOf)).toMatchObject({
      code: 'SUBSTITUTE_SOLD_OUT',
      path: 'substituteSku',
    });
  });
});
