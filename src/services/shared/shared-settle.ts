// Paying, cancelling and expiring orders when several servers share PostgreSQL and Redis. The order
// row decides (a conditional UPDATE: the server whose update lands wins), then Redis follows: the
// reservation becomes a sale or goes back. Crash between the two: the reconciler makes Redis agree
// with PostgreSQL (reconciler.ts), so an order in PostgreSQL always has its stock accounted for.

import type { PresaleTermsOfOrder } from '../../domain/checkout.ts';
import { limits } from '../../domain/limits.ts';
import type { OfferTake } from '../../domain/offer-counters.ts';
import { nextStatus, type OrderAction, type OrderStatus } from '../../domain/order-lifecycle.ts';
import { compensationSource } from '../../domain/wallet-book.ts';
import { type OrderRow, WriteRefused } from '../../store/ports.ts';
import type { ClosingStatus } from '../../store/sql/postgres-order-book.ts';
import { faultPoint } from '../../support/fault-points.ts';
import { type ClosedOrder, closingEvent } from '../close-order.ts';
import type { Recorder } from '../idempotency.ts';
import {
  balanceTimersOf,
  compensationOf,
  depositPaidEvent,
  notRecorded,
  type PaidOrder,
  paidEvent,
  paymentRefused,
  paymentRowOf,
  presaleAmountDue,
  stillBeforeDeadline,
} from '../pay-order.ts';
import {
  type ConfirmedPayment,
  callbackOnSettledOrder,
  callbackPaymentRow,
  chargeGivenBack,
  closedCode,
  inProgress,
  oneAtATime,
  owedBy,
  type PaymentCallback,
  refuseCallback,
} from '../payment-callback.ts';
import { failedOver, type PaymentResult, payWithFailover } from '../payments/pay-with-failover.ts';
import { fail, type Outcome } from '../problem.ts';
import {
  type RefundBook,
  type RefundView,
  refundTimeMaxMs,
  refundUnbooked,
  refundWords,
  type UnbookedCharge,
} from '../refund-unbooked.ts';
import { event } from '../trade-context.ts';
import type { SharedContext } from './shared-context.ts';
import { budgetTakesOf } from './shared-offers.ts';

/** How long a server claims a due timer; a server that dies loses it after this. */
const TIMER_CLAIM_MS = 30_000;

/** An open order of this buyer and the step a payment or cancel would take it. */
async function openOrderFor(
  shared: SharedContext,
  buyerId: string,
  orderId: string,
  action: 'pay' | 'cancel',
): Promise<Outcome<{ row: OrderRow; detail: OrderDetail; action: OrderAction }>> {
  const row = await shared.ctx.store.getOrder(orderId);
  if (!row) return fail('ORDER_NOT_FOUND', `no order ${orderId}`);
  if (row.buyerId !== buyerId) return fail('NOT_YOUR_ORDER', 'this order belongs to another buyer');
  const detail = detailOf(row);
  const step = actionOn(row.status as OrderStatus, detail, action);
  const next = nextStatus(row.status as OrderStatus, step);
  if (!next.ok) return fail(next.code, `order ${orderId} is ${row.status}`);
  return { ok: true, value: { row, detail, action: step } };
}

