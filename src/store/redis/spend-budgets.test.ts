// Spend budgets of promotions and coupons against real Redis: all-or-nothing takes over several
// budgets, idempotent retries, give-back and keep, the reconciler's listing, and concurrent
// checkouts that overshoot a budget by at most its last use.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import { RedisHotLedger } from './redis-hot-ledger.ts';

const client: Redis = connect();
let prefix: string;
let ledger: RedisHotLedger;

beforeEach(async () => {
  prefix = uniquePrefix('budget');
  ledger = new RedisHotLedger(client, prefix);
  await ledger.openBudgets([
    { offerId: 'promo-100off', budgetFen: 10_000 },
    { offerId: 'coupon-20', budgetFen: 3_000 },
  ]);
});

afterEach(async () => {
  await purgePrefix(client, prefix);
});

afterAll(async () => {
  await client.quit();
});

const both = (promoFen: number, couponFen: number) => [
  { offerId: 'promo-100off', spentFen: promoFen },
  { offerId: 'coupon-20', spentFen: couponFen },
];

async function left() {
  return ledger.budgetLeft(['promo-100off', 'coupon-20']);
}

describe('opening and reading budgets', () => {
  it('answers the fen left of known budgets only', async () => {
    expect(await ledger.budgetLeft(['promo-100off', 'nope'])).toEqual(new Map([['promo-100off', 10_000]]));
  });

  it('never resets a live budget when a restarted process opens it again', async () => {
    await ledger.takeBudgets('o1', [{ offerId: 'coupon-20', spentFen: 2_000 }], 100);
    await new RedisHotLedger(client, prefix).openBudgets([{ offerId: 'coupon-20', budgetFen: 9_999 }]);
    expect(await ledger.budgetLeft(['coupon-20'])).toEqual(new Map([['coupon-20', 1_000]]));
  });

  it('rejects a negative or fractional budget and a spend that is not positive', async () => {
    await expect(ledger.openBudgets([{ offerId: 'x', budgetFen: -1 }])).rejects.toThrow(/budget of x/);
    await expect(ledger.openBudgets([{ offerId: 'x', budgetFen: 1.5 }])).rejects.toThrow(/budget of x/);
    await expect(ledger.takeBudgets('o1', [{ offerId: 'coupon-20', spentFen: 0 }], 1)).rejects.toThrow(
      /spend/,
    );
    await expect(ledger.openBudgets([{ offerId: 'a{b}', budgetFen: 1 }])).rejects.toThrow(/braces/);
    // Nothing bad reached the registry the reconciler's listing reads.
    expect(await ledger.openBudgetTakes(1_000, 10)).toEqual([]);
  });
});

