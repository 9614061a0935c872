import { describe, expect, it } from 'vitest';
import { AT, campaignOf, cartOf, coupon, item, promo, scope } from '../__fixtures__/campaign-builder.ts';
import { NOTHING_USED } from '../offer-usage.ts';
import { quoteCart } from './quote.ts';
import type { Quote } from './types.ts';

const vip88 = { id: 'vip88', name: '88VIP', discountPercent: 5 };

function quoteOf(...args: Parameters<typeof quoteCart>): Quote {
  const result = quoteCart(...args);
  if (!result.ok) throw new Error(`quote failed: ${result.error.code} ${result.error.message}`);
  return result.quote;
}

const applied = (q: Quote) => Object.fromEntries(q.applied.map((a) => [a.walletId ?? a.id, a.amount]));

describe('stacking order (PRICING.md §1–6)', () => {
  const index = campaignOf({
    catalog: [item('tv', 's1', 399900)],
    promotions: [
      promo.storeTiers('st', 's1', [
        [30000, 5000],
        [50000, 10000],
      ]),
      promo.crossStore('cross', { type: 'every', everyFen: 30000, saveFen: 5000, maxSaveFen: null }),
    ],
    coupons: [
      coupon.store('cs', 's1', 20000, 2000),
      coupon.platform('cp', 100000, 10000),
      coupon.redEnvelope('re', 1000),
    ],
    memberships: [vip88],
  });

  it('applies item → store → cross-store → platform → membership → red envelope, each judged on activity price', () => {
    const q = quoteOf(index, cartOf([['tv', 1]], ['cs', 'cp', 're'], { memberships: ['vip88'] }));
    // 399900 − 10000 (tier 500) − 2000 (coupon) − 65000 (13 × 50) − 10000 (allowance) = 312900;
    // membership 5% of 312900 = 15645; red envelope 1000.
    expect(applied(q)).toEqual({ st: 10000, cs: 2000, cross: 65000, cp: 10000, vip88: 15645, re: 1000 });
    expect(q.payable).toBe(296255);
    expect(q.savings).toBe(399900 - 296255);
    expect(q.stores[0]!.lines[0]!.discounts.map((d) => d.id)).toEqual([
      'st',
      'cs',
      'cross',
      'cp',
      'vip88',
      're',
    ]);
  });

  it('gives no membership discount to a buyer without the membership', () => {
    const q = quoteOf(index, cartOf([['tv', 1]], ['cs', 'cp', 're']));
    expect(q.payable).toBe(312900 - 1000);
  });
});

describe('parallel thresholds and zero caps', () => {
  it('judges every threshold on activity amounts and cuts a store at zero without moving the excess', () => {
    const index = campaignOf({
      catalog: [item('a', 's1', 30000), item('b', 's2', 10000)],
      promotions: [
        promo.storeTiers('s2-deep', 's2', [[10000, 9000]]),
        promo.crossStore('cross', { type: 'every', everyFen: 10000, saveFen: 5000, maxSaveFen: null }),
      ],
    });
    const q = quoteOf(
      index,
      cartOf([
        ['a', 1],
        ['b', 1],
      ]),
    );
    // Cross-store: base 40000 → 20000, split 15000 / 5000; s2 has only 1000 left, so 4000 is cut.
    expect(q.stores.map((s) => s.payable)).toEqual([15000, 0]);
    expect(applied(q)).toEqual({ 's2-deep': 9000, cross: 16000 });
  });

  it('caps a repeating threshold at maxSave', () => {
    const index = campaignOf({
      catalog: [item('a', 's1', 100000)],
      promotions: [promo.storeEvery('every', 's1', 30000, 3000, 5000)],
    });
    expect(quoteOf(index, cartOf([['a', 1]])).payable).toBe(95000);
    expect(quoteOf(index, cartOf([['a', 2]])).payable).toBe(195000);
  });

  it('keeps scoped discounts on their lines', () => {
    const index = campaignOf({
      catalog: [
        item('tv', 's1', 100000, { category: 'appliances' }),
        item('lip', 's1', 20000, { category: 'beauty' }),
      ],
      coupons: [coupon.category('cat', 'appliances', 50000, 5000)],
    });
    const q = quoteOf(
      index,
      cartOf(
        [
          ['tv', 1],
          ['lip', 1],
        ],
        ['cat'],
      ),
    );
    const [tv, lip] = q.stores[0]!.lines;
    expect(tv!.discounts).toEqual([{ id: 'cat', kind: 'category', amount: 5000 }]);
    expect(lip!.discounts).toEqual([]);
  });
});

