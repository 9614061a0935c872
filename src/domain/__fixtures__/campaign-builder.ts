// Small builders for pricing tests: a campaign in a few lines, money in fen, times in ms.
import type {
  Campaign,
  CatalogItem,
  CouponTemplate,
  Membership,
  Promotion,
  Scope,
  ThresholdRule,
  TimeWindow,
} from '../campaign.ts';
import { type CampaignIndex, indexCampaign } from '../campaign-index.ts';
import type { Cart, WalletItem } from '../quote/types.ts';
import { WHOLE_SCOPE } from '../scope.ts';
import { ALWAYS } from '../window.ts';

export const AT = Date.parse('2026-11-11T20:05:00+08:00');

export function item(
  sku: string,
  storeId: string,
  listPriceFen: number,
  extra: Partial<CatalogItem> = {},
): CatalogItem {
  return {
    sku,
    storeId,
    title: sku,
    category: 'general',
    role: 'regular',
    listPriceFen,
    costFen: Math.floor(listPriceFen / 2),
    stock: 1000,
    presaleStock: 0,
    safetyStock: 0,
    ...extra,
  };
}

export function scope(extra: Partial<Scope> = {}): Scope {
  return { ...WHOLE_SCOPE, ...extra };
}

const base = { name: 'test', window: ALWAYS, budgetFen: null };
const couponBase = {
  name: 'test',
  validity: ALWAYS,
  claimWindow: ALWAYS,
  perBuyer: 1,
  total: null,
  budgetFen: null,
};

export const promo = {
  storeTiers: (id: string, storeId: string, tiers: [number, number][], s: Scope = scope()): Promotion => ({
    ...base,
    id,
    kind: 'store-threshold',
    storeId,
    rule: { type: 'tiers', tiers: tiers.map(([spendFen, saveFen]) => ({ spendFen, saveFen })) },
    scope: s,
  }),
  storeEvery: (
    id: string,
    storeId: string,
    everyFen: number,
    saveFen: number,
    maxSaveFen: number | null = null,
  ): Promotion => ({
    ...base,
    id,
    kind: 'store-threshold',
    storeId,
    rule: { type: 'every', everyFen, saveFen, maxSaveFen },
    scope: scope(),
  }),
  crossStore: (id: string, rule: ThresholdRule, s: Scope = scope()): Promotion => ({
    ...base,
    id,
    kind: 'cross-store',
    rule,
    scope: s,
  }),
  limitedTime: (id: string, skus: string[], percentOff: number, window: TimeWindow = ALWAYS): Promotion => ({
    ...base,
    id,
    kind: 'limited-time',
    skus,
    percentOff,
    window,
  }),
  flash: (
    id: string,
    sku: string,
    priceFen: number,
    quantity: number,
    perBuyer: number,
    window: TimeWindow,
  ): Promotion => ({
    ...base,
    id,
    kind: 'flash-sale',
    sku,
    priceFen,
    quantity,
    perBuyer,
    window,
  }),
  firstN: (id: string, sku: string, priceFen: number, firstN: number): Promotion => ({
    ...base,
    id,
    kind: 'first-n',
    sku,
    priceFen,
    firstN,
  }),
  ladder: (id: string, sku: string, tiers: [number, number][]): Promotion => ({
    ...base,
    id,
    kind: 'ladder',
    sku,
    tiers: tiers.map(([minQty, unitPriceFen]) => ({ minQty, unitPriceFen })),
  }),
  memberPrice: (id: string, sku: string, membershipId: string, priceFen: number): Promotion => ({
    ...base,
    id,
    kind: 'member-price',
    sku,
    membershipId,
    priceFen,
  }),
  bundle: (id: string, skus: string[], priceFen: number): Promotion => ({
    ...base,
    id,
    kind: 'bundle',
    skus,
    priceFen,
  }),
  presale: (
    id: string,
    sku: string,
    p: {
      priceFen: number;
      depositFen: number;
      depositValueFen: number;
      deposit: TimeWindow;
      balance: TimeWindow;
    },
  ): Promotion => ({
    ...base,
    id,
    kind: 'presale',
    sku,
    priceFen: p.priceFen,
    depositFen: p.depositFen,
    depositValueFen: p.depositValueFen,
    window: p.deposit,
    balanceWindow: p.balance,
  }),
  gift: (
    id: string,
    triggerSkus: string[],
    giftSku: string,
    giftQuantity: number,
    membershipIds: string[] = [],
  ): Promotion => ({
    ...base,
    id,
    kind: 'gift',
    triggerSkus,
    giftSku,
    giftQuantity,
    perOrder: 1,
    membershipIds,
  }),
};

export const coupon = {
  store: (
    id: string,
    storeId: string,
    thresholdFen: number,
    amountFen: number,
    s: Scope = scope(),
  ): CouponTemplate => ({
    ...couponBase,
    id,
    kind: 'store',
    storeId,
    thresholdFen,
    amountFen,
    scope: s,
  }),
  platform: (id: string, thresholdFen: number, amountFen: number, s: Scope = scope()): CouponTemplate => ({
    ...couponBase,
    id,
    kind: 'platform',
    thresholdFen,
    amountFen,
    scope: s,
  }),
  category: (id: string, category: string, thresholdFen: number, amountFen: number): CouponTemplate => ({
    ...couponBase,
    id,
    kind: 'category',
    category,
    thresholdFen,
    amountFen,
    scope: scope(),
  }),
  redEnvelope: (id: string, amountFen: number): CouponTemplate => ({
    ...couponBase,
    id,
    kind: 'red-envelope',
    amountFen,
    inflate: null,
  }),
};

export function campaignOf(parts: {
  catalog: CatalogItem[];
  promotions?: Promotion[];
  coupons?: CouponTemplate[];
  memberships?: Membership[];
}): CampaignIndex {
  const storeIds = [...new Set(parts.catalog.map((i) => i.storeId))];
  const campaign: Campaign = {
    id: 'test',
    name: 'test',
    timezone: 'Asia/Shanghai',
    memberships: parts.memberships ?? [],
    stores: storeIds.map((id) => ({ id, name: id })),
    catalog: parts.catalog,
    promotions: parts.promotions ?? [],
    coupons: parts.coupons ?? [],
    phases: [],
    targets: { gmvFen: null, orders: null, categorySharePercent: {} },
  };
  return indexCampaign(campaign);
}

export function cartOf(
  lines: [string, number][],
  wallet: string[] = [],
  extra: { memberships?: string[]; atMs?: number; balances?: Record<string, number> } = {},
): Cart {
  const items: WalletItem[] = wallet.map((couponId) => {
    const balanceFen = extra.balances?.[couponId];
    return balanceFen === undefined ? { id: couponId, couponId } : { id: couponId, couponId, balanceFen };
  });
  return {
    buyer: { id: 'u1', memberships: extra.memberships ?? [] },
    atMs: extra.atMs ?? AT,
    lines: lines.map(([sku, qty]) => ({ sku, qty })),
    wallet: items,
  };
}
