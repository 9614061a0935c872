// The campaign as the engine sees it: every amount in integer fen, every time an instant
// (epoch milliseconds). Built from the YAML campaign file by campaign-file.ts (PRICING.md,
// "The campaign file"); the engine never sees yuan or local times.
import type { Fen } from './money.ts';

/** Epoch milliseconds. */
export type Instant = number;

/** A half-open window [startMs, endMs); null means unbounded on that side. */
export interface TimeWindow {
  startMs: Instant | null;
  endMs: Instant | null;
}

export type ProductRole = 'hero' | 'featured' | 'regular';

export interface Membership {
  id: string;
  name: string;
  /** 5 means the member pays 95% (PRICING.md §5). */
  discountPercent: number;
}

export interface Store {
  id: string;
  name: string;
}

export interface CatalogItem {
  sku: string;
  storeId: string;
  title: string;
  category: string;
  role: ProductRole;
  listPriceFen: Fen;
  costFen: Fen;
  /** Spot stock at the start of the sale. */
  stock: number;
  /** Units kept apart for pre-sale (DOMAIN.md §1: pre-sale stock vs spot stock). */
  presaleStock: number;
  /** Safety stock: below it the SKU shows as "running low". */
  safetyStock: number;
}

/**
 * Which lines a discount may touch. A null set means "any"; every listed set must match.
 * excludeSkus always wins.
 */
export interface Scope {
  stores: ReadonlySet<string> | null;
  skus: ReadonlySet<string> | null;
  categories: ReadonlySet<string> | null;
  excludeSkus: ReadonlySet<string>;
}

/** Spend-X-save-Y: either tiers (highest reached wins) or repeating (every X save Y, capped). */
export type ThresholdRule =
  | { type: 'tiers'; tiers: readonly { spendFen: Fen; saveFen: Fen }[] }
  | { type: 'every'; everyFen: Fen; saveFen: Fen; maxSaveFen: Fen | null };

interface PromotionBase {
  id: string;
  name: string;
  window: TimeWindow;
  /** Spend budget; once used the promotion stops applying (tracked by the trade core). */
  budgetFen: Fen | null;
}

export interface FlashSalePromotion extends PromotionBase {
  kind: 'flash-sale';
  sku: string;
  priceFen: Fen;
  /** Units offered in this session. */
  quantity: number;
  perBuyer: number;
}

export interface LimitedTimePromotion extends PromotionBase {
  kind: 'limited-time';
  skus: readonly string[];
  /** 30 means 30% off the list price. */
  percentOff: number;
}

export interface FirstNPromotion extends PromotionBase {
  kind: 'first-n';
  sku: string;
  priceFen: Fen;
  firstN: number;
}

export interface LadderPromotion extends PromotionBase {
  kind: 'ladder';
  sku: string;
  /** Ascending by minQty. */
  tiers: readonly { minQty: number; unitPriceFen: Fen }[];
}

export interface MemberPricePromotion extends PromotionBase {
  kind: 'member-price';
  sku: string;
  membershipId: string;
  priceFen: Fen;
}

export interface BundlePromotion extends PromotionBase {
  kind: 'bundle';
  /** One unit of each, all in one store. */
  skus: readonly string[];
  priceFen: Fen;
}

export interface StoreThresholdPromotion extends PromotionBase {
  kind: 'store-threshold';
  storeId: string;
  rule: ThresholdRule;
  scope: Scope;
}

export interface CrossStorePromotion extends PromotionBase {
  kind: 'cross-store';
  rule: ThresholdRule;
  scope: Scope;
}

export interface PresalePromotion extends PromotionBase {
  kind: 'presale';
  sku: string;
  priceFen: Fen;
  depositFen: Fen;
  /** What the deposit counts for against the price (定金膨胀), ≥ depositFen. */
  depositValueFen: Fen;
  /** window = the deposit window. */
  balanceWindow: TimeWindow;
}

export interface GiftPromotion extends PromotionBase {
  kind: 'gift';
  triggerSkus: readonly string[];
  giftSku: string;
  /** Gift stock: first come, first served. */
  giftQuantity: number;
  /** Gifts per qualifying order. */
  perOrder: number;
  /** Only buyers holding one of these memberships qualify; empty = everyone. */
  membershipIds: readonly string[];
}

export type Promotion =
  | FlashSalePromotion
  | LimitedTimePromotion
  | FirstNPromotion
  | LadderPromotion
  | MemberPricePromotion
  | BundlePromotion
  | StoreThresholdPromotion
  | CrossStorePromotion
  | PresalePromotion
  | GiftPromotion;

export type PromotionKind = Promotion['kind'];

interface CouponBase {
  id: string;
  name: string;
  /** When a claimed coupon can be used at checkout. */
  validity: TimeWindow;
  /** When buyers may claim it. */
  claimWindow: TimeWindow;
  perBuyer: number;
  /** Total issue cap; null = unlimited. */
  total: number | null;
  budgetFen: Fen | null;
}

export interface StoreCoupon extends CouponBase {
  kind: 'store';
  storeId: string;
  thresholdFen: Fen;
  amountFen: Fen;
  scope: Scope;
}

export interface PlatformCoupon extends CouponBase {
  kind: 'platform';
  thresholdFen: Fen;
  amountFen: Fen;
  scope: Scope;
}

export interface CategoryCoupon extends CouponBase {
  kind: 'category';
  category: string;
  thresholdFen: Fen;
  amountFen: Fen;
  scope: Scope;
}

export interface RedEnvelope extends CouponBase {
  kind: 'red-envelope';
  amountFen: Fen;
  /** Inflating red envelope (膨胀红包): grows by tasks before the day, multiplied on the day. */
  inflate: {
    perTaskFen: Fen;
    maxTasks: number;
    dayMultiplier: number;
    day: TimeWindow;
  } | null;
}

export type CouponTemplate = StoreCoupon | PlatformCoupon | CategoryCoupon | RedEnvelope;
export type CouponKind = CouponTemplate['kind'];

export interface CampaignPhase {
  id: string;
  name: string;
  window: TimeWindow;
  /** Share of the GMV target expected in this phase, in percent. */
  gmvSharePercent: number;
  /**
   * 节奏: how much of the share is expected by moments inside the phase (cumulative percent,
   * times ascending); straight lines between them, from 0 at the start to 100 at the end. Absent
   * or empty: spread evenly over the phase.
   */
  pace?: readonly PacePoint[];
}

export interface PacePoint {
  atMs: Instant;
  percent: number;
}

export interface CampaignTargets {
  gmvFen: Fen | null;
  orders: number | null;
  /** Category → percent of GMV. */
  categorySharePercent: Readonly<Record<string, number>>;
}

export interface Campaign {
  id: string;
  name: string;
  timezone: string;
  memberships: readonly Membership[];
  stores: readonly Store[];
  catalog: readonly CatalogItem[];
  promotions: readonly Promotion[];
  coupons: readonly CouponTemplate[];
  phases: readonly CampaignPhase[];
  targets: CampaignTargets;
}
