// An offer's rules in the sale's own words, for the campaign page: "满¥2,000减¥100 · 满¥5,000减¥300",
// "秒杀价 ¥1.00 · 限量 11 · 每人限购 1", "定金 ¥200.00 抵 ¥500.00 · 尾款 11/01 00:00 – 11/04 00:00".
// Amounts arrive in fen (/api/admin/campaign); SKUs are named by their titles. A kind this page
// does not know is shown field by field (describeOffer), so nothing the server sends is hidden.
import type { AdminOffer } from '../api/types.ts';
import type { MessageKey } from '../i18n/dict.ts';
import { formatCount, formatYuan } from './money.ts';
import { describeOffer } from './offer.ts';
import { formatWindow } from './time.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface RuleContext {
  t: T;
  /** A SKU's title (its id when unknown). */
  titleOf: (sku: string) => string;
  /** A store's name (its id when unknown). */
  storeOf: (storeId: string) => string;
  /** A membership programme's name (its id when unknown). */
  membershipOf: (id: string) => string;
  /** A window's two ends in the campaign's zone. */
  windowOf: (start: unknown, end: unknown) => string;
}

interface Tier {
  spend?: number;
  save?: number;
  minQty?: number;
  unitPrice?: number;
}

const yuan = (fen: unknown) => formatYuan(Number(fen));
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const isWindow = (value: unknown): value is { start: unknown; end: unknown } =>
  typeof value === 'object' && value !== null && 'start' in value;

/** 折 as a shop writes it: 15% off is 85折, 20% off is 8折. */
function zhe(percentOff: number): string {
  const rest = 100 - percentOff;
  return String(rest % 10 === 0 ? rest / 10 : rest);
}

function thresholdRule(rule: unknown, t: T): string {
  const r = rule as { type?: string; tiers?: Tier[]; every?: number; save?: number; maxSave?: number | null };
  if (r.type === 'tiers' && Array.isArray(r.tiers))
    return r.tiers
      .map((tier) => t('rule.spendSave', { spend: yuan(tier.spend), save: yuan(tier.save) }))
      .join(' · ');
  if (r.type === 'every') {
    const every = t('rule.everySave', { every: yuan(r.every), save: yuan(r.save) });
    return r.maxSave == null ? every : `${every} · ${t('rule.capped', { cap: yuan(r.maxSave) })}`;
  }
  return '';
}

/** 限/不含: where a threshold or coupon applies, when it does not apply everywhere. */
function scopeText(scope: unknown, c: RuleContext): string {
  const s = scope as
    | { stores?: unknown; skus?: unknown; categories?: unknown; excludeSkus?: unknown }
    | undefined;
  if (!s) return '';
  const only = [...list(s.stores).map(c.storeOf), ...list(s.categories), ...list(s.skus).map(c.titleOf)];
  const parts: string[] = [];
  if (only.length > 0) parts.push(c.t('rule.only', { what: only.join('、') }));
  const excluded = list(s.excludeSkus).map(c.titleOf);
  if (excluded.length > 0) parts.push(c.t('rule.excluding', { what: excluded.join('、') }));
  return parts.join(' · ');
}

