import { describe, expect, it } from 'vitest';
import { AT, promo } from '../__fixtures__/campaign-builder.ts';
import type { GiftPromotion } from '../campaign.ts';
import { NOTHING_USED, type OfferUsage } from '../offer-usage.ts';
import { grantGifts } from './gift.ts';

const gift = (id: string, extra: Partial<GiftPromotion> = {}) => ({
  ...(promo.gift(id, ['tv', 'fridge'], 'hdmi', 200) as GiftPromotion),
  ...extra,
});
const grant = (
  gifts: GiftPromotion[],
  skus: string[],
  opts: { memberships?: string[]; atMs?: number; usage?: OfferUsage } = {},
) =>
  grantGifts(
    gifts,
    new Set(skus),
    { id: 'u1', memberships: opts.memberships ?? [] },
    opts.atMs ?? AT,
    opts.usage ?? NOTHING_USED,
  );
const stockLeft = (n: number): OfferUsage => ({ ...NOTHING_USED, unitsLeft: new Map([['g', n]]) });

describe('grantGifts', () => {
  it.each([
    ['no trigger in the cart', ['cup'], []],
    ['one trigger', ['tv'], [{ promotionId: 'g', giftSku: 'hdmi', qty: 1 }]],
    ['either trigger', ['fridge', 'cup'], [{ promotionId: 'g', giftSku: 'hdmi', qty: 1 }]],
    [
      'both triggers: still one grant per order',
      ['tv', 'fridge'],
      [{ promotionId: 'g', giftSku: 'hdmi', qty: 1 }],
    ],
  ])('%s', (_label, skus, grants) => expect(grant([gift('g')], skus)).toEqual(grants));

  it.each([
    ['all stock left', 2, undefined, 2],
    ['less stock than perOrder', 2, 1, 1],
    ['stock gone', 2, 0, null],
    ['stock overdrawn', 1, -1, null],
  ])('perOrder and stock: %s (perOrder %i, left %s) → %s', (_label, perOrder, left, qty) => {
    const usage = left === undefined ? NOTHING_USED : stockLeft(left);
    expect(grant([gift('g', { perOrder })], ['tv'], { usage })[0]?.qty ?? null).toBe(qty);
  });

  it.each([
    [[], false],
    [['plus'], false],
    [['vip88'], true],
    [['plus', 'svip'], true],
  ])('member-only gift (vip88 or svip) for a buyer holding %o: granted %s', (memberships, granted) => {
    expect(grant([gift('g', { membershipIds: ['vip88', 'svip'] })], ['tv'], { memberships })).toHaveLength(
      granted ? 1 : 0,
    );
  });

  it('grants only inside the window, [start, end)', () => {
    const timed = gift('g', { window: { startMs: AT, endMs: AT + 1000 } });
    expect(grant([timed], ['tv'], { atMs: AT - 1 })).toEqual([]);
    expect(grant([timed], ['tv'], { atMs: AT })).toHaveLength(1);
    expect(grant([timed], ['tv'], { atMs: AT + 1000 })).toEqual([]);
  });

  it('stops when the budget is spent', () => {
    const budgeted = gift('g', { budgetFen: 5000 });
    expect(
      grant([budgeted], ['tv'], { usage: { ...NOTHING_USED, budgetLeftFen: new Map([['g', 0]]) } }),
    ).toEqual([]);
    expect(grant([budgeted], ['tv'])).toHaveLength(1);
  });

  it('grants every qualifying gift, in order, each against its own stock', () => {
    const grants = grant([gift('g'), gift('h', { giftSku: 'mug' })], ['tv'], { usage: stockLeft(0) });
    expect(grants).toEqual([{ promotionId: 'h', giftSku: 'mug', qty: 1 }]);
  });
});