/** A pre-sale pays its deposit and later its balance; everything else is paid once. */
function actionOn(status: OrderStatus, detail: OrderDetail, action: 'pay' | 'cancel'): OrderAction {
  if (action === 'cancel' || !detail.presale) return action;
  return status === 'deposit_paid' ? 'pay_balance' : 'pay_deposit';
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
  const { row: order, detail, action } = found.value;
  const status = order.status as OrderStatus;
  const open = stillBeforeDeadline(ctx, order.deadlineAt, detail.presale, status === 'deposit_paid');
  if (!open.ok) return open;
  const due = presaleAmountDue(ctx, order.payableFen, detail.presale, status === 'deposit_paid');
  if (!due.ok) return due;
  const amountFen = due.value;
  const now = ctx.clock();
  // Every channel may take its full timeout; the hold outlasts them all.
  const holdMs = ctx.config.paymentTimeoutMs * (ctx.channels.length + 1);
  const hold = now + holdMs; // the hold's paying_until: this payment's own while it is there
  if (!(await book.holdForPayment(order.id, status, now, hold)))
    return stillOpen(shared, order.id, action, 'a payment for this order is under way');
  const paymentId = ctx.newId('p');
  const result: PaymentResult =
    amountFen === 0
      ? { ok: true, channel: 'none', channelRef: `none-${paymentId}`, attempts: [] } // envelopes paid it all
      : await payWithFailover(
          ctx.channels,
          { paymentId, orderIds: [order.id], buyerId, amountFen },
          { timeoutMs: ctx.config.paymentTimeoutMs, preferred: preferredChannel },
        );
  const at = ctx.clock();
  // One per order: payments of one order run one at a time (the hold above), so no two servers
  // find it not yet compensated at once.
  const hurt = result.attempts.some((a) => a.outcome === 'timeout' || a.outcome === 'error');
  const compensated = hurt && (await shared.wallets.compensated(order.buyerId, compensationSource(order.id)));
  const earned = compensationOf(ctx, order, paymentId, result.attempts, compensated);
  const payment = paymentRowOf({ id: paymentId, orderId: order.id, buyerId, amountFen, at }, result);
  if (!result.ok) {
    const failed = event('PaymentFailed', at, order.id, buyerId, { paymentId, attempts: result.attempts });
    const events = earned ? [earned.event, failed] : [failed];
    await book.recordFailedPayment(order.id, payment, events, earned ? [earned.entry] : [], hold);
    const outcome = paymentRefused(result.attempts, earned?.view ?? null);
    record(outcome);
    await ctx.commits.wait(() => {}); // the Idempotency-Key's answer, before it is given
    return outcome;
  }
  const deposit = action === 'pay_deposit' && detail.presale;
  const events = [
    deposit
      ? depositPaidEvent(at, order, deposit, result.channel)
      : paidEvent(at, order, result.channel, detail.stock, depositBeforeBalance(status, detail)),
  ];
  if (failedOver(result))
    events.unshift(
      event('PaymentFailedOver', at, order.id, buyerId, { paymentId, attempts: result.attempts }),
    );
  if (earned) events.unshift(earned.event);
  let paid: boolean;
  try {
    paid = await book.recordPaid(
      {
        orderId: order.id,
        at,
        channel: result.channel,
        channelRef: result.channelRef,
        payment: amountFen === 0 ? null : payment,
        events,
        wallet: earned ? [earned.entry] : [],
      },
      deposit
        ? { from: 'pending_payment', to: 'deposit_paid', timers: balanceTimersOf(order.id, deposit, at) }
        : { from: status === 'deposit_paid' ? 'deposit_paid' : 'pending_payment', to: 'paid' },
    );
  } catch (error) {
    // Refused, so surely not saved (after a lost connection it may have been: no refund then).
    if (!(error instanceof WriteRefused) || amountFen === 0) throw error;
    const charge = { order, paymentId, amountFen, charged: result, hold };
    return notRecorded(await refundShared(shared, charge, 'commit-failed'));
  }
  if (!paid) return closedWhilePaying(shared, { order, paymentId, amountFen, charged: result, hold });
  faultPoint('after-paid'); // crash tests: paid in PostgreSQL, Redis still says reserved
  if (!deposit) await followPaid(shared, order, detail);
  const value: PaidOrder = {
    id: order.id,
    status: deposit ? 'deposit_paid' : 'paid',
    paidAt: at,
    channel: result.channel,
    channelRef: result.channelRef,
    attempts: result.attempts,
    compensation: earned?.view ?? null,
  };
  record({ ok: true, value });
  await ctx.commits.wait(() => {}); // the Idempotency-Key's answer, before it is given
  return { ok: true, value };
}

