import { describe, expect, it } from 'vitest';
import { item, promo } from '../__fixtures__/campaign-builder.ts';
import type { FlashSalePromotion } from '../campaign.ts';
import { NOTHING_USED, type OfferUsage } from '../offer-usage.ts';
import { flashSaleOffer } from './flash-sale.ts';

const START = Date.parse('2026-11-11T20:00:00+08:00');
const END = Date.parse('2026-11-11T20:30:00+08:00');
// 100 units at 1999 yuan, at most 2 per buyer.
const flash = promo.flash('flash', 'tv', 199900, 100, 2, {
  startMs: START,
  endMs: END,
}) as FlashSalePromotion;

function offerAt(atMs: number, usage: OfferUsage = NOTHING_USED) {
  return flashSaleOffer(flash, {
    atMs,
    item: item('tv', 's1', 399900),
    qty: 5,
    buyer: { id: 'u1', memberships: [] },
    usage,
  });
}

function used(sessionLeft: number | undefined, bought: number | undefined): OfferUsage {
  return {
    ...NOTHING_USED,
    unitsLeft: new Map(sessionLeft === undefined ? [] : [['flash', sessionLeft]]),
    boughtByBuyer: new Map(bought === undefined ? [] : [['flash', bought]]),
  };
}

describe('flashSaleOffer', () => {
  it.each([
    ['1 ms before the session', START - 1, false],
    ['at the start', START, true],
    ['1 ms before the end', END - 1, true],
    ['at the end', END, false],
  ])('%s: offered %s', (_label, atMs, offered) => {
    expect(offerAt(atMs) !== null).toBe(offered);
  });

  it('offers the session price under the flash-sale id', () => {
    expect(offerAt(START)).toEqual({
      promotionId: 'flash',
      kind: 'flash-sale',
      unitPriceFen: 199900,
      unitsMax: 2,
    });
  });

  it.each([
    ['nothing used: the buyer limit', undefined, undefined, 2],
    ['session nearly gone', 1, undefined, 1],
    ['buyer bought 1 already', undefined, 1, 1],
    ['session 5 left, buyer 1 bought', 5, 1, 1],
    ['session 1 left, buyer 0 bought', 1, 0, 1],
    ['session sold out', 0, undefined, null],
    ['session overdrawn', -3, undefined, null],
    ['buyer at the limit', undefined, 2, null],
    ['buyer over the limit', 50, 3, null],
  ])('%s (session left %s, bought %s) → unitsMax %s', (_label, sessionLeft, bought, unitsMax) => {
    expect(offerAt(START + 1, used(sessionLeft, bought))?.unitsMax ?? null).toBe(unitsMax);
  });

  it('ignores usage recorded for other promotions', () => {
    const other: OfferUsage = {
      ...NOTHING_USED,
      unitsLeft: new Map([['other', 0]]),
      boughtByBuyer: new Map([['other', 9]]),
    };
    expect(offerAt(START, other)?.unitsMax).toBe(2);
  });
});
