// Pay an order (ARCHITECTURE.md, data flow step 5): through the channels with failover; on
// success the reservation becomes a sale. A shopper hurt by a channel failure (a timeout or an
// error on the way) gets a compensation red envelope (DOMAIN.md §3). A charge the sale could not
// book is refunded (refund-unbooked.ts); channels' callbacks are in payment-callback.ts.
import type { PresaleTermsOfOrder } from '../domain/checkout.ts';
import type { StockLine } from '../domain/stock-ledger.ts';
import { compensationSource } from '../domain/wallet-book.ts';
import { formatInstant } from '../domain/zoned-time.ts';
import {
  type EventRow,
  type PaymentRow,
  type TimerRow,
  type WalletRow,
  WriteRefused,
} from '../store/ports.ts';
import type { Recorder } from './idempotency.ts';
import { pendingOrderFor } from './order-access.ts';
import {
  failedOver,
  type PaymentAttempt,
  type PaymentResult,
  payWithFailover,
} from './payments/pay-with-failover.ts';
import { fail, type Outcome } from './problem.ts';
import { keepInBatch, type RefundView, refundUnbooked, refundWords } from './refund-unbooked.ts';
import {
  addStockDelta,
  addWalletUpdates,
  event,
  type PendingOrderState,
  type TradeContext,
} from './trade-context.ts';

export interface PaidOrder {
  id: string;
  /** deposit_paid: a pre-sale's deposit is in; its balance is due in the balance window. */
  status: 'paid' | 'deposit_paid';
  paidAt: number;
  channel: string;
  channelRef: string;
  attempts: PaymentAttempt[];
  compensation: { walletId: string; couponId: string; amount: number } | null;
}

export async function payOrder(
  ctx: TradeContext,
  buyerId: string,
  orderId: string,
  preferredChannel: string | undefined,
  record: Recorder<PaidOrder>,
): Promise<Outcome<PaidOrder>> {
  const found = await pendingOrderFor(ctx, buyerId, orderId, 'pay');
  if (!found.ok) return found;
  const order = found.value;
  const open = stillBeforeDeadline(ctx, order.deadlineAt, order.presale, order.presale?.depositPaid ?? false);
  if (!open.ok) return open;
  const due = amountDue(ctx, order);
  if (!due.ok) return due;
  const amountFen = due.value;
  const paymentId = ctx.newId('p');
  if (amountFen === 0) return payNothing(ctx, order, paymentId, record);
  // Held from the first charge until its outcome is on disk (or its money given back): cancel,
  // expiry and this charge's own callback wait for it.
  order.paying = true;
  try {
    return await chargeAndBook(ctx, order, { paymentId, buyerId, amountFen, preferredChannel }, record);
  } finally {
    order.paying = false;
  }
}

async function chargeAndBook(
  ctx: TradeContext,
  order: PendingOrderState,
  p: { paymentId: string; buyerId: string; amountFen: number; preferredChannel: string | undefined },
  record: Recorder<PaidOrder>,
): Promise<Outcome<PaidOrder>> {
  const { paymentId, buyerId, amountFen } = p;
  const request = { paymentId, orderIds: [order.id], buyerId, amountFen };
  const result = await payWithFailover(ctx.channels, request, {
    timeoutMs: ctx.config.paymentTimeoutMs,
    preferred: p.preferredChannel,
  });
  const compensation = compensate(ctx, order, paymentId, result.attempts);
  ctx.commits.open.payments.push(
    paymentRowOf({ id: paymentId, orderId: order.id, buyerId, amountFen, at: ctx.clock() }, result),
  );
  if (!result.ok) {
    ctx.commits.open.events.push(
      event('PaymentFailed', ctx.clock(), order.id, buyerId, { paymentId, attempts: result.attempts }),
    );
    const outcome = paymentRefused(result.attempts, compensation);
    record(outcome);
    await ctx.commits.wait(() => forgetCompensation(ctx, compensation));
    return outcome;
  }
  if (failedOver(result)) {
    ctx.commits.open.events.push(
      event('PaymentFailedOver', ctx.clock(), order.id, buyerId, { paymentId, attempts: result.attempts }),
    );
  }
  const settled = settle(ctx, order, result.channel, result.channelRef);
  const value: PaidOrder = {
    id: order.id,
    status: settled.status,
    paidAt: settled.at,
    channel: result.channel,
    channelRef: result.channelRef,
    attempts: result.attempts,
    compensation,
  };
  record({ ok: true, value });
  try {
    await ctx.commits.wait(() => {
      settled.undo();
      forgetCompensation(ctx, compensation);
    });
  } catch (error) {
    // Only a batch surely not written: after a lost connection the payment may be on disk.
    if (!(error instanceof WriteRefused)) throw error;
    // The channel has the money but the disk does not have the payment: give it back first (the
    // order is still held, so this charge's callback cannot pay it meanwhile).
    const charge = { paymentId, orderId: order.id, buyerId, amountFen, ...result };
    return notRecorded(await refundUnbooked(ctx, { ...charge, why: 'commit-failed' }, keepInBatch(ctx)));
  }
  return { ok: true, value };
}

