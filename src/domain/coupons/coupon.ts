// Threshold coupons: store coupons (店铺券, one per store per order), platform coupons / allowances
// (平台券, 购物津贴, one per order) and category coupons (品类券, one per order). The threshold is
// judged on the activity price of the units in scope (PRICING.md, "Parallel thresholds").
import type {
  CatalogItem,
  CategoryCoupon,
  CouponTemplate,
  Instant,
  PlatformCoupon,
  StoreCoupon,
} from '../campaign.ts';
import { inScope } from '../scope.ts';
import { isOpenAt } from '../window.ts';

export type ThresholdCoupon = StoreCoupon | PlatformCoupon | CategoryCoupon;

export function isThresholdCoupon(coupon: CouponTemplate): coupon is ThresholdCoupon {
  return coupon.kind !== 'red-envelope';
}

export function couponCovers(coupon: ThresholdCoupon, item: CatalogItem): boolean {
  if (coupon.kind === 'store' && item.storeId !== coupon.storeId) return false;
  if (coupon.kind === 'category' && item.category !== coupon.category) return false;
  return inScope(coupon.scope, item);
}

export function couponValidAt(coupon: CouponTemplate, atMs: Instant): boolean {
  return isOpenAt(coupon.validity, atMs);
}

/** A coupon may be used when something in scope is bought and the scope's amount reaches the threshold. */
export function couponReached(coupon: ThresholdCoupon, scopeAmountFen: number): boolean {
  return scopeAmountFen > 0 && scopeAmountFen >= coupon.thresholdFen;
}
