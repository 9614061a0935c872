// The shoppers' coupon claims and pre-sale steps as plans (pure, seeded), the driver's return
// visits, and the coupon-caps verdict on crafted evidence: a cap, a per-buyer limit or a budget
// broken must fail it.
import { describe, expect, it } from 'vitest';
import { type CouponEvidence, couponVerdict, overspent } from '../../src/sim/coupon-caps.ts';
import type { ShopCoupon } from '../../src/sim/coupon-claims.ts';
import { ReturnVisits } from '../../src/sim/return-visits.ts';
import type { PresaleDay } from '../../src/sim/sale-day.ts';
import { MIX, planShopper, type ShopItem, type Step, shopperWorld } from '../../src/sim/shopper.ts';
import { isBrowseOnly } from '../../src/sim/traffic.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const catalog: ShopItem[] = [
  { sku: 'tv', storeId: 's1', role: 'hero', price: 279_900 },
  { sku: 'kettle', storeId: 's1', role: 'regular', price: 12_990 },
  { sku: 'crab', storeId: 's2', role: 'featured', price: 58_800 },
  { sku: 'nuts', storeId: 's2', role: 'regular', price: 13_900 },
  { sku: 'socks', storeId: 's3', role: 'regular', price: 4_990 },
];

const always = { fromMs: Number.NEGATIVE_INFINITY, toMs: Number.POSITIVE_INFINITY };
const coupons: ShopCoupon[] = [
  { id: 'c-s1', kind: 'store', storeId: 's1', claim: always, claimableAtStart: true },
  { id: 'c-s2', kind: 'store', storeId: 's2', claim: always, claimableAtStart: true },
  {
    id: 'c-s3-morning',
    kind: 'store',
    storeId: 's3',
    claim: { fromMs: 0, toMs: 12 * HOUR },
    claimableAtStart: true,
  },
  { id: 'c-plat', kind: 'platform', storeId: null, claim: always, claimableAtStart: true },
  { id: 'r-env', kind: 'red-envelope', storeId: null, claim: always, claimableAtStart: true },
  {
    id: 'r-eve',
    kind: 'red-envelope',
    storeId: null,
    claim: { fromMs: -DAY, toMs: 0 },
    claimableAtStart: false,
  },
];
const presales: PresaleDay[] = [
  {
    promotionId: 'p-crab',
    sku: 'crab',
    deposit: { fromMs: 0, toMs: 18 * HOUR },
    balance: { fromMs: 20 * HOUR, toMs: DAY },
  },
];
const DAY_END = DAY - 5_000;
const SESSIONS = 20_000;

function plans(seed: number) {
  const world = shopperWorld(seed, catalog, [], SESSIONS, { coupons, presales, dayEndMs: DAY_END });
  // Arrivals spread evenly over the day.
  return Array.from({ length: SESSIONS }, (_, i) =>
    planShopper(world, i, Math.floor((i * DAY) / SESSIONS), -1, isBrowseOnly(i)),
  );
}

const stepsOf = <K extends Step['do']>(steps: readonly Step[], kind: K) =>
  steps.filter((s): s is Extract<Step, { do: K }> => s.do === kind);