/** A charge a channel made for this payment, and the payment's hold on the order. */
interface HeldCharge {
  order: OrderRow;
  paymentId: string;
  amountFen: number;
  charged: PaymentResult & { ok: true };
  /** The paying_until this payment set. */
  hold: number;
}

/** The order closed, or was paid by another payment, while the channel took the money: it goes back. */
async function closedWhilePaying(shared: SharedContext, c: HeldCharge): Promise<Outcome<PaidOrder>> {
  const { order, charged } = c;
  const now = await shared.ctx.store.getOrder(order.id);
  const status = (now?.status ?? 'expired') as OrderStatus;
  if (now && (status === 'paid' || status === 'deposit_paid') && now.paymentRef === charged.channelRef) {
    // The channel's own callback for this very charge was recorded first: it is this payment.
    const { channel, channelRef, attempts } = charged;
    const paidAt = now.paidAt ?? shared.ctx.clock();
    const value = { id: order.id, status, paidAt, channel, channelRef, attempts, compensation: null };
    return { ok: true, value };
  }
  if (c.amountFen === 0) return fail('ORDER_EXPIRED', `order ${order.id} closed while it was being paid`);
  const paidBefore = status === 'paid' || status === 'deposit_paid';
  const refund = await refundShared(shared, c, paidBefore ? 'already-paid' : 'order-closed');
  if (paidBefore) {
    const detail = `order ${order.id} was paid by another payment meanwhile; ${refundWords(refund)}`;
    return fail('DUPLICATE_PAYMENT', detail, { extra: { refund } });
  }
  const detail = `order ${order.id} closed while it was being paid; ${refundWords(refund)}`;
  return fail(closedCode(status), detail, { extra: { refund } });
}

/** Gives back a charge the order book did not take, claimed first; the payment's hold goes after. */
async function refundShared(
  shared: SharedContext,
  c: HeldCharge,
  why: UnbookedCharge['why'],
): Promise<RefundView> {
  const { channel, channelRef, attempts } = c.charged;
  const { order } = c;
  const charge = {
    paymentId: c.paymentId,
    orderId: order.id,
    buyerId: order.buyerId,
    amountFen: c.amountFen,
  };
  const { ctx, book } = shared;
  // Held until the refund is recorded, so this charge's callback cannot pay the order meanwhile;
  // a hold that ran out and went to another payment is that payment's, and is left alone.
  const until = ctx.clock() + refundTimeMaxMs(ctx.config.paymentTimeoutMs);
  const held = (await book.extendHold(order.id, c.hold, until)) ? { orderId: order.id, until } : undefined;
  const refund = await refundUnbooked(
    ctx,
    { ...charge, channel, channelRef, attempts, why },
    {
      claim: (payment) => book.claimRefund(payment),
      keep: (payment, refunded) => book.completeRefund(payment, refunded, held),
    },
  );
  if (held) await book.releaseHold(order.id, until); // also when nothing was given back
  return refund;
}

/** The deposit paid earlier, when this payment is a pre-sale's balance. */
function depositBeforeBalance(status: OrderStatus, detail: OrderDetail): number | undefined {
  return status === 'deposit_paid' && detail.presale ? detail.presale.depositFen : undefined;
}

/** Redis follows a paid order: its reservation becomes a sale, its budget spend stays. */
async function followPaid(shared: SharedContext, order: OrderRow, detail: OrderDetail): Promise<void> {
  await followLater(order.id, async () => {
    await shared.hot.commit(order.storeId, order.id);
    await shared.hot.keepBudgets(order.id, budgetIdsTaken(shared, detail));
  });
}

/**
 * Redis following what PostgreSQL has decided (paid, closed). The decision stands and is answered
 * as it is: if Redis is away, the reconciler makes it follow later (reconciler.ts), so the shopper
 * is not told "something went wrong" about a payment that went through.
 */
