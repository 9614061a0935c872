// Makes Redis agree with PostgreSQL after a crash between the two steps of a change (issue: crash
// consistency). PostgreSQL holds the orders and wallets, so it decides. Past a grace period longer
// than any order write can take:
// - a stock reservation, budget spend or wallet hold whose order never reached PostgreSQL is given
//   back; one whose order was paid is kept (a sale); one whose order closed is given back;
// - a coupon claim counted in Redis whose wallet row never reached PostgreSQL is given back;
// - a switch to pre-sale written to PostgreSQL has its units in Redis (added once per action).
// Every step is idempotent, so any number of servers may reconcile at once.
import type { OrderStatus } from '../../domain/order-lifecycle.ts';
import { refundTimeMaxMs, resumeRefund } from '../refund-unbooked.ts';
import type { SharedContext } from './shared-context.ts';
import { followSoldOutActions } from './shared-sold-out.ts';

export interface Reconciled {
  /** Reservations with no order in PostgreSQL (the server died before the order was written). */
  orphansReleased: number;
  /** Orders paid or closed in PostgreSQL whose reservation Redis had not yet followed. */
  committed: number;
  released: number;
  /** Budget spends kept for paid orders, and given back for closed or missing ones. */
  budgetsKept: number;
  budgetsGivenBack: number;
  /** Coupon claims whose wallet row never reached PostgreSQL. */
  claimsGivenBack: number;
  /** Wallet holds of orders that never reached PostgreSQL. */
  walletHoldsReleased: number;
  /** Pre-sale switches whose units a crash had kept out of Redis. */
  restocksApplied: number;
  /** Refunds claimed and never completed, asked again and completed. */
  refundsResumed: number;
}

/** Refunds cut short that one pass asks again (all at once). */
const RESUMES_PER_PASS = 10;

/** Longer than any placement takes from its reservation to its commit in PostgreSQL. */
export const RECONCILE_GRACE_MS = 30_000;

type Fate = 'open' | 'keep' | 'give-back';

export async function reconcile(
  shared: SharedContext,
  graceMs = RECONCILE_GRACE_MS,
  limit = 1_000,
): Promise<Reconciled> {
  const { hot, ctx } = shared;
  const cutoff = ctx.clock() - graceMs;
  const done: Reconciled = {
    orphansReleased: 0,
    committed: 0,
    released: 0,
    budgetsKept: 0,
    budgetsGivenBack: 0,
    claimsGivenBack: 0,
    walletHoldsReleased: 0,
    restocksApplied: 0,
    refundsResumed: 0,
  };
  const fates = new Map<string, Fate | 'missing'>();
  const fateOf = async (orderId: string) => {
    let fate = fates.get(orderId);
    if (!fate) {
      const order = await ctx.store.getOrder(orderId);
      fate = order ? fateOfStatus(order.status as OrderStatus) : 'missing';
      fates.set(orderId, fate);
    }
    return fate;
  };
  for (const r of await hot.openReservations(cutoff, limit)) {
    const fate = await fateOf(r.orderId);
    if (fate === 'missing') {
      if ((await hot.release(r.storeId, r.orderId)).ok) done.orphansReleased += 1;
    } else if (fate === 'keep') {
      if ((await hot.commit(r.storeId, r.orderId)).ok) done.committed += 1;
    } else if (fate === 'give-back') {
      if ((await hot.release(r.storeId, r.orderId)).ok) done.released += 1;
    }
  }
  for (const t of await hot.openBudgetTakes(cutoff, limit)) {
    const fate = await fateOf(t.orderId);
    if (fate === 'keep') {
      await hot.keepBudgets(t.orderId, [t.offerId]);
      done.budgetsKept += 1;
    } else if (fate !== 'open') {
      done.budgetsGivenBack += await hot.giveBackBudgets(t.orderId, [t.offerId]);
    }
  }
  for (const c of await hot.openClaims(cutoff, limit)) {
    if (await shared.wallets.has(c.walletId)) await hot.claimWritten(c.couponId, c.walletId);
    else if (await hot.unclaim(c.couponId, c.walletId)) done.claimsGivenBack += 1;
  }
  done.walletHoldsReleased = await shared.wallets.releaseOrphanHolds(cutoff, limit);
  done.restocksApplied = await followSoldOutActions(shared);
  // Past the longest a refund can take and the grace on top, a refunding row's server is gone:
  // ask again and complete it. A few per pass, side by side, so a channel that is down does not
  // hold up the timers that run with the reconciler.
  const refundCutoff = ctx.clock() - graceMs - refundTimeMaxMs(ctx.config.paymentTimeoutMs);
  const cutShort = await shared.book.refundsCutShort(refundCutoff, Math.min(limit, RESUMES_PER_PASS));
  await Promise.all(
    // Its hold on the order ran out long ago; another payment's hold is not touched.
    cutShort.map((claimed) =>
      resumeRefund(ctx, claimed, (payment, refunded) => shared.book.completeRefund(payment, refunded)),
    ),
  );
  done.refundsResumed = cutShort.length;
  return done;
}

function fateOfStatus(status: OrderStatus): Fate {
  if (status === 'paid') return 'keep';
  return status === 'pending_payment' || status === 'deposit_paid' ? 'open' : 'give-back';
}
