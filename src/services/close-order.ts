// Closing an unpaid order: the buyer cancels it, or its payment deadline passes (DOMAIN.md §3:
// stock is released when the order is cancelled or unpaid at its deadline). Deadlines are timers
// in the database, so they survive a restart.
import { limits } from '../domain/limits.ts';
import { pendingOrderFor } from './order-access.ts';
import type { Outcome } from './problem.ts';
import {
  addOfferDelta,
  addStockDelta,
  addWalletUpdates,
  event,
  type PendingOrderState,
  type TradeContext,
} from './trade-context.ts';

export interface ClosedOrder {
  id: string;
  status: 'cancelled' | 'expired';
  closedAt: number;
}

export async function cancelOrder(
  ctx: TradeContext,
  buyerId: string,
  orderId: string,
): Promise<Outcome<ClosedOrder>> {
  const found = await pendingOrderFor(ctx, buyerId, orderId, 'cancel');
  if (!found.ok) return found;
  const closed = closeOrder(ctx, found.value, 'cancelled');
  await ctx.commits.wait(() => reopen(ctx, found.value));
  return { ok: true, value: closed };
}

function closeOrder(
  ctx: TradeContext,
  order: PendingOrderState,
  status: 'cancelled' | 'expired',
): ClosedOrder {
  const now = ctx.clock();
  ctx.pending.delete(order.id);
  ctx.ledger.release(order.stock);
  addStockDelta(ctx, order.stock, 'reserved', 'available');
  ctx.offers.giveBack(order.takes);
  addOfferDelta(ctx, order.takes, -1);
  addWalletUpdates(ctx, ctx.wallets.refund(order.id, order.walletUses));
  const batch = ctx.commits.open;
  batch.orderUpdates.push({ id: order.id, status, closedAt: now });
  const type = status === 'cancelled' ? 'OrderCancelled' : 'OrderExpired';
  batch.events.push(
    event(type, now, order.id, order.buyerId, { payable: order.payableFen, stock: order.stock }),
  );
  return { id: order.id, status, closedAt: now };
}

function reopen(ctx: TradeContext, order: PendingOrderState): void {
  const result = ctx.ledger.reserve(order.stock);
  if (!result.ok || !ctx.offers.take(order.takes)) throw new Error(`cannot undo the release of ${order.id}`);
  ctx.wallets.spend(order.id, order.id, order.walletUses);
  ctx.pending.set(order.id, order);
}

/** Expires every order whose payment deadline has passed; returns how many. */
export async function expireDueOrders(ctx: TradeContext): Promise<number> {
  const now = ctx.clock();
  const timers = await ctx.store.dueTimers(now, limits.timersPerTickMax);
  const expired: PendingOrderState[] = [];
  for (const timer of timers) {
    const order = ctx.pending.get(timer.ref);
    if (order?.paying) continue; // decided when the payment ends; the timer stays due
    if (order) {
      closeOrder(ctx, order, 'expired');
      expired.push(order);
    }
    ctx.commits.open.timersFired.push({ id: timer.id, at: now });
  }
  if (timers.length === 0) return 0;
  await ctx.commits.wait(() => {
    for (const order of expired) reopen(ctx, order);
  });
  return expired.length;
}
