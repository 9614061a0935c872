// The exact search against brute force over every legal coupon set, on random carts and wallets
// (ISSUE: "prove it with a property test against brute force").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AT, campaignOf, cartOf, coupon, item, promo, scope } from '../__fixtures__/campaign-builder.ts';
import type { CatalogItem, CouponTemplate, Promotion } from '../campaign.ts';
import { NOTHING_USED } from '../offer-usage.ts';
import { chooseBestCoupons } from './best-combination.ts';
import { priceWithChoice, quoteCart } from './quote.ts';
import { buildQuoteContext, type CouponOption, type QuoteContext } from './quote-context.ts';
import type { CouponChoice } from './store-stages.ts';
import type { Quote } from './types.ts';

const STORES = ['s1', 's2', 's3', 's4'];
const CATEGORIES = ['appliances', 'beauty'];

const money = (min: number, max: number) => fc.integer({ min, max });

const arbCatalog = fc
  .array(fc.tuple(fc.constantFrom(...STORES), money(100, 200_000), fc.constantFrom(...CATEGORIES)), {
    minLength: 1,
    maxLength: 8,
  })
  .map((rows) => rows.map(([store, price, category], i) => item(`k${i}`, store, price, { category })));

function arbPromotions(catalog: CatalogItem[]): fc.Arbitrary<Promotion[]> {
  const storeTiers = fc.array(
    fc
      .tuple(fc.constantFrom(...STORES), money(1000, 100_000), money(1, 95))
      .map(
        ([store, spend, pct]): Promotion =>
          promo.storeTiers(`st-${store}-${spend}`, store, [
            [spend, Math.max(1, Math.floor((spend * pct) / 100))],
          ]),
      ),
    { maxLength: 3 },
  );
  const cross = fc.option(
    fc.tuple(money(1000, 50_000), money(1, 60)).map(([every, pct]) =>
      promo.crossStore('cross', {
        type: 'every',
        everyFen: every,
        saveFen: Math.max(1, Math.floor((every * pct) / 100)),
        maxSaveFen: null,
      }),
    ),
    { nil: undefined },
  );
  const presale = fc.option(
    fc.integer({ min: 0, max: catalog.length - 1 }).map((k) => {
      const target = catalog[k]!;
      const deposit = Math.max(1, Math.floor(target.listPriceFen / 10));
      const window = { startMs: AT - 1, endMs: AT + 1 };
      return promo.presale('pre', target.sku, {
        priceFen: target.listPriceFen,
        depositFen: deposit,
        depositValueFen: deposit * 2,
        deposit: window,
        balance: { startMs: AT + 2, endMs: AT + 3 },
      });
    }),
    { nil: undefined },
  );
  return fc.tuple(storeTiers, cross, presale).map(([tiers, c, p]) => {
    const unique = new Map(tiers.map((t) => [t.id, t]));
    return [...unique.values(), ...(c ? [c] : []), ...(p ? [p] : [])];
  });
}

const arbCoupons: fc.Arbitrary<CouponTemplate[]> = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...STORES), money(0, 100_000), money(1, 30_000)), { maxLength: 6 }),
    fc.array(fc.tuple(money(0, 200_000), money(1, 40_000), fc.subarray(STORES, { minLength: 1 })), {
      maxLength: 3,
    }),
    fc.array(fc.tuple(fc.constantFrom(...CATEGORIES), money(0, 100_000), money(1, 20_000)), { maxLength: 2 }),
    fc.array(money(1, 20_000), { maxLength: 2 }),
  )
  .map(([stores, platforms, categories, envelopes]) => [
    ...stores.map(([s, t, a], i) => coupon.store(`cs${i}`, s, t, a)),
    ...platforms.map(([t, a, ss], i) =>
      coupon.platform(`cp${i}`, t, a, ss.length === STORES.length ? scope() : scope({ stores: new Set(ss) })),
    ),
    ...categories.map(([c, t, a], i) => coupon.category(`cc${i}`, c, t, a)),
    ...envelopes.map((a, i) => coupon.redEnvelope(`re${i}`, a)),
  ]);

const arbCase = arbCatalog.chain((catalog) =>
  fc.record({
    catalog: fc.constant(catalog),
    promotions: arbPromotions(catalog),
    coupons: arbCoupons,
    qtys: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: catalog.length, maxLength: catalog.length }),
    member: fc.boolean(),
  }),
);

function* everyChoice(ctx: QuoteContext): Generator<CouponChoice> {
  const storeSets = ctx.stores.reduce<(CouponOption | null)[][]>(
    (sets, g) => sets.flatMap((set) => [null, ...g.couponOptions].map((o) => [...set, o])),
    [[]],
  );
  for (const platform of [null, ...ctx.platformOptions])
    for (const category of [null, ...ctx.categoryOptions])
      for (const store of storeSets) yield { platform, category, store };
}

interface Case {
  catalog: CatalogItem[];
  promotions: Promotion[];
  coupons: CouponTemplate[];
  qtys: number[];
  member: boolean;
}

function setup(c: Case) {
  const index = campaignOf({
    catalog: c.catalog,
    promotions: c.promotions,
    coupons: c.coupons,
    memberships: [{ id: 'vip', name: 'vip', discountPercent: 5 }],
  });
  const lines = c.catalog.map((i, k) => [i.sku, c.qtys[k]!] as [string, number]).filter(([, q]) => q > 0);
  const cart = cartOf(
    lines.length > 0 ? lines : [[c.catalog[0]!.sku, 1]],
    c.coupons.map((x) => x.id),
    { memberships: c.member ? ['vip'] : [] },
  );
  return { index, cart };
}

describe('best combination', () => {
  it('equals brute force over every legal coupon set (property)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { index, cart } = setup(c);
        const ctx = buildQuoteContext(index, cart, NOTHING_USED);
        const best = chooseBestCoupons(ctx);
        const chosen = priceWithChoice(ctx, best.choice);
        for (const choice of everyChoice(ctx)) {
          const other = priceWithChoice(ctx, choice);
          expect(chosen.payable).toBeLessThanOrEqual(other.payable);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every quote invariant on random carts (property)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { index, cart } = setup(c);
        const result = quoteCart(index, cart); // asserts Σ lines = payable, floors, Σ applied = savings
        expect(result.ok).toBe(true);
        if (result.ok) checkScopes(result.quote, c.coupons);
      }),
      { numRuns: 300 },
    );
  });
});

/** A discount never lands outside its scope; every discount's allocations add up to its total. */
function checkScopes(quote: Quote, coupons: CouponTemplate[]): void {
  const byId = new Map(coupons.map((x) => [x.id, x]));
  const allocated = new Map<string, number>();
  expect(quote.payable).toBeGreaterThanOrEqual(0);
  for (const store of quote.stores) {
    expect(store.payable).toBeGreaterThanOrEqual(0);
    for (const line of store.lines) {
      for (const d of line.discounts) {
        allocated.set(d.id, (allocated.get(d.id) ?? 0) + d.amount);
        const template = byId.get(d.id);
        if (template?.kind === 'store') expect(template.storeId).toBe(store.storeId);
        if (template?.kind === 'category') expect(template.category).toBe(line.category);
        if (template?.kind === 'platform' && template.scope.stores)
          expect(template.scope.stores.has(store.storeId)).toBe(true);
      }
    }
  }
  for (const a of quote.applied) {
    if (allocated.has(a.id)) expect(allocated.get(a.id)).toBe(a.amount);
  }
}
