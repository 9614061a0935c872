import { sql } from 'kysely';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { campaignOf, coupon, item, promo } from '../domain/__fixtures__/campaign-builder.ts';
import { SqliteTradeStore } from '../store/sql/sqlite-trade-store.ts';
import { SimulatedChannel } from './payments/simulated-channel.ts';
import { TradeEngine } from './trade-engine.ts';

let engines: TradeEngine[] = [];
afterEach(async () => {
  for (const e of engines) await e.stop();
  engines = [];
});

async function engineWith(
  options: { stock?: number; now?: () => number; channels?: SimulatedChannel[] } = {},
) {
  const index = campaignOf({
    catalog: [
      item('tv', 's1', 399900, { stock: options.stock ?? 5 }),
      item('cup', 's2', 1000, { stock: 100 }),
    ],
    coupons: [coupon.redEnvelope('r-sorry', 500)],
  });
  const store = new SqliteTradeStore({ file: ':memory:' });
  const channels = options.channels ?? [
    new SimulatedChannel({ name: 'alipay', latencyMs: 1, failureRate: 0 }),
  ];
  const engine = await TradeEngine.start({
    index,
    store,
    channels,
    config: { timerTickMs: 60_000 },
    clock: options.now,
  });
  engines.push(engine);
  return engine;
}

const buyer = { id: 'u1', memberships: [] };

