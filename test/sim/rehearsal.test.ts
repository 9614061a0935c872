// A small simulated 11.11 against the real HTTP API: the demo sale with a flash SKU of 5 units, so
// it sells out at the midnight rush, and a red envelope issued 5 times, so claims run out. Shoppers claim
// coupons, top up to thresholds, pay pre-sale deposits and (most of them) balances. Every invariant
// must hold; a doctored result must fail them.
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimServer, startSimServer } from '../../src/cli/commands/simulate.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import { loadCampaignFile } from '../../src/services/campaign-loader.ts';
import { ShopperClient } from '../../src/sim/http-client.ts';
import { collectEvidence, exitCodeOf, judge } from '../../src/sim/invariants.ts';
import { OrderBook } from '../../src/sim/order-book.ts';
import { runSimulation, type SimRun } from '../../src/sim/run.ts';
import { simLimits } from '../../src/sim/sim-limits.ts';
import { renderSummary } from '../../src/sim/summary.ts';
import type { SqliteTradeStore } from '../../src/store/sql/sqlite-trade-store.ts';
import { statField } from '../../src/support/proc-stat.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FLASH_STOCK = 5;
const SCARCE_COUPON = 'r-env-10';
const SCARCE_COUPON_TOTAL = 5;
const SPEED = 43_200; // a day in two seconds

async function demoWithScarcePhone(): Promise<Campaign> {
  const demo = await loadCampaignFile(join(root, 'examples/demo/campaign.yaml'));
  return {
    ...demo,
    catalog: demo.catalog.map((item) => (item.sku === 's5-phone' ? { ...item, stock: FLASH_STOCK } : item)),
    coupons: demo.coupons.map((c) => (c.id === SCARCE_COUPON ? { ...c, total: SCARCE_COUPON_TOTAL } : c)),
  };
}

const NICE_FIELD = 19;

