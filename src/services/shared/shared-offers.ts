// Limited offers when several servers share Redis: which offers count units and in which store
// they live, and the counts one order is priced with, read from Redis just before pricing. The
// reservation script checks them again atomically, so a stale read can only refuse, never oversell.
import type { CampaignIndex } from '../../domain/campaign-index.ts';
import type { OfferTake } from '../../domain/offer-counters.ts';
import type { OfferUsage } from '../../domain/offer-usage.ts';
import type { HotOfferTake, OfferOpening } from '../../store/redis/hot-types.ts';
import type { RedisHotLedger } from '../../store/redis/redis-hot-ledger.ts';
import type { OfferCounts } from '../flash-rush.ts';

export interface UnitOffer extends OfferOpening {
  /** Flash sessions cap what one buyer holds. */
  perBuyer: number | undefined;
}

/** Flash sessions, first-N and gift stock: the offers that give out units, each in its SKU's store. */
export function unitOffersOf(index: CampaignIndex): Map<string, UnitOffer> {
  const offers = new Map<string, UnitOffer>();
  const storeOf = (sku: string) => index.items.get(sku)?.storeId;
  for (const p of index.campaign.promotions) {
    const found =
      p.kind === 'flash-sale'
        ? { sku: p.sku, units: p.quantity, perBuyer: p.perBuyer }
        : p.kind === 'first-n'
          ? { sku: p.sku, units: p.firstN, perBuyer: undefined }
          : p.kind === 'gift'
            ? { sku: p.giftSku, units: p.giftQuantity, perBuyer: undefined }
            : null;
    const storeId = found && storeOf(found.sku);
    if (found && storeId)
      offers.set(p.id, { offerId: p.id, storeId, units: found.units, perBuyer: found.perBuyer });
  }
  return offers;
}

/** The takes of one store order that Redis counts (budgets stay with the pricing view). */
export function hotTakesOf(
  offers: ReadonlyMap<string, UnitOffer>,
  takes: readonly OfferTake[],
): HotOfferTake[] {
  const hot: HotOfferTake[] = [];
  for (const t of takes) {
    const offer = offers.get(t.offerId);
    if (offer && t.units > 0) {
      hot.push(
        offer.perBuyer === undefined
          ? { offerId: t.offerId, units: t.units }
          : { offerId: t.offerId, units: t.units, perBuyer: offer.perBuyer },
      );
    }
  }
  return hot;
}

/** One buyer's view of the unit offers, read from Redis. */
export class FetchedOffers implements OfferCounts {
  private constructor(
    private readonly left: Map<string, number>,
    private readonly bought: Map<string, number>,
    private readonly budgets: ReadonlyMap<string, number>,
  ) {}

  static async read(
    hot: RedisHotLedger,
    offerIds: readonly string[],
    buyerId: string,
    budgets: ReadonlyMap<string, number>,
  ): Promise<FetchedOffers> {
    if (offerIds.length === 0) return new FetchedOffers(new Map(), new Map(), budgets);
    const [left, bought] = await Promise.all([hot.offerLeft(offerIds), hot.boughtBy(buyerId, offerIds)]);
    return new FetchedOffers(left, bought, budgets);
  }

  unitsLeftOf(offerId: string): number | undefined {
    return this.left.get(offerId);
  }

  boughtBy(offerId: string): number {
    return this.bought.get(offerId) ?? 0;
  }

  usage(): OfferUsage {
    return { unitsLeft: this.left, boughtByBuyer: this.bought, budgetLeftFen: this.budgets };
  }
}
