import { describe, expect, it } from 'vitest';
import { AT, item, promo } from '../__fixtures__/campaign-builder.ts';
import type { LadderPromotion } from '../campaign.ts';
import { NOTHING_USED } from '../offer-usage.ts';
import { ladderOffer } from './ladder.ts';

// 3+ units at 8 yuan, 5+ units at 6 yuan (list 10 yuan).
const ladder = promo.ladder('ladder', 'cup', [
  [3, 800],
  [5, 600],
]) as LadderPromotion;
const offer = (qty: number, l: LadderPromotion = ladder, atMs = AT) =>
  ladderOffer(l, {
    atMs,
    item: item('cup', 's1', 1000),
    qty,
    buyer: { id: 'u1', memberships: [] },
    usage: NOTHING_USED,
  });

describe('ladderOffer', () => {
  it.each([
    [1, null],
    [2, null],
    [3, 800],
    [4, 800],
    [5, 600],
    [999, 600],
  ])('a line of %i units → unit price %s', (qty, price) => {
    expect(offer(qty)?.unitPriceFen ?? null).toBe(price);
  });

  it('prices every unit of the line', () => {
    expect(offer(5)).toEqual({
      promotionId: 'ladder',
      kind: 'ladder',
      unitPriceFen: 600,
      unitsMax: Number.POSITIVE_INFINITY,
    });
  });

  it('is closed outside its window, [start, end)', () => {
    const timed = { ...ladder, window: { startMs: AT, endMs: AT + 1000 } };
    expect(offer(5, timed, AT - 1)).toBeNull();
    expect(offer(5, timed, AT)?.unitPriceFen).toBe(600);
    expect(offer(5, timed, AT + 1000)).toBeNull();
  });
});
