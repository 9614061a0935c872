import { describe, expect, it } from 'vitest';
import { AT, item, promo } from '../__fixtures__/campaign-builder.ts';
import type { LimitedTimePromotion } from '../campaign.ts';
import { NOTHING_USED } from '../offer-usage.ts';
import { limitedTimeOffer, limitedTimeUnitPrice } from './limited-time.ts';

describe('limitedTimeUnitPrice: percent off, rounded half up per unit', () => {
  it.each([
    [3999, 30, 2799], // 2799.3 → 2799
    [1999, 15, 1699], // 1699.15 → 1699
    [1990, 5, 1891], // 1890.5 → 1891
    [1989, 5, 1890], // 1889.55 → 1890
    [1, 50, 1], // 0.5 → 1
    [3, 50, 2], // 1.5 → 2
    [1000, 12.5, 875],
    [999, 12.5, 874], // 874.125 → 874
    [399900, 0, 399900],
    [399900, 100, 0],
  ])('%i fen at %s%% off → %i fen', (list, percentOff, price) => {
    expect(limitedTimeUnitPrice(list, percentOff)).toBe(price);
  });
});

describe('limitedTimeOffer', () => {
  const window = { startMs: AT, endMs: AT + 3600_000 };
  const ltd = promo.limitedTime('ltd', ['tv'], 15, window) as LimitedTimePromotion;
  const offerAt = (atMs: number) =>
    limitedTimeOffer(ltd, {
      atMs,
      item: item('tv', 's1', 1999),
      qty: 3,
      buyer: { id: 'u1', memberships: [] },
      usage: NOTHING_USED,
    });

  it.each([
    [AT - 1, false],
    [AT, true],
    [window.endMs - 1, true],
    [window.endMs, false],
  ])('at %i: offered %s', (atMs, offered) => expect(offerAt(atMs) !== null).toBe(offered));

  it('prices every unit off the item list price, without a unit limit', () => {
    expect(offerAt(AT)).toEqual({
      promotionId: 'ltd',
      kind: 'limited-time',
      unitPriceFen: 1699,
      unitsMax: Number.POSITIVE_INFINITY,
    });
  });
});
