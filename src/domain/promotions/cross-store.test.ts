import { describe, expect, it } from 'vitest';
import { AT, item, promo, scope } from '../__fixtures__/campaign-builder.ts';
import type { CrossStorePromotion } from '../campaign.ts';
import { NOTHING_USED } from '../offer-usage.ts';
import { crossStoreCovers, crossStoreOpen, crossStoreSaving } from './cross-store.ts';

const tv = item('tv', 's1', 399900, { category: 'appliances' });
const lip = item('lip', 's2', 19900, { category: 'beauty' });
const card = item('card', 's3', 10000, { category: 'virtual' });

// 每满300减50 across stores.
const cross = (s = scope(), maxSaveFen: number | null = null) =>
  promo.crossStore(
    'cross',
    { type: 'every', everyFen: 30000, saveFen: 5000, maxSaveFen },
    s,
  ) as CrossStorePromotion;

describe('crossStoreCovers: every store, within scope', () => {
  it.each([
    ['whole platform', scope(), [true, true, true]],
    ['excluding the gift card', scope({ excludeSkus: new Set(['card']) }), [true, true, false]],
    ['stores s1 and s2', scope({ stores: new Set(['s1', 's2']) }), [true, true, false]],
    [
      'beauty only, excluding lip',
      scope({ categories: new Set(['beauty']), excludeSkus: new Set(['lip']) }),
      [false, false, false],
    ],
  ])('%s covers tv, lip, card: %o', (_label, s, expected) => {
    const p = cross(s);
    expect([tv, lip, card].map((i) => crossStoreCovers(p, i))).toEqual(expected);
  });
});

describe('crossStoreSaving: floor(base / every) × save, capped', () => {
  it.each([
    [29999, null, 0],
    [30000, null, 5000],
    [399900, null, 65000], // 13 × 50
    [399900, 20000, 20000],
  ])('on %i with cap %s → %i', (base, cap, save) =>
    expect(crossStoreSaving(cross(scope(), cap), base)).toBe(save),
  );
});

describe('crossStoreOpen', () => {
  const timed = { ...cross(), window: { startMs: AT, endMs: AT + 1000 }, budgetFen: 1_000_000 };
  it.each([
    ['before the window', AT - 1, undefined, false],
    ['at the start', AT, undefined, true],
    ['1 ms before the end', AT + 999, undefined, true],
    ['at the end', AT + 1000, undefined, false],
    ['budget left', AT, 5000, true],
    ['budget spent', AT, 0, false],
    ['budget overspent', AT, -10, false],
  ])('%s → %s', (_label, atMs, budgetLeft, open) => {
    const usage = {
      ...NOTHING_USED,
      budgetLeftFen: new Map(budgetLeft === undefined ? [] : [['cross', budgetLeft]]),
    };
    expect(crossStoreOpen(timed, atMs, usage)).toBe(open);
  });
});
