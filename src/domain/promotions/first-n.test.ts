import { describe, expect, it } from 'vitest';
import { AT, item, promo } from '../__fixtures__/campaign-builder.ts';
import type { FirstNPromotion } from '../campaign.ts';
import { NOTHING_USED, type OfferUsage } from '../offer-usage.ts';
import { firstNOffer } from './first-n.ts';

const window = { startMs: AT, endMs: AT + 60_000 };
const first = { ...(promo.firstN('first', 'bar', 99900, 100) as FirstNPromotion), window };

function offer(atMs: number, usage: OfferUsage = NOTHING_USED) {
  return firstNOffer(first, {
    atMs,
    item: item('bar', 's1', 129900),
    qty: 3,
    buyer: { id: 'u1', memberships: [] },
    usage,
  });
}
const left = (n: number): OfferUsage => ({ ...NOTHING_USED, unitsLeft: new Map([['first', n]]) });

describe('firstNOffer', () => {
  it.each([
    [AT - 1, false],
    [AT, true],
    [window.endMs - 1, true],
    [window.endMs, false],
  ])('at %i: offered %s', (atMs, offered) => expect(offer(atMs) !== null).toBe(offered));

  it('offers all N units at the price when none is sold yet', () => {
    expect(offer(AT)).toEqual({ promotionId: 'first', kind: 'first-n', unitPriceFen: 99900, unitsMax: 100 });
  });

  it.each([
    [100, 100],
    [2, 2],
    [1, 1],
    [0, null],
    [-1, null],
  ])('with %i units left → unitsMax %s', (n, unitsMax) => {
    expect(offer(AT, left(n))?.unitsMax ?? null).toBe(unitsMax);
  });

  it('does not cap at the line quantity (the engine does)', () => {
    expect(offer(AT, left(50))?.unitsMax).toBe(50);
  });
});