describe('takeBudgets', () => {
  it('takes from every budget of a checkout, and a retry does not take twice', async () => {
    expect(await ledger.takeBudgets('o1', both(4_000, 1_000), 100)).toEqual({ ok: true });
    expect(await ledger.takeBudgets('o1', both(4_000, 1_000), 100)).toEqual({ ok: true });
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 6_000],
        ['coupon-20', 2_000],
      ]),
    );
  });

  it('sums the spends of one budget, and a checkout without budgets is a no-op', async () => {
    const twice = [
      { offerId: 'coupon-20', spentFen: 1_000 },
      { offerId: 'coupon-20', spentFen: 500 },
    ];
    expect(await ledger.takeBudgets('o1', twice, 100)).toEqual({ ok: true });
    expect(await ledger.budgetLeft(['coupon-20'])).toEqual(new Map([['coupon-20', 1_500]]));
    expect(await ledger.takeBudgets('o2', [], 100)).toEqual({ ok: true });
  });

  it('takes the last use whole, then refuses, giving back what the checkout took elsewhere', async () => {
    await ledger.takeBudgets('o1', [{ offerId: 'coupon-20', spentFen: 2_500 }], 100);
    // 500 left: the next use is taken whole (as the pricing promised it) and overshoots.
    expect(await ledger.takeBudgets('o2', both(4_000, 600), 200)).toEqual({ ok: true });
    expect(await ledger.budgetLeft(['coupon-20'])).toEqual(new Map([['coupon-20', -100]]));
    expect(await ledger.takeBudgets('o3', both(1_000, 100), 300)).toEqual({
      ok: false,
      code: 'BUDGET_SPENT',
      offerId: 'coupon-20',
      leftFen: -100,
    });
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 6_000],
        ['coupon-20', -100],
      ]),
    );
    expect(await ledger.openBudgetTakes(10_000, 10)).not.toContainEqual(
      expect.objectContaining({ orderId: 'o3' }),
    );
  });

  it('refuses a budget never opened rather than spending without a cap', async () => {
    const takes = [
      { offerId: 'promo-100off', spentFen: 100 },
      { offerId: 'ghost', spentFen: 100 },
    ];
    expect(await ledger.takeBudgets('o1', takes, 100)).toEqual({
      ok: false,
      code: 'UNKNOWN_BUDGET',
      offerId: 'ghost',
    });
    expect(await ledger.budgetLeft(['promo-100off'])).toEqual(new Map([['promo-100off', 10_000]]));
  });

  it('takes again on a retry after its rollback, when the budget has room by then', async () => {
    await ledger.takeBudgets('big', [{ offerId: 'coupon-20', spentFen: 3_000 }], 100);
    expect(await ledger.takeBudgets('o1', both(1_000, 1_000), 200)).toMatchObject({ code: 'BUDGET_SPENT' });
    await ledger.giveBackBudgets('big', ['coupon-20']);
    expect(await ledger.takeBudgets('o1', both(1_000, 1_000), 300)).toEqual({ ok: true });
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 9_000],
        ['coupon-20', 2_000],
      ]),
    );
  });

  it('throws when an order id comes back with another spend: the same id must mean the same order', async () => {
    await ledger.takeBudgets('o1', [{ offerId: 'coupon-20', spentFen: 1_000 }], 100);
    await expect(ledger.takeBudgets('o1', [{ offerId: 'coupon-20', spentFen: 900 }], 100)).rejects.toThrow(
      /already took 1000 fen/,
    );
  });
});

