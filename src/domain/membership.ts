// Paid membership (88VIP-style, PLUS-style): a percent off what is left of each store sub-order,
// rounded half up per sub-order (PRICING.md §5). A buyer with several uses the best one.
import type { Buyer } from './buyer.ts';
import type { Membership } from './campaign.ts';
import { type Fen, percentOf } from './money.ts';

export function bestMembership(
  buyer: Buyer,
  memberships: ReadonlyMap<string, Membership>,
): Membership | null {
  let best: Membership | null = null;
  for (const id of buyer.memberships) {
    const m = memberships.get(id);
    if (m && (best === null || m.discountPercent > best.discountPercent)) best = m;
  }
  return best;
}

export function membershipDiscount(membership: Membership, subOrderLeftFen: Fen): Fen {
  return percentOf(subOrderLeftFen, membership.discountPercent);
}
