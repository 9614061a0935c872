// Claiming a coupon or red envelope into the buyer's wallet (领券): the claim window, the
// per-buyer limit and the total issue cap are checked and counted in one synchronous step of the
// single writer, so concurrent claims never exceed the cap; the claim is acknowledged after commit.
import type { CouponTemplate } from '../domain/campaign.ts';
import { type ClaimRefusal, checkClaim } from '../domain/coupon-claim.ts';
import { redEnvelopeValue } from '../domain/coupons/red-envelope.ts';
import type { WalletEntry } from '../domain/wallet-book.ts';
import type { Recorder } from './idempotency.ts';
import { fail, type Outcome } from './problem.ts';
import { event, type TradeContext } from './trade-context.ts';

export async function claimCoupon(
  ctx: TradeContext,
  buyerId: string,
  couponId: string,
  record: Recorder<WalletEntry>,
): Promise<Outcome<WalletEntry>> {
  const coupon = ctx.index.coupons.get(couponId);
  if (!coupon) return fail('UNKNOWN_COUPON_TEMPLATE', `no coupon "${couponId}"`);
  const now = ctx.clock();
  const refusal = checkClaim(
    coupon,
    now,
    ctx.wallets.claimedTotal(couponId),
    ctx.wallets.claimedByBuyer(couponId, buyerId),
  );
  if (refusal) return claimRefused(coupon, refusal);
  const entry = newWalletEntry(ctx.newId('w'), buyerId, coupon, now);
  ctx.wallets.add(entry);
  ctx.commits.open.wallet.push({ ...entry, source: 'claim' });
  ctx.commits.open.events.push(event('CouponClaimed', now, null, buyerId, { walletId: entry.id, couponId }));
  record({ ok: true, value: entry });
  await ctx.commits.wait(() => ctx.wallets.remove(entry.id));
  return { ok: true, value: entry };
}

export function claimRefused(coupon: CouponTemplate, refusal: ClaimRefusal): Outcome<never> {
  switch (refusal) {
    case 'CLAIM_WINDOW_CLOSED':
      return fail(refusal, `coupon ${coupon.id} cannot be claimed now`);
    case 'COUPON_SOLD_OUT':
      return fail(refusal, `all ${coupon.total} of coupon ${coupon.id} have been claimed`);
    case 'CLAIM_LIMIT_REACHED':
      return fail(refusal, `at most ${coupon.perBuyer} of coupon ${coupon.id} per buyer`);
  }
}

/** A claimed coupon as it enters the wallet. */
export function newWalletEntry(
  id: string,
  buyerId: string,
  coupon: CouponTemplate,
  now: number,
): WalletEntry {
  return {
    id,
    buyerId,
    couponId: coupon.id,
    // A red envelope is stored value: its face value when claimed (inflation tasks come later).
    balanceFen: coupon.kind === 'red-envelope' ? redEnvelopeValue(coupon, now, 0) : null,
    status: 'available',
    usedBy: null,
    createdAt: now,
    tasksDone: 0,
    inflated: false,
  };
}
