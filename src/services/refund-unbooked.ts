// A charge a channel took that the sale could not book is given back through that channel: the
// order closed while it was being paid (several servers), or the commit that would have saved the
// payment failed. The refund is recorded like any payment (a payments row, refunded or
// refund_failed, and a PaymentRefunded or RefundFailed event); a refund that keeps failing is left
// to the operators, who read the RefundFailed event.
import { fenToYuan } from '../domain/money.ts';
import type { EventRow, PaymentRow } from '../store/ports.ts';
import type { PaymentAttempt } from './payments/pay-with-failover.ts';
import { refundCharge, refundLimits } from './payments/refund-charge.ts';
import { event, type TradeContext } from './trade-context.ts';

/** The longest a refund can take: every ask waited out, and the waits between them. */
export function refundTimeMaxMs(timeoutMs: number): number {
  let ms = 0;
  for (let k = 0; k < refundLimits.triesMax; k += 1)
    ms += timeoutMs + (k > 0 ? refundLimits.backoffMs * 2 ** (k - 1) : 0);
  return ms;
}

export interface UnbookedCharge {
  paymentId: string;
  orderId: string;
  buyerId: string;
  channel: string;
  channelRef: string;
  amountFen: number;
  /** The charge's own attempts, kept on its payments row. */
  attempts: readonly PaymentAttempt[];
  /** The order closed meanwhile; it was paid by another payment meanwhile; its commit failed. */
  why: 'order-closed' | 'already-paid' | 'commit-failed' | 'callback-refused' | 'resumed';
}

/** What the shopper hears of the money (problem extra.refund). */
export interface RefundView {
  paymentId: string;
  channel: string;
  amount: number;
  /**
   * booked: the charge already is a recorded payment (paymentId), so nothing was given back;
   * refunding: another refund of it is under way.
   */
  status: 'refunded' | 'refund_failed' | 'booked' | 'refunding';
  refundRef: string | null;
  /** False when the refund could not be written down either (the database refuses writes). */
  recorded: boolean;
}

/**
 * Where a refund is written. `keep` writes its payments row and event (throws if it cannot).
 * `claim`, where several servers may refund the same charge, first writes the row as `refunding`
 * unless another row owns the charge's reference (then false, and nothing is given back); `keep`
 * then completes that row.
 */
export interface RefundBook {
  claim?: (payment: PaymentRow) => Promise<boolean>;
  keep: (payment: PaymentRow, event: EventRow) => Promise<void>;
}

/** The one server of a sale: the refund goes in the next group commit (callers hold the charge). */
export function keepInBatch(ctx: TradeContext): RefundBook {
  return {
    keep: async (payment, refundEvent) => {
      ctx.commits.open.payments.push(payment);
      ctx.commits.open.events.push(refundEvent);
      await ctx.commits.wait(() => {});
    },
  };
}

/** What the channels are asked: one refund per charge, whichever flow asks (the channel dedupes on it). */
export function refundKeyOf(channelRef: string): string {
  return `refund:${channelRef}`;
}

export async function refundUnbooked(
  ctx: Pick<TradeContext, 'channels' | 'config' | 'clock' | 'store'>,
  charge: UnbookedCharge,
  book: RefundBook,
): Promise<RefundView> {
  const view = { paymentId: charge.paymentId, channel: charge.channel, amount: charge.amountFen };
  const row = (status: PaymentRow['status']): PaymentRow => ({
    id: charge.paymentId,
    orderIds: JSON.stringify([charge.orderId]),
    buyerId: charge.buyerId,
    channel: charge.channel,
    channelRef: charge.channelRef,
    status,
    amountFen: charge.amountFen,
    attempts: JSON.stringify(charge.attempts),
    createdAt: ctx.clock(),
  });
  // A charge another payments row already owns (booked, or given back) is not given back here.
  const owner = await ownerOf(ctx, charge.channelRef);
  if (owner)
    return { ...view, paymentId: owner.id, status: ownerStatus(owner), refundRef: null, recorded: true };
  const claim = book.claim ? await claimed(book.claim, row('refunding')) : 'won';
  // Not written at all: nothing was given back, and the operators have the process's warning.
  if (claim === 'error') return { ...view, status: 'refund_failed', refundRef: null, recorded: false };
  if (claim === 'lost') {
    const taken = await ownerOf(ctx, charge.channelRef);
    const status = taken ? ownerStatus(taken) : 'refunding';
    return { ...view, paymentId: taken?.id ?? view.paymentId, status, refundRef: null, recorded: true };
  }
  const { status, refundRef, refunded, payload } = await giveBack(ctx, charge);
  if (status === 'refunded') givenBack(ctx).add(charge.channelRef);
  try {
    await book.keep(row(status), refunded);
    givenBack(ctx).delete(charge.channelRef); // its row says so from now on
    return { ...view, status, refundRef, recorded: true };
  } catch (error) {
    // Not in the database: the process's warning is the trace the operators have (stderr by default).
    process.emitWarning(
      `${refunded.type} not recorded: ${error instanceof Error ? error.message : String(error)}`,
      {
        code: 'DACU_REFUND_NOT_RECORDED',
        detail: JSON.stringify({ orderId: charge.orderId, buyerId: charge.buyerId, ...payload }),
      },
    );
    return { ...view, status, refundRef, recorded: false };
  }
}

