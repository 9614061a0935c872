// A payment channel's asynchronous confirmation (callback) on the one server of a sale, and what
// every backend shares of it. A callback pays what the order owes now: the whole order, a
// pre-sale's deposit, or its balance in the balance window. It is idempotent on the channel's
// reference: a reference already recorded for the order (the deposit's, once the balance is in
// too) is that payment again. A charge that pays nothing (a second payment, an order closed
// meanwhile, a balance outside its window, an amount the order does not owe) is refunded through
// the channel when the callback says how much was taken; else the gateway is told to refund it.
import type { OrderStatus } from '../domain/order-lifecycle.ts';
import type { OrderRow, PaymentRow } from '../store/ports.ts';
import { amountDue, settle } from './pay-order.ts';
import { fail, type Outcome, type Problem, type ProblemCode } from './problem.ts';
import {
  givenBackHere,
  keepInBatch,
  type RefundBook,
  refundUnbooked,
  refundWords,
} from './refund-unbooked.ts';
import type { TradeContext } from './trade-context.ts';

export interface PaymentCallback {
  orderId: string;
  channel: string;
  channelRef: string;
  /** Fen the channel took, when the gateway says (signed with the rest). */
  amount?: number;
}

/** A callback's answer: the order's status now, and whether this reference was recorded before. */
export interface ConfirmedPayment {
  id: string;
  status: OrderStatus;
  duplicate: boolean;
}

export function confirmPayment(
  ctx: TradeContext,
  callback: PaymentCallback,
): Promise<Outcome<ConfirmedPayment>> {
  return oneAtATime(ctx, callback.channelRef, () => confirmNow(ctx, callback));
}

async function confirmNow(ctx: TradeContext, callback: PaymentCallback): Promise<Outcome<ConfirmedPayment>> {
  const pending = ctx.pending.get(callback.orderId);
  // A payment of the order is under way, or its outcome not yet on disk: its own callback waits.
  if (pending?.paying) return inProgress();
  if (pending?.presale?.depositRef === callback.channelRef)
    return { ok: true, value: { id: pending.id, status: 'deposit_paid', duplicate: true } };
  const earlier = await ctx.store.paymentOfRef(callback.channelRef);
  const given = chargeGivenBack(ctx, callback.channelRef, earlier);
  if (given) return given;
  if (pending) {
    // The order may have changed during the read: answer from where it is now.
    if (ctx.pending.get(pending.id) !== pending || pending.paying) return confirmNow(ctx, callback);
    if (earlier) return refusedRef(callback, earlier);
    const due = owedBy(amountDue(ctx, pending), callback);
    if (!due.ok) return refuseCallback(ctx, callback, pending, due.problem, keepInBatch(ctx));
    const settled = settle(ctx, pending, callback.channel, callback.channelRef);
    ctx.commits.open.payments.push(
      callbackPaymentRow(ctx.newId('p'), pending, due.value, callback, ctx.clock()),
    );
    pending.paying = true; // until the deposit (which leaves the order open) is on disk
    try {
      await ctx.commits.wait(settled.undo);
    } finally {
      pending.paying = false;
    }
    return { ok: true, value: { id: pending.id, status: settled.status, duplicate: false } };
  }
  const row = await ctx.store.getOrder(callback.orderId);
  if (!row) return fail('ORDER_NOT_FOUND', `no order ${callback.orderId}`);
  // Open on disk but not in memory: it is being paid or closed, and that is not on disk yet.
  if (row.status === 'pending_payment' || row.status === 'deposit_paid') return inProgress();
  const answer = callbackOnSettledOrder(row, callback, earlier);
  return answer.ok ? answer : refuseCallback(ctx, callback, row, answer.problem, keepInBatch(ctx));
}

export function inProgress(): Outcome<never> {
  return fail('PAYMENT_IN_PROGRESS', 'a payment for this order is under way; retry the callback');
}

/** A reference that already booked a payment of another order pays nothing here, and is not refunded. */
export function refusedRef(callback: PaymentCallback, earlier: PaymentRow): Outcome<never> {
  return fail(
    'PAYMENT_REF_CONFLICT',
    `reference ${callback.channelRef} already paid ${earlier.orderIds}; it pays nothing more`,
    { extra: { paymentId: earlier.id } },
  );
}

/**
 * Callbacks of one channel reference run one after another on this server (per engine): a copy the
 * gateway sends while the first is still being written waits for it, then sees what it did.
 */
export function oneAtATime<T>(ctx: object, channelRef: string, run: () => Promise<T>): Promise<T> {
  const running = callbacksOf(ctx);
  const before = running.get(channelRef) ?? Promise.resolve();
  const mine = before.then(run, run);
  const settled = mine.then(
    () => {},
    () => {},
  );
  running.set(channelRef, settled);
  void settled.then(() => {
    if (running.get(channelRef) === settled) running.delete(channelRef);
  });
  return mine;
}

const callbacks = new WeakMap<object, Map<string, Promise<void>>>();

function callbacksOf(ctx: object): Map<string, Promise<void>> {
  let running = callbacks.get(ctx);
  if (!running) {
    running = new Map();
    callbacks.set(ctx, running);
  }
  return running;
}

/** A charge given back (its refund on disk, or made on this server and maybe not yet written) pays nothing. */
export function chargeGivenBack(
  ctx: object,
  channelRef: string,
  earlier: PaymentRow | undefined,
): Outcome<never> | null {
  const refunded = refundedCharge(earlier);
  if (refunded || !givenBackHere(ctx, channelRef)) return refunded;
  return fail('PAYMENT_REFUNDED', 'this charge could not be booked and was given back; it pays nothing');
}

