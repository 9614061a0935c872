// "At 50% off, do I lose money, and how much?" (DOMAIN.md §1, merchandising plan). For every SKU:
// its lowest activity price (the best item-level offer it can get) and its worst case when every
// discount that can be live at the same moment hits it at its deepest rate. With parallel
// thresholds a discount saving S(B) on a base B (the activity amount in its scope) puts
// S(B) × unit ÷ B on a unit, and B ≥ unit because the unit is in its own base: so a unit takes at
// most max over B ≥ unit of S(B) × unit ÷ B from each discount, and these add up as an upper
// bound. (unit × save ÷ spend alone overstates a unit dearer than the spend: a 409-yuan unit takes
// at most 50 from 满399减50, not 51.25.)
// Red envelopes are left out: they are the shopper's stored value, funded by the platform. A gift
// (buy X get Y) is the merchant's cost: a single unit of a trigger SKU can bring `perOrder` gift
// units, so while a gift promotion is live the worst case gives them away at their cost.
//
// Time: the engine prices a cart with the offers open at one instant (PRICING.md, "Order of
// application": item-level offers "at that instant"; a coupon counts while its validity window
// is open, whatever its claim window). Offers whose windows never meet never stack, so the worst
// case is the worst over the moments between the instants where any window touching the SKU
// opens or closes; within such a moment the set of live offers does not change.
import type { CatalogItem, Instant, Promotion, ThresholdRule, TimeWindow } from './campaign.ts';
import type { CampaignIndex } from './campaign-index.ts';
import { couponCovers, isThresholdCoupon, type ThresholdCoupon } from './coupons/coupon.ts';
import type { Fen } from './money.ts';
import { bundleUnitPrices } from './promotions/bundle.ts';
import { crossStoreCovers } from './promotions/cross-store.ts';
import { limitedTimeUnitPrice } from './promotions/limited-time.ts';
import { presaleTerms } from './promotions/presale.ts';
import { storeThresholdCovers } from './promotions/store-threshold.ts';
import { thresholdSaving } from './threshold-rule.ts';
import { isOpenAt } from './window.ts';
import { formatInstant } from './zoned-time.ts';

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
  /** The discounts live together at the worst moment, each at its deepest rate. */
  stack: StackedRate[];
  /** Gifts given with one unit at the worst moment, at cost (worstMarginFen is after them). */
  gifts: { id: string; costFen: Fen }[];
  /**
   * When the worst case holds: from `worstAt` until `worstUntil` (ISO-8601 in the campaign's time
   * zone, half-open; null = since before any window opens / with no end). The earliest such
   * moment when it comes back later (a second flash session).
   */
  worstAt: string | null;
  worstUntil: string | null;
  /** The activity price at the worst moment, the offer behind it and that offer's unit limit. */
  worstActivityPriceFen: Fen;
  worstOfferId: string | null;
  worstUnits: number | null;
}

/** An item-level price the SKU can get (PRICING.md §1), and when. */
interface ItemPrice {
  id: string;
  window: TimeWindow;
  priceFen: Fen;
}

/** A discount after the item level (PRICING.md §2–4) that can reach the SKU, and when. */
interface LaterDiscount {
  id: string;
  kind: string;
  window: TimeWindow;
  /** Share of an activity price of `activityFen` it can take at most, 0..1. */
  rate: (activityFen: Fen) => number;
  /** Coupons: at most one of each kind per order (one store coupon per store: the SKU's own). */
  onePerKind: boolean;
}

/** A gift one unit of the SKU brings: the gift SKU's cost × gifts per order, and when. */
interface GiftCost {
  id: string;
  window: TimeWindow;
  costFen: Fen;
}

/** Everything that can touch one SKU's price, each with the window it can be used in. */
interface SkuOffers {
  item: CatalogItem;
  prices: ItemPrice[];
  discounts: LaterDiscount[];
  gifts: GiftCost[];
  /** The deepest paid-membership discount, in percent; memberships have no window. */
  membershipPercent: number;
}

/** The SKU's price while one set of offers is live: [fromMs, toMs). */
interface Moment {
  fromMs: Instant;
  toMs: Instant;
  activity: { priceFen: Fen; offerId: string | null };
  stack: StackedRate[];
  worstPriceFen: Fen;
  gifts: { id: string; costFen: Fen }[];
  /** What the merchant keeps of the unit before its own cost: the worst price less the gifts. */
  netFen: Fen;
}

export function marginReport(index: CampaignIndex): MarginRow[] {
  const bundleShares = bundleSharesBySku(index);
  const gifts = giftCostsBySku(index);
  const membershipPercent = Math.max(0, ...index.campaign.memberships.map((m) => m.discountPercent));
  return index.campaign.catalog
    .map((item) => marginRow(index, skuOffers(index, item, { bundleShares, gifts }, membershipPercent)))
    .sort((a, b) => a.worstMarginPercent - b.worstMarginPercent || (a.sku < b.sku ? -1 : 1));
}

