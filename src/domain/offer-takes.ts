// What a priced cart takes from the limited offers: flash and first-N units at their price, gifts
// granted, and the money of every discount that has a budget (DOMAIN.md §2–3).
import type { CampaignIndex } from './campaign-index.ts';
import type { OfferTake } from './offer-counters.ts';
import type { Quote } from './quote/types.ts';

export function offerTakes(
  index: CampaignIndex,
  buyerId: string,
  lines: Quote['stores'][number]['lines'],
  gifts: Quote['gifts'],
  applied: readonly { id: string; amount: number }[],
): OfferTake[] {
  const takes = new Map<string, OfferTake>();
  const add = (offerId: string, units: number, spentFen: number) => {
    const known = takes.get(offerId);
    if (known) {
      known.units += units;
      known.spentFen += spentFen;
    } else takes.set(offerId, { offerId, buyerId, units, spentFen });
  };
  for (const line of lines) {
    if (line.offer && (line.offer.kind === 'flash-sale' || line.offer.kind === 'first-n'))
      add(line.offer.id, line.qty, 0);
  }
  for (const gift of gifts) add(gift.promotionId, gift.qty, 0);
  for (const d of applied) {
    const budget = index.promotions.get(d.id)?.budgetFen ?? index.coupons.get(d.id)?.budgetFen ?? null;
    if (budget !== null) add(d.id, 0, d.amount);
  }
  return [...takes.values()];
}
