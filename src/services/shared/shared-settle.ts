// Paying, cancelling and expiring orders when several servers share PostgreSQL and Redis. The order
// row decides (a conditional UPDATE: the server whose update lands wins), then Redis follows: the
// reservation becomes a sale or goes back. Crash between the two: the reconciler makes Redis agree
// with PostgreSQL (reconciler.ts), so an order in PostgreSQL always has its stock accounted for.

import { limits } from '../../domain/limits.ts';
import { nextStatus, type OrderAction, type OrderStatus } from '../../domain/order-lifecycle.ts';
import type { OrderRow } from '../../store/ports.ts';
import { faultPoint } from '../../support/fault-points.ts';
import type { ClosedOrder } from '../close-order.ts';
import type { Recorder } from '../idempotency.ts';
import type { PaidOrder, PaymentCallback } from '../pay-order.ts';
import { failedOver, payWithFailover } from '../payments/pay-with-failover.ts';
import { fail, type Outcome } from '../problem.ts';
import { event } from '../trade-context.ts';
import type { SharedContext } from './shared-context.ts';
import { notShared } from './shared-place-order.ts';

/** How long a server claims a due timer; a server that dies loses it after this. */
const TIMER_CLAIM_MS = 30_000;

async function openOrderFor(
  shared: SharedContext,
  buyerId: string,
  orderId: string,
  action: OrderAction,
): Promise<Outcome<OrderRow>> {
  const row = await shared.ctx.store.getOrder(orderId);
  if (!row) return fail('ORDER_NOT_FOUND', `no order ${orderId}`);
  if (row.buyerId !== buyerId) return fail('NOT_YOUR_ORDER', 'this order belongs to another buyer');
  const step = nextStatus(row.status as OrderStatus, action);
  if (!step.ok) return fail(step.code, `order ${orderId} is ${row.status}`);
  if (row.status !== 'pending_payment') return notShared('pre-sale balances');
  return { ok: true, value: row };
}

export async function paySharedOrder(
  shared: SharedContext,
  buyerId: string,
  orderId: string,
  preferredChannel: string | undefined,
  record: Recorder<PaidOrder>,
): Promise<Outcome<PaidOrder>> {
  const { ctx, book } = shared;
  const found = await openOrderFor(shared, buyerId, orderId, 'pay');
  if (!found.ok) return found;
  const order = found.value;
  const now = ctx.clock();
  // Every channel may take its full timeout; the hold outlasts them all.
  const holdMs = ctx.config.paymentTimeoutMs * (ctx.channels.length + 1);
  if (!(await book.holdForPayment(order.id, 'pending_payment', now, now + holdMs)))
    return stillOpen(shared, order.id, 'a payment for this order is under way');
  const paymentId = ctx.newId('p');
  const amountFen = order.payableFen;
  const result = await payWithFailover(
    ctx.channels,
    { paymentId, orderIds: [order.id], buyerId, amountFen },
    { timeoutMs: ctx.config.paymentTimeoutMs, preferred: preferredChannel },
  );
  const at = ctx.clock();
  const payment = {
    id: paymentId,
    orderIds: JSON.stringify([order.id]),
    buyerId,
    channel: result.ok ? result.channel : null,
    channelRef: result.ok ? result.channelRef : null,
    status: result.ok ? ('succeeded' as const) : ('failed' as const),
    amountFen,
    attempts: JSON.stringify(result.attempts),
    createdAt: at,
  };
  if (!result.ok) {
    const failed = event('PaymentFailed', at, order.id, buyerId, { paymentId, attempts: result.attempts });
    await book.recordFailedPayment(order.id, payment, [failed]);
    const declined = result.attempts.at(-1)?.outcome === 'declined';
    const outcome = fail(
      declined ? 'PAYMENT_DECLINED' : 'PAYMENT_FAILED',
      declined ? 'the payment was declined' : 'every payment channel failed',
      { extra: { attempts: result.attempts, compensation: null } },
    );
    record(outcome);
    await ctx.commits.wait(() => {}); // the Idempotency-Key's answer, before it is given
    return outcome;
  }
  const events = [
    event('OrderPaid', at, order.id, buyerId, {
      payable: order.payableFen,
      channel: result.channel,
      stock: stockOf(order),
    }),
  ];
  if (failedOver(result))
    events.unshift(
      event('PaymentFailedOver', at, order.id, buyerId, { paymentId, attempts: result.attempts }),
    );
  const paid = await book.recordPaid({
    orderId: order.id,
    at,
    channel: result.channel,
    channelRef: result.channelRef,
    payment,
    events,
  });
  if (!paid)
    return fail('ORDER_EXPIRED', `order ${order.id} closed while it was being paid; refund the payment`);
  faultPoint('after-paid'); // crash tests: paid in PostgreSQL, Redis still says reserved
  await shared.hot.commit(order.storeId, order.id);
  const value: PaidOrder = {
    id: order.id,
    status: 'paid',
    paidAt: at,
    channel: result.channel,
    channelRef: result.channelRef,
    attempts: result.attempts,
    compensation: null,
  };
  record({ ok: true, value });
  await ctx.commits.wait(() => {}); // the Idempotency-Key's answer, before it is given
  return { ok: true, value };
}