/** The nice value of each of this process's threads (Linux: /proc/self/task/TID/stat, field 19). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    return statField(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'), NICE_FIELD);
  });
}

const invariant = (run: SimRun, id: string) => run.result.invariants.find((i) => i.id === id)!;

describe('a simulated 11.11 in process (300 orders, a day in 2 s)', () => {
  let sim: SimServer;
  let run: SimRun;
  let processCpuSeconds: number;

  beforeAll(async () => {
    const campaign = await demoWithScarcePhone();
    // Deadline: three wall seconds, so abandoned orders expire before the read-back.
    sim = await startSimServer({ campaign, db: ':memory:', speed: SPEED, deadlineSimMs: 3_000 * SPEED });
    const cpuBefore = process.cpuUsage();
    run = await runSimulation({
      baseUrl: sim.server.url,
      engine: sim.server.engine,
      clock: sim.clock,
      campaign,
      speed: SPEED,
      orders: 300,
      seed: 11,
      concurrency: 16,
      maxSeconds: 60,
      rushShare: 0.1,
    });
    const cpu = process.cpuUsage(cpuBefore);
    processCpuSeconds = (cpu.user + cpu.system) / 1e6;
  });
  afterAll(async () => {
    await sim?.server.close();
  });
  const sqlite = () => (sim.server.engine.ctx.store as SqliteTradeStore).sqlite;

  it('plays the behaviours: rush, browse, claim, quote, top up, retry a key, pay, deposit, balance, pay late, cancel, abandon', () => {
    const c = run.result.counts;
    expect(run.result.run.stoppedBy).toBe('done');
    expect(c.sessions).toBe(374); // 300 order-placing + every fifth only browsing
    expect(c.checkoutsAttempted).toBeGreaterThanOrEqual(300);
    expect(c.ordersAcknowledged).toBeGreaterThan(200);
    for (const key of [
      'rush',
      'browseOnly',
      'quotes',
      'topUps',
      'topUpsReached',
      'couponsClaimed',
      'claimsRefused',
      'walletCheckouts',
      'retriedKeys',
      'paid',
      'payLate',
      'depositsPaid',
      'balancesPaid',
      'balancesSkipped',
      'cancelled',
      'abandoned',
    ] as const) {
      expect(c[key], key).toBeGreaterThan(0);
    }
    expect(run.result.errors).toEqual({});
    expect(run.result.latency.order?.count).toBeGreaterThan(0);
    expect(run.result.throughput.ordersPerSecond).toBeGreaterThan(0);
  });

  it('claims coupons into wallets and uses them: the scarce one runs out at its cap, returning buyers hit the limit', () => {
    expect(run.result.rejected.COUPON_SOLD_OUT).toBeGreaterThan(0);
    expect(run.result.rejected.CLAIM_LIMIT_REACHED).toBeGreaterThan(0);
    const scarce = run.evidence.coupons?.templates.find((t) => t.id === SCARCE_COUPON);
    expect(scarce?.claimed).toBe(SCARCE_COUPON_TOTAL);
    // Coupons taken from wallets show in the orders as discounts with the wallet entry they came from.
    const withWallet = sqlite()
      .prepare(`SELECT count(*) FROM orders WHERE detail LIKE '%"walletId":%'`)
      .pluck()
      .get() as number;
    expect(withWallet).toBeGreaterThan(0);
  });

  it('takes pre-sale deposits, then balances in the evening; unpaid balances forfeit and release the unit', () => {
    const statuses = Object.fromEntries(
      sqlite()
        .prepare(`SELECT status, count(*) FROM orders WHERE detail LIKE '%"presale":{%' GROUP BY status`)
        .raw()
        .all() as [string, number][],
    );
    expect(statuses.paid).toBe(run.result.counts.balancesPaid);
    expect(statuses.forfeited).toBeGreaterThanOrEqual(run.result.counts.balancesSkipped);
    expect(statuses.deposit_paid ?? 0).toBe(0); // the balance deadline (24:00) has passed
    // Pre-sale orders take their units from the SKU's pre-sale pool, not its spot stock.
    const crab = run.result.stock.find((r) => r.sku === 's4-crab#presale')!;
    expect(crab.server.reserved).toBe(0);
    expect(crab.server.sold).toBeGreaterThanOrEqual(run.result.counts.balancesPaid);
  });

  it('sells the flash SKU out without overselling it', () => {
    expect(run.result.soldOut['s5-phone']).toBeGreaterThan(0);
    const phone = run.result.stock.find((r) => r.sku === 's5-phone')!;
    expect((phone.server.sold ?? 0) + (phone.server.reserved ?? 0)).toBeLessThanOrEqual(FLASH_STOCK);
    expect(phone.server.sold).toBeGreaterThan(0);
  });

  it('holds every invariant: oversold 0, lost 0, stock identity, idempotency, payments', () => {
    const failed = run.result.invariants.filter((i) => i.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(invariant(run, 'oversold').value).toBe(0);
    expect(invariant(run, 'lost').value).toBe(0);
    expect(run.evidence.readBack.checked).toBe(run.result.counts.ordersAcknowledged);
    expect(run.evidence.readBack.wrongStatus).toBe(0);
    expect(invariant(run, 'coupon-caps').status).toBe('pass');
    expect(invariant(run, 'coupon-caps').detail).toMatch(/budgets: .*p-cross-1111/);
    expect(invariant(run, 'flash-sessions').status).toBe('pass');
    const midnightPhone = run.evidence.flash?.find((f) => f.id === 'p-flash-0000-phone');
    expect(midnightPhone?.units).toBeGreaterThan(0);
    expect(midnightPhone?.units).toBeLessThanOrEqual(FLASH_STOCK);
    expect(run.result.exitCode).toBe(0);
    // 资金: every fen the channels kept is a booked payment.
    const money = run.evidence.payments.money;
    expect(money?.takenFen).toBeGreaterThan(0);
    expect(money?.takenFen).toBe(money?.bookedFen);
    expect(invariant(run, 'payments').detail).toMatch(/the channels kept ¥[\d,.]+, payments booked ¥/);
    // Every abandoned order reached its deadline and gave its stock back.
    expect(sim.server.engine.ctx.pending.size).toBe(0);
    expect(run.result.stock.every((r) => r.server.reserved === 0 && r.matches)).toBe(true);
    expect(renderSummary(run.result)).toMatch(/✓ 演练通过/);
  });

  it("reports the CPU of the server's event loop per request while the shoppers played", () => {
    const loop = run.result.timing.serverLoop!;
    expect(loop.cpuSeconds).toBeGreaterThan(0);
    // One thread of this process, while the shoppers played: within the process's whole CPU over
    // the run, and within the time they played.
    expect(loop.cpuSeconds).toBeLessThanOrEqual(processCpuSeconds + 0.01);
    expect(loop.cpuSeconds).toBeLessThanOrEqual(run.result.timing.driveSeconds + 0.01);
    expect(loop.microsPerRequest).toBeGreaterThan(0);
    // CPU over wall time of the same window, on one thread: a share of one core.
    expect(loop.busyPercent).toBeGreaterThan(0);
    expect(loop.busyPercent).toBeLessThanOrEqual(101);
    expect(loop.busyPercent).toBeGreaterThanOrEqual(
      Math.floor((100 * loop.cpuSeconds) / run.result.timing.driveSeconds) - 1,
    );
    // Ready to run but not running: a share of the same time, and busy + waiting fit in it.
    expect(loop.waitingPercent).toBeGreaterThanOrEqual(0);
    expect(loop.busyPercent + loop.waitingPercent!).toBeLessThanOrEqual(102);
    const summary = renderSummary(run.result);
    expect(summary).toContain(`${loop.cpuSeconds}s CPU while the shoppers played`);
    expect(summary).toContain(
      `µs a request; busy ${loop.busyPercent}% of that time, waiting for a core ${loop.waitingPercent}%`,
    );
  });

  it("leaves a page's body unread when told to, but still reads an error's problem+json", async () => {
    const client = new ShopperClient(new URL(sim.server.url), 2);
    try {
      const page = await client.call('catalog', 'GET', '/api/catalog', { ignoreOkBody: true });
      expect(page).toMatchObject({ status: 200, body: undefined });
      const read = await client.call('catalog', 'GET', '/api/catalog', {});
      expect(read.body.items.length).toBeGreaterThan(0);
      const missing = await client.call('order-read', 'GET', '/api/orders/o-nobody', {
        buyer: 'b-nobody',
        ignoreOkBody: true,
      });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toEqual(expect.any(String));
      expect(client.requests).toBe(3);
    } finally {
      client.close();
    }
  });

  it('fails on a doctored result: an acknowledged order the server does not have is a lost order', async () => {
    run.book.acknowledge(
      'sim-doctored-b0',
      [{ id: 'o-never-placed', storeId: 's1', payable: 100, deadlineAt: 0 }],
      () => [],
      0,
    );
    const client = new ShopperClient(new URL(sim.server.url), 8);
    try {
      const invariants = judge(await collectEvidence({ ...run.verify, client }));
      const lost = invariants.find((i) => i.id === 'lost')!;
      expect(lost.status).toBe('fail');
      expect(lost.value).toBe(1);
      expect(lost.examples[0]).toMatch(/o-never-placed/);
      expect(exitCodeOf(invariants)).toBe(1);
      expect(renderSummary({ ...run.result, invariants, ok: false, exitCode: 1 })).toMatch(/✗ 演练失败/);
    } finally {
      client.close();
    }
  });

  it('fails on a doctored result: money a channel kept that no payment booked', () => {
    const money = { ...run.evidence.payments.money!, takenFen: run.evidence.payments.money!.takenFen + 1 };
    const payments = { ...run.evidence.payments, money };
    expect(judge({ ...run.evidence, payments }).find((i) => i.id === 'payments')!.status).toBe('fail');
  });

  it('fails on a doctored result: a flash session that sold more than its quantity', () => {
    const flash = run.evidence.flash!.map((f) =>
      f.id === 'p-flash-0000-tv' ? { ...f, units: f.quantity + 1 } : f,
    );
    const verdict = judge({ ...run.evidence, flash }).find((i) => i.id === 'flash-sessions')!;
    expect(verdict.status).toBe('fail');
    expect(verdict.examples[0]).toMatch(/p-flash-0000-tv/);
  });

  it('fails on a doctored result: a unit the model says was sold breaks the stock identity check', async () => {
    // A paid order with one more unit than the server sold it.
    const paid = run.book.expected.indexOf('paid');
    run.book.lines[paid] = [...run.book.lines[paid]!, { sku: 's1-tv55', qty: 1 }];
    const client = new ShopperClient(new URL(sim.server.url), 8);
    try {
      const invariants = judge(await collectEvidence({ ...run.verify, client }));
      expect(invariants.find((i) => i.id === 'stock-identity')!.status).toBe('fail');
      expect(exitCodeOf(invariants)).toBe(1);
    } finally {
      client.close();
    }
  });

  it('fails on a doctored database: a buyer holding more of a coupon than its per-buyer limit', async () => {
    const holder = sqlite()
      .prepare(
        `SELECT buyer_id, coupon_id FROM wallet WHERE source = 'claim' AND coupon_id = 'c-plat-1000' LIMIT 1`,
      )
      .raw()
      .get() as [string, string];
    expect(holder).toBeDefined();
    sqlite()
      .prepare(
        `INSERT INTO wallet (id, buyer_id, coupon_id, balance_fen, source, created_at, status)
         VALUES ('w-doctored', ?, ?, NULL, 'claim', 0, 'available')`,
      )
      .run(...holder);
    const client = new ShopperClient(new URL(sim.server.url), 8);
    try {
      const verdict = judge(await collectEvidence({ ...run.verify, client })).find(
        (i) => i.id === 'coupon-caps',
      )!;
      expect(verdict.status).toBe('fail');
      expect(verdict.examples).toContain('c-plat-1000: a buyer holds 2, limit 1');
      expect(verdict.examples.some((e) => /claims answered 201, \d+ in the run's wallets/.test(e))).toBe(
        true,
      );
    } finally {
      client.close();
    }
  });

  /** Evidence read again after doctoring the database or the book; the client is closed after. */
  async function evidenceAgain(laterMs = 0) {
    const client = new ShopperClient(new URL(sim.server.url), 8);
    const serverNow = () => run.verify.serverNow() + laterMs;
    try {
      return await collectEvidence({ ...run.verify, serverNow, client });
    } finally {
      client.close();
    }
  }

  it('fails on answers a rehearsal must not meet (a 500, an unexpected refusal, no answer)', () => {
    const errors = { count: 3, kinds: [['pay 500 INTERNAL', 3]] as [string, number][], examples: ['x'] };
    const verdict = judge({ ...run.evidence, errors }).find((i) => i.id === 'errors')!;
    expect(verdict.status).toBe('fail');
    expect(verdict.detail).toMatch(/pay 500 INTERNAL ×3/);
    expect(invariant(run, 'errors').status).toBe('pass');
  });

  it('fails on payments through a channel the shoppers were not answered', () => {
    const payments = { ...run.evidence.payments, succeeded: run.evidence.payments.channelPaymentsSeen + 1 };
    expect(judge({ ...run.evidence, payments }).find((i) => i.id === 'payments')!.status).toBe('fail');
  });

  it('fails on a doctored database: an unpaid order the deadline loop never closed', async () => {
    const [id] = sqlite().prepare(`SELECT id FROM orders WHERE status = 'expired' LIMIT 1`).raw().get() as [
      string,
    ];
    sqlite().prepare(`UPDATE orders SET status = 'pending_payment', closed_at = NULL WHERE id = ?`).run(id);
    try {
      // Within the grace the timer loop gets, pending past its deadline fails nothing yet; ten days on it does.
      expect(
        judge(await evidenceAgain())
          .find((i) => i.id === 'lost')!
          .examples.join('\n'),
      ).not.toMatch(id);
      const lost = judge(await evidenceAgain(10 * 86_400_000)).find((i) => i.id === 'lost')!;
      expect(lost.status).toBe('fail');
      expect(lost.examples.join('\n')).toMatch(
        new RegExp(`${id} .*still pending_payment .* past its deadline`),
      );
    } finally {
      sqlite().prepare(`UPDATE orders SET status = 'expired', closed_at = deadline_at WHERE id = ?`).run(id);
    }
  });

  it('fails on an order expired before the deadline the shopper was answered', async () => {
    const [id] = sqlite().prepare(`SELECT id FROM orders WHERE status = 'expired' LIMIT 1`).raw().get() as [
      string,
    ];
    const i = run.book.ids.indexOf(id);
    expect(i).toBeGreaterThanOrEqual(0);
    const answered = run.book.deadlineAt[i]!;
    run.book.deadlineAt[i] = answered + 3_600_000; // as if the server had closed it an hour early
    try {
      const lost = judge(await evidenceAgain()).find((x) => x.id === 'lost')!;
      expect(lost.status).toBe('fail');
      expect(lost.examples.join('\n')).toMatch(
        /expired [\d,]+ s before the deadline it was acknowledged with/,
      );
    } finally {
      run.book.deadlineAt[i] = answered;
    }
  });

  it('fails on an oversell that lasted a moment: a unit taken while all were held, then given back', async () => {
    // Three units: a paid order holds all three from t = 10; an order answered at t = 20 took one
    // more, and its cancel was sent at t = 30. At the end the units add up; in time they did not.
    const sku = 's2-lipstick';
    /** An order of `qty` lipsticks answered 201 at `at`; its index in the book. */
    const order = (book: OrderBook, id: string, qty: number, at: number) =>
      book.acknowledge(
        'sim-x-b1',
        [{ id, storeId: 's2', payable: 100, deadlineAt: 1e15 }],
        () => [{ sku, qty }],
        at,
      )[0]!;
    const book = new OrderBook();
    book.markPaid(order(book, 'o-holds-all', 3, 10));
    const late = order(book, 'o-one-too-many', 1, 20);
    book.markClosed(late, 'cancelled');
    book.cancelSentAt.set(late, 30);
    const opening = new Map([[sku, { initial: 3, restocked: 0, available: 3, reserved: 0, sold: 0 }]]);
    const client = new ShopperClient(new URL(sim.server.url), 8);
    try {
      const oversold = judge(await collectEvidence({ ...run.verify, book, opening, client })).find(
        (i) => i.id === 'oversold',
      )!;
      expect(oversold.status).toBe('fail');
      expect(oversold.examples[0]).toMatch(
        /^o-one-too-many: acknowledged at .* with 1 × s2-lipstick while only 0 were not held/,
      );
      // Sent before the other was answered, the cancel made room in time: nothing oversold.
      const inTurn = new OrderBook();
      const first = order(inTurn, 'o-first', 1, 5);
      inTurn.markClosed(first, 'cancelled');
      inTurn.cancelSentAt.set(first, 8);
      inTurn.markPaid(order(inTurn, 'o-then-all', 3, 10));
      const fine = judge(await collectEvidence({ ...run.verify, book: inTurn, opening, client })).find(
        (i) => i.id === 'oversold',
      )!;
      expect(fine.status).toBe('pass');
    } finally {
      client.close();
    }
  });

  it('fails on an order nobody acknowledged unless a checkout of its buyer was never answered', async () => {
    const [buyer] = sqlite()
      .prepare(`SELECT buyer_id FROM orders WHERE buyer_id LIKE 'sim-%' LIMIT 1`)
      .raw()
      .get() as [string];
    sqlite()
      .prepare(
        `INSERT INTO orders (id, checkout_id, buyer_id, store_id, status, payable_fen, amount_fen,
           list_total_fen, placed_at, deadline_at, closed_at, detail)
         SELECT 'o-stray', checkout_id, buyer_id, store_id, 'expired', payable_fen, amount_fen,
           list_total_fen, placed_at, deadline_at, deadline_at, detail
         FROM orders WHERE buyer_id = ? LIMIT 1`,
      )
      .run(buyer);
    try {
      const stray = await evidenceAgain();
      expect(stray.idempotency.strays).toBe(1);
      expect(judge(stray).find((x) => x.id === 'idempotency')!.status).toBe('fail');
      run.book.unknownCheckouts.set('sim-someone-else', 1);
      expect(judge(await evidenceAgain()).find((x) => x.id === 'idempotency')!.status).toBe('fail');
      run.book.unknownCheckouts.set(buyer, 1);
      const excused = await evidenceAgain();
      expect(excused.idempotency.straysExcused).toBe(1);
      expect(judge(excused).find((x) => x.id === 'idempotency')!.status).toBe('pass');
    } finally {
      run.book.unknownCheckouts.clear();
      sqlite().prepare(`DELETE FROM orders WHERE id = 'o-stray'`).run();
    }
  });
});

