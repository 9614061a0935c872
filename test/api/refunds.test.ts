// A channel took the shopper's money but the sale could not save the payment (the database refused
// the write): the money goes back through that channel before the shopper hears 503
// PAYMENT_NOT_RECORDED, the order stays unpaid with its stock reserved, and the refund is recorded.
// Runs on every backend (embedded SQLite, PostgreSQL, PostgreSQL + Redis); the database refuses
// through a trigger on the payments table.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentChannel, RefundRequest } from '../../src/services/payments/payment-channel.ts';
import { SimulatedChannel } from '../../src/services/payments/simulated-channel.ts';
import { signedCallback, startApi, type TestApi } from './api-harness.ts';

let api: TestApi;
afterEach(async () => {
  await api?.close();
});

/** Makes the database refuse every successful payment of `buyer` (a failing disk, a full table). */
async function refusePaymentsOf(buyer: string): Promise<() => Promise<void>> {
  if (api.db.getExecutor().adapter.constructor.name.startsWith('Sqlite')) {
    await sql`CREATE TRIGGER refuse_paid BEFORE INSERT ON payments
      WHEN NEW.status = 'succeeded' AND NEW.buyer_id = ${sql.lit(buyer)}
      BEGIN SELECT RAISE(ABORT, 'the disk says no'); END`.execute(api.db);
    return async () => void (await sql`DROP TRIGGER refuse_paid`.execute(api.db));
  }
  await sql`CREATE FUNCTION refuse_paid() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'the disk says no'; END $$`.execute(api.db);
  await sql`CREATE TRIGGER refuse_paid BEFORE INSERT ON payments FOR EACH ROW
    WHEN (NEW.status = 'succeeded' AND NEW.buyer_id = ${sql.lit(buyer)})
    EXECUTE FUNCTION refuse_paid()`.execute(api.db);
  return async () => void (await sql`DROP TRIGGER refuse_paid ON payments`.execute(api.db));
}

async function placeCup(buyer: string): Promise<{ id: string; payable: number }> {
  const placed = await api.call('POST', '/api/orders', { buyer, json: { lines: [{ sku: 'cup', qty: 2 }] } });
  expect(placed.status).toBe(201);
  return { id: placed.body.orders[0].id, payable: placed.body.orders[0].payable };
}

async function paymentRows() {
  const rows = await api.db.selectFrom('payments').select(['status', 'channel_ref', 'amount_fen']).execute();
  return rows.map((r) => ({ status: r.status, channelRef: r.channel_ref, amountFen: Number(r.amount_fen) }));
}

async function eventTypes(orderId: string): Promise<string[]> {
  const rows = await api.db
    .selectFrom('events')
    .select('type')
    .where('order_id', '=', orderId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.type);
}

/** The simulated gateway, whose refunds wait until the test lets them through. */
function gatedRefunds(inner: SimulatedChannel): PaymentChannel & { asked: Promise<void>; open: () => void } {
  let asked = () => {};
  let open = () => {};
  const askedPromise = new Promise<void>((resolve) => (asked = resolve));
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    name: inner.name,
    asked: askedPromise,
    open,
    charge: (request, signal) => inner.charge(request, signal),
    refund: async (request: RefundRequest, signal: AbortSignal) => {
      asked();
      await gate;
      return inner.refund(request, signal);
    },
  };
}