describe('trade engine', () => {
  it('places one order per store, reserves stock, pays and sells it', async () => {
    const engine = await engineWith();
    const placed = await engine.placeOrder({
      buyer,
      lines: [
        { sku: 'tv', qty: 2 },
        { sku: 'cup', qty: 1 },
      ],
      wallet: [],
    });
    expect(placed.ok).toBe(true);
    if (!placed.ok) return;
    expect(placed.value.orders.map((o) => o.storeId)).toEqual(['s1', 's2']);
    expect(engine.ctx.ledger.get('tv')).toMatchObject({ available: 3, reserved: 2, sold: 0 });
    const paid = await engine.payOrder('u1', placed.value.orders[0]!.id);
    expect(paid.ok).toBe(true);
    expect(engine.ctx.ledger.get('tv')).toMatchObject({ available: 3, reserved: 0, sold: 2 });
    const row = await engine.ctx.store.getOrder(placed.value.orders[0]!.id);
    expect(row?.status).toBe('paid');
  });

  it('refuses what it cannot sell and changes nothing', async () => {
    const engine = await engineWith({ stock: 1 });
    const refused = await engine.placeOrder({
      buyer,
      lines: [
        { sku: 'cup', qty: 1 },
        { sku: 'tv', qty: 2 },
      ],
      wallet: [],
    });
    expect(refused).toMatchObject({
      ok: false,
      problem: { code: 'OUT_OF_STOCK', extra: { sku: 'tv', available: 1 } },
    });
    expect(engine.ctx.ledger.get('cup')).toMatchObject({ available: 100, reserved: 0 });
  });

  it('takes a checkout back when its commit fails: stock, offers and pending orders as before', async () => {
    const engine = await engineWith();
    const db = (engine.ctx.store as SqliteTradeStore).db;
    await sql`CREATE TRIGGER refuse_doomed BEFORE INSERT ON orders WHEN NEW.buyer_id = 'doomed'
      BEGIN SELECT RAISE(ABORT, 'the disk says no'); END`.execute(db);
    const doomed = { id: 'doomed', memberships: [] };
    const lines = [
      { sku: 'tv', qty: 2 },
      { sku: 'cup', qty: 3 },
    ];
    await expect(engine.placeOrder({ buyer: doomed, lines, wallet: [] })).rejects.toThrow('the disk says no');
    expect(engine.ctx.ledger.get('tv')).toMatchObject({ available: 5, reserved: 0 });
    expect(engine.ctx.ledger.get('cup')).toMatchObject({ available: 100, reserved: 0 });
    expect(engine.ctx.pending.size).toBe(0);
    expect(await db.selectFrom('orders').select('id').execute()).toEqual([]);
    const placed = await engine.placeOrder({ buyer, lines, wallet: [] });
    expect(placed.ok).toBe(true);
    expect(engine.ctx.ledger.get('tv')).toMatchObject({ available: 3, reserved: 2 });
  });

  it('takes back a gift, a first-N price, a store coupon and a red envelope, and a co-batched checkout; a retried key runs again', async () => {
    const engine = await TradeEngine.start({
      index: campaignOf({
        catalog: [
          item('tv', 's1', 399900, { stock: 5 }),
          item('mug', 's1', 100, { stock: 50 }),
          item('cup', 's2', 1000, { stock: 100 }),
        ],
        promotions: [promo.gift('g-mug', ['tv'], 'mug', 1), promo.firstN('fn-cup', 'cup', 500, 5)],
        coupons: [coupon.store('c-s1', 's1', 100_000, 20_000), coupon.redEnvelope('r-env', 3_000)],
      }),
      store: new SqliteTradeStore({ file: ':memory:' }),
      channels: [new SimulatedChannel({ name: 'alipay', latencyMs: 1, failureRate: 0 })],
      config: { timerTickMs: 60_000 },
    });
    engines.push(engine);
    for (const buyerId of ['doomed', 'u2'])
      for (const couponId of ['c-s1', 'r-env'])
        expect((await engine.claimCoupon(buyerId, couponId)).ok).toBe(true);
    const db = (engine.ctx.store as SqliteTradeStore).db;
    await sql`CREATE TRIGGER refuse_doomed BEFORE INSERT ON orders WHEN NEW.buyer_id = 'doomed'
      BEGIN SELECT RAISE(ABORT, 'the disk says no'); END`.execute(db);
    const state = async (buyerId: string) => ({
      stock: [...engine.ctx.ledger.skus()].map(([sku, s]) => [sku, { ...s }]),
      offers: ['g-mug', 'fn-cup'].map((id) => [
        engine.ctx.offers.unitsLeftOf(id),
        engine.ctx.offers.boughtBy(id, buyerId),
      ]),
      wallet: engine.ctx.wallets.entriesOf(buyerId).map((w) => ({ ...w })),
      pending: engine.ctx.pending.size,
      stockOnDisk: await db.selectFrom('stock').selectAll().orderBy('sku').execute(),
      eventsOnDisk: (await db.selectFrom('events').select('type').execute()).length,
    });
    const checkout = (id: string) => ({
      buyer: { id, memberships: [] },
      lines: [
        { sku: 'tv', qty: 1 },
        { sku: 'cup', qty: 2 },
      ],
      wallet: [
        { id: 'c-s1', couponId: 'c-s1' },
        { id: 'r-env', couponId: 'r-env' },
      ],
    });
    const before = { doomed: await state('doomed'), u2: await state('u2') };
    const key = { buyerId: 'doomed', key: 'k1', hash: 'h1' };

    // u2's checkout shares the batch that the disk refuses: neither is acknowledged.
    const both = await Promise.allSettled([
      engine.placeOrder(checkout('u2')),
      engine.placeOrder(checkout('doomed'), key),
    ]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await state('doomed')).toEqual(before.doomed);
    expect(await state('u2')).toEqual(before.u2);
    expect(await db.selectFrom('orders').select('id').execute()).toEqual([]);

    await sql`DROP TRIGGER refuse_doomed`.execute(db);
    const again = await engine.placeOrder(checkout('doomed'), key);
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.value.orders).toHaveLength(2);
    expect(engine.ctx.offers.boughtBy('fn-cup', 'doomed')).toBe(2);
    expect(await engine.placeOrder(checkout('doomed'), key)).toEqual(again);
  });

  it('expires an unpaid order at its deadline and releases the stock', async () => {
    let now = Date.parse('2026-11-11T20:00:00+08:00');
    const engine = await engineWith({ now: () => now });
    const placed = await engine.placeOrder({ buyer, lines: [{ sku: 'tv', qty: 1 }], wallet: [] });
    expect(placed.ok).toBe(true);
    now += 30 * 60_000 - 1;
    expect(await engine.tick()).toBe(0);
    now += 1;
    expect(await engine.tick()).toBe(1);
    expect(engine.ctx.ledger.get('tv')).toMatchObject({ available: 5, reserved: 0 });
    if (placed.ok)
      expect((await engine.ctx.store.getOrder(placed.value.orders[0]!.id))?.status).toBe('expired');
  });

  it('answers a payment that meets the expiry on its way to disk with ORDER_EXPIRED', async () => {
    let now = Date.parse('2026-11-11T20:00:00+08:00');
    const engine = await engineWith({ now: () => now });
    const placed = await engine.placeOrder({ buyer, lines: [{ sku: 'tv', qty: 1 }], wallet: [] });
    if (!placed.ok) throw new Error('not placed');
    const id = placed.value.orders[0]!.id;
    now += 30 * 60_000;
    const ticking = engine.tick();
    // The writer has closed the order; its commit has not landed yet.
    for (let i = 0; i < 1_000 && engine.ctx.pending.has(id); i++) await Promise.resolve();
    expect(engine.ctx.pending.has(id)).toBe(false);
    expect((await engine.ctx.store.getOrder(id))?.status).toBe('pending_payment');
    expect(await engine.payOrder('u1', id)).toMatchObject({ ok: false, problem: { code: 'ORDER_EXPIRED' } });
    expect(await ticking).toBe(1);
  });

  it('keeps a payment deadline on the order itself: due while it is unpaid, gone once it is paid', async () => {
    let now = Date.parse('2026-11-11T00:00:00+08:00');
    const engine = await engineWith({ now: () => now });
    const place = async () => {
      const placed = await engine.placeOrder({ buyer, lines: [{ sku: 'cup', qty: 1 }], wallet: [] });
      if (!placed.ok) throw new Error('not placed');
      return placed.value.orders[0]!;
    };
    const [paid, unpaid] = [await place(), await place()];
    await engine.payOrder('u1', paid.id);
    const db = (engine.ctx.store as SqliteTradeStore).db;
    expect(await db.selectFrom('timers').selectAll().execute()).toEqual([]);
    now = unpaid.deadlineAt;
    expect(await engine.ctx.store.dueTimers(now, 10)).toEqual([
      { id: `deadline:${unpaid.id}`, kind: 'payment-deadline', ref: unpaid.id, dueAt: unpaid.deadlineAt },
    ]);
    expect(await engine.tick()).toBe(1);
    expect(await engine.ctx.store.dueTimers(now, 10)).toEqual([]);
  });

  it('meets a payment deadline once when a database from before 0004 also has its timer row', async () => {
    let now = Date.parse('2026-11-11T00:00:00+08:00');
    const engine = await engineWith({ now: () => now });
    const placed = await engine.placeOrder({ buyer, lines: [{ sku: 'cup', qty: 2 }], wallet: [] });
    if (!placed.ok) throw new Error('not placed');
    const order = placed.value.orders[0]!;
    // The row an older version wrote beside the order.
    const legacy = { id: `deadline:${order.id}`, kind: 'payment-deadline' as const, ref: order.id };
    engine.ctx.commits.open.timers.push({ ...legacy, dueAt: order.deadlineAt });
    await engine.ctx.commits.wait(() => {});
    now = order.deadlineAt + 1;
    expect(await engine.ctx.store.dueTimers(now, 10)).toEqual([{ ...legacy, dueAt: order.deadlineAt }]);
    expect(await engine.tick()).toBe(1);
    expect(await engine.ctx.store.dueTimers(now, 10)).toEqual([]);
    expect(engine.ctx.ledger.get('cup')).toMatchObject({ available: 100, reserved: 0 });
  });

  it('returns the first result for a retried Idempotency-Key and never makes two orders', async () => {
    const engine = await engineWith();
    const idem = { buyerId: 'u1', key: 'k1', hash: 'h1' };
    const request = { buyer, lines: [{ sku: 'tv', qty: 1 }], wallet: [] };
    const [a, b] = await Promise.all([engine.placeOrder(request, idem), engine.placeOrder(request, idem)]);
    const c = await engine.placeOrder(request, idem);
    expect(a).toEqual(b);
    expect(c).toEqual(a);
    expect(engine.ctx.ledger.get('tv')).toMatchObject({ reserved: 1 });
    expect(await engine.placeOrder(request, { ...idem, hash: 'other' })).toMatchObject({
      ok: false,
      problem: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
  });

  it('fails over to the next channel on a timeout and compensates the shopper', async () => {
    const engine = await engineWith({
      channels: [
        new SimulatedChannel({ name: 'alipay', latencyMs: 5_000, failureRate: 0 }),
        new SimulatedChannel({ name: 'wechat', latencyMs: 1, failureRate: 0 }),
      ],
    });
    engine.ctx.config.paymentTimeoutMs = 20;
    const placed = await engine.placeOrder({ buyer, lines: [{ sku: 'cup', qty: 1 }], wallet: [] });
    if (!placed.ok) throw new Error('not placed');
    const paid = await engine.payOrder('u1', placed.value.orders[0]!.id);
    expect(paid).toMatchObject({
      ok: true,
      value: { channel: 'wechat', compensation: { couponId: 'r-sorry', amount: 500 } },
    });
    if (paid.ok) expect(paid.value.attempts.map((a) => a.outcome)).toEqual(['timeout', 'succeeded']);
    expect(await engine.ctx.store.listWallet('u1')).toHaveLength(1);
  });
});

describe('offer counters survive a restart', () => {
  it('rebuilds flash-session units and per-buyer counts from the database', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { promo } = await import('../domain/__fixtures__/campaign-builder.ts');
    const dir = mkdtempSync(join(tmpdir(), 'dacu-offers-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'offers.db');
    const at = Date.parse('2026-11-11T20:05:00+08:00');
    const index = campaignOf({
      catalog: [item('phone', 's1', 399900, { stock: 50 })],
      promotions: [promo.flash('f', 'phone', 100, 3, 1, { startMs: at - 1000, endMs: at + 60_000 })],
    });
    const start = () =>
      TradeEngine.start({
        index,
        store: new SqliteTradeStore({ file }),
        channels: [new SimulatedChannel({ name: 'a', latencyMs: 0, failureRate: 0 })],
        clock: () => at,
      });
    const first = await start();
    const rush = (engine: TradeEngine, id: string) =>
      engine.placeOrder({
        buyer: { id, memberships: [] },
        lines: [{ sku: 'phone', qty: 1 }],
        wallet: [],
        flashSessions: ['f'],
      });
    expect((await rush(first, 'b1')).ok).toBe(true);
    expect((await rush(first, 'b2')).ok).toBe(true);
    await first.stop();
    const second = await start();
    engines.push(second);
    expect(second.ctx.offers.unitsLeftOf('f')).toBe(1);
    expect(await rush(second, 'b1')).toMatchObject({ ok: false, problem: { code: 'FLASH_LIMIT_REACHED' } });
    expect((await rush(second, 'b3')).ok).toBe(true);
    expect(await rush(second, 'b4')).toMatchObject({ ok: false, problem: { code: 'FLASH_SOLD_OUT' } });
  });
});
