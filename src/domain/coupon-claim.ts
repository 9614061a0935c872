// Claiming a coupon into a wallet (DOMAIN.md §2, ISSUE sale mechanics): inside its claim window,
// within the per-buyer limit and the total issue cap. Pure: the counts come in.
import type { CouponTemplate, Instant } from './campaign.ts';
import { isOpenAt } from './window.ts';

export type ClaimRefusal = 'CLAIM_WINDOW_CLOSED' | 'COUPON_SOLD_OUT' | 'CLAIM_LIMIT_REACHED';

export function checkClaim(
  coupon: CouponTemplate,
  atMs: Instant,
  claimedTotal: number,
  claimedByBuyer: number,
): ClaimRefusal | null {
  if (!isOpenAt(coupon.claimWindow, atMs)) return 'CLAIM_WINDOW_CLOSED';
  if (coupon.total !== null && claimedTotal >= coupon.total) return 'COUPON_SOLD_OUT';
  if (claimedByBuyer >= coupon.perBuyer) return 'CLAIM_LIMIT_REACHED';
  return null;
}
