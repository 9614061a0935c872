// Wallets when several servers share PostgreSQL and Redis: a claim is counted against the coupon's
// caps in Redis (one script, all servers together) and then written to PostgreSQL; a checkout
// reads the buyer's wallet from PostgreSQL and takes what it uses with conditional updates
// (PostgresWalletBook). A server that dies between the Redis count and the PostgreSQL write leaves
// an open claim, which the reconciler gives back.

import type { StoreOrderDraft } from '../../domain/checkout.ts';
import { checkClaim } from '../../domain/coupon-claim.ts';
import type { Quote, WalletItem } from '../../domain/quote/types.ts';
import { WalletBook, type WalletEntry } from '../../domain/wallet-book.ts';
import { WriteRefused } from '../../store/ports.ts';
import type { DayMultiplier, WalletHold } from '../../store/sql/postgres-wallet-book.ts';
import { claimRefused, newWalletEntry } from '../claim-coupon.ts';
import type { Recorder } from '../idempotency.ts';
import { inflatedEvent, inflationTask, multiplyIfTheDay } from '../inflate-red-envelope.ts';
import { fail, type Outcome } from '../problem.ts';
import { event } from '../trade-context.ts';
import type { WalletRef } from '../wallet-use.ts';
import { resolveWalletItems, walletUsesOf } from '../wallet-use.ts';
import type { SharedContext } from './shared-context.ts';

export async function claimSharedCoupon(
  shared: SharedContext,
  buyerId: string,
  couponId: string,
  record: Recorder<WalletEntry>,
): Promise<Outcome<WalletEntry>> {
  const { ctx, hot } = shared;
  const coupon = ctx.index.coupons.get(couponId);
  if (!coupon) return fail('UNKNOWN_COUPON_TEMPLATE', `no coupon "${couponId}"`);
  const now = ctx.clock();
  const closed = checkClaim(coupon, now, 0, 0); // the window; the caps are Redis's to count
  if (closed) return claimRefused(coupon, closed);
  const entry = newWalletEntry(ctx.newId('w'), buyerId, coupon, now);
  const counted = await hot.claimCoupon({
    couponId,
    buyerId,
    walletId: entry.id,
    total: coupon.total,
    perBuyer: coupon.perBuyer,
    at: now,
  });
  if (!counted.ok) return claimRefused(coupon, counted.code);
  const claimed = event('CouponClaimed', now, null, buyerId, { walletId: entry.id, couponId });
  try {
    await shared.wallets.add([{ ...entry, source: 'claim' }], [claimed]);
  } catch (error) {
    // Surely not written: the claim goes back now. Else the row may have landed (the connection
    // broke after the commit): the claim stays open, and the reconciler keeps it or gives it back
    // by what PostgreSQL holds.
    if (error instanceof WriteRefused) await hot.unclaim(couponId, entry.id);
    throw error;
  }
  await hot.claimWritten(couponId, entry.id);
  const value = { ok: true as const, value: entry };
  record(value);
  await ctx.commits.wait(() => {}); // the Idempotency-Key's answer, before it is given
  return value;
}

export async function completeSharedInflationTask(
  shared: SharedContext,
  buyerId: string,
  walletId: string,
): Promise<Outcome<WalletEntry>> {
  const { ctx } = shared;
  const now = ctx.clock();
  const entry = await walletEntry(shared, buyerId, walletId);
  const task = inflationTask(ctx, buyerId, walletId, entry, now);
  if (!task.ok) return task;
  const { inflate } = task.value;
  const grown = await shared.wallets.completeTask(
    walletId,
    buyerId,
    { fen: inflate.perTaskFen, maxTasks: inflate.maxTasks },
    (g) => inflatedEvent(now, buyerId, walletId, g),
  );
  // Another server did a task meanwhile: answer from what the envelope is now.
  if (!grown) return completeSharedInflationTask(shared, buyerId, walletId);
  return { ok: true, value: { ...task.value.entry, ...grown } };
}

async function walletEntry(shared: SharedContext, buyerId: string, walletId: string) {
  const rows = await shared.ctx.store.listWallet(buyerId);
  return rows.find((r) => r.id === walletId);
}

/** The wallet items a checkout names, read from PostgreSQL, with the day multipliers pricing applies. */
export async function resolveSharedWallet(
  shared: SharedContext,
  buyerId: string,
  requested: readonly WalletRef[],
  now: number,
): Promise<Outcome<{ items: WalletItem[]; multipliers: DayMultiplier[] }>> {
  if (requested.length === 0) return { ok: true, value: { items: [], multipliers: [] } };
  const book = new WalletBook();
  for (const row of await shared.ctx.store.listWallet(buyerId)) book.add(row);
  const multipliers: DayMultiplier[] = [];
  const items = resolveWalletItems(book, buyerId, requested, (entry) => {
    const multiplier = multiplyIfTheDay(shared.ctx, entry, now);
    if (multiplier !== null) multipliers.push({ walletId: entry.id, multiplier });
  });
  if (!items.ok) return items;
  return { ok: true, value: { items: items.value, multipliers } };
}

/** What each store order takes from each wallet entry. */
export function walletHoldsOf(
  quote: Quote,
  drafts: readonly StoreOrderDraft[],
  items: readonly WalletItem[],
): WalletHold[] {
  const envelopes = new Set(items.filter((i) => i.balanceFen !== undefined).map((i) => i.id));
  return drafts.flatMap((d) =>
    walletUsesOf(quote, d).map((u) => ({
      orderId: d.id,
      checkoutId: d.checkoutId,
      walletId: u.walletId,
      amountFen: u.amountFen,
      envelope: envelopes.has(u.walletId),
    })),
  );
}