describe('a rehearsal stopped half-way (Ctrl-C)', () => {
  it('stops the shoppers on their thread, then still checks what they did', async () => {
    const campaign = await loadCampaignFile(join(root, 'examples/demo/campaign.yaml'));
    const speed = 60; // a day in 24 minutes: far longer than the test waits
    const sim = await startSimServer({ campaign, db: ':memory:', speed, deadlineSimMs: 1_000 * speed });
    const abort = new AbortController();
    // Look at the threads' priorities while the shoppers play; stop once they were seen and the
    // server committed orders (so sessions ran, however busy the machine), or after 20 s whatever
    // happened.
    const serverNice = getPriority();
    const started = Date.now();
    let seen: number[] | null = null;
    try {
      const looker = setInterval(() => {
        const nices = threadNices();
        if (nices.some((n) => n !== serverNice)) seen ??= nices;
        const ms = Date.now() - started;
        const ordered = sim.server.engine.ctx.commits.stats.batches > 0;
        if ((seen && ordered && ms >= 1_500) || ms >= 20_000) abort.abort();
      }, 100);
      const run = await runSimulation({
        baseUrl: sim.server.url,
        engine: sim.server.engine,
        clock: sim.clock,
        campaign,
        speed,
        orders: 1_000_000,
        seed: 5,
        concurrency: 8,
        maxSeconds: 600,
        signal: abort.signal,
      }).finally(() => clearInterval(looker));
      expect(run.result.run.stoppedBy).toBe('aborted');
      // The shoppers' thread yields the cores to the server: it alone runs at a lower priority.
      const shoppersNice = Math.min(19, serverNice + simLimits.shopperThreadNiceStep);
      expect(seen).not.toBeNull();
      expect(seen!.filter((n) => n === shoppersNice)).toHaveLength(1);
      expect(seen!.filter((n) => n === serverNice)).toHaveLength(seen!.length - 1);
      expect(run.result.counts.sessions).toBeGreaterThan(0);
      expect(run.result.counts.sessions).toBeLessThan(run.result.run.sessionsPlanned);
      expect(invariant(run, 'oversold').status).toBe('pass');
      expect(invariant(run, 'lost').status).toBe('pass');
    } finally {
      await sim.server.close();
    }
  });
});