describe('item level: one price per unit, the lowest open to it', () => {
  const flashWindow = {
    startMs: Date.parse('2026-11-11T20:00:00+08:00'),
    endMs: Date.parse('2026-11-11T20:30:00+08:00'),
  };
  const index = campaignOf({
    catalog: [item('tv', 's1', 399900), item('bar', 's1', 129900), item('cup', 's2', 1000)],
    promotions: [
      promo.limitedTime('ltd', ['tv'], 30),
      promo.flash('flash', 'tv', 199900, 100, 1, flashWindow),
      promo.ladder('ladder', 'cup', [
        [3, 800],
        [5, 600],
      ]),
      promo.memberPrice('mp', 'bar', 'vip88', 119900),
      promo.firstN('first', 'bar', 99900, 100),
    ],
    memberships: [vip88],
  });

  it('gives the flash price to the buyer limit only, the rest the best unlimited offer', () => {
    const q = quoteOf(index, cartOf([['tv', 2]]));
    expect(q.stores[0]!.lines.map((l) => [l.qty, l.unitPrice, l.offer?.id])).toEqual([
      [1, 279930, 'ltd'],
      [1, 199900, 'flash'],
    ]);
  });

  it('drops the flash price outside its session and when the session is sold out', () => {
    const before = quoteOf(index, cartOf([['tv', 1]], [], { atMs: flashWindow.startMs - 1 }));
    expect(before.stores[0]!.lines[0]!.offer?.id).toBe('ltd');
    const soldOut = quoteOf(index, cartOf([['tv', 1]]), {
      ...NOTHING_USED,
      unitsLeft: new Map([['flash', 0]]),
    });
    expect(soldOut.stores[0]!.lines[0]!.offer?.id).toBe('ltd');
    const boughtAlready = quoteOf(index, cartOf([['tv', 1]]), {
      ...NOTHING_USED,
      boughtByBuyer: new Map([['flash', 1]]),
    });
    expect(boughtAlready.stores[0]!.lines[0]!.offer?.id).toBe('ltd');
  });

  it('prices a ladder by the tier the line quantity reaches', () => {
    const unit = (qty: number) => quoteOf(index, cartOf([['cup', qty]])).stores[0]!.lines[0]!.unitPrice;
    expect([unit(2), unit(3), unit(4), unit(5), unit(9)]).toEqual([1000, 800, 800, 600, 600]);
  });

  it('honours first-N for the units left and the member price only for members', () => {
    const usage = { ...NOTHING_USED, unitsLeft: new Map([['first', 1]]) };
    const q = quoteOf(index, cartOf([['bar', 3]], [], { memberships: ['vip88'] }), usage);
    expect(q.stores[0]!.lines.map((l) => [l.qty, l.unitPrice, l.offer?.id])).toEqual([
      [2, 119900, 'mp'],
      [1, 99900, 'first'],
    ]);
    const guest = quoteOf(index, cartOf([['bar', 1]]), {
      ...NOTHING_USED,
      unitsLeft: new Map([['first', 0]]),
    });
    expect(guest.stores[0]!.lines[0]!.offer).toBeNull();
  });

  it('rounds a percent-off unit price half up per unit', () => {
    const odd = campaignOf({
      catalog: [item('x', 's1', 3999)],
      promotions: [promo.limitedTime('ltd', ['x'], 30)],
    });
    // 3999 × 0.7 = 2799.3 → 2799 per unit, times 3.
    expect(quoteOf(odd, cartOf([['x', 3]])).payable).toBe(3 * 2799);
  });
});

describe('bundles', () => {
  const index = campaignOf({
    catalog: [item('tv', 's1', 399900), item('bar', 's1', 129900)],
    promotions: [promo.bundle('set', ['tv', 'bar'], 499900)],
  });

  it('replaces the component prices by the bundle price split by list price', () => {
    const q = quoteOf(
      index,
      cartOf([
        ['tv', 2],
        ['bar', 1],
      ]),
    );
    const bundled = q.stores[0]!.lines.filter((l) => l.offer?.id === 'set');
    expect(bundled.map((l) => l.qty)).toEqual([1, 1]);
    expect(bundled.reduce((sum, l) => sum + l.unitPrice, 0)).toBe(499900);
    expect(q.payable).toBe(499900 + 399900);
  });
});

