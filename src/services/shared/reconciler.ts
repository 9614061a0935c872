// Makes Redis agree with PostgreSQL after a crash between the two steps of a change (issue: crash
// consistency). PostgreSQL holds the orders and wallets, so it decides. Past a grace period longer
// than an order write should take (a write that stalls longer cannot land afterwards: a missing
// order is fenced before anything is given back, store/sql/order-fence.ts):
// - a stock reservation, budget spend or wallet hold whose order never reached PostgreSQL is given
//   back; one whose order was paid is kept (a sale); one whose order closed is given back;
// - a coupon claim counted in Redis whose wallet row never reached PostgreSQL is given back;
// - a switch to pre-sale written to PostgreSQL has its units in Redis (added once per action), and
//   so has a restock (once per row).
// Every step is idempotent, so any number of servers may reconcile at once.
import type { OrderStatus } from '../../domain/order-lifecycle.ts';
import { refundTimeMaxMs, resumeRefund } from '../refund-unbooked.ts';
import type { SharedContext } from './shared-context.ts';
import { followRestocks } from './shared-restock.ts';
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
  /** 补货 rows whose units a crash had kept out of Redis. */
  restocksAdded: number;
  /** Refunds claimed and never completed, asked again and completed. */
  refundsResumed: number;
}

/** Pages of open reservations one pass reads at most, and how far it moves those of open orders. */
const PAGES_PER_PASS = 10;
const DEFER_OPEN_MS = 5 * 60_000;

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
    restocksAdded: 0,
    refundsResumed: 0,
  };
  const fates = new Map<string, Fate | 'missing'>();
  /** The fates of a page of orders: one read for those known, a fence for each missing one. */
  const judge = async (orderIds: readonly string[]) => {
    const statuses = await shared.book.statusesOf(orderIds.filter((id) => !fates.has(id)));
    for (const orderId of orderIds) {
      if (fates.has(orderId)) continue;
      // Missing: fenced first, so a write still under way can never land after what it took is
      // given back (store/sql/order-fence.ts); the fence may find it just written.
      const status = statuses.get(orderId) ?? (await shared.book.fencedStatus(orderId, ctx.clock()));
      fates.set(orderId, status ? fateOfStatus(status) : 'missing');
    }
  };
  const fateOf = async (orderId: string) => {
    await judge([orderId]);
    return fates.get(orderId)!;
  };
  // Page by page, oldest first: the pending orders of a page are moved past DEFER_OPEN_MS, so the
  // next page holds reservations not judged yet (an orphan is never stuck behind pending orders).
  for (let page = 0; page < PAGES_PER_PASS; page++) {
    const open = await hot.openReservations(cutoff, limit);
    await judge(open.map((r) => r.orderId));
    const pending: typeof open = [];
    for (const r of open) {
      const fate = fates.get(r.orderId)!;
      if (fate === 'open') pending.push(r);
      else if (fate === 'missing') {
        if ((await hot.release(r.storeId, r.orderId)).ok) done.orphansReleased += 1;
      } else if (fate === 'keep') {
        if ((await hot.commit(r.storeId, r.orderId)).ok) done.committed += 1;
      } else if ((await hot.release(r.storeId, r.orderId)).ok) done.released += 1;
    }
    await hot.deferReservations(pending, ctx.clock() + DEFER_OPEN_MS);
    if (open.length < limit) break;
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
  done.walletHoldsReleased = await shared.wallets.releaseOrphanHolds(cutoff, limit, ctx.clock());
  done.restocksApplied = await followSoldOutActions(shared);
  done.restocksAdded = await followRestocks(shared);
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
