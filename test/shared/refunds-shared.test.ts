// Servers sharing PostgreSQL and Redis: an order can close while a payment is on its way (the
// payment's hold on it ran out, and the deadline or the buyer closed it). The order book then
// refuses the payment, and the money the channel took goes back through that channel.
import { sql } from 'kysely';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { AT, campaignOf, item } from '../../src/domain/__fixtures__/campaign-builder.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import type { SharedTradeEngine } from '../../src/services/shared/shared-trade-engine.ts';
import type { PostgresTradeStore } from '../../src/store/sql/postgres-trade-store.ts';
import { startApi, type TestApi } from '../api/api-harness.ts';
import { enginesInProcess } from './engines-in-process.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

/**
 * A cup order whose payment is under way: the shared API with a slow channel, the order placed,
 * its payment sent (not awaited) and holding the order.
 */
async function payingOrder() {
  const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 400, failureRate: 0 });
  api = await startApi({ backend: 'shared', channels: [alipay] });
  const placed = await api.call('POST', '/api/orders', {
    buyer: 'u1',
    json: { lines: [{ sku: 'cup', qty: 1 }] },
  });
  expect(placed.status).toBe(201);
  const { id, payable } = placed.body.orders[0] as { id: string; payable: number };
  const paying = api.call('POST', `/api/orders/${id}/pay`, { buyer: 'u1' });
  const held = () =>
    api.db.selectFrom('orders').select('paying_until').where('id', '=', id).executeTakeFirstOrThrow();
  for (let i = 0; i < 200 && (await held()).paying_until === null; i++)
    await new Promise((r) => setTimeout(r, 5));
  return { alipay, id, payable, paying, held };
}

/** Two servers of a sale of cups, in this process; gone after the test. */
async function twoCupServers(clock: () => number) {
  const index = campaignOf({
    catalog: [item('cup', 's1', 1_000, { stock: 10 })],
    promotions: [],
    coupons: [],
  });
  const sale = await enginesInProcess(index, clock);
  onTestFinished(sale.cleanUp);
  const [one, two] = sale.servers as [SharedTradeEngine, SharedTradeEngine];
  return { sale, one, two };
}