describe('pre-sale deposits', () => {
  const deposit = { startMs: AT - 1000, endMs: AT + 1000 };
  const balance = { startMs: AT + 2000, endMs: AT + 10_000 };
  const index = campaignOf({
    catalog: [item('tv', 's1', 399900)],
    promotions: [
      promo.presale('pre', 'tv', {
        priceFen: 359900,
        depositFen: 10000,
        depositValueFen: 20000,
        deposit,
        balance,
      }),
      promo.storeTiers('st', 's1', [[300000, 10000]]),
    ],
    coupons: [coupon.redEnvelope('re', 500000)],
  });

  it('counts the deposit at its value, judges thresholds on d + (p − v) and discounts the balance only', () => {
    const q = quoteOf(index, cartOf([['tv', 1]], ['re']));
    const line = q.stores[0]!.lines[0]!;
    expect(line.unitPrice).toBe(10000 + 339900);
    // Store tier reached on 349900; the red envelope can take the balance down to zero but never the deposit.
    expect(line.presale).toEqual({ promotionId: 'pre', deposit: 10000, depositValue: 20000, balanceDue: 0 });
    expect(q.payable).toBe(10000);
    expect(q.dueNow).toBe(10000);
    expect(applied(q).re).toBe(339900 - 10000);
  });

  it('is offered only while its pool holds the line: past that the SKU is sold as spot goods', () => {
    const poolOf = (left: number) => ({ ...NOTHING_USED, presaleStockLeft: new Map([['tv', left]]) });
    const cart = cartOf([['tv', 2]]);
    expect(quoteOf(index, cart, poolOf(2)).stores[0]!.lines[0]!.presale?.promotionId).toBe('pre');
    const spot = quoteOf(index, cart, poolOf(1)).stores[0]!.lines[0]!;
    expect([spot.presale, spot.offer, spot.unitPrice]).toEqual([null, null, 399900]);
    // A SKU without a pool of its own sells its pre-sale from spot stock: no limit here.
    const noPool = { ...NOTHING_USED, presaleStockLeft: new Map<string, number>() };
    expect(quoteOf(index, cart, noPool).stores[0]!.lines[0]!.presale).not.toBeNull();
  });
});

describe('best combination', () => {
  it('is not greedy: a smaller platform coupon can beat a bigger one that gets cut', () => {
    const index = campaignOf({
      catalog: [item('a', 's1', 100000), item('b', 's2', 50000)],
      promotions: [promo.storeTiers('deep', 's1', [[100000, 95000]])],
      coupons: [
        coupon.platform('big', 50000, 10000, scope({ stores: new Set(['s1']) })),
        coupon.platform('wide', 0, 8000),
      ],
    });
    const q = quoteOf(
      index,
      cartOf(
        [
          ['a', 1],
          ['b', 1],
        ],
        ['big', 'wide'],
      ),
    );
    // big: 10000 all on s1, which has 5000 left → saves 5000. wide: 5333 / 2667 → saves 7667.
    expect(q.applied.find((a) => a.kind === 'platform')?.id).toBe('wide');
    expect(q.payable).toBe(50000 - 2667);
    expect(q.walletUnused).toEqual([{ id: 'big', couponId: 'big', reason: 'NOT_BEST' }]);
  });

  it('on a tie keeps the higher-value coupon for later', () => {
    const index = campaignOf({
      catalog: [item('a', 's1', 1000)],
      coupons: [coupon.store('big', 's1', 0, 5000), coupon.store('small', 's1', 0, 1200)],
    });
    const q = quoteOf(index, cartOf([['a', 1]], ['big', 'small']));
    expect(q.payable).toBe(0);
    expect(q.applied).toEqual([{ id: 'small', kind: 'store', amount: 1000, walletId: 'small' }]);
  });
});

describe('red envelopes', () => {
  it('spends the smallest first, splits over stores by what is left, and keeps the rest', () => {
    const index = campaignOf({
      catalog: [item('a', 's1', 3000), item('b', 's2', 1000)],
      coupons: [coupon.redEnvelope('small', 1000), coupon.redEnvelope('large', 10000)],
    });
    const q = quoteOf(
      index,
      cartOf(
        [
          ['a', 1],
          ['b', 1],
        ],
        ['large', 'small'],
      ),
    );
    expect(applied(q)).toEqual({ small: 1000, large: 3000 });
    expect(q.payable).toBe(0);
    const q2 = quoteOf(
      index,
      cartOf(
        [
          ['a', 1],
          ['b', 1],
        ],
        ['small'],
      ),
    );
    expect(q2.stores.map((s) => s.payable)).toEqual([2250, 750]);
  });

  it('uses a red envelope balance instead of its face value when given', () => {
    const index = campaignOf({ catalog: [item('a', 's1', 3000)], coupons: [coupon.redEnvelope('re', 1000)] });
    expect(quoteOf(index, cartOf([['a', 1]], ['re'], { balances: { re: 250 } })).payable).toBe(2750);
  });
});

