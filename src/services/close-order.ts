// Closing an unpaid order: the buyer cancels it, or its payment deadline passes (DOMAIN.md §3:
// stock is released when the order is cancelled or unpaid at its deadline). Deadlines live in the
// database (a pending order's deadline_at, a pre-sale's timer rows), so they survive a restart.
import { limits } from '../domain/limits.ts';
import type { StockLine } from '../domain/stock-ledger.ts';
import type { EventRow } from '../store/ports.ts';
import { pendingOrderFor } from './order-access.ts';
import { fail, type Outcome } from './problem.ts';
import {
  addOfferDelta,
  addStockDelta,
  addWalletUpdates,
  event,
  type PendingOrderState,
  type TradeContext,
} from './trade-context.ts';

export type ClosedStatus = 'cancelled' | 'expired' | 'forfeited';

export interface ClosedOrder {
  id: string;
  status: ClosedStatus;
  closedAt: number;
}

const CLOSED_EVENT: Record<ClosedStatus, string> = {
  cancelled: 'OrderCancelled',
  expired: 'OrderExpired',
  forfeited: 'DepositForfeited',
};

export async function cancelOrder(
  ctx: TradeContext,
  buyerId: string,
  orderId: string,
): Promise<Outcome<ClosedOrder>> {
  const found = await pendingOrderFor(ctx, buyerId, orderId, 'cancel');
  if (!found.ok) return found;
  if (found.value.presale?.depositPaid) {
    return fail(
      'DEPOSIT_ALREADY_PAID',
      'the deposit is paid: the order waits for its balance (unpaid, the deposit is forfeited)',
    );
  }
  const closed = closeOrder(ctx, found.value, 'cancelled');
  await ctx.commits.wait(() => reopen(ctx, found.value));
  return { ok: true, value: closed };
}

function closeOrder(ctx: TradeContext, order: PendingOrderState, status: ClosedStatus): ClosedOrder {
  const now = ctx.clock();
  ctx.pending.delete(order.id);
  ctx.ledger.release(order.stock);
  addStockDelta(ctx, order.stock, 'reserved', 'available');
  ctx.offers.giveBack(order.takes);
  addOfferDelta(ctx, order.takes, -1);
  addWalletUpdates(ctx, ctx.wallets.refund(order.id, order.walletUses));
  const batch = ctx.commits.open;
  batch.orderUpdates.push({ id: order.id, status, closedAt: now });
  // A closed order is no longer pending, so its payment deadline is no longer due (no timer row).
  batch.events.push(closingEvent(status, now, order, order.stock, order.presale?.depositFen));
  return { id: order.id, status, closedAt: now };
}

/** The event of an order closing unpaid (a forfeited pre-sale names the deposit it keeps). */
export function closingEvent(
  status: ClosedStatus,
  at: number,
  order: { id: string; buyerId: string; payableFen: number },
  stock: readonly StockLine[],
  depositFen: number | undefined,
): EventRow {
  return event(CLOSED_EVENT[status], at, order.id, order.buyerId, {
    payable: order.payableFen,
    stock,
    forfeitedDeposit: status === 'forfeited' ? depositFen : undefined,
  });
}

function reopen(ctx: TradeContext, order: PendingOrderState): void {
  const result = ctx.ledger.reserve(order.stock);
  if (!result.ok || !ctx.offers.take(order.takes)) throw new Error(`cannot undo the release of ${order.id}`);
  ctx.wallets.spend(order.id, order.id, order.walletUses);
  ctx.pending.set(order.id, order);
}

/**
 * Fires every due timer: an unpaid order expires at its payment deadline; a pre-sale whose balance
 * is unpaid at the balance deadline forfeits its deposit and releases its stock; 2 hours before
 * that, a reminder event for 尾款冲刺. Returns how many orders closed.
 */
export async function expireDueOrders(ctx: TradeContext): Promise<number> {
  const now = ctx.clock();
  const timers = await ctx.store.dueTimers(now, limits.timersPerTickMax);
  const expired: PendingOrderState[] = [];
  for (const timer of timers) {
    const order = ctx.pending.get(timer.ref);
    if (order?.paying) continue; // decided when the payment ends; the timer stays due
    const depositPaid = order?.presale?.depositPaid ?? false;
    if (order && timer.kind === 'payment-deadline' && !depositPaid) {
      closeOrder(ctx, order, 'expired');
      expired.push(order);
    } else if (order && timer.kind === 'balance-deadline' && depositPaid) {
      closeOrder(ctx, order, 'forfeited');
      expired.push(order);
    } else if (order && timer.kind === 'balance-reminder' && depositPaid) {
      const payload = { balance: order.presale!.balanceFen, balanceEndsAt: order.presale!.balanceEndMs };
      ctx.commits.open.events.push(event('BalanceReminderDue', now, order.id, order.buyerId, payload));
    }
    ctx.commits.open.timersFired.push({ id: timer.id, at: now });
  }
  if (timers.length === 0) return 0;
  await ctx.commits.wait(() => {
    for (const order of expired) reopen(ctx, order);
  });
  return expired.length;
}
