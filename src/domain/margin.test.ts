import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { campaignOf, coupon, item, promo } from './__fixtures__/campaign-builder.ts';
import type { GiftPromotion } from './campaign.ts';
import { parseCampaign } from './campaign-file.ts';
import { indexCampaign } from './campaign-index.ts';
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

  it("lets a unit dearer than a threshold take at most that threshold's whole saving", () => {
    const dear = item('dear', 's1', 50000, { costFen: 30000 });
    const [row] = marginReport(
      campaignOf({
        catalog: [dear],
        promotions: [
          promo.storeTiers('st', 's1', [
            [30000, 5000],
            [60000, 6000],
          ]),
          promo.crossStore('x', { type: 'every', everyFen: 10000, saveFen: 1000, maxSaveFen: 2000 }),
        ],
        coupons: [coupon.platform('cp', 10000, 1000)],
      }),
    );
    // Its own 500 yuan is in every base: tiers max(5000, 6000 × 50000 ÷ 60000) = 5000; the capped
    // cross-store at most its cap, 2000; the coupon at most its 1000. Not 50000 × (1/6 + 1/10 + 1/10).
    expect(row!.stack.map((s) => [s.id, s.rate])).toEqual([
      ['st', 0.1],
      ['x', 0.04],
      ['cp', 0.02],
    ]);
    expect(row!.worstPriceFen).toBe(42000);
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
    expect([row.worstAt, row.worstUntil, row.worstOfferId, row.worstUnits]).toEqual([
      '2026-11-11T00:00:00+08:00',
      '2026-11-11T01:00:00+08:00',
      'f',
      10,
    ]);
  });

  it('says when the worst case holds, and with which activity price, when it is not the lowest one', () => {
    const row = rowOf({
      catalog: [tv],
      promotions: [
        promo.limitedTime('ltd-wave1', ['tv'], 30, wave1),
        promo.limitedTime('ltd-1111', ['tv'], 20, day1111),
        { ...promo.storeTiers('st', 's1', [[40000, 10000]]), window: day1111 },
      ],
    });
    // 30% off alone: 7000. 11.11: 8000 × (1 − ¼) = 6000.
    expect([row.activityPriceFen, row.activityOfferId, row.worstPriceFen]).toEqual([7000, 'ltd-wave1', 6000]);
    expect([row.worstActivityPriceFen, row.worstOfferId, row.worstUnits]).toEqual([8000, 'ltd-1111', null]);
    expect([row.worstAt, row.worstUntil]).toEqual(['2026-11-11T00:00:00+08:00', '2026-11-12T00:00:00+08:00']);
  });

  it('gives away a gift at its cost with one unit of a trigger SKU, while the gift promotion is live', () => {
    const cup = item('cup', 's1', 1000, { costFen: 700 });
    const row = rowOf({
      catalog: [tv, cup],
      promotions: [
        promo.limitedTime('ltd', ['tv'], 30, wave1),
        { ...promo.gift('g', ['tv'], 'cup', 100), window: day1111 },
      ],
    });
    // The first wave sells at 7000; 11.11 at the list price, 10000, but with a cup worth 700 to
    // the merchant: 7000 still keeps less (7000 − 6000 against 9300 − 6000).
    expect([row.worstPriceFen, row.worstMarginFen, row.gifts]).toEqual([7000, 1000, []]);
    const deepGift = rowOf({
      catalog: [tv, cup],
      promotions: [
        promo.limitedTime('ltd', ['tv'], 30, wave1),
        { ...(promo.gift('g', ['tv'], 'cup', 100) as GiftPromotion), window: day1111, perOrder: 5 },
      ],
    });
    // Five cups with one TV on 11.11: 10000 − 3500 = 6500 kept, below the first wave's 7000.
    expect([deepGift.worstPriceFen, deepGift.worstMarginFen]).toEqual([10000, 500]);
    expect(deepGift.gifts).toEqual([{ id: 'g', costFen: 3500 }]);
    expect([deepGift.worstAt, deepGift.worstUntil]).toEqual([
      '2026-11-11T00:00:00+08:00',
      '2026-11-12T00:00:00+08:00',
    ]);
    // The gift SKU itself is no trigger: nothing given with it.
    const always = marginReport(
      campaignOf({ catalog: [cup, tv], promotions: [promo.gift('g', ['tv'], 'cup', 100)] }),
    );
    expect(always.find((r) => r.sku === 'cup')!.gifts).toEqual([]);
    expect(always.find((r) => r.sku === 'tv')!.worstMarginFen).toBe(10000 - 700 - 6000);
  });

  it('says the worst case holds at any time when nothing that touches the SKU has a window', () => {
    const row = rowOf({ catalog: [tv], promotions: [promo.storeTiers('st', 's1', [[30000, 5000]])] });
    expect([row.worstAt, row.worstUntil]).toEqual([null, null]);
  });
});

describe('the demo campaign (examples/demo)', () => {
  const file = new URL('../../examples/demo/campaign.yaml', import.meta.url);
  const parsed = parseCampaign(readFileSync(file, 'utf8'), 'campaign.yaml');
  if (!parsed.ok) throw new Error('the demo campaign must load');
  const rows = marginReport(indexCampaign(parsed.campaign));
  const worstOf = (sku: string) => rows.find((r) => r.sku === sku)!.worstPriceFen;

  it('loses money on the ¥1 phone only, as its README and campaign file say', () => {
    expect(rows.filter((r) => r.worstMarginFen < 0).map((r) => r.sku)).toEqual(['s5-phone']);
    // ¥1 in the 0:00 session; every threshold and coupon excludes it; 88VIP: 100 × 95% = 95 fen.
    expect(worstOf('s5-phone')).toBe(95);
    const phone = rows.find((r) => r.sku === 's5-phone')!;
    expect([phone.worstAt, phone.worstUntil, phone.worstUnits]).toEqual([
      '2026-11-11T00:00:00+08:00',
      '2026-11-11T00:30:00+08:00',
      11,
    ]);
  });

  it('prices the closest calls by hand: the crab pre-sale and the milk ladder on 11.11', () => {
    // Crab, 11.11 0:00–18:00: pre-sale 50 + 459 − 100 = 409 yuan. Store 满399减50: 50 (the unit
    // alone reaches it); cross-store 1111 每满300减50: 409 ÷ 6 = 68.17; store coupon 满299减30: 30;
    // 津贴 满1000减100: 40.90; food coupon 满150减10: 10. 409 − 199.07 = 209.93 → 209.93 × 95%
    // = 199.43 against a cost of 185. The wave-1 cross-store (ended 11.4) is not open then.
    expect(worstOf('s4-crab')).toBe(19943);
    // Milk, 5 boxes at 64.90 on 11.11: 50/399 + 1/6 + 10/99 + 1/10 + 10/150 of it go, 28.57 is
    // left, × 95% = 27.14 against a cost of 24.90.
    expect(worstOf('s4-milk')).toBe(2714);
  });
});