async function followLater(orderId: string, follow: () => Promise<void>): Promise<void> {
  try {
    await follow();
  } catch (error) {
    process.emitWarning(
      `order ${orderId}: Redis did not follow PostgreSQL (${error instanceof Error ? error.message : String(error)}); the reconciler will`,
      { code: 'DACU_REDIS_FOLLOWS_LATER' },
    );
  }
}

/**
 * A channel's asynchronous confirmation: it pays what the order owes now (the whole order, a
 * pre-sale's deposit, or its balance in its window); idempotent on the channel reference. Copies
 * of one callback on this server run one after another; across servers the order row decides.
 */
export function confirmSharedPayment(
  shared: SharedContext,
  callback: PaymentCallback,
): Promise<Outcome<ConfirmedPayment>> {
  return oneAtATime(shared.ctx, callback.channelRef, () => confirmSharedNow(shared, callback, true));
}

async function confirmSharedNow(
  shared: SharedContext,
  callback: PaymentCallback,
  mayRetry: boolean,
): Promise<Outcome<ConfirmedPayment>> {
  const { ctx, book } = shared;
  const row = await ctx.store.getOrder(callback.orderId);
  if (!row) return fail('ORDER_NOT_FOUND', `no order ${callback.orderId}`);
  const status = row.status as OrderStatus;
  const open = status === 'pending_payment' || status === 'deposit_paid';
  const at = ctx.clock();
  // A payment under way (charging, or giving back a charge it could not book, even of an order
  // closed meanwhile) holds the order: its own callback waits, and nothing is refunded meanwhile.
  if (await book.isHeld(row.id, at)) return inProgress();
  const earlier = await ctx.store.paymentOfRef(callback.channelRef);
  const given = chargeGivenBack(ctx, callback.channelRef, earlier);
  if (given) return given;
  const keep = keepRefund(book);
  if (!open || earlier || row.paymentRef === callback.channelRef) {
    const answer = callbackOnSettledOrder(row, callback, earlier);
    return answer.ok ? answer : refuseCallback(ctx, callback, row, answer.problem, keep);
  }
  const detail = detailOf(row);
  const owed = presaleAmountDue(ctx, row.payableFen, detail.presale, status === 'deposit_paid');
  const due = owedBy(owed, callback);
  if (!due.ok) return refuseCallback(ctx, callback, row, due.problem, keep);
  const payment = callbackPaymentRow(ctx.newId('p'), row, due.value, callback, at);
  const deposit = status === 'pending_payment' && detail.presale;
  const events = [
    deposit
      ? depositPaidEvent(at, row, deposit, callback.channel)
      : paidEvent(at, row, callback.channel, detail.stock, depositBeforeBalance(status, detail)),
  ];
  let paid: boolean;
  try {
    paid = await book.recordPaid(
      { ...callback, orderId: row.id, at, payment, events },
      deposit
        ? { from: 'pending_payment', to: 'deposit_paid', timers: balanceTimersOf(row.id, deposit, at) }
        : { from: status, to: 'paid' },
    );
  } catch (error) {
    // Refused (e.g. another server wrote this reference meanwhile): answer once from what is there.
    if (!(error instanceof WriteRefused) || !mayRetry) throw error;
    return confirmSharedNow(shared, callback, false);
  }
  if (!paid) return confirmSharedNow(shared, callback, mayRetry); // it changed meanwhile: answer from its new state
  if (!deposit) await followPaid(shared, row, detail);
  return { ok: true, value: { id: row.id, status: deposit ? 'deposit_paid' : 'paid', duplicate: false } };
}

/** A callback's refund, claimed first so that however many servers refuse the callback, one gives it back. */
function keepRefund(book: SharedContext['book']): RefundBook {
  return {
    claim: (payment) => book.claimRefund(payment),
    keep: (payment, refunded) => book.completeRefund(payment, refunded),
  };
}

