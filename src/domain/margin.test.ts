import { describe, expect, it } from 'vitest';
import { campaignOf, coupon, item, promo } from './__fixtures__/campaign-builder.ts';
import { marginReport } from './margin.ts';

describe('worst-case margin per SKU', () => {
  const index = campaignOf({
    catalog: [item('tv', 's1', 10000, { costFen: 6000 }), item('cup', 's1', 1000, { costFen: 200 })],
    promotions: [
      promo.limitedTime('ltd', ['tv'], 30),
      promo.storeTiers('st', 's1', [
        [30000, 5000],
        [50000, 6000],
      ]),
    ],
    coupons: [
      coupon.platform('cp', 10000, 1000),
      coupon.platform('cp-small', 5000, 300),
      coupon.redEnvelope('re', 5000),
    ],
    memberships: [{ id: 'vip', name: 'vip', discountPercent: 5 }],
  });
  const rows = marginReport(index);

  it('stacks the deepest rate of every discount that can reach the SKU, then membership', () => {
    const tv = rows.find((r) => r.sku === 'tv')!;
    expect(tv.activityPriceFen).toBe(7000);
    expect(tv.activityOfferId).toBe('ltd');
    expect(tv.marginAtActivityFen).toBe(1000);
    // 7000 × (1 − 1/6 − 1/10) = 5133.3 → 5133; × 95% = 4876.35 → 4876; margin 4876 − 6000.
    expect(tv.worstPriceFen).toBe(4876);
    expect(tv.worstMarginFen).toBe(-1124);
    expect(tv.stack.map((s) => s.id)).toEqual(['st', 'cp', 'membership']);
  });

  it('sorts the money-losers first and leaves red envelopes out', () => {
    expect(rows.map((r) => r.sku)).toEqual(['tv', 'cup']);
    expect(rows.flatMap((r) => r.stack.map((s) => s.kind))).not.toContain('red-envelope');
    expect(rows[1]!.worstMarginFen).toBeGreaterThan(0);
  });

  it('says when the activity price holds for a few units only (a flash session, first-N)', () => {
    const loss = campaignOf({
      catalog: [item('phone', 's1', 500_000, { costFen: 325_000 })],
      promotions: [promo.flash('f', 'phone', 100, 11, 1, { startMs: null, endMs: null })],
      coupons: [],
    });
    const [phone] = marginReport(loss);
    expect([phone!.activityOfferId, phone!.activityUnits, phone!.activityPriceFen]).toEqual(['f', 11, 100]);
    expect(rows.find((r) => r.sku === 'tv')!.activityUnits).toBeNull();
  });
});
