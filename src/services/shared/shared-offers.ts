// Limited offers when several servers share Redis: which offers count units and in which store
// they live, and the counts one order is priced with, read from Redis just before pricing. The
// reservation script checks them again atomically, so a stale read can only refuse, never oversell.
// Budgets are read the same way and taken after the reservation (RedisHotLedger.takeBudgets).
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

/** Promotions and coupons with a spend budget. */
export function budgetIdsOf(index: CampaignIndex): Set<string> {
  const ids = new Set<string>();
  for (const p of index.campaign.promotions) if (p.budgetFen !== null) ids.add(p.id);
  for (const c of index.campaign.coupons) if (c.budgetFen !== null) ids.add(c.id);
  return ids;
}

/** Budgets to open in Redis (created once; live counters are never reset). */
export function budgetOpenings(index: CampaignIndex): { offerId: string; budgetFen: number }[] {
  const all = [...index.campaign.promotions, ...index.campaign.coupons];
  return all.flatMap((o) => (o.budgetFen === null ? [] : [{ offerId: o.id, budgetFen: o.budgetFen }]));
}

/** What one store order spends from budgets. */
export function budgetTakesOf(
  budgetIds: ReadonlySet<string>,
  takes: readonly OfferTake[],
): { offerId: string; spentFen: number }[] {
  const spent = new Map<string, number>();
  for (const t of takes)
    if (budgetIds.has(t.offerId) && t.spentFen > 0)
      spent.set(t.offerId, (spent.get(t.offerId) ?? 0) + t.spentFen);
  return [...spent].map(([offerId, spentFen]) => ({ offerId, spentFen }));
}

/** The takes of one store order that Redis counts as units (budgets are taken apart: budgetTakesOf). */
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
    budgetIds: ReadonlySet<string>,
    buyerId: string,
  ): Promise<FetchedOffers> {
    const [left, bought, budgets] = await Promise.all([
      offerIds.length > 0 ? hot.offerLeft(offerIds) : new Map<string, number>(),
      offerIds.length > 0 ? hot.boughtBy(buyerId, offerIds) : new Map<string, number>(),
      budgetIds.size > 0 ? hot.budgetLeft([...budgetIds]) : new Map<string, number>(),
    ]);
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
