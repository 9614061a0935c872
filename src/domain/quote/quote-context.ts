// Everything about a cart that does not depend on which wallet coupons are chosen: activity
// prices, store sub-orders, threshold savings (parallel thresholds: all judged on activity
// amounts, PRICING.md) and how each order-wide discount splits over stores.
import type { Membership } from '../campaign.ts';
import type { CampaignIndex } from '../campaign-index.ts';
import {
  couponCovers,
  couponReached,
  couponValidAt,
  isThresholdCoupon,
  type ThresholdCoupon,
} from '../coupons/coupon.ts';
import { redEnvelopeValue } from '../coupons/red-envelope.ts';
import { bestMembership } from '../membership.ts';
import { allocateByWeight, type Fen } from '../money.ts';
import { budgetExhausted, type OfferUsage } from '../offer-usage.ts';
import { crossStoreCovers, crossStoreOpen, crossStoreSaving } from '../promotions/cross-store.ts';
import {
  storeThresholdCovers,
  storeThresholdOpen,
  storeThresholdSaving,
} from '../promotions/store-threshold.ts';
import { priceItems } from './item-level.ts';
import type { DiscountRef, PricingLine } from './sub-order-ledger.ts';
import type { Cart, WalletUnusedReason } from './types.ts';

/** A discount's portion inside one store sub-order. */
export interface Part {
  lineIdxs: number[];
  amountFen: Fen;
  /** Room for discounts on these lines before any discount: Σ (amount − floor). */
  roomFen: Fen;
  /** Whether the part covers every line of its store. */
  whole: boolean;
}

/** A discount as it would split over store sub-orders (index = store position). */
export interface SplitDiscount {
  ref: DiscountRef;
  parts: (Part | undefined)[];
}

export interface CouponOption extends SplitDiscount {
  walletId: string;
  faceFen: Fen;
  /** Activity amount in the coupon's scope (for hints). */
  scopeAmountFen: Fen;
}

export interface StoreGroup {
  storeId: string;
  lineIdxs: number[];
  /** Σ (amount − floor) of the store's lines. */
  roomFen: Fen;
  /** Σ floors (pre-sale deposits) of the store's lines. */
  floorFen: Fen;
  thresholds: { ref: DiscountRef; part: Part }[];
  couponOptions: CouponOption[];
}

export interface RedEnvelopeUse {
  walletId: string;
  couponId: string;
  balanceFen: Fen;
}

export interface QuoteContext {
  index: CampaignIndex;
  cart: Cart;
  lines: PricingLine[];
  stores: StoreGroup[];
  crossStores: SplitDiscount[];
  platformOptions: CouponOption[];
  categoryOptions: CouponOption[];
  membership: Membership | null;
  redEnvelopes: RedEnvelopeUse[];
  walletUnused: { id: string; couponId: string; reason: WalletUnusedReason }[];
  /** Threshold coupons valid now whose threshold is not reached (for top-up hints). */
  couponsNotReached: CouponOption[];
}

export function buildQuoteContext(index: CampaignIndex, cart: Cart, usage: OfferUsage): QuoteContext {
  const activity = priceItems(index, cart.lines, cart.buyer, cart.atMs, usage);
  const lines: PricingLine[] = activity.map((line) => ({
    lineNo: line.lineNo,
    item: line.item,
    qty: line.qty,
    unitPriceFen: line.unitPriceFen,
    offer: line.offer,
    presale: line.presale,
    storeId: line.item.storeId,
    amountFen: line.unitPriceFen * line.qty,
    floorFen: line.presale ? line.presale.depositFen * line.qty : 0,
  }));
  const stores = groupByStore(lines);
  const ctx: QuoteContext = {
    index,
    cart,
    lines,
    stores,
    crossStores: [],
    platformOptions: [],
    categoryOptions: [],
    membership: bestMembership(cart.buyer, index.memberships),
    redEnvelopes: [],
    walletUnused: [],
    couponsNotReached: [],
  };
  addStoreThresholds(ctx, usage);
  addCrossStores(ctx, usage);
  addWallet(ctx, usage);
  return ctx;
}

function groupByStore(lines: readonly PricingLine[]): StoreGroup[] {
  const byStore = new Map<string, StoreGroup>();
  lines.forEach((line, i) => {
    let group = byStore.get(line.storeId);
    if (!group) {
      group = {
        storeId: line.storeId,
        lineIdxs: [],
        roomFen: 0,
        floorFen: 0,
        thresholds: [],
        couponOptions: [],
      };
      byStore.set(line.storeId, group);
    }
    group.lineIdxs.push(i);
    group.roomFen += line.amountFen - line.floorFen;
    group.floorFen += line.floorFen;
  });
  return [...byStore.values()];
}

function sumAmount(lines: readonly PricingLine[], idxs: readonly number[]): Fen {
  let sum = 0;
  for (const i of idxs) sum += lines[i]!.amountFen;
  return sum;
}