/**
 * A refund claimed and never completed (its server died between the claim and the channel's
 * answer): asked again under the same key, so the channel answers the refund it made (or makes
 * it), then completed with its event. Returns how it ended.
 */
export async function resumeRefund(
  ctx: Pick<TradeContext, 'channels' | 'config' | 'clock'>,
  claimed: PaymentRow,
  keep: RefundBook['keep'],
): Promise<RefundView['status']> {
  const { status, refunded } = await giveBack(ctx, {
    paymentId: claimed.id,
    orderId: (JSON.parse(claimed.orderIds) as string[])[0] ?? null,
    buyerId: claimed.buyerId,
    channel: claimed.channel ?? '',
    channelRef: claimed.channelRef ?? '',
    amountFen: claimed.amountFen,
    why: 'resumed',
  });
  await keep({ ...claimed, status, createdAt: ctx.clock() }, refunded);
  return status;
}

/**
 * Asks the channel that took a charge to give it back, under the charge's one refund key, and
 * writes up how it went: the payments row's status and the PaymentRefunded or RefundFailed event.
 */
async function giveBack(
  ctx: Pick<TradeContext, 'channels' | 'config' | 'clock'>,
  charge: Pick<UnbookedCharge, 'paymentId' | 'buyerId' | 'channel' | 'channelRef' | 'amountFen' | 'why'> & {
    orderId: string | null;
  },
): Promise<{
  status: 'refunded' | 'refund_failed';
  refundRef: string | null;
  refunded: EventRow;
  payload: object;
}> {
  const channel = ctx.channels.find((c) => c.name === charge.channel);
  const request = {
    paymentId: refundKeyOf(charge.channelRef),
    channelRef: charge.channelRef,
    amountFen: charge.amountFen,
  };
  const result = channel
    ? await refundCharge(channel, request, { timeoutMs: ctx.config.paymentTimeoutMs })
    : ({ ok: false, attempts: [] } as const);
  const refundRef = result.ok ? result.refundRef : null;
  const payload = {
    paymentId: charge.paymentId,
    channel: charge.channel,
    channelRef: charge.channelRef,
    amount: charge.amountFen,
    why: charge.why,
    refundRef,
    attempts: result.attempts,
  };
  const type = result.ok ? 'PaymentRefunded' : 'RefundFailed';
  const refunded = event(type, ctx.clock(), charge.orderId, charge.buyerId, payload);
  return { status: result.ok ? 'refunded' : 'refund_failed', refundRef, refunded, payload };
}

/** The payments row owning a reference; a read that fails counts as none (the caller's row was not written). */
async function ownerOf(
  ctx: Pick<TradeContext, 'store'>,
  channelRef: string,
): Promise<PaymentRow | undefined> {
  try {
    return await ctx.store.paymentOfRef(channelRef);
  } catch {
    return undefined;
  }
}

/** Won, lost to another row owning the charge, or not written at all (nothing is given back then). */
async function claimed(
  claim: NonNullable<RefundBook['claim']>,
  payment: PaymentRow,
): Promise<'won' | 'lost' | 'error'> {
  try {
    return (await claim(payment)) ? 'won' : 'lost';
  } catch (error) {
    process.emitWarning(`refund not claimed: ${error instanceof Error ? error.message : String(error)}`, {
      code: 'DACU_REFUND_NOT_RECORDED',
      detail: JSON.stringify(payment),
    });
    return 'error';
  }
}

/** How a refund reads when another payments row owns its charge. */
function ownerStatus(owner: PaymentRow): RefundView['status'] {
  if (owner.status === 'succeeded') return 'booked';
  if (owner.status === 'refunding') return 'refunding';
  return owner.status === 'refund_failed' ? 'refund_failed' : 'refunded';
}

/** The words for the shopper about their money, after the reason the payment was not booked. */
export function refundWords(refund: RefundView): string {
  const yuan = fenToYuan(refund.amount);
  if (refund.status === 'booked')
    return `the ¥${yuan} taken by ${refund.channel} is payment ${refund.paymentId}`;
  if (refund.status === 'refunding') return `the ¥${yuan} taken by ${refund.channel} is being refunded`;
  return refund.status === 'refunded'
    ? `the ¥${yuan} taken by ${refund.channel} was refunded`
    : `refunding the ¥${yuan} taken by ${refund.channel} failed; it is with the operators`;
}

/** Charges given back on this server (per engine context, by reference), on disk or not yet. */
const refunded = new WeakMap<object, Set<string>>();

function givenBack(ctx: object): Set<string> {
  let refs = refunded.get(ctx);
  if (!refs) {
    refs = new Set();
    refunded.set(ctx, refs);
  }
  return refs;
}

/** True when this server gave the charge back (its refund's row may not be written). */
export function givenBackHere(ctx: object, channelRef: string): boolean {
  return refunded.get(ctx)?.has(channelRef) ?? false;
}