/** The answer to a payment a channel took that could not be saved (the order stays unpaid). */
export function notRecorded(refund: RefundView): Outcome<never> {
  return fail('PAYMENT_NOT_RECORDED', `the payment could not be saved; ${refundWords(refund)}`, {
    extra: { refund },
  });
}

/** Fully discounted (red envelopes covered it all): paid with no channel involved. */
async function payNothing(
  ctx: TradeContext,
  order: PendingOrderState,
  paymentId: string,
  record: Recorder<PaidOrder>,
): Promise<Outcome<PaidOrder>> {
  const channelRef = `none-${paymentId}`;
  const settled = settle(ctx, order, 'none', channelRef);
  const value: PaidOrder = {
    id: order.id,
    status: settled.status,
    paidAt: settled.at,
    channel: 'none',
    channelRef,
    attempts: [],
    compensation: null,
  };
  record({ ok: true, value });
  order.paying = true; // until it is on disk, like a payment through a channel
  try {
    await ctx.commits.wait(settled.undo);
  } finally {
    order.paying = false;
  }
  return { ok: true, value };
}

/**
 * An unpaid order closes at its deadline, whenever the timer loop gets to it: from that instant on
 * it takes no payment (a pre-sale's balance has its own window instead). A pre-sale's deposit is
 * taken in its deposit window only: orders placed before their deadline was capped at it (an
 * earlier build) are held to it here.
 */
export function stillBeforeDeadline(
  ctx: Pick<TradeContext, 'clock' | 'index'>,
  deadlineAt: number,
  presale: Pick<PresaleTermsOfOrder, 'promotionId'> | null,
  depositPaid: boolean,
): Outcome<true> {
  if (depositPaid) return { ok: true, value: true };
  const depositEnd = presale ? (ctx.index.promotions.get(presale.promotionId)?.window.endMs ?? null) : null;
  const closesAt = depositEnd === null ? deadlineAt : Math.min(deadlineAt, depositEnd);
  if (ctx.clock() < closesAt) return { ok: true, value: true };
  const detail =
    closesAt < deadlineAt
      ? 'the deposit window has closed; the order is being closed'
      : 'the payment deadline has passed; the order is being closed';
  return fail('ORDER_EXPIRED', detail);
}

/** What this payment is for: the whole order, or a pre-sale's deposit, or its balance in its window. */
export function amountDue(ctx: TradeContext, order: PendingOrderState): Outcome<number> {
  const presale = order.presale;
  return presaleAmountDue(ctx, order.payableFen, presale, presale?.depositPaid ?? false);
}