export async function cancelSharedOrder(
  shared: SharedContext,
  buyerId: string,
  orderId: string,
): Promise<Outcome<ClosedOrder>> {
  const found = await openOrderFor(shared, buyerId, orderId, 'cancel');
  if (!found.ok) return found;
  const closed = await closeShared(shared, found.value.row, 'cancelled');
  if (!closed) return stillOpen(shared, orderId, 'cancel', 'a payment for this order is under way');
  return { ok: true, value: closed };
}

/**
 * The timer loop of one server: claims due timers (no other server gets them). An unpaid order
 * expires at its payment deadline; an unpaid pre-sale balance forfeits the deposit at the balance
 * deadline; 2 hours before that, a reminder event (尾款冲刺). Returns how many orders closed.
 */
export async function expireSharedDueOrders(shared: SharedContext): Promise<number> {
  const { ctx, book } = shared;
  const now = ctx.clock();
  const timers = await book.claimDueTimers(now, limits.timersPerTickMax, TIMER_CLAIM_MS);
  let closed = 0;
  for (const timer of timers) {
    const order = await ctx.store.getOrder(timer.ref);
    const status = order?.status as OrderStatus | undefined;
    if (order && timer.kind === 'payment-deadline' && status === 'pending_payment') {
      // A payment under way holds the order: the claim lapses and the timer comes round again.
      if (await closeShared(shared, order, 'expired')) closed += 1;
    } else if (order && timer.kind === 'balance-deadline' && status === 'deposit_paid') {
      if (await closeShared(shared, order, 'forfeited')) closed += 1;
    } else if (order && timer.kind === 'balance-reminder' && status === 'deposit_paid') {
      const presale = detailOf(order).presale!;
      const payload = { balance: presale.balanceFen, balanceEndsAt: presale.balanceEndMs };
      await book.fireReminder(
        timer.id,
        now,
        event('BalanceReminderDue', now, order.id, order.buyerId, payload),
      );
    } else {
      await book.timerDone(timer.id, now);
    }
  }
  return closed;
}

async function closeShared(
  shared: SharedContext,
  order: OrderRow,
  status: ClosingStatus,
): Promise<ClosedOrder | null> {
  const now = shared.ctx.clock();
  const detail = detailOf(order);
  const closing = closingEvent(status, now, order, detail.stock, detail.presale?.depositFen);
  if (!(await shared.book.close(order.id, status, now, closing))) return null;
  await followLater(order.id, async () => {
    await shared.hot.release(order.storeId, order.id);
    await shared.hot.giveBackBudgets(order.id, budgetIdsTaken(shared, detail));
    await shared.refreshMirror(detail.stock.map((l) => l.sku));
  });
  return { id: order.id, status, closedAt: now };
}

/** The order changed under us: say what it is now. */
async function stillOpen(
  shared: SharedContext,
  orderId: string,
  action: OrderAction,
  busy: string,
): Promise<Outcome<never>> {
  const row = await shared.ctx.store.getOrder(orderId);
  if (row) {
    const step = nextStatus(
      row.status as OrderStatus,
      actionOn(row.status as OrderStatus, detailOf(row), action === 'cancel' ? 'cancel' : 'pay'),
    );
    if (!step.ok) return fail(step.code, `order ${orderId} is ${row.status}`);
  }
  return fail('PAYMENT_IN_PROGRESS', busy);
}

interface OrderDetail {
  stock: { sku: string; qty: number }[];
  takes: OfferTake[];
  presale: PresaleTermsOfOrder | null;
}

function detailOf(order: OrderRow): OrderDetail {
  const parsed = JSON.parse(order.detail) as Partial<OrderDetail>;
  return { stock: parsed.stock ?? [], takes: parsed.takes ?? [], presale: parsed.presale ?? null };
}

function budgetIdsTaken(shared: SharedContext, detail: OrderDetail): string[] {
  return budgetTakesOf(shared.budgetIds, detail.takes).map((t) => t.offerId);
}