/** What the order owes now, unless the callback says the channel took another amount. */
export function owedBy(due: Outcome<number>, callback: PaymentCallback): Outcome<number> {
  if (!due.ok || callback.amount === undefined || callback.amount === due.value) return due;
  return fail('PAYMENT_AMOUNT_MISMATCH', `the order owes ${due.value} fen now, not ${callback.amount}`, {
    extra: { owed: due.value, amount: callback.amount },
  });
}

/**
 * A callback for an order no longer open: a payment already recorded for it again (`earlier`, the
 * payment of this reference), a charge already refunded, or a charge that pays nothing.
 */
export function callbackOnSettledOrder(
  row: OrderRow,
  callback: PaymentCallback,
  earlier: PaymentRow | undefined,
): Outcome<ConfirmedPayment> {
  const refunded = refundedCharge(earlier);
  if (refunded) return refunded;
  if (earlier?.status === 'succeeded' && !(JSON.parse(earlier.orderIds) as string[]).includes(row.id))
    return refusedRef(callback, earlier);
  const status = row.status as OrderStatus;
  const recorded =
    row.paymentRef === callback.channelRef ||
    (earlier?.status === 'succeeded' && (JSON.parse(earlier.orderIds) as string[]).includes(row.id));
  if (recorded) return { ok: true, value: { id: row.id, status, duplicate: true } };
  if (status === 'paid') return fail('DUPLICATE_PAYMENT', 'the order was already paid by another payment');
  return fail(closedCode(status), `order ${row.id} is ${row.status}`);
}

/** Refusals of a charge the channel made that books nothing: the money must go back. */
const REFUNDABLE: ReadonlySet<ProblemCode> = new Set([
  'DUPLICATE_PAYMENT',
  'ORDER_CANCELLED',
  'ORDER_EXPIRED',
  'ORDER_FORFEITED',
  'BALANCE_WINDOW_NOT_OPEN',
  'BALANCE_WINDOW_CLOSED',
  'PAYMENT_AMOUNT_MISMATCH',
]);

/**
 * Refuses a callback. A charge that books nothing is refunded through its channel when the
 * callback says how much was taken (the refund's payment id is `cb-<reference>`, so a repeated
 * callback is answered PAYMENT_REFUNDED and refunds nothing more); else the gateway must.
 */
export function refuseCallback(
  ctx: Pick<TradeContext, 'channels' | 'config' | 'clock' | 'store'>,
  callback: PaymentCallback,
  order: { id: string; buyerId: string },
  refused: Problem,
  book: RefundBook,
): Promise<Outcome<never>> {
  if (!REFUNDABLE.has(refused.code)) return Promise.resolve({ ok: false, problem: refused });
  if (callback.amount === undefined) {
    const detail = `${refused.detail}; refund this payment`;
    return Promise.resolve({ ok: false, problem: { ...refused, detail } });
  }
  return refundCallbackCharge(ctx, { ...callback, amount: callback.amount }, order, refused, book);
}

async function refundCallbackCharge(
  ctx: Pick<TradeContext, 'channels' | 'config' | 'clock' | 'store'>,
  callback: PaymentCallback & { amount: number },
  order: { id: string; buyerId: string },
  refused: Problem,
  book: RefundBook,
): Promise<Outcome<never>> {
  const charge = {
    paymentId: `cb-${callback.channelRef}`,
    orderId: order.id,
    buyerId: order.buyerId,
    channel: callback.channel,
    channelRef: callback.channelRef,
    amountFen: callback.amount,
    attempts: [],
  };
  const refund = await refundUnbooked(ctx, { ...charge, why: 'callback-refused' }, book);
  const detail = `${refused.detail}; ${refundWords(refund)}`;
  return { ok: false, problem: { ...refused, detail, extra: { ...refused.extra, refund } } };
}

/** How a payment for an order closed unpaid is refused. */
export function closedCode(status: OrderStatus): ProblemCode {
  return CLOSED_CODE[status] ?? 'ORDER_EXPIRED';
}

const CLOSED_CODE: Partial<Record<OrderStatus, ProblemCode>> = {
  cancelled: 'ORDER_CANCELLED',
  expired: 'ORDER_EXPIRED',
  forfeited: 'ORDER_FORFEITED',
};

/** A callback for a charge that was refunded because it could not be booked pays nothing. */
export function refundedCharge(earlier: PaymentRow | undefined): Outcome<never> | null {
  if (earlier?.status === 'refunding')
    return fail('PAYMENT_IN_PROGRESS', 'this charge is being given back; retry the callback');
  if (earlier?.status !== 'refunded' && earlier?.status !== 'refund_failed') return null;
  const detail =
    earlier.status === 'refunded'
      ? 'this charge could not be booked and was refunded; it pays nothing'
      : 'this charge could not be booked and its refund failed; it is with the operators and pays nothing';
  return fail('PAYMENT_REFUNDED', detail, { extra: { paymentId: earlier.id } });
}

/** The payments row of a channel's callback paying what the order owed (`amountFen`). */
export function callbackPaymentRow(
  id: string,
  order: { id: string; buyerId: string },
  amountFen: number,
  callback: PaymentCallback,
  at: number,
): PaymentRow {
  return {
    id,
    orderIds: JSON.stringify([order.id]),
    buyerId: order.buyerId,
    channel: callback.channel,
    channelRef: callback.channelRef,
    status: 'succeeded',
    amountFen,
    attempts: JSON.stringify([
      { channel: callback.channel, outcome: 'succeeded', elapsedMs: 0, via: 'callback' },
    ]),
    createdAt: at,
  };
}