/** What only this kind says; null for a kind not known here. */
function kindRules(o: AdminOffer, c: RuleContext): (string | null | false)[] | null {
  const { t, titleOf } = c;
  const sku = titleOf(String(o.sku ?? ''));
  switch (o.kind) {
    case 'flash-sale':
      return [
        sku,
        t('rule.flash', { price: yuan(o.price), quantity: formatCount(Number(o.quantity)) }),
        t('rule.perBuyer', { n: Number(o.perBuyer) }),
      ];
    case 'first-n':
      return [sku, t('rule.firstN', { n: formatCount(Number(o.firstN)), price: yuan(o.price) })];
    case 'limited-time': {
      const skus = list(o.skus);
      return [
        t('rule.percentOff', { percent: Number(o.percentOff), zhe: zhe(Number(o.percentOff)) }),
        skus.length <= 2 ? skus.map(titleOf).join('、') : t('rule.skuCount', { n: skus.length }),
      ];
    }
    case 'ladder':
      return [
        sku,
        ...(Array.isArray(o.tiers) ? (o.tiers as Tier[]) : []).map((tier) =>
          t('rule.ladder', { qty: Number(tier.minQty), price: yuan(tier.unitPrice) }),
        ),
      ];
    case 'member-price':
      return [
        sku,
        t('rule.memberPrice', { membership: c.membershipOf(String(o.membershipId)), price: yuan(o.price) }),
      ];
    case 'bundle':
      return [list(o.skus).map(titleOf).join(' + '), t('rule.bundle', { price: yuan(o.price) })];
    case 'store-threshold':
      return [thresholdRule(o.rule, t), scopeText(o.scope, c)];
    case 'cross-store':
      return [t('rule.crossStore'), thresholdRule(o.rule, t), scopeText(o.scope, c)];
    case 'presale':
      return [
        sku,
        t('rule.presale', { deposit: yuan(o.deposit), value: yuan(o.depositValue), price: yuan(o.price) }),
        isWindow(o.balanceWindow) &&
          t('rule.balance', { when: c.windowOf(o.balanceWindow.start, o.balanceWindow.end) }),
      ];
    case 'gift':
      return [
        t('rule.gift', {
          trigger: list(o.triggerSkus).map(titleOf).join(' / '),
          gift: titleOf(String(o.giftSku)),
          n: Number(o.perOrder),
        }),
        t('rule.giftStock', { n: formatCount(Number(o.giftQuantity)) }),
      ];
    case 'store':
    case 'platform':
    case 'category':
      return [
        o.kind === 'category' && t('rule.category', { category: String(o.category) }),
        o.kind === 'store' && t('rule.store', { store: c.storeOf(String(o.storeId)) }),
        Number(o.threshold) > 0
          ? t('rule.spendSave', { spend: yuan(o.threshold), save: yuan(o.amount) })
          : t('rule.noThreshold', { save: yuan(o.amount) }),
        scopeText(o.scope, c),
      ];
    case 'red-envelope': {
      const inflate = o.inflate as { perTask?: number; maxTasks?: number; dayMultiplier?: number } | null;
      return [
        t('rule.redEnvelope', { amount: yuan(o.amount) }),
        inflate &&
          t('rule.inflate', {
            perTask: yuan(inflate.perTask),
            tasks: Number(inflate.maxTasks),
            times: Number(inflate.dayMultiplier),
          }),
      ];
    }
    default:
      return null;
  }
}

/** What every coupon and budgeted offer adds: who may claim how many, and the money it may spend. */
function commonRules(o: AdminOffer, c: RuleContext): (string | false)[] {
  return [
    typeof o.perBuyer === 'number' && o.kind !== 'flash-sale' && c.t('rule.claimPerBuyer', { n: o.perBuyer }),
    typeof o.total === 'number' && c.t('rule.total', { n: formatCount(o.total) }),
    isWindow(o.claimWindow) &&
      c.t('rule.claim', { when: c.windowOf(o.claimWindow.start, o.claimWindow.end) }),
    typeof o.budget === 'number' && c.t('rule.budget', { amount: yuan(o.budget) }),
  ];
}

export function offerRules(o: AdminOffer, c: RuleContext): string {
  const own = kindRules(o, c);
  if (own === null) return describeOffer(o);
  return [...own, ...commonRules(o, c)].filter((part): part is string => Boolean(part)).join(' · ');
}

/** The context for a campaign page in `timeZone`. */
export function ruleContext(
  t: T,
  names: {
    catalog: readonly { sku: string; title: string }[];
    stores: readonly { id: string; name: string }[];
    memberships?: readonly { id: string; name: string }[];
  },
  timeZone: string,
  lang: Parameters<typeof formatWindow>[3],
): RuleContext {
  const titles = new Map(names.catalog.map((item) => [item.sku, item.title]));
  const stores = new Map(names.stores.map((store) => [store.id, store.name]));
  const memberships = new Map((names.memberships ?? []).map((m) => [m.id, m.name]));
  return {
    t,
    titleOf: (sku) => titles.get(sku) ?? sku,
    storeOf: (storeId) => stores.get(storeId) ?? storeId,
    membershipOf: (id) => memberships.get(id) ?? id,
    windowOf: (start, end) =>
      formatWindow(start as string | null, end as string | null, timeZone, lang, t('campaign.always')),
  };
}