/** The amount a payment of this order takes now, on any backend. */
export function presaleAmountDue(
  ctx: Pick<TradeContext, 'clock' | 'index'>,
  payableFen: number,
  presale: PresaleTermsOfOrder | null,
  depositPaid: boolean,
): Outcome<number> {
  if (!presale) return { ok: true, value: payableFen };
  if (!depositPaid) return { ok: true, value: presale.depositFen };
  const now = ctx.clock();
  if (presale.balanceStartMs !== null && now < presale.balanceStartMs) {
    const opensAt = formatInstant(presale.balanceStartMs, ctx.index.campaign.timezone);
    return fail('BALANCE_WINDOW_NOT_OPEN', `the balance can be paid from ${opensAt}`, { extra: { opensAt } });
  }
  if (presale.balanceEndMs !== null && now >= presale.balanceEndMs) {
    return fail('BALANCE_WINDOW_CLOSED', 'the balance window has closed; the deposit is forfeited');
  }
  return { ok: true, value: presale.balanceFen };
}

/** A paid deposit's timers: the balance deadline, and the reminder 2 hours before it (if still ahead). */
export function balanceTimersOf(orderId: string, presale: PresaleTermsOfOrder, at: number): TimerRow[] {
  if (presale.balanceEndMs === null) return [];
  const timers: TimerRow[] = [
    { id: `balance:${orderId}`, kind: 'balance-deadline', ref: orderId, dueAt: presale.balanceEndMs },
  ];
  const remindAt = presale.balanceEndMs - BALANCE_REMINDER_BEFORE_MS;
  if (remindAt > at)
    timers.push({ id: `remind:${orderId}`, kind: 'balance-reminder', ref: orderId, dueAt: remindAt });
  return timers;
}

/** Books a successful payment: a deposit keeps the order open for its balance; anything else pays it. */
export function settle(
  ctx: TradeContext,
  order: PendingOrderState,
  channel: string,
  channelRef: string,
): { status: PaidOrder['status']; at: number; undo: () => void } {
  const presale = order.presale;
  if (presale && !presale.depositPaid) {
    const at = ctx.clock();
    presale.depositPaid = true;
    presale.depositRef = channelRef;
    ctx.commits.open.orderUpdates.push({
      id: order.id,
      status: 'deposit_paid',
      paymentChannel: channel,
      paymentRef: channelRef,
    });
    ctx.commits.open.events.push(depositPaidEvent(at, order, presale, channel));
    ctx.commits.open.timers.push(...balanceTimersOf(order.id, presale, at));
    const undo = () => {
      presale.depositPaid = false;
      presale.depositRef = null;
    };
    return { status: 'deposit_paid', at, undo };
  }
  const at = markPaid(ctx, order, channel, channelRef);
  return { status: 'paid', at, undo: () => unmarkPaid(ctx, order) };
}

/**
 * The event of an order paid in full, or of a pre-sale's balance paid: `depositFen` is then the
 * deposit paid earlier, which the board stops counting as held (payable is the whole order).
 */
export function paidEvent(
  at: number,
  order: { id: string; buyerId: string; payableFen: number },
  channel: string,
  stock: readonly StockLine[],
  depositFen?: number,
): EventRow {
  const payload = { payable: order.payableFen, channel, stock, deposit: depositFen };
  return event('OrderPaid', at, order.id, order.buyerId, payload);
}

/** The event of a pre-sale's deposit paid: its balance is due in the balance window. */
export function depositPaidEvent(
  at: number,
  order: { id: string; buyerId: string },
  presale: PresaleTermsOfOrder,
  channel: string,
): EventRow {
  return event('DepositPaid', at, order.id, order.buyerId, {
    deposit: presale.depositFen,
    balance: presale.balanceFen,
    balanceEndsAt: presale.balanceEndMs,
    channel,
  });
}

/** 尾款冲刺: the reminder fires 2 hours before the balance deadline (issue: sale mechanics). */
export const BALANCE_REMINDER_BEFORE_MS = 2 * 60 * 60_000;

