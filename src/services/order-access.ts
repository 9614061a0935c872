// Finding an order for a buyer's action: pending orders live in memory (the writer's state), the
// rest are read from the store. Someone else's order is refused without saying more about it.
import { nextStatus, type OrderAction, type OrderStatus } from '../domain/order-lifecycle.ts';
import { fail, type Outcome } from './problem.ts';
import type { PendingOrderState, TradeContext } from './trade-context.ts';

export async function pendingOrderFor(
  ctx: TradeContext,
  buyerId: string,
  orderId: string,
  action: OrderAction,
): Promise<Outcome<PendingOrderState>> {
  const pending = ctx.pending.get(orderId);
  if (pending) {
    if (pending.buyerId !== buyerId) return fail('NOT_YOUR_ORDER', 'this order belongs to another buyer');
    if (pending.paying) return fail('PAYMENT_IN_PROGRESS', 'a payment for this order is under way');
    return { ok: true, value: pending };
  }
  const row = await ctx.store.getOrder(orderId);
  if (!row) return fail('ORDER_NOT_FOUND', `no order ${orderId}`);
  if (row.buyerId !== buyerId) return fail('NOT_YOUR_ORDER', 'this order belongs to another buyer');
  const step = nextStatus(row.status as OrderStatus, action);
  if (!step.ok) return fail(step.code, `order ${orderId} is ${row.status}`);
  // Open on disk but no longer held by the writer: its payment, cancel or expiry is being
  // committed. Answer from what it becomes (a failed commit gives it back to the writer).
  await ctx.commits.drain();
  if (ctx.pending.has(orderId)) return pendingOrderFor(ctx, buyerId, orderId, action);
  const after = await ctx.store.getOrder(orderId);
  const settled = after && nextStatus(after.status as OrderStatus, action);
  if (settled && !settled.ok) return fail(settled.code, `order ${orderId} is ${after.status}`);
  return fail('ORDER_NOT_FOUND', `order ${orderId} is not open for ${action}`);
}