describe('a payment the database refuses', () => {
  it('is refunded through the channel that took it; the order stays payable, and a retry of the same key pays it', async () => {
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    api = await startApi({ channels: [alipay] });
    const order = await placeCup('doomed');
    const allowPayments = await refusePaymentsOf('doomed');
    const headers = { 'idempotency-key': 'pay-1' };

    const refused = await api.call('POST', `/api/orders/${order.id}/pay`, { buyer: 'doomed', headers });
    expect(refused.status).toBe(503);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      code: 'PAYMENT_NOT_RECORDED',
      refund: { channel: 'alipay', amount: order.payable, status: 'refunded', recorded: true },
    });
    expect(refused.body.detail).toContain('was refunded');
    expect(alipay.takings()).toEqual({
      charges: 1,
      chargedFen: order.payable,
      refunds: 1,
      refundedFen: order.payable,
    });
    expect((await api.call('GET', `/api/orders/${order.id}`, { buyer: 'doomed' })).body.status).toBe(
      'pending_payment',
    );
    expect(await api.stock('cup')).toMatchObject({ reserved: 2, sold: 0 });
    expect(await paymentRows()).toEqual([
      { status: 'refunded', channelRef: expect.stringMatching(/^alipay-/), amountFen: order.payable },
    ]);
    expect(await eventTypes(order.id)).toEqual(['OrderPlaced', 'PaymentRefunded']);

    await allowPayments();
    const paid = await api.call('POST', `/api/orders/${order.id}/pay`, { buyer: 'doomed', headers });
    expect(paid).toMatchObject({ status: 200, body: { status: 'paid', channel: 'alipay' } });
    expect(await api.stock('cup')).toMatchObject({ reserved: 0, sold: 2 });
    // Taken twice, given back once: the channel holds exactly what the paid order costs.
    const takings = alipay.takings();
    expect(takings.chargedFen - takings.refundedFen).toBe(order.payable);
    expect((await paymentRows()).map((p) => p.status).sort()).toEqual(['refunded', 'succeeded']);
    expect(await eventTypes(order.id)).toEqual(['OrderPlaced', 'PaymentRefunded', 'OrderPaid']);
  });

  it('records a refund that keeps failing for the operators, and says so to the shopper', async () => {
    const alipay = new SimulatedChannel({
      name: 'alipay',
      latencyMs: 0,
      failureRate: 0,
      refundFailureRate: 1,
    });
    api = await startApi({ channels: [alipay] });
    const order = await placeCup('doomed');
    await refusePaymentsOf('doomed');

    const refused = await api.call('POST', `/api/orders/${order.id}/pay`, { buyer: 'doomed' });
    expect(refused).toMatchObject({
      status: 503,
      body: {
        code: 'PAYMENT_NOT_RECORDED',
        refund: { status: 'refund_failed', refundRef: null, recorded: true },
      },
    });
    expect(refused.body.detail).toContain('with the operators');
    expect(alipay.takings()).toMatchObject({ charges: 1, refunds: 0, refundedFen: 0 });
    expect((await paymentRows()).map((p) => p.status)).toEqual(['refund_failed']);
    const failed = await api.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'RefundFailed')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(failed.payload)).toMatchObject({
      amount: order.payable,
      why: 'commit-failed',
      attempts: [{ outcome: 'error' }, { outcome: 'error' }, { outcome: 'error' }],
    });
  });

  it('touches nothing of another buyer, whose payment is saved as usual', async () => {
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    api = await startApi({ channels: [alipay] });
    const doomed = await placeCup('doomed');
    const fine = await placeCup('u2');
    await refusePaymentsOf('doomed');
    const [refused, paid] = await Promise.all([
      api.call('POST', `/api/orders/${doomed.id}/pay`, { buyer: 'doomed' }),
      api.call('POST', `/api/orders/${fine.id}/pay`, { buyer: 'u2' }),
    ]);
    expect(refused.body.code).toBe('PAYMENT_NOT_RECORDED');
    // Sharing a batch with the refused payment may fail the other one too; it is then refunded as well.
    const takings = alipay.takings();
    expect(takings.chargedFen - takings.refundedFen).toBe(paid.status === 200 ? fine.payable : 0);
    if (paid.status !== 200) {
      expect(paid.body.code).toBe('PAYMENT_NOT_RECORDED');
      const again = await api.call('POST', `/api/orders/${fine.id}/pay`, { buyer: 'u2' });
      expect(again.status).toBe(200);
    }
    expect((await api.call('GET', `/api/orders/${fine.id}`, { buyer: 'u2' })).body.status).toBe('paid');
  });

  it("holds the order while the charge is refunded: the charge's own callback cannot pay it, then or later", async () => {
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    const gated = gatedRefunds(alipay);
    api = await startApi({ channels: [gated], config: { paymentTimeoutMs: 5_000 } });
    const order = await placeCup('doomed');
    await refusePaymentsOf('doomed');
    const paying = api.call('POST', `/api/orders/${order.id}/pay`, { buyer: 'doomed' });
    await gated.asked;
    // The gateway reports the charge it made (the simulated channel's first reference).
    const callback = () =>
      api.call(
        'POST',
        '/api/payments/callback',
        signedCallback({ orderId: order.id, channel: 'alipay', channelRef: 'alipay-1' }),
      );
    try {
      expect((await callback()).body.code).toBe('PAYMENT_IN_PROGRESS');
    } finally {
      gated.open();
    }
    expect((await paying).body).toMatchObject({
      code: 'PAYMENT_NOT_RECORDED',
      refund: { status: 'refunded' },
    });
    expect(await callback()).toMatchObject({ status: 409, body: { code: 'PAYMENT_REFUNDED' } });
    expect((await api.call('GET', `/api/orders/${order.id}`, { buyer: 'doomed' })).body.status).toBe(
      'pending_payment',
    );
    expect(alipay.takings()).toMatchObject({ chargedFen: order.payable, refundedFen: order.payable });
  });

  it("answers a charge's own callback that comes while its payment is being written with PAYMENT_IN_PROGRESS, never a refund", async () => {
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    api = await startApi({ channels: [alipay] });
    const order = await placeCup('u1');
    const onPostgres = !api.db.getExecutor().adapter.constructor.name.startsWith('Sqlite');
    if (onPostgres) {
      // A slow disk: the payment's write takes 500 ms (SQLite here writes at once).
      await sql`CREATE FUNCTION slow_payment() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$`.execute(api.db);
      await sql`CREATE TRIGGER slow_payment BEFORE INSERT ON payments FOR EACH ROW
        EXECUTE FUNCTION slow_payment()`.execute(api.db);
    }
    const paying = api.call('POST', `/api/orders/${order.id}/pay`, { buyer: 'u1' });
    while (alipay.takings().charges === 0) await new Promise((r) => setTimeout(r, 2));
    const callback = await api.call(
      'POST',
      '/api/payments/callback',
      signedCallback({ orderId: order.id, channel: 'alipay', channelRef: 'alipay-1', amount: order.payable }),
    );
    expect((await paying).body).toMatchObject({ status: 'paid', channelRef: 'alipay-1' });
    if (onPostgres) expect(callback.body.code).toBe('PAYMENT_IN_PROGRESS');
    else
      expect(String(callback.body.code ?? callback.body.duplicate)).toMatch(/^(PAYMENT_IN_PROGRESS|true)$/);
    expect(alipay.takings()).toMatchObject({ charges: 1, refunds: 0 });
    const again = await api.call(
      'POST',
      '/api/payments/callback',
      signedCallback({ orderId: order.id, channel: 'alipay', channelRef: 'alipay-1', amount: order.payable }),
    );
    expect(again.body).toMatchObject({ status: 'paid', duplicate: true });
    expect(alipay.takings()).toMatchObject({ refunds: 0 });
  });
});