function markPaid(ctx: TradeContext, order: PendingOrderState, channel: string, channelRef: string): number {
  const now = ctx.clock();
  ctx.pending.delete(order.id);
  ctx.ledger.commit(order.stock);
  addStockDelta(ctx, order.stock, 'reserved', 'sold');
  // A paid order is no longer pending, so its payment deadline is no longer due; a pre-sale's
  // balance deadline and reminder are timer rows, and have nothing left to do.
  if (order.presale)
    ctx.commits.open.timersFired.push(
      { id: `balance:${order.id}`, at: now },
      { id: `remind:${order.id}`, at: now },
    );
  addWalletUpdates(ctx, ctx.wallets.keep(order.id, order.walletUses));
  ctx.commits.open.orderUpdates.push({
    id: order.id,
    status: 'paid',
    paidAt: now,
    paymentChannel: channel,
    paymentRef: channelRef,
  });
  const deposit = order.presale?.depositPaid ? order.presale.depositFen : undefined;
  ctx.commits.open.events.push(paidEvent(now, order, channel, order.stock, deposit));
  return now;
}

function unmarkPaid(ctx: TradeContext, order: PendingOrderState): void {
  // The payment is not on disk: the units go back to reserved and the order back to pending.
  ctx.ledger.uncommit(order.stock);
  ctx.pending.set(order.id, order);
}

function compensate(
  ctx: TradeContext,
  order: PendingOrderState,
  paymentId: string,
  attempts: readonly PaymentAttempt[],
): PaidOrder['compensation'] {
  const earned = compensationOf(ctx, order, paymentId, attempts, ctx.wallets.compensated(order.id));
  if (!earned) return null;
  ctx.wallets.add(earned.entry);
  ctx.commits.open.wallet.push(earned.entry);
  ctx.commits.open.events.push(earned.event);
  return earned.view;
}

/**
 * The compensation red envelope a shopper hurt by a channel failure (timeout or error) gets, if
 * any: one per order, however often its payment fails (else each retry of a failing payment would
 * pay out again).
 */
export function compensationOf(
  ctx: Pick<TradeContext, 'config' | 'clock' | 'newId'>,
  order: { id: string; buyerId: string },
  paymentId: string,
  attempts: readonly PaymentAttempt[],
  alreadyCompensated: boolean,
): { entry: WalletRow; event: EventRow; view: NonNullable<PaidOrder['compensation']> } | null {
  const couponId = ctx.config.compensationCouponId;
  if (!couponId || alreadyCompensated) return null;
  if (!attempts.some((a) => a.outcome === 'timeout' || a.outcome === 'error')) return null;
  const walletId = ctx.newId('w');
  const amount = ctx.config.compensationFen;
  const now = ctx.clock();
  const entry: WalletRow = {
    id: walletId,
    buyerId: order.buyerId,
    couponId,
    balanceFen: amount,
    source: compensationSource(order.id),
    createdAt: now,
    status: 'available',
    usedBy: null,
    tasksDone: 0,
    inflated: false,
  };
  const payload = { walletId, couponId, amount, paymentId };
  return {
    entry,
    event: event('CompensationIssued', now, order.id, order.buyerId, payload),
    view: { walletId, couponId, amount },
  };
}

/** The payments row of one payment through the channels (succeeded or failed). */
export function paymentRowOf(
  p: { id: string; orderId: string; buyerId: string; amountFen: number; at: number },
  result: PaymentResult,
): PaymentRow {
  return {
    id: p.id,
    orderIds: JSON.stringify([p.orderId]),
    buyerId: p.buyerId,
    channel: result.ok ? result.channel : null,
    channelRef: result.ok ? result.channelRef : null,
    status: result.ok ? 'succeeded' : 'failed',
    amountFen: p.amountFen,
    attempts: JSON.stringify(result.attempts),
    createdAt: p.at,
  };
}

/** What the shopper hears when no channel took the money (402), with any compensation earned. */
export function paymentRefused(
  attempts: readonly PaymentAttempt[],
  compensation: PaidOrder['compensation'],
): Outcome<never> {
  const declined = attempts.at(-1)?.outcome === 'declined';
  return fail(
    declined ? 'PAYMENT_DECLINED' : 'PAYMENT_FAILED',
    declined ? 'the payment was declined' : 'every payment channel failed',
    { extra: { attempts, compensation } },
  );
}

function forgetCompensation(ctx: TradeContext, compensation: PaidOrder['compensation']): void {
  if (compensation) ctx.wallets.remove(compensation.walletId);
}