describe('top-up hints (凑单)', () => {
  const index = campaignOf({
    catalog: [item('a', 's1', 25000)],
    promotions: [
      promo.storeTiers('st', 's1', [
        [30000, 5000],
        [50000, 10000],
      ]),
      promo.crossStore('cross', { type: 'every', everyFen: 30000, saveFen: 5000, maxSaveFen: null }),
    ],
    coupons: [coupon.platform('cp', 100000, 10000)],
  });

  it('says how much more reaches each threshold and what it saves', () => {
    const q = quoteOf(index, cartOf([['a', 1]], ['cp']));
    expect(q.hints).toEqual([
      { id: 'st', kind: 'store-threshold', storeId: 's1', needed: 5000, saves: 5000 },
      { id: 'cross', kind: 'cross-store', storeId: null, needed: 5000, saves: 5000 },
      { id: 'cp', kind: 'platform', storeId: null, needed: 75000, saves: 10000 },
    ]);
    expect(q.walletUnused).toEqual([{ id: 'cp', couponId: 'cp', reason: 'THRESHOLD_NOT_REACHED' }]);
  });

  it('are left out of a checkout, which prices the same cart to the fen without them', () => {
    const cart = cartOf([['a', 1]], ['cp']);
    const withHints = quoteCart(index, cart);
    const checkout = quoteCart(index, cart, undefined, { hints: false });
    if (!withHints.ok || !checkout.ok) throw new Error('not priced');
    expect(checkout.quote.hints).toEqual([]);
    expect({ ...checkout.quote, hints: withHints.quote.hints }).toEqual(withHints.quote);
  });

  it('gives no hint past the top tier, and the next repeating step', () => {
    const q = quoteOf(index, cartOf([['a', 2]], ['cp']));
    expect(q.hints).toEqual([
      { id: 'cross', kind: 'cross-store', storeId: null, needed: 10000, saves: 5000 },
      { id: 'cp', kind: 'platform', storeId: null, needed: 50000, saves: 10000 },
    ]);
  });
});

describe('gifts', () => {
  const index = campaignOf({
    catalog: [item('tv', 's1', 399900), item('hdmi', 's1', 5000)],
    promotions: [promo.gift('g', ['tv'], 'hdmi', 2), promo.gift('vip-gift', ['tv'], 'hdmi', 5, ['vip88'])],
    memberships: [vip88],
  });

  it('grants a gift while gift stock lasts, member gifts to members only', () => {
    expect(quoteOf(index, cartOf([['tv', 1]])).gifts).toEqual([{ promotionId: 'g', sku: 'hdmi', qty: 1 }]);
    expect(quoteOf(index, cartOf([['tv', 1]], [], { memberships: ['vip88'] })).gifts).toHaveLength(2);
    const gone = { ...NOTHING_USED, unitsLeft: new Map([['g', 0]]) };
    expect(quoteOf(index, cartOf([['tv', 1]]), gone).gifts).toEqual([]);
  });
});

describe('windows', () => {
  it('never applies a promotion or coupon outside its window', () => {
    const later = { startMs: AT + 1, endMs: null };
    const index = campaignOf({
      catalog: [item('a', 's1', 10000)],
      promotions: [promo.limitedTime('ltd', ['a'], 50, later)],
      coupons: [{ ...coupon.store('cs', 's1', 0, 1000), validity: later }],
    });
    const q = quoteOf(index, cartOf([['a', 1]], ['cs']));
    expect(q.payable).toBe(10000);
    expect(q.walletUnused).toEqual([{ id: 'cs', couponId: 'cs', reason: 'NOT_VALID_NOW' }]);
    expect(quoteOf(index, cartOf([['a', 1]], ['cs'], { atMs: AT + 1 })).payable).toBe(4000);
  });
});

describe('bad carts', () => {
  const index = campaignOf({ catalog: [item('a', 's1', 10000)], coupons: [coupon.redEnvelope('re', 100)] });
  it.each([
    [cartOf([]), 'EMPTY_CART', 'lines'],
    [cartOf([['zzz', 1]]), 'UNKNOWN_SKU', 'lines[0].sku'],
    [cartOf([['a', 0]]), 'INVALID_QUANTITY', 'lines[0].qty'],
    [cartOf([['a', 1.5]]), 'INVALID_QUANTITY', 'lines[0].qty'],
    [cartOf([['a', 1_000_000]]), 'INVALID_QUANTITY', 'lines[0].qty'],
    [
      cartOf([
        ['a', 1],
        ['a', 2],
      ]),
      'DUPLICATE_SKU',
      'lines[1].sku',
    ],
    [cartOf([['a', 1]], ['nope']), 'UNKNOWN_COUPON', 'wallet[0]'],
    [cartOf([['a', 1]], ['re', 're']), 'DUPLICATE_WALLET_ITEM', 'wallet[1]'],
  ])('%# is refused with a code and a path', (cart, code, path) => {
    const result = quoteCart(index, cart);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.path]).toEqual([code, path]);
  });
});
