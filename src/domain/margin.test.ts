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

describe('worst case over time: only offers live at the same moment stack', () => {
  // Windows in Beijing time, half-open [start, end).
  const at = (text: string) => Date.parse(`${text}+08:00`);
  const wave1 = { startMs: at('2026-10-31T20:00'), endMs: at('2026-11-04T00:00') };
  const day1111 = { startMs: at('2026-11-11T00:00'), endMs: at('2026-11-12T00:00') };
  const firstHour = { startMs: at('2026-11-11T00:00'), endMs: at('2026-11-11T01:00') };
  const tv = item('tv', 's1', 10000, { costFen: 6000 });
  const rowOf = (parts: Parameters<typeof campaignOf>[0]) => marginReport(campaignOf(parts))[0]!;
  const cross = (id: string, window: typeof wave1, everyFen: number, saveFen: number) => ({
    ...promo.crossStore(id, { type: 'every', everyFen, saveFen, maxSaveFen: null }),
    window,
  });

  it('never stacks two cross-store discounts whose windows do not meet, but stacks overlapping ones', () => {
    const disjoint = rowOf({
      catalog: [tv],
      promotions: [cross('x-wave1', wave1, 30000, 5000), cross('x-1111', day1111, 10000, 1000)],
    });
    // The deeper one alone: 10000 × (1 − 1/6) = 8333.3 → 8333.
    expect([disjoint.worstPriceFen, disjoint.stack.map((s) => s.id)]).toEqual([8333, ['x-wave1']]);
    const overlapping = rowOf({
      catalog: [tv],
      promotions: [cross('x-1111', day1111, 30000, 5000), cross('x-first-hour', firstHour, 10000, 1000)],
    });
    // The engine applies every open cross-store discount: 10000 × (1 − 1/6 − 1/10) = 7333.3 → 7333.
    expect([overlapping.worstPriceFen, overlapping.stack.map((s) => s.id)]).toEqual([
      7333,
      ['x-1111', 'x-first-hour'],
    ]);
  });

  it('stacks an item-level price only with the threshold discounts open in its window', () => {
    const threshold = { ...promo.storeTiers('st', 's1', [[30000, 5000]]), window: day1111 };
    const apart = rowOf({
      catalog: [tv],
      promotions: [promo.limitedTime('ltd', ['tv'], 30, wave1), threshold],
    });
    // 30% off alone (7000) is deeper than the threshold alone on the list price (8333).
    expect([apart.activityPriceFen, apart.worstPriceFen, apart.stack]).toEqual([7000, 7000, []]);
    const together = rowOf({
      catalog: [tv],
      promotions: [promo.limitedTime('ltd', ['tv'], 30, firstHour), threshold],
    });
    // 7000 × (1 − 1/6) = 5833.3 → 5833.
    expect([together.worstPriceFen, together.stack.map((s) => s.id)]).toEqual([5833, ['st']]);
  });

  it('counts a coupon while it can be used (validity), not while it can be claimed', () => {
    const claimedInWave1UsedOn1111 = {
      ...coupon.platform('cp', 10000, 1000),
      claimWindow: wave1,
      validity: day1111,
    };
    const row = rowOf({
      catalog: [tv],
      promotions: [{ ...promo.storeTiers('st', 's1', [[30000, 5000]]), window: wave1 }],
      coupons: [claimedInWave1UsedOn1111],
    });
    expect([row.worstPriceFen, row.stack.map((s) => s.id)]).toEqual([8333, ['st']]);
  });

  it('prices a flash session with what is open in it, and membership at every moment', () => {
    const row = rowOf({
      catalog: [tv],
      promotions: [
        promo.flash('f', 'tv', 5000, 10, 1, firstHour),
        promo.limitedTime('ltd', ['tv'], 20, day1111),
        { ...promo.storeTiers('st', 's1', [[30000, 3000]]), window: day1111 },
        cross('x-wave1', wave1, 30000, 15000),
      ],
      memberships: [{ id: 'vip', name: 'vip', discountPercent: 5 }],
    });
    // First wave: 10000 × ½ × 95% = 4750. 11.11 0:00–1:00: 5000 × 90% × 95% = 4275. The rest of
    // 11.11: 8000 × 90% × 95% = 6840. The half-off wave never meets the flash session.
    expect([row.worstPriceFen, row.stack.map((s) => s.id)]).toEqual([4275, ['st', 'membership']]);
    expect([row.activityPriceFen, row.activityOfferId]).toEqual([5000, 'f']);
  });
});
