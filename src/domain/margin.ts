// "At 50% off, do I lose money, and how much?" (DOMAIN.md §1, merchandising plan). For every SKU:
// its lowest activity price (the best item-level offer it can get) and its worst case when every
// stackable discount hits it at its deepest rate. With parallel thresholds a threshold discount's
// share on a unit is at most unit × save ÷ spend, so rates add up exactly as an upper bound.
// Red envelopes are left out: they are the shopper's stored value, funded by the platform.
import type { CatalogItem, Promotion } from './campaign.ts';
import type { CampaignIndex } from './campaign-index.ts';
import { couponCovers, isThresholdCoupon } from './coupons/coupon.ts';
import type { Fen } from './money.ts';
import { bundleUnitPrices } from './promotions/bundle.ts';
import { crossStoreCovers } from './promotions/cross-store.ts';
import { limitedTimeUnitPrice } from './promotions/limited-time.ts';
import { presaleTerms } from './promotions/presale.ts';
import { storeThresholdCovers } from './promotions/store-threshold.ts';
import { bestThresholdRate } from './threshold-rule.ts';

export interface StackedRate {
  id: string;
  kind: string;
  /** Share of the activity price this discount can take, 0..1. */
  rate: number;
}

export interface MarginRow {
  sku: string;
  title: string;
  storeId: string;
  role: CatalogItem['role'];
  costFen: Fen;
  listPriceFen: Fen;
  activityPriceFen: Fen;
  activityOfferId: string | null;
  /** Units the activity price is limited to (a flash session's quantity, first-N); null = unlimited. */
  activityUnits: number | null;
  marginAtActivityFen: Fen;
  worstPriceFen: Fen;
  worstMarginFen: Fen;
  /** Worst margin over the worst price, in percent (−100 when the worst price is 0). */
  worstMarginPercent: number;
  stack: StackedRate[];
}

export function marginReport(index: CampaignIndex): MarginRow[] {
  const bundleShares = bundleSharesBySku(index);
  return index.campaign.catalog
    .map((item) => marginRow(index, item, bundleShares.get(item.sku) ?? []))
    .sort((a, b) => a.worstMarginPercent - b.worstMarginPercent || (a.sku < b.sku ? -1 : 1));
}

function bundleSharesBySku(index: CampaignIndex): Map<string, { id: string; priceFen: Fen }[]> {
  const shares = new Map<string, { id: string; priceFen: Fen }[]>();
  for (const bundle of index.bundles) {
    for (const [sku, priceFen] of bundleUnitPrices(bundle, index.items)) {
      shares.set(sku, [...(shares.get(sku) ?? []), { id: bundle.id, priceFen }]);
    }
  }
  return shares;
}

function itemLevelPrice(promotion: Promotion, item: CatalogItem): Fen | null {
  switch (promotion.kind) {
    case 'limited-time':
      return limitedTimeUnitPrice(item.listPriceFen, promotion.percentOff);
    case 'flash-sale':
    case 'first-n':
    case 'member-price':
      return promotion.priceFen;
    case 'ladder':
      return Math.min(...promotion.tiers.map((t) => t.unitPriceFen));
    case 'presale':
      return presaleTerms(promotion).activityUnitFen;
    default:
      return null;
  }
}

function lowestActivityPrice(
  index: CampaignIndex,
  item: CatalogItem,
  bundles: { id: string; priceFen: Fen }[],
) {
  let best = { priceFen: item.listPriceFen, offerId: null as string | null };
  const offers = [...(index.itemOffers.get(item.sku) ?? []), ...(index.presales.get(item.sku) ?? [])];
  for (const promotion of offers) {
    const price = itemLevelPrice(promotion, item);
    if (price !== null && price < best.priceFen) best = { priceFen: price, offerId: promotion.id };
  }
  for (const b of bundles) if (b.priceFen < best.priceFen) best = { priceFen: b.priceFen, offerId: b.id };
  return best;
}

function stackedRates(index: CampaignIndex, item: CatalogItem, activityFen: Fen): StackedRate[] {
  const rates: StackedRate[] = [];
  const keepMax = (rate: StackedRate) => {
    const known = rates.find((r) => r.kind === rate.kind);
    if (!known) rates.push(rate);
    else if (rate.rate > known.rate) Object.assign(known, rate);
  };
  for (const p of index.storeThresholds.get(item.storeId) ?? []) {
    if (storeThresholdCovers(p, item))
      rates.push({ id: p.id, kind: p.kind, rate: bestThresholdRate(p.rule) });
  }
  for (const p of index.crossStores) {
    if (crossStoreCovers(p, item)) rates.push({ id: p.id, kind: p.kind, rate: bestThresholdRate(p.rule) });
  }
  for (const coupon of index.campaign.coupons) {
    if (!isThresholdCoupon(coupon) || !couponCovers(coupon, item) || activityFen === 0) continue;
    // A coupon without a threshold can land whole on a single unit.
    const rate =
      coupon.thresholdFen > 0 ? coupon.amountFen / coupon.thresholdFen : coupon.amountFen / activityFen;
    keepMax({ id: coupon.id, kind: coupon.kind, rate: Math.min(1, rate) });
  }
  return rates;
}

/** The units an offer's price is limited to: a loss-leader for 11 units is not a loss on every sale. */
function limitedUnits(promotion: Promotion | undefined): number | null {
  if (promotion?.kind === 'flash-sale') return promotion.quantity;
  if (promotion?.kind === 'first-n') return promotion.firstN;
  return null;
}

function marginRow(
  index: CampaignIndex,
  item: CatalogItem,
  bundles: { id: string; priceFen: Fen }[],
): MarginRow {
  const activity = lowestActivityPrice(index, item, bundles);
  const stack = stackedRates(index, item, activity.priceFen);
  const thresholdShare = Math.min(
    1,
    stack.reduce((sum, r) => sum + r.rate, 0),
  );
  let worst = Math.floor(activity.priceFen * (1 - thresholdShare));
  const membership = Math.max(0, ...index.campaign.memberships.map((m) => m.discountPercent));
  if (membership > 0) {
    stack.push({ id: 'membership', kind: 'membership', rate: membership / 100 });
    worst = Math.floor(worst * (1 - membership / 100));
  }
  const worstMarginFen = worst - item.costFen;
  return {
    sku: item.sku,
    title: item.title,
    storeId: item.storeId,
    role: item.role,
    costFen: item.costFen,
    listPriceFen: item.listPriceFen,
    activityPriceFen: activity.priceFen,
    activityOfferId: activity.offerId,
    activityUnits: limitedUnits(
      activity.offerId === null ? undefined : index.promotions.get(activity.offerId),
    ),
    marginAtActivityFen: activity.priceFen - item.costFen,
    worstPriceFen: worst,
    worstMarginFen,
    worstMarginPercent: worst > 0 ? Math.round((worstMarginFen / worst) * 10_000) / 100 : -100,
    stack,
  };
}