/** A channel's asynchronous confirmation; idempotent on the channel reference. */
export async function confirmSharedPayment(
  shared: SharedContext,
  callback: PaymentCallback,
): Promise<Outcome<{ id: string; status: 'paid'; duplicate: boolean }>> {
  const { ctx, book } = shared;
  const row = await ctx.store.getOrder(callback.orderId);
  if (!row) return fail('ORDER_NOT_FOUND', `no order ${callback.orderId}`);
  if (row.status === 'pending_payment') {
    const at = ctx.clock();
    const payment = {
      id: ctx.newId('p'),
      orderIds: JSON.stringify([row.id]),
      buyerId: row.buyerId,
      channel: callback.channel,
      channelRef: callback.channelRef,
      status: 'succeeded' as const,
      amountFen: row.payableFen,
      attempts: JSON.stringify([
        { channel: callback.channel, outcome: 'succeeded', elapsedMs: 0, via: 'callback' },
      ]),
      createdAt: at,
    };
    const events = [
      event('OrderPaid', at, row.id, row.buyerId, {
        payable: row.payableFen,
        channel: callback.channel,
        stock: stockOf(row),
      }),
    ];
    const paid = await book.recordPaid({ ...callback, orderId: row.id, at, payment, events });
    if (paid) {
      await shared.hot.commit(row.storeId, row.id);
      return { ok: true, value: { id: row.id, status: 'paid', duplicate: false } };
    }
    return confirmSharedPayment(shared, callback); // it changed meanwhile: answer from its new state
  }
  if (row.status === 'paid' && row.paymentRef === callback.channelRef)
    return { ok: true, value: { id: row.id, status: 'paid', duplicate: true } };
  if (row.status === 'paid')
    return fail('DUPLICATE_PAYMENT', 'the order was already paid by another payment; refund this one');
  const code = row.status === 'cancelled' ? 'ORDER_CANCELLED' : 'ORDER_EXPIRED';
  return fail(code, `order ${row.id} is ${row.status}; refund this payment`);
}

export async function cancelSharedOrder(
  shared: SharedContext,
  buyerId: string,
  orderId: string,
): Promise<Outcome<ClosedOrder>> {
  const found = await openOrderFor(shared, buyerId, orderId, 'cancel');
  if (!found.ok) return found;
  const closed = await closeShared(shared, found.value, 'cancelled');
  if (!closed) return stillOpen(shared, orderId, 'a payment for this order is under way');
  return { ok: true, value: closed };
}

/** The timer loop of one server: claims due deadlines (no other server gets them) and expires their orders. */
export async function expireSharedDueOrders(shared: SharedContext): Promise<number> {
  const { ctx, book } = shared;
  const now = ctx.clock();
  const timers = await book.claimDueTimers(now, limits.timersPerTickMax, TIMER_CLAIM_MS);
  let expired = 0;
  for (const timer of timers) {
    const order = await ctx.store.getOrder(timer.ref);
    if (order?.status !== 'pending_payment') {
      await book.timerDone(timer.id, now);
      continue;
    }
    // A payment under way holds the order: the claim lapses and the timer comes round again.
    if (await closeShared(shared, order, 'expired')) expired += 1;
  }
  return expired;
}

async function closeShared(
  shared: SharedContext,
  order: OrderRow,
  status: 'cancelled' | 'expired',
): Promise<ClosedOrder | null> {
  const now = shared.ctx.clock();
  const type = status === 'cancelled' ? 'OrderCancelled' : 'OrderExpired';
  const closing = event(type, now, order.id, order.buyerId, {
    payable: order.payableFen,
    stock: stockOf(order),
  });
  if (!(await shared.book.close(order.id, status, now, closing))) return null;
  await shared.hot.release(order.storeId, order.id);
  await shared.refreshMirror(stockOf(order).map((l) => l.sku));
  return { id: order.id, status, closedAt: now };
}

/** The order changed under us: say what it is now. */
async function stillOpen(shared: SharedContext, orderId: string, busy: string): Promise<Outcome<never>> {
  const row = await shared.ctx.store.getOrder(orderId);
  if (row && row.status !== 'pending_payment') {
    const step = nextStatus(row.status as OrderStatus, 'pay');
    if (!step.ok) return fail(step.code, `order ${orderId} is ${row.status}`);
  }
  return fail('PAYMENT_IN_PROGRESS', busy);
}

function stockOf(order: OrderRow): { sku: string; qty: number }[] {
  return (JSON.parse(order.detail) as { stock: { sku: string; qty: number }[] }).stock;
}
