// Makes Redis agree with PostgreSQL after a crash between the two steps of a change (issue: crash
// consistency). PostgreSQL holds the orders, so it decides: a reservation open for longer than
// any order write can take whose order never reached PostgreSQL is released; one whose order was
// paid becomes a sale; one whose order was closed goes back. Every step is idempotent in Redis,
// so any number of servers may reconcile at once.
import type { SharedContext } from './shared-context.ts';

export interface Reconciled {
  /** Reservations with no order in PostgreSQL (the server died before the order was written). */
  orphansReleased: number;
  /** Orders paid or closed in PostgreSQL whose reservation Redis had not yet followed. */
  committed: number;
  released: number;
}

/** Longer than any placement takes from its reservation to its commit in PostgreSQL. */
export const RECONCILE_GRACE_MS = 30_000;

export async function reconcile(
  shared: SharedContext,
  graceMs = RECONCILE_GRACE_MS,
  limit = 1_000,
): Promise<Reconciled> {
  const done: Reconciled = { orphansReleased: 0, committed: 0, released: 0 };
  const open = await shared.hot.openReservations(shared.ctx.clock() - graceMs, limit);
  for (const r of open) {
    const order = await shared.ctx.store.getOrder(r.orderId);
    if (!order) {
      if ((await shared.hot.release(r.storeId, r.orderId)).ok) done.orphansReleased += 1;
    } else if (order.status === 'paid') {
      if ((await shared.hot.commit(r.storeId, r.orderId)).ok) done.committed += 1;
    } else if (order.status !== 'pending_payment' && order.status !== 'deposit_paid') {
      if ((await shared.hot.release(r.storeId, r.orderId)).ok) done.released += 1;
    }
  }
  return done;
}
