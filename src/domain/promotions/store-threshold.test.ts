import { describe, expect, it } from 'vitest';
import { AT, item, promo, scope } from '../__fixtures__/campaign-builder.ts';
import type { StoreThresholdPromotion } from '../campaign.ts';
import { NOTHING_USED } from '../offer-usage.ts';
import { storeThresholdCovers, storeThresholdOpen, storeThresholdSaving } from './store-threshold.ts';

const tv = item('tv', 's1', 399900, { category: 'appliances' });
const lip = item('lip', 's1', 19900, { category: 'beauty' });
const fan = item('fan', 's2', 29900, { category: 'appliances' });

const tiers = (s = scope()) =>
  promo.storeTiers(
    'st',
    's1',
    [
      [30000, 5000],
      [50000, 10000],
    ],
    s,
  ) as StoreThresholdPromotion;

describe('storeThresholdCovers: own store, in scope', () => {
  it.each([
    ['whole store', scope(), [true, true, false]],
    ['excluding tv', scope({ excludeSkus: new Set(['tv']) }), [false, true, false]],
    [
      'appliances only: never the other store',
      scope({ categories: new Set(['appliances']) }),
      [true, false, false],
    ],
    ['scope naming the other store', scope({ stores: new Set(['s2']) }), [false, false, false]],
  ])('%s covers tv, lip, fan: %o', (_label, s, expected) => {
    const p = tiers(s);
    expect([tv, lip, fan].map((i) => storeThresholdCovers(p, i))).toEqual(expected);
  });
});

describe('storeThresholdSaving', () => {
  it.each([
    [29999, 0],
    [30000, 5000],
    [50000, 10000],
  ])('tiers 满300减50/满500减100 on %i → %i', (base, save) =>
    expect(storeThresholdSaving(tiers(), base)).toBe(save),
  );

  it.each([
    [29999, 0],
    [60000, 6000],
    [100000, 9000],
    [1000000, 9000],
  ])('每满300减30 capped at 90, on %i → %i', (base, save) => {
    expect(
      storeThresholdSaving(promo.storeEvery('se', 's1', 30000, 3000, 9000) as StoreThresholdPromotion, base),
    ).toBe(save);
  });
});

describe('storeThresholdOpen', () => {
  const timed = { ...tiers(), window: { startMs: AT, endMs: AT + 1000 }, budgetFen: 100000 };
  it.each([
    ['before the window', AT - 1, undefined, false],
    ['at the start', AT, undefined, true],
    ['at the end', AT + 1000, undefined, false],
    ['budget partly used', AT, 1, true],
    ['budget spent', AT, 0, false],
  ])('%s → %s', (_label, atMs, budgetLeft, open) => {
    const usage = {
      ...NOTHING_USED,
      budgetLeftFen: new Map(budgetLeft === undefined ? [] : [['st', budgetLeft]]),
    };
    expect(storeThresholdOpen(timed, atMs, usage)).toBe(open);
  });

  it('ignores recorded spend when the promotion has no budget', () => {
    expect(storeThresholdOpen(tiers(), AT, { ...NOTHING_USED, budgetLeftFen: new Map([['st', 0]]) })).toBe(
      true,
    );
  });
});