describe('giveBackBudgets and keepBudgets', () => {
  it('gives an unpaid order its spend back once, and answers how many takes came back', async () => {
    await ledger.takeBudgets('o1', both(4_000, 1_000), 100);
    expect(await ledger.giveBackBudgets('o1', ['promo-100off', 'coupon-20', 'never-taken'])).toBe(2);
    expect(await ledger.giveBackBudgets('o1', ['promo-100off', 'coupon-20'])).toBe(0);
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 10_000],
        ['coupon-20', 3_000],
      ]),
    );
  });

  it('keeps a paid order spend for good: a later give-back does nothing', async () => {
    await ledger.takeBudgets('o1', both(4_000, 1_000), 100);
    await ledger.keepBudgets('o1', ['promo-100off', 'coupon-20']);
    await ledger.keepBudgets('o1', ['promo-100off', 'coupon-20']);
    expect(await ledger.giveBackBudgets('o1', ['promo-100off', 'coupon-20'])).toBe(0);
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 6_000],
        ['coupon-20', 2_000],
      ]),
    );
    // A retried take of the paid order is answered without spending again.
    expect(await ledger.takeBudgets('o1', both(4_000, 1_000), 100)).toEqual({ ok: true });
    expect(await ledger.budgetLeft(['coupon-20'])).toEqual(new Map([['coupon-20', 2_000]]));
  });

  it('spends again an order paid after the reconciler gave its spend back (the paid order did spend it)', async () => {
    await ledger.takeBudgets('late', both(4_000, 1_000), 100);
    await ledger.giveBackBudgets('late', ['promo-100off', 'coupon-20']);
    await ledger.takeBudgets('other', [{ offerId: 'coupon-20', spentFen: 2_500 }], 200);
    await ledger.keepBudgets('late', ['promo-100off', 'coupon-20']);
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 6_000],
        ['coupon-20', -500],
      ]),
    );
  });

  it('keeps finished takes for the configured time only', async () => {
    const short = new RedisHotLedger(client, prefix, { finishedTtlSeconds: 60 });
    await short.takeBudgets('o1', both(100, 100), 100);
    expect(await client.ttl(`${prefix}:{g:coupon-20}:take:o1`)).toBe(-1);
    await short.keepBudgets('o1', ['coupon-20']);
    const ttl = await client.ttl(`${prefix}:{g:coupon-20}:take:o1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});

describe('openBudgetTakes', () => {
  it('lists takes neither kept nor given back, taken at or before the cut-off, oldest first', async () => {
    await ledger.takeBudgets('o1', both(100, 100), 300);
    await ledger.takeBudgets('o2', [{ offerId: 'coupon-20', spentFen: 100 }], 100);
    await ledger.takeBudgets('o3', both(100, 100), 200);
    await ledger.takeBudgets('o4', both(100, 100), 1_001);
    await ledger.keepBudgets('o3', ['promo-100off']);
    await ledger.giveBackBudgets('o1', ['coupon-20']);
    expect(await ledger.openBudgetTakes(1_000, 10)).toEqual([
      { offerId: 'coupon-20', orderId: 'o2', at: 100 },
      { offerId: 'coupon-20', orderId: 'o3', at: 200 },
      { offerId: 'promo-100off', orderId: 'o1', at: 300 },
    ]);
    expect(await ledger.openBudgetTakes(300, 2)).toEqual([
      { offerId: 'coupon-20', orderId: 'o2', at: 100 },
      { offerId: 'coupon-20', orderId: 'o3', at: 200 },
    ]);
    expect((await ledger.openBudgetTakes(1_001, 10)).map((t) => t.orderId)).toEqual([
      'o2',
      'o3',
      'o1',
      'o4',
      'o4',
    ]);
    expect(await ledger.openBudgetTakes(99, 10)).toEqual([]);
  });

  it('is empty before any budget is opened', async () => {
    expect(await new RedisHotLedger(client, uniquePrefix('empty')).openBudgetTakes(1_000, 10)).toEqual([]);
  });
});

describe('concurrent checkouts', () => {
  /** `count` takes spread over four servers (connections) at once. */
  async function takeOnServers(
    count: number,
    take: (ledger: RedisHotLedger, i: number) => ReturnType<RedisHotLedger['takeBudgets']>,
  ) {
    const connections = Array.from({ length: 4 }, () => connect({ autoPipelining: true }));
    try {
      const all = connections.map((c) => new RedisHotLedger(c, prefix));
      return await Promise.all(Array.from({ length: count }, (_, i) => take(all[i % all.length]!, i)));
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  }

  it('overshoot a budget by at most its last use, and rollbacks give back exactly what they took', async () => {
    // 400 checkouts, each spending from both budgets; only the coupon budget runs out, and the
    // last use may overshoot it by less than the largest spend (60).
    const spendOf = (i: number) => both(5 + (i % 7), 20 + (i % 5) * 10);
    const results = await takeOnServers(400, (ledger, i) => ledger.takeBudgets(`o${i}`, spendOf(i), i));
    const won = results.flatMap((r, i) => (r.ok ? [spendOf(i)] : []));
    const spent = (k: number) => won.reduce((sum, s) => sum + s[k]!.spentFen, 0);
    expect(spent(1)).toBeGreaterThanOrEqual(3_000);
    expect(spent(1)).toBeLessThan(3_000 + 60);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.code === 'BUDGET_SPENT')).toBe(true);
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 10_000 - spent(0)],
        ['coupon-20', 3_000 - spent(1)],
      ]),
    );
    expect(await ledger.openBudgetTakes(1_000, 10_000)).toHaveLength(2 * won.length);
  });

  it('leaves exact counts when both budgets run out and refusals give back under contention', async () => {
    const spendOf = (i: number) => both(50 + (i % 3) * 50, 10 + (i % 4) * 10);
    const results = await takeOnServers(400, (ledger, i) => ledger.takeBudgets(`o${i}`, spendOf(i), i));
    const won = results.flatMap((r, i) => (r.ok ? [spendOf(i)] : []));
    const spent = (k: number) => won.reduce((sum, s) => sum + s[k]!.spentFen, 0);
    // Each budget overshoots by less than its largest single spend, never more.
    expect(spent(0)).toBeLessThan(10_000 + 150);
    expect(spent(1)).toBeLessThan(3_000 + 40);
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 10_000 - spent(0)],
        ['coupon-20', 3_000 - spent(1)],
      ]),
    );
    expect(await ledger.openBudgetTakes(1_000, 10_000)).toHaveLength(2 * won.length);
  });

  it('takes once when the same take is sent by several servers at once', async () => {
    const results = await takeOnServers(40, (ledger, i) =>
      ledger.takeBudgets(`o${i % 10}`, both(100, 100), i),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await left()).toEqual(
      new Map([
        ['promo-100off', 9_000],
        ['coupon-20', 2_000],
      ]),
    );
  });
});