describe('shoppers claiming coupons', () => {
  const all = plans(3);
  const buyers = all.filter((p) => p.intent === 'buy');
  const claimers = buyers.filter((p) => stepsOf(p.steps, 'claim-coupon').length > 0);

  it('are the same for the same seed', () => {
    expect(plans(3)).toEqual(all);
  });

  it('claim before checking out, as often as MIX says, a few coupons each', () => {
    expect(claimers.length / buyers.length).toBeCloseTo(MIX.claimCoupons, 1);
    for (const p of claimers) {
      const claims = stepsOf(p.steps, 'claim-coupon').map((s) => s.couponId);
      expect(claims.length).toBeLessThanOrEqual(MIX.claimsMax);
      expect(new Set(claims).size).toBe(claims.length);
      const firstClaim = p.steps.findIndex((s) => s.do === 'claim-coupon');
      expect(firstClaim).toBeLessThan(p.steps.findIndex((s) => s.do === 'order'));
    }
  });

  it('only claim what is claimable at their arrival, store coupons of the stores in their cart', () => {
    for (const p of claimers) {
      const stores = new Set(p.lines.map((l) => catalog.find((i) => i.sku === l.sku)!.storeId));
      for (const { couponId } of stepsOf(p.steps, 'claim-coupon')) {
        const coupon = coupons.find((c) => c.id === couponId)!;
        expect(p.arrivalMs).toBeGreaterThanOrEqual(coupon.claim!.fromMs);
        expect(p.arrivalMs).toBeLessThan(coupon.claim!.toMs);
        if (coupon.kind === 'store') expect(stores).toContain(coupon.storeId);
      }
    }
    const claimed = new Set(claimers.flatMap((p) => stepsOf(p.steps, 'claim-coupon').map((s) => s.couponId)));
    expect([...claimed].sort()).toEqual(['c-plat', 'c-s1', 'c-s2', 'c-s3-morning', 'r-env']);
  });

  it('come back as the same buyer and claim the same coupon again (the per-buyer limit is exercised)', () => {
    const seen = new Set<string>();
    let again = 0;
    for (const p of claimers) {
      for (const { couponId } of stepsOf(p.steps, 'claim-coupon')) {
        const key = `${p.buyer}/${couponId}`;
        if (seen.has(key)) again += 1;
        seen.add(key);
      }
    }
    expect(again).toBeGreaterThan(0);
  });
});

describe('shoppers at a pre-sale', () => {
  const all = plans(3);
  const depositors = all.filter((p) => p.steps.some((s) => s.do === 'pay-deposit'));

  it('arrive while deposits are taken, put its SKU in the cart once, and pay the deposit after ordering', () => {
    expect(depositors.length).toBeGreaterThan(0);
    for (const p of depositors) {
      expect(p.arrivalMs).toBeLessThan(18 * HOUR);
      expect(p.lines.filter((l) => l.sku === 'crab')).toEqual([{ sku: 'crab', qty: 1 }]);
      const order = p.steps.findIndex((s) => s.do === 'order');
      expect(p.steps[order + 1]).toEqual({ do: 'pay-deposit' });
      expect(p.steps.some((s) => s.do === 'pay')).toBe(false);
    }
  });

  it('leave the pre-sale SKU out of every other cart while deposits are taken', () => {
    const others = all.filter(
      (p) => p.intent === 'buy' && !depositors.includes(p) && p.arrivalMs < 18 * HOUR,
    );
    expect(others.some((p) => p.lines.some((l) => l.sku === 'crab'))).toBe(false);
    const evening = all.filter((p) => p.intent === 'buy' && p.arrivalMs >= 18 * HOUR);
    expect(evening.some((p) => p.lines.some((l) => l.sku === 'crab'))).toBe(true);
  });

  it('mostly come back in the balance window to pay the balance; the rest forfeit the deposit', () => {
    const balances = depositors.flatMap((p) => stepsOf(p.steps, 'pay-balance'));
    const forfeits = depositors.filter((p) => p.steps.some((s) => s.do === 'forfeit'));
    expect(balances.length + forfeits.length).toBe(depositors.length);
    expect(balances.length / depositors.length).toBeCloseTo(MIX.balancePays, 1);
    for (const { atMs } of balances) {
      expect(atMs).toBeGreaterThanOrEqual(20 * HOUR);
      expect(atMs).toBeLessThan(DAY_END);
    }
  });
});

