import { describe, expect, it } from 'vitest';
import { AT, promo } from '../__fixtures__/campaign-builder.ts';
import type { PresalePromotion } from '../campaign.ts';
import { openPresale, presaleTerms } from './presale.ts';

const DEPOSIT = { startMs: AT, endMs: AT + 1000 };
const BALANCE = { startMs: AT + 5000, endMs: AT + 9000 };
const presale = (
  id: string,
  priceFen: number,
  depositFen: number,
  depositValueFen: number,
  deposit = DEPOSIT,
) =>
  promo.presale(id, 'tv', {
    priceFen,
    depositFen,
    depositValueFen,
    deposit,
    balance: BALANCE,
  }) as PresalePromotion;

describe('presaleTerms: balance = p − v, activity = d + p − v', () => {
  it.each([
    // p, d, v, balance, activity
    [359900, 10000, 20000, 339900, 349900], // 定金100抵200
    [359900, 10000, 10000, 349900, 359900], // no inflation: activity is the price
    [10000, 5000, 10000, 0, 5000], // the deposit value covers the whole price
  ])('p=%i d=%i v=%i → balance %i, activity %i', (p, d, v, balanceFen, activityUnitFen) => {
    expect(presaleTerms(presale('ps', p, d, v))).toEqual({
      promotionId: 'ps',
      depositFen: d,
      depositValueFen: v,
      balanceFen,
      activityUnitFen,
    });
  });
});

describe('openPresale: the pre-sale taking deposits now', () => {
  const early = presale('early', 359900, 10000, 20000);
  const late = presale('late', 359900, 10000, 30000, { startMs: AT + 1000, endMs: AT + 2000 });

  it.each([
    ['before the deposit window', AT - 1, null],
    ['at the start', AT, 'early'],
    ['at the end of the first: the next one', AT + 1000, 'late'],
    ['after every deposit window (balance time)', BALANCE.startMs, null],
  ])('%s → %s', (_label, atMs, id) => {
    expect(openPresale([early, late], atMs)?.id ?? null).toBe(id);
  });

  it('takes the first listed when two overlap', () => {
    const other = presale('other', 359900, 10000, 25000);
    expect(openPresale([other, early], AT)?.id).toBe('other');
  });

  it('is null for a SKU with no pre-sale', () => {
    expect(openPresale(undefined, AT)).toBeNull();
    expect(openPresale([], AT)).toBeNull();
  });
});