function addStoreThresholds(ctx: QuoteContext, usage: OfferUsage): void {
  for (const group of ctx.stores) {
    for (const promotion of ctx.index.storeThresholds.get(group.storeId) ?? []) {
      if (!storeThresholdOpen(promotion, ctx.cart.atMs, usage)) continue;
      const lineIdxs = group.lineIdxs.filter((i) => storeThresholdCovers(promotion, ctx.lines[i]!.item));
      const amountFen = storeThresholdSaving(promotion, sumAmount(ctx.lines, lineIdxs));
      const part = partOf(ctx, group, lineIdxs, amountFen);
      group.thresholds.push({ ref: { id: promotion.id, kind: promotion.kind }, part });
    }
  }
}

/** Splits an order-wide discount over stores by their in-scope activity amounts. */
function splitOverStores(ctx: QuoteContext, amountFen: Fen, storeLineIdxs: number[][]): (Part | undefined)[] {
  const bases = storeLineIdxs.map((idxs) => sumAmount(ctx.lines, idxs));
  const shares = allocateByWeight(amountFen, bases);
  return storeLineIdxs.map((lineIdxs, s) =>
    bases[s]! > 0 ? partOf(ctx, ctx.stores[s]!, lineIdxs, shares[s]!) : undefined,
  );
}

function partOf(ctx: QuoteContext, group: StoreGroup, lineIdxs: number[], amountFen: Fen): Part {
  let roomFen = 0;
  for (const i of lineIdxs) roomFen += ctx.lines[i]!.amountFen - ctx.lines[i]!.floorFen;
  return { lineIdxs, amountFen, roomFen, whole: lineIdxs.length === group.lineIdxs.length };
}

function addCrossStores(ctx: QuoteContext, usage: OfferUsage): void {
  for (const promotion of ctx.index.crossStores) {
    if (!crossStoreOpen(promotion, ctx.cart.atMs, usage)) continue;
    const perStore = ctx.stores.map((g) =>
      g.lineIdxs.filter((i) => crossStoreCovers(promotion, ctx.lines[i]!.item)),
    );
    const base = perStore.reduce((sum, idxs) => sum + sumAmount(ctx.lines, idxs), 0);
    const saving = crossStoreSaving(promotion, base);
    if (saving > 0) {
      ctx.crossStores.push({
        ref: { id: promotion.id, kind: promotion.kind },
        parts: splitOverStores(ctx, saving, perStore),
      });
    }
  }
}

function addWallet(ctx: QuoteContext, usage: OfferUsage): void {
  for (const item of ctx.cart.wallet) {
    const coupon = ctx.index.coupons.get(item.couponId)!;
    if (!couponValidAt(coupon, ctx.cart.atMs) || budgetExhausted(usage, coupon.id, coupon.budgetFen)) {
      ctx.walletUnused.push({ id: item.id, couponId: coupon.id, reason: 'NOT_VALID_NOW' });
    } else if (!isThresholdCoupon(coupon)) {
      const balanceFen = item.balanceFen ?? redEnvelopeValue(coupon, ctx.cart.atMs, 0);
      if (balanceFen > 0) ctx.redEnvelopes.push({ walletId: item.id, couponId: coupon.id, balanceFen });
    } else {
      const option = couponOption(ctx, item.id, coupon);
      if (couponReached(coupon, option.scopeAmountFen)) listOption(ctx, coupon, option);
      else {
        ctx.couponsNotReached.push(option);
        const reason: WalletUnusedReason =
          option.scopeAmountFen > 0 ? 'THRESHOLD_NOT_REACHED' : 'NOTHING_IN_SCOPE';
        ctx.walletUnused.push({ id: item.id, couponId: coupon.id, reason });
      }
    }
  }
  // Spend the smallest envelopes first, keeping the larger ones for later.
  ctx.redEnvelopes.sort((a, b) => a.balanceFen - b.balanceFen || (a.walletId < b.walletId ? -1 : 1));
}

function couponOption(ctx: QuoteContext, walletId: string, coupon: ThresholdCoupon): CouponOption {
  const perStore: number[][] = [];
  let scopeAmountFen = 0;
  for (const group of ctx.stores) {
    const covered: number[] = [];
    // A store coupon can only cover its own store's lines.
    if (coupon.kind !== 'store' || coupon.storeId === group.storeId) {
      for (const i of group.lineIdxs) {
        const line = ctx.lines[i]!;
        if (couponCovers(coupon, line.item)) {
          covered.push(i);
          scopeAmountFen += line.amountFen;
        }
      }
    }
    perStore.push(covered);
  }
  return {
    ref: { id: coupon.id, kind: coupon.kind },
    walletId,
    faceFen: coupon.amountFen,
    scopeAmountFen,
    parts: scopeAmountFen > 0 ? splitOverStores(ctx, coupon.amountFen, perStore) : [],
  };
}

function listOption(ctx: QuoteContext, coupon: ThresholdCoupon, option: CouponOption): void {
  if (coupon.kind === 'platform') ctx.platformOptions.push(option);
  else if (coupon.kind === 'category') ctx.categoryOptions.push(option);
  else ctx.stores.find((g) => g.storeId === coupon.storeId)!.couponOptions.push(option);
}