describe('return visits', () => {
  it('bring shoppers back in time order (first to leave first among equals), or not at all when the run stops', async () => {
    const visits = new ReturnVisits();
    let left = 0;
    visits.onLeave = () => {
      left += 1;
    };
    const back: string[] = [];
    const a = visits.add(300).then((ok) => back.push(`a ${ok}`));
    const b = visits.add(100).then((ok) => back.push(`b ${ok}`));
    const c = visits.add(300).then((ok) => back.push(`c ${ok}`));
    expect(left).toBe(3);
    expect(visits.nextAtMs).toBe(100);
    visits.wakeNext();
    visits.wakeNext();
    expect(visits.size).toBe(1);
    visits.cancelAll();
    await Promise.all([a, b, c]);
    expect(back).toEqual(['b true', 'a true', 'c false']);
    expect(visits.nextAtMs).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the coupon-caps verdict', () => {
  const held: CouponEvidence = {
    source: 'database',
    templates: [
      { id: 'c-s1', total: 100, perBuyer: 1, claimed: 100, buyerMax: 1 },
      { id: 'r-env', total: null, perBuyer: 3, claimed: 5_000, buyerMax: 3 },
    ],
    budgets: [{ id: 'p-cross', budgetFen: 100_000, spentFen: 104_000, takeMaxFen: 5_000 }],
    claimsSeen: 40,
    claimsOnServer: 40,
    claimsUnknown: 0,
    buyersRead: 30,
    buyersClaiming: 30,
  };

  it('passes when every cap, limit and budget held (a budget may end past its sum by its last discount)', () => {
    const verdict = couponVerdict(held);
    expect(verdict.status).toBe('pass');
    expect(verdict.detail).toMatch(/5,100 claimed .* fullest c-s1 100\/100/);
    expect(verdict.detail).toMatch(/p-cross ¥1,040 of ¥1,000/);
  });

  it('fails on more claims than the issue cap', () => {
    const e = { ...held, templates: [{ ...held.templates[0]!, claimed: 101 }] };
    expect(couponVerdict(e)).toMatchObject({
      status: 'fail',
      value: 1,
      examples: ['c-s1: 101 claimed, issue cap 100'],
    });
  });

  it('fails on a buyer holding more than the per-buyer limit', () => {
    const e = { ...held, templates: [{ ...held.templates[1]!, buyerMax: 4 }] };
    expect(couponVerdict(e).examples).toEqual(['r-env: a buyer holds 4, limit 3']);
  });

  it('fails on a budget given out past its last discount', () => {
    const budget = { id: 'p-cross', budgetFen: 100_000, spentFen: 105_000, takeMaxFen: 5_000 };
    expect(overspent(budget)).toBe(true);
    expect(overspent({ ...budget, spentFen: 104_999 })).toBe(false);
    const verdict = couponVerdict({ ...held, budgets: [budget] });
    expect(verdict.status).toBe('fail');
    expect(verdict.examples[0]).toMatch(/^p-cross: ¥1,050 given, budget ¥1,000/);
  });

  it('fails on claims answered 201 that are not in the wallets, and on more than the lost answers explain', () => {
    expect(held.claimsSeen).toBe(40);
    expect(couponVerdict({ ...held, claimsOnServer: 39 }).status).toBe('fail');
    // A claim never answered may have gone through, or not: one more, never one fewer.
    expect(couponVerdict({ ...held, claimsOnServer: 39, claimsUnknown: 1 }).status).toBe('fail');
    expect(couponVerdict({ ...held, claimsOnServer: 41, claimsUnknown: 1 }).status).toBe('pass');
    expect(couponVerdict({ ...held, claimsOnServer: 42, claimsUnknown: 1 }).status).toBe('fail');
  });

  it('says what it could not check over --url, and skips without coupons', () => {
    const url = couponVerdict({
      ...held,
      source: 'http',
      budgets: null,
      claimsOnServer: null,
      buyersRead: 20,
    });
    expect(url.status).toBe('pass');
    expect(url.detail).toMatch(/20 of 30 wallets read back/);
    expect(url.detail).toMatch(/budgets not checked with --url/);
    expect(couponVerdict(null).status).toBe('skip');
  });
});
