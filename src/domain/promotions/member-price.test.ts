import { describe, expect, it } from 'vitest';
import { AT, item, promo } from '../__fixtures__/campaign-builder.ts';
import type { MemberPricePromotion } from '../campaign.ts';
import { NOTHING_USED } from '../offer-usage.ts';
import { memberPriceOffer } from './member-price.ts';

const mp = promo.memberPrice('mp', 'bar', 'vip88', 119900) as MemberPricePromotion;
const offer = (memberships: string[], p: MemberPricePromotion = mp, atMs = AT) =>
  memberPriceOffer(p, {
    atMs,
    item: item('bar', 's1', 129900),
    qty: 1,
    buyer: { id: 'u1', memberships },
    usage: NOTHING_USED,
  });

describe('memberPriceOffer', () => {
  it.each([
    [[], null],
    [['plus'], null],
    [['vip88'], 119900],
    [['plus', 'vip88'], 119900],
  ])('buyer holding %o → %s', (memberships, price) => {
    expect(offer(memberships)?.unitPriceFen ?? null).toBe(price);
  });

  it('offers the member price for every unit', () => {
    expect(offer(['vip88'])).toEqual({
      promotionId: 'mp',
      kind: 'member-price',
      unitPriceFen: 119900,
      unitsMax: Number.POSITIVE_INFINITY,
    });
  });

  it('is closed outside its window, even for holders', () => {
    const timed = { ...mp, window: { startMs: AT, endMs: AT + 1000 } };
    expect(offer(['vip88'], timed, AT - 1)).toBeNull();
    expect(offer(['vip88'], timed, AT)).not.toBeNull();
    expect(offer(['vip88'], timed, AT + 1000)).toBeNull();
  });
});
