import { describe, expect, it } from 'vitest';
import { AT, campaignOf, cartOf, item, promo } from './__fixtures__/campaign-builder.ts';
import { type CheckoutOptions, splitCheckout } from './checkout.ts';
import { quoteCart } from './quote/quote.ts';
import type { Quote } from './quote/types.ts';

const HOUR = 3_600_000;
const index = campaignOf({
  catalog: [
    item('tv', 's1', 399900, { stock: 10 }),
    item('soundbar', 's1', 99900, { stock: 10 }),
    item('remote', 's1', 1900, { stock: 10 }),
    item('cup', 's2', 1000, { stock: 10 }),
    item('phone', 's2', 599900, { stock: 10 }),
  ],
  promotions: [
    promo.gift('g-remote', ['tv'], 'remote', 1),
    promo.presale('ps-phone', 'phone', {
      priceFen: 499900,
      depositFen: 10000,
      depositValueFen: 20000,
      deposit: { startMs: AT - HOUR, endMs: AT + HOUR },
      balance: { startMs: AT + 2 * HOUR, endMs: AT + 3 * HOUR },
    }),
  ],
});

function quoteOf(lines: [string, number][]): Quote {
  const result = quoteCart(index, cartOf(lines));
  if (!result.ok) throw new Error(result.error.message);
  return result.quote;
}

function split(quote: Quote, shipDates: Record<string, string> = {}) {
  let n = 0;
  const options: CheckoutOptions = {
    checkoutId: 'c1',
    newOrderId: () => `o${++n}`,
    placedAt: AT,
    deadlineAt: AT + 30 * 60_000,
    storeOfSku: (sku) => index.items.get(sku)?.storeId,
    balanceWindowOf: (id) => index.promotions.get(id)!.window,
    shipDateOf: (sku) => shipDates[sku] ?? null,
  };
  return splitCheckout(quote, options).map((d) => ({
    store: d.storeId,
    skus: d.lines.map((l) => l.sku),
    presale: d.presale?.promotionId ?? null,
    shipDate: d.shipDate,
    gifts: d.gifts.map((g) => g.sku),
    payable: d.payableFen,
  }));
}

describe('splitCheckout: one order per store, pre-sale and ship date', () => {
  it('makes one order per store that ships now, and the gift goes with the store that stocks it', () => {
    const quote = quoteOf([
      ['tv', 1],
      ['soundbar', 1],
      ['cup', 2],
    ]);
    const orders = split(quote);
    expect(orders.map(({ store, skus, shipDate, gifts }) => ({ store, skus, shipDate, gifts }))).toEqual([
      { store: 's1', skus: ['tv', 'soundbar'], shipDate: null, gifts: ['remote'] },
      { store: 's2', skus: ['cup'], shipDate: null, gifts: [] },
    ]);
    expect(orders.reduce((sum, o) => sum + o.payable, 0)).toBe(quote.payable);
  });

  it('puts the lines of a SKU switched to pre-sale into an order of their own per ship date', () => {
    const quote = quoteOf([
      ['tv', 1],
      ['soundbar', 1],
      ['cup', 1],
    ]);
    const orders = split(quote, { soundbar: '2026-11-20', cup: '2026-11-25' });
    expect(orders.map(({ store, skus, shipDate }) => ({ store, skus, shipDate }))).toEqual([
      { store: 's1', skus: ['tv'], shipDate: null },
      { store: 's1', skus: ['soundbar'], shipDate: '2026-11-20' },
      { store: 's2', skus: ['cup'], shipDate: '2026-11-25' },
    ]);
    // Paid in full now, not a deposit.
    expect(orders.every((o) => o.presale === null)).toBe(true);
    expect(orders.reduce((sum, o) => sum + o.payable, 0)).toBe(quote.payable);
  });

  it("keeps a store's gift in that store's later order rather than another store's order that ships now", () => {
    const orders = split(
      quoteOf([
        ['tv', 1],
        ['cup', 1],
      ]),
      { tv: '2026-11-20' },
    );
    expect(orders.map(({ store, skus, shipDate, gifts }) => ({ store, skus, shipDate, gifts }))).toEqual([
      { store: 's1', skus: ['tv'], shipDate: '2026-11-20', gifts: ['remote'] },
      { store: 's2', skus: ['cup'], shipDate: null, gifts: [] },
    ]);
  });

  it('does not split a deposit pre-sale again by ship date: it ships after its balance', () => {
    const orders = split(
      quoteOf([
        ['phone', 1],
        ['cup', 1],
      ]),
      { phone: '2026-11-20' },
    );
    expect(orders.map(({ store, skus, presale, shipDate }) => ({ store, skus, presale, shipDate }))).toEqual([
      { store: 's2', skus: ['phone'], presale: 'ps-phone', shipDate: null },
      { store: 's2', skus: ['cup'], presale: null, shipDate: null },
    ]);
  });
});
