import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AT, item, promo } from '../__fixtures__/campaign-builder.ts';
import type { BundlePromotion, CatalogItem } from '../campaign.ts';
import { NOTHING_USED, type OfferUsage } from '../offer-usage.ts';
import { activeBundles, bundleUnitPrices, formBundles, type PricedUnits } from './bundle.ts';

const bundleOf = (skus: string[], priceFen: number) => promo.bundle('b', skus, priceFen) as BundlePromotion;
const itemsOf = (...items: CatalogItem[]) => new Map(items.map((i) => [i.sku, i]));

describe('bundleUnitPrices: the bundle price split by list price, largest remainder', () => {
  it.each([
    ['3 : 1', [30000, 10000], 20000, [15000, 5000]],
    ['equal lists, ties to the earlier sku', [100, 100, 100], 100, [34, 33, 33]],
    [
      'tv + soundbar: 377331.09 + 122568.91, the larger remainder gets the fen',
      [399900, 129900],
      499900,
      [377331, 122569],
    ],
    ['free bundle', [5000, 5000], 0, [0, 0]],
  ])('%s', (_label, lists, price, shares) => {
    const skus = lists.map((_, i) => `k${i}`);
    const prices = bundleUnitPrices(
      bundleOf(skus, price),
      itemsOf(...lists.map((l, i) => item(`k${i}`, 's1', l))),
    );
    expect(skus.map((s) => prices.get(s))).toEqual(shares);
  });

  it('always sums exactly to the bundle price (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (lists, price) => {
          const skus = lists.map((_, i) => `k${i}`);
          const prices = bundleUnitPrices(
            bundleOf(skus, price),
            itemsOf(...lists.map((l, i) => item(`k${i}`, 's1', l))),
          );
          expect([...prices.values()].reduce((a, b) => a + b, 0)).toBe(price);
        },
      ),
    );
  });
});

describe('formBundles: dearest units first, only while cheaper than alone', () => {
  const bundle = bundleOf(['tv', 'bar'], 499900);
  const units = (tv: [number, number][], bar: [number, number][]) =>
    new Map<string, PricedUnits[]>([
      ['tv', tv.map(([qty, unitPriceFen]) => ({ qty, unitPriceFen }))],
      ['bar', bar.map(([qty, unitPriceFen]) => ({ qty, unitPriceFen }))],
    ]);
  const qtys = (m: Map<string, PricedUnits[]>) => ({
    tv: m.get('tv')!.map((u) => u.qty),
    bar: m.get('bar')!.map((u) => u.qty),
  });

  it.each([
    ['one of each', units([[1, 399900]], [[1, 129900]]), 1, { tv: [0], bar: [0] }],
    ['stops when a component runs out', units([[3, 399900]], [[1, 129900]]), 1, { tv: [2], bar: [0] }],
    ['two of each', units([[2, 399900]], [[2, 129900]]), 2, { tv: [0], bar: [0] }],
    // The full-price tv joins the bundle; the flash-price tv is cheaper alone (199900 + 129900 ≤ 499900).
    [
      'takes the dearest units, stops when not cheaper',
      units(
        [
          [1, 399900],
          [1, 199900],
        ],
        [[2, 129900]],
      ),
      1,
      { tv: [0, 1], bar: [1] },
    ],
    [
      'skips used-up segments',
      units(
        [
          [0, 399900],
          [1, 399900],
        ],
        [[1, 129900]],
      ),
      1,
      { tv: [0, 0], bar: [0] },
    ],
    ['equal to alone is not cheaper', units([[1, 370000]], [[1, 129900]]), 0, { tv: [1], bar: [1] }],
    ['dearer than alone', units([[1, 300000]], [[1, 100000]]), 0, { tv: [1], bar: [1] }],
    ['a component with no units', units([[1, 399900]], [[0, 129900]]), 0, { tv: [1], bar: [0] }],
  ])('%s → %i instance(s)', (_label, m, instances, left) => {
    expect(formBundles(bundle, m)).toBe(instances);
    expect(qtys(m)).toEqual(left);
  });

  it('forms nothing when a component sku is not in the cart', () => {
    const m = new Map<string, PricedUnits[]>([['tv', [{ qty: 1, unitPriceFen: 399900 }]]]);
    expect(formBundles(bundle, m)).toBe(0);
    expect(m.get('tv')![0]!.qty).toBe(1);
  });
});

describe('activeBundles', () => {
  const always = bundleOf(['tv', 'bar'], 499900);
  const timed = {
    ...bundleOf(['tv', 'bar'], 499900),
    id: 'timed',
    window: { startMs: AT, endMs: AT + 1000 },
  };
  const budgeted = { ...bundleOf(['tv', 'bar'], 499900), id: 'budgeted', budgetFen: 100000 };
  const all = [always, timed, budgeted];
  const ids = (skus: string[], atMs: number, usage: OfferUsage = NOTHING_USED) =>
    activeBundles(all, new Set(skus), atMs, usage).map((b) => b.id);

  it.each([
    ['every component in the cart, inside the window', ['tv', 'bar'], AT, ['b', 'timed', 'budgeted']],
    ['a component missing', ['tv'], AT, []],
    ['before the window', ['tv', 'bar', 'cup'], AT - 1, ['b', 'budgeted']],
    ['at the window end', ['tv', 'bar'], AT + 1000, ['b', 'budgeted']],
  ])('%s', (_label, skus, atMs, expected) => expect(ids(skus, atMs)).toEqual(expected));

  it('drops a bundle whose budget is spent', () => {
    expect(ids(['tv', 'bar'], AT, { ...NOTHING_USED, budgetLeftFen: new Map([['budgeted', 0]]) })).toEqual([
      'b',
      'timed',
    ]);
    expect(ids(['tv', 'bar'], AT, { ...NOTHING_USED, budgetLeftFen: new Map([['budgeted', 1]]) })).toEqual([
      'b',
      'timed',
      'budgeted',
    ]);
  });
});