function bundleSharesBySku(index: CampaignIndex): Map<string, ItemPrice[]> {
  const shares = new Map<string, ItemPrice[]>();
  for (const bundle of index.bundles) {
    for (const [sku, priceFen] of bundleUnitPrices(bundle, index.items)) {
      shares.set(sku, [...(shares.get(sku) ?? []), { id: bundle.id, window: bundle.window, priceFen }]);
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

function skuOffers(
  index: CampaignIndex,
  item: CatalogItem,
  bySku: { bundleShares: ReadonlyMap<string, ItemPrice[]>; gifts: ReadonlyMap<string, GiftCost[]> },
  membershipPercent: number,
): SkuOffers {
  const prices: ItemPrice[] = [];
  // A pre-sale prices its units while deposits are taken (its `window`); the balance paid later
  // was fixed with the order, so the balance window adds nothing here.
  for (const promotion of [
    ...(index.itemOffers.get(item.sku) ?? []),
    ...(index.presales.get(item.sku) ?? []),
  ]) {
    const priceFen = itemLevelPrice(promotion, item);
    if (priceFen !== null) prices.push({ id: promotion.id, window: promotion.window, priceFen });
  }
  prices.push(...(bySku.bundleShares.get(item.sku) ?? []));
  return {
    item,
    prices,
    discounts: laterDiscounts(index, item),
    gifts: bySku.gifts.get(item.sku) ?? [],
    membershipPercent,
  };
}

/** What each gift promotion gives away, under each SKU that triggers it: once per report (a scan of
 * every promotion for every SKU made check minutes long on a large catalogue). */
function giftCostsBySku(index: CampaignIndex): Map<string, GiftCost[]> {
  const bySku = new Map<string, GiftCost[]>();
  for (const p of index.campaign.promotions) {
    if (p.kind !== 'gift') continue;
    const gift = index.items.get(p.giftSku);
    if (!gift) continue;
    const cost = { id: p.id, window: p.window, costFen: gift.costFen * p.perOrder };
    for (const sku of new Set(p.triggerSkus)) {
      const list = bySku.get(sku);
      if (list) list.push(cost);
      else bySku.set(sku, [cost]);
    }
  }
  return bySku;
}

/** Store thresholds and every cross-store discount open at once all apply (quote-context.ts). */
function laterDiscounts(index: CampaignIndex, item: CatalogItem): LaterDiscount[] {
  const discounts: LaterDiscount[] = [];
  const thresholds = [
    ...(index.storeThresholds.get(item.storeId) ?? []).filter((p) => storeThresholdCovers(p, item)),
    ...index.crossStores.filter((p) => crossStoreCovers(p, item)),
  ];
  for (const p of thresholds) {
    discounts.push({
      id: p.id,
      kind: p.kind,
      window: p.window,
      rate: (activityFen) => shareRate(thresholdShareFen(p.rule, activityFen), activityFen),
      onePerKind: false,
    });
  }
  for (const coupon of index.campaign.coupons) {
    if (!isThresholdCoupon(coupon) || !couponCovers(coupon, item)) continue;
    discounts.push({
      id: coupon.id,
      kind: coupon.kind,
      window: coupon.validity,
      rate: (activityFen) => shareRate(couponShareFen(coupon, activityFen), activityFen),
      onePerKind: true,
    });
  }
  return discounts;
}

/**
 * The most a threshold rule can put on one unit of `unitFen`: max over bases B ≥ unit of
 * saving(B) × unit ÷ B. A tier gives save × unit ÷ max(spend, unit); a repeating rule is best at
 * B = unit or at the first multiple of `every` above it (past that, a cap only lowers the ratio).
 */
function thresholdShareFen(rule: ThresholdRule, unitFen: Fen): number {
  if (rule.type === 'tiers') {
    let best = 0;
    for (const t of rule.tiers) best = Math.max(best, (t.saveFen * unitFen) / Math.max(t.spendFen, unitFen));
    return best;
  }
  const nextStepFen = (Math.floor(unitFen / rule.everyFen) + 1) * rule.everyFen;
  return Math.max(
    thresholdSaving(rule, unitFen),
    (thresholdSaving(rule, nextStepFen) * unitFen) / nextStepFen,
  );
}

/** A coupon's most on one unit: its amount × unit ÷ max(threshold, unit); without a threshold, all of it. */
function couponShareFen(coupon: ThresholdCoupon, unitFen: Fen): number {
  return unitFen === 0 ? 0 : (coupon.amountFen * unitFen) / Math.max(coupon.thresholdFen, unitFen);
}

function shareRate(shareFen: number, unitFen: Fen): number {
  return unitFen === 0 ? 0 : Math.min(1, shareFen / unitFen);
}

/**
 * Where the set of live offers can change: every window's start and end, sorted, after −∞ (the
 * moment before the first window opens, when only unbounded offers are live).
 */
function changeInstants(offers: SkuOffers): Instant[] {
  const instants = new Set<Instant>();
  for (const { window } of [...offers.prices, ...offers.discounts, ...offers.gifts]) {
    if (window.startMs !== null) instants.add(window.startMs);
    if (window.endMs !== null) instants.add(window.endMs);
  }
  return [Number.NEGATIVE_INFINITY, ...[...instants].sort((a, b) => a - b)];
}

/** The SKU's deepest price at one instant (lowest activity price, live discounts, membership), and the gifts live then. */
function priceAt(offers: SkuOffers, atMs: Instant): Omit<Moment, 'fromMs' | 'toMs'> {
  let activity = { priceFen: offers.item.listPriceFen, offerId: null as string | null };
  for (const p of offers.prices) {
    if (isOpenAt(p.window, atMs) && p.priceFen < activity.priceFen)
      activity = { priceFen: p.priceFen, offerId: p.id };
  }
  const stack: StackedRate[] = [];
  for (const d of offers.discounts) {
    if (!isOpenAt(d.window, atMs)) continue;
    const rate: StackedRate = { id: d.id, kind: d.kind, rate: d.rate(activity.priceFen) };
    const known = d.onePerKind ? stack.find((r) => r.kind === d.kind) : undefined;
    if (!known) stack.push(rate);
    else if (rate.rate > known.rate) Object.assign(known, rate);
  }
  const thresholdShare = Math.min(
    1,
    stack.reduce((sum, r) => sum + r.rate, 0),
  );
  let worstPriceFen = Math.floor(activity.priceFen * (1 - thresholdShare));
  if (offers.membershipPercent > 0) {
    const rate = offers.membershipPercent / 100;
    stack.push({ id: 'membership', kind: 'membership', rate });
    worstPriceFen = Math.floor(worstPriceFen * (1 - rate));
  }
  const gifts = offers.gifts
    .filter((g) => isOpenAt(g.window, atMs))
    .map(({ id, costFen }) => ({ id, costFen }));
  const netFen = worstPriceFen - gifts.reduce((sum, g) => sum + g.costFen, 0);
  return { activity, stack, worstPriceFen, gifts, netFen };
}

/** The earliest moment that keeps the least (price less gifts), run on through the moments right after it that keep as little. */
function worstMoment(offers: SkuOffers): Moment {
  const instants = changeInstants(offers);
  const moments = instants.map((fromMs, i) => ({
    fromMs,
    toMs: instants[i + 1] ?? Number.POSITIVE_INFINITY,
    ...priceAt(offers, fromMs),
  }));
  let worst = moments[0]!;
  for (const moment of moments.slice(1)) {
    if (moment.netFen < worst.netFen) worst = moment;
    else if (moment.netFen === worst.netFen && worst.toMs === moment.fromMs) worst.toMs = moment.toMs;
  }
  return worst;
}

/** The units an offer's price is limited to: a loss-leader for 11 units is not a loss on every sale. */
function limitedUnits(promotion: Promotion | undefined): number | null {
  if (promotion?.kind === 'flash-sale') return promotion.quantity;
  if (promotion?.kind === 'first-n') return promotion.firstN;
  return null;
}

function offerUnits(index: CampaignIndex, offerId: string | null): number | null {
  return limitedUnits(offerId === null ? undefined : index.promotions.get(offerId));
}

/** An instant in the campaign's zone; null for the open ends (±∞). */
function instantText(index: CampaignIndex, ms: Instant): string | null {
  return Number.isFinite(ms) ? formatInstant(ms, index.campaign.timezone) : null;
}

function marginRow(index: CampaignIndex, offers: SkuOffers): MarginRow {
  const { item } = offers;
  let activity = { priceFen: item.listPriceFen, offerId: null as string | null };
  for (const p of offers.prices)
    if (p.priceFen < activity.priceFen) activity = { priceFen: p.priceFen, offerId: p.id };
  const worst = worstMoment(offers);
  const worstMarginFen = worst.netFen - item.costFen;
  return {
    sku: item.sku,
    title: item.title,
    storeId: item.storeId,
    role: item.role,
    costFen: item.costFen,
    listPriceFen: item.listPriceFen,
    activityPriceFen: activity.priceFen,
    activityOfferId: activity.offerId,
    activityUnits: offerUnits(index, activity.offerId),
    marginAtActivityFen: activity.priceFen - item.costFen,
    worstPriceFen: worst.worstPriceFen,
    worstMarginFen,
    worstMarginPercent:
      worst.worstPriceFen > 0 ? Math.round((worstMarginFen / worst.worstPriceFen) * 10_000) / 100 : -100,
    stack: worst.stack,
    gifts: worst.gifts,
    worstAt: instantText(index, worst.fromMs),
    worstUntil: instantText(index, worst.toMs),
    worstActivityPriceFen: worst.activity.priceFen,
    worstOfferId: worst.activity.offerId,
    worstUnits: offerUnits(index, worst.activity.offerId),
  };
}