describe('an order that closes while it is being paid (shared backend)', () => {
  it('refunds the charge, records it, and answers ORDER_EXPIRED with the refund', async () => {
    const { alipay, id, payable, paying, held } = await payingOrder();
    // What a server whose timer found the hold run out would do: the order closes under the payment.
    await sql`UPDATE orders SET status = 'expired' WHERE id = ${id}`.execute(api.db);

    const answer = await paying;
    expect(answer).toMatchObject({
      status: 409,
      body: { code: 'ORDER_EXPIRED', refund: { status: 'refunded', amount: payable, channel: 'alipay' } },
    });
    expect(answer.body.detail).toContain('was refunded');
    expect(alipay.takings()).toMatchObject({ chargedFen: payable, refundedFen: payable });
    const payments = await api.db.selectFrom('payments').select(['status', 'amount_fen']).execute();
    expect(payments.map((p) => [p.status, Number(p.amount_fen)])).toEqual([['refunded', payable]]);
    const events = await api.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('order_id', '=', id)
      .execute();
    const refunded = events.find((e) => e.type === 'PaymentRefunded');
    expect(JSON.parse(refunded?.payload ?? '{}')).toMatchObject({ amount: payable, why: 'order-closed' });
    expect(events.map((e) => e.type)).not.toContain('OrderPaid');
    expect((await held()).paying_until).toBeNull();
  });

  it("takes the payment as made when the charge's own callback was recorded first, and refunds nothing", async () => {
    const { alipay, id, paying } = await payingOrder();
    // What a callback racing the payment's own write would leave: paid by this very charge.
    await sql`UPDATE orders SET status = 'paid', payment_ref = 'alipay-1', paid_at = 1 WHERE id = ${id}`.execute(
      api.db,
    );
    const answer = await paying;
    expect(answer).toMatchObject({ status: 200, body: { status: 'paid', channelRef: 'alipay-1' } });
    expect(alipay.takings()).toMatchObject({ charges: 1, refunds: 0 });
  });

  it('gives a late charge back once when its callback reaches two servers at once', async () => {
    const { sale, one, two } = await twoCupServers(() => AT);
    const buyer = { id: 'u1', memberships: [] };
    const placed = await one.placeOrder({ buyer, lines: [{ sku: 'cup', qty: 1 }], wallet: [] });
    if (!placed.ok) throw new Error('not placed');
    const { id, payable } = placed.value.orders[0]!;
    expect((await one.payOrder('u1', id)).ok).toBe(true);

    // An abandoned channel's late success, reported to both servers at the same moment.
    const late = { orderId: id, channel: 'alipay', channelRef: 'alipay-late', amount: payable };
    const answers = await Promise.all([one.confirmPayment(late), two.confirmPayment(late)]);
    for (const answer of answers)
      expect(answer.ok ? 'paid' : answer.problem.code).toMatch(/^(DUPLICATE_PAYMENT|PAYMENT_IN_PROGRESS)$/);
    const refunds = sale.channels.reduce((n, c) => n + c.takings().refunds, 0);
    expect(refunds).toBe(1);
    const db = (one.ctx.store as PostgresTradeStore).db;
    const rows = await db
      .selectFrom('payments')
      .select('status')
      .where('channel_ref', '=', 'alipay-late')
      .execute();
    expect(rows).toEqual([{ status: 'refunded' }]);
    const refundEvents = await db
      .selectFrom('events')
      .select('type')
      .where('order_id', '=', id)
      .where('type', '=', 'PaymentRefunded')
      .execute();
    expect(refundEvents).toHaveLength(1);
  });

  it("finishes a refund whose server died between its claim and the channel's answer, once", async () => {
    let now = AT;
    const { sale, one, two } = await twoCupServers(() => now);
    const db = (one.ctx.store as PostgresTradeStore).db;
    // What the dead server left: the charge claimed for a refund, the channel never asked.
    await db
      .insertInto('payments')
      .values({
        id: 'p-dead',
        order_ids: JSON.stringify(['o-dead']),
        buyer_id: 'u1',
        channel: 'alipay',
        channel_ref: 'alipay-dead',
        status: 'refunding',
        amount_fen: 2_500,
        attempts: '[]',
        created_at: now,
      })
      .execute();
    expect((await one.reconcileNow()).refundsResumed).toBe(0); // it may still be under way
    now += 60_000;
    const passes = await Promise.all([one.reconcileNow(), two.reconcileNow()]);
    expect(passes.reduce((n, p) => n + p.refundsResumed, 0)).toBeGreaterThanOrEqual(1);
    const row = await db
      .selectFrom('payments')
      .select('status')
      .where('id', '=', 'p-dead')
      .executeTakeFirst();
    expect(row?.status).toBe('refunded');
    const events = await db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'PaymentRefunded')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload))).toEqual([
      expect.objectContaining({ paymentId: 'p-dead', why: 'resumed', amount: 2_500 }),
    ]);
    // Each server asked its channel under the same key: a real gateway refunds it once.
    for (const channel of sale.channels) expect(channel.takings().refunds).toBeLessThanOrEqual(1);
    expect((await one.reconcileNow()).refundsResumed).toBe(0);
  });

  it("leaves another payment's hold alone when its own ran out while the channel charged", async () => {
    const { alipay, id, payable, paying, held } = await payingOrder();
    // The first payment's hold ran out; the order closed and a second payment holds it now.
    const second = AT + 10 * 60_000;
    await sql`UPDATE orders SET status = 'expired', paying_until = ${second} WHERE id = ${id}`.execute(
      api.db,
    );
    const answer = await paying;
    expect(answer.body).toMatchObject({
      code: 'ORDER_EXPIRED',
      refund: { status: 'refunded', amount: payable },
    });
    expect(alipay.takings()).toMatchObject({ refunds: 1 });
    expect(Number((await held()).paying_until)).toBe(second);
  });
});
