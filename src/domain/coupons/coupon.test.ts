import { describe, expect, it } from 'vitest';
import { AT, coupon, item, scope } from '../__fixtures__/campaign-builder.ts';
import type { CouponTemplate } from '../campaign.ts';
import {
  couponCovers,
  couponReached,
  couponValidAt,
  isThresholdCoupon,
  type ThresholdCoupon,
} from './coupon.ts';

const threshold = (c: CouponTemplate): ThresholdCoupon => {
  if (!isThresholdCoupon(c)) throw new Error(`${c.id} is not a threshold coupon`);
  return c;
};

const tv = item('tv', 's1', 399900, { category: 'appliances' });
const lip = item('lip', 's1', 19900, { category: 'beauty' });
const fan = item('fan', 's2', 29900, { category: 'appliances' });

describe('isThresholdCoupon', () => {
  it.each([
    ['store', coupon.store('c', 's1', 0, 1), true],
    ['platform', coupon.platform('c', 0, 1), true],
    ['category', coupon.category('c', 'beauty', 0, 1), true],
    ['red-envelope', coupon.redEnvelope('c', 1), false],
  ])('%s → %s', (_kind, c, expected) => expect(isThresholdCoupon(c)).toBe(expected));
});

describe('couponCovers', () => {
  it.each<[string, CouponTemplate, [boolean, boolean, boolean]]>([
    ['store s1', coupon.store('c', 's1', 0, 1), [true, true, false]],
    ['store s2', coupon.store('c', 's2', 0, 1), [false, false, true]],
    [
      'store s1 without tv',
      coupon.store('c', 's1', 0, 1, scope({ excludeSkus: new Set(['tv']) })),
      [false, true, false],
    ],
    [
      'store s1 scoped to store s2 (both must hold)',
      coupon.store('c', 's1', 0, 1, scope({ stores: new Set(['s2']) })),
      [false, false, false],
    ],
    ['platform', coupon.platform('c', 0, 1), [true, true, true]],
    [
      'platform without fan',
      coupon.platform('c', 0, 1, scope({ excludeSkus: new Set(['fan']) })),
      [true, true, false],
    ],
    ['category appliances', coupon.category('c', 'appliances', 0, 1), [true, false, true]],
    ['category beauty', coupon.category('c', 'beauty', 0, 1), [false, true, false]],
  ])('%s covers tv, lip, fan: %o', (_label, c, [tvIn, lipIn, fanIn]) => {
    const t = threshold(c);
    expect([couponCovers(t, tv), couponCovers(t, lip), couponCovers(t, fan)]).toEqual([tvIn, lipIn, fanIn]);
  });
});

describe('couponValidAt: validity is half-open', () => {
  const c = { ...coupon.platform('c', 0, 1), validity: { startMs: AT, endMs: AT + 1000 } };
  it.each([
    [AT - 1, false],
    [AT, true],
    [AT + 999, true],
    [AT + 1000, false],
  ])('at %i → %s', (atMs, valid) => expect(couponValidAt(c, atMs)).toBe(valid));

  it('judges a red envelope by its validity too', () => {
    const r = { ...coupon.redEnvelope('r', 100), validity: { startMs: AT, endMs: null } };
    expect(couponValidAt(r, AT)).toBe(true);
    expect(couponValidAt(r, AT - 1)).toBe(false);
  });
});

describe('couponReached: something in scope and amount ≥ threshold', () => {
  it.each([
    [20000, 19999, false],
    [20000, 20000, true],
    [20000, 50000, true],
    [0, 1, true],
    [0, 0, false], // threshold 0 with nothing in scope is not reached
  ])('threshold %i, scope amount %i → %s', (thresholdFen, amount, reached) => {
    expect(couponReached(threshold(coupon.store('c', 's1', thresholdFen, 1000)), amount)).toBe(reached);
  });
});
