// Lookup tables over a campaign, built once so that a quote touches only what applies to its cart.
import type {
  BundlePromotion,
  Campaign,
  CatalogItem,
  CouponTemplate,
  CrossStorePromotion,
  GiftPromotion,
  Membership,
  PresalePromotion,
  Promotion,
  Store,
  StoreThresholdPromotion,
} from './campaign.ts';

export type ItemLevelPromotion = Extract<
  Promotion,
  { kind: 'flash-sale' | 'limited-time' | 'first-n' | 'ladder' | 'member-price' }
>;

export interface CampaignIndex {
  campaign: Campaign;
  items: ReadonlyMap<string, CatalogItem>;
  stores: ReadonlyMap<string, Store>;
  memberships: ReadonlyMap<string, Membership>;
  itemOffers: ReadonlyMap<string, readonly ItemLevelPromotion[]>;
  presales: ReadonlyMap<string, readonly PresalePromotion[]>;
  bundles: readonly BundlePromotion[];
  storeThresholds: ReadonlyMap<string, readonly StoreThresholdPromotion[]>;
  crossStores: readonly CrossStorePromotion[];
  gifts: readonly GiftPromotion[];
  coupons: ReadonlyMap<string, CouponTemplate>;
  promotions: ReadonlyMap<string, Promotion>;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexCampaign(campaign: Campaign): CampaignIndex {
  const itemOffers = new Map<string, ItemLevelPromotion[]>();
  const presales = new Map<string, PresalePromotion[]>();
  const storeThresholds = new Map<string, StoreThresholdPromotion[]>();
  const bundles: BundlePromotion[] = [];
  const crossStores: CrossStorePromotion[] = [];
  const gifts: GiftPromotion[] = [];
  for (const promotion of campaign.promotions) {
    switch (promotion.kind) {
      case 'limited-time':
        for (const sku of promotion.skus) push(itemOffers, sku, promotion);
        break;
      case 'flash-sale':
      case 'first-n':
      case 'ladder':
      case 'member-price':
        push(itemOffers, promotion.sku, promotion);
        break;
      case 'presale':
        push(presales, promotion.sku, promotion);
        break;
      case 'bundle':
        bundles.push(promotion);
        break;
      case 'store-threshold':
        push(storeThresholds, promotion.storeId, promotion);
        break;
      case 'cross-store':
        crossStores.push(promotion);
        break;
      case 'gift':
        gifts.push(promotion);
        break;
    }
  }
  return {
    campaign,
    items: new Map(campaign.catalog.map((item) => [item.sku, item])),
    stores: new Map(campaign.stores.map((store) => [store.id, store])),
    memberships: new Map(campaign.memberships.map((m) => [m.id, m])),
    itemOffers,
    presales,
    bundles,
    storeThresholds,
    crossStores,
    gifts,
    coupons: new Map(campaign.coupons.map((coupon) => [coupon.id, coupon])),
    promotions: new Map(campaign.promotions.map((p) => [p.id, p])),
  };
}
