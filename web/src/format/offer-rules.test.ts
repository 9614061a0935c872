import { describe, expect, it } from 'vitest';
import { type Lang, type MessageKey, translate } from '../i18n/dict.ts';
import { offerRules, ruleContext } from './offer-rules.ts';

const catalog = [
  { sku: 's1-tv', title: '55寸电视' },
  { sku: 's1-kettle', title: '恒温水壶' },
  { sku: 's5-phone', title: '5G手机' },
];
const rulesIn = (lang: Lang) =>
  ruleContext(
    (key: MessageKey, vars) => translate(lang, key, vars),
    { catalog, stores: [{ id: 's1', name: '星河家电' }], memberships: [{ id: 'vip88', name: '88VIP' }] },
    'Asia/Shanghai',
    lang,
  );
const zh = rulesIn('zh-CN');
const en = rulesIn('en');

describe('offerRules: an offer’s rules in the sale’s own words', () => {
  it('writes threshold tiers, caps and exclusions as a shop does', () => {
    const store = {
      id: 'p-store-s1',
      kind: 'store-threshold',
      storeId: 's1',
      budget: null,
      rule: {
        type: 'tiers',
        tiers: [
          { spend: 200_000, save: 10_000 },
          { spend: 500_000, save: 30_000 },
        ],
      },
      scope: { stores: null, skus: null, categories: null, excludeSkus: ['s5-phone'] },
    };
    expect(offerRules(store, zh)).toBe('满¥2,000.00减¥100.00 · 满¥5,000.00减¥300.00 · 不含 5G手机');
    const cross = {
      id: 'x',
      kind: 'cross-store',
      budget: 300_000_000,
      rule: { type: 'every', every: 30_000, save: 5_000, maxSave: 100_000 },
    };
    expect(offerRules(cross, en)).toBe(
      'across stores · every ¥300.00 spent, save ¥50.00 · at most ¥1,000.00 off · budget ¥3,000,000.00',
    );
  });

  it('names SKUs by title and money in yuan: flash, 折, pre-sale with its balance window, gift', () => {
    const flash = { id: 'f', kind: 'flash-sale', sku: 's1-tv', price: 100, quantity: 11, perBuyer: 1 };
    expect(offerRules(flash, zh)).toBe('55寸电视 · 秒杀价 ¥1.00 · 限量 11 件 · 每人限购 1');
    const ltd = { id: 'l', kind: 'limited-time', skus: ['s1-tv'], percentOff: 15 };
    expect(offerRules(ltd, zh)).toBe('85折 · 55寸电视');
    expect(offerRules({ ...ltd, percentOff: 20 }, zh)).toBe('8折 · 55寸电视');
    expect(offerRules(ltd, en)).toBe('15% off · 55寸电视');
    const presale = {
      id: 'p',
      kind: 'presale',
      sku: 's1-tv',
      price: 499_900,
      deposit: 20_000,
      depositValue: 50_000,
      balanceWindow: { start: '2026-11-11T00:00:00+08:00', end: '2026-11-12T00:00:00+08:00' },
    };
    expect(offerRules(presale, zh)).toBe(
      '55寸电视 · 定金 ¥200.00 抵 ¥500.00 · 预售价 ¥4,999.00 · 尾款 11/11 00:00:00 – 11/12 00:00:00',
    );
    const gift = {
      id: 'g',
      kind: 'gift',
      triggerSkus: ['s1-tv'],
      giftSku: 's1-kettle',
      perOrder: 1,
      giftQuantity: 300,
    };
    expect(offerRules(gift, zh)).toBe('买 55寸电视 送 恒温水壶 ×1 · 赠品 300 件');
    const member = { id: 'm', kind: 'member-price', sku: 's1-tv', membershipId: 'vip88', price: 369_900 };
    expect(offerRules(member, zh)).toBe('55寸电视 · 88VIP 专享价 ¥3,699.00');
  });

  it('adds what a coupon says about claiming it', () => {
    const coupon = {
      id: 'c',
      kind: 'store',
      storeId: 's1',
      threshold: 100_000,
      amount: 4_000,
      perBuyer: 1,
      total: 50_000,
      budget: null,
      claimWindow: { start: '2026-10-20T00:00:00+08:00', end: '2026-11-12T00:00:00+08:00' },
      scope: { stores: null, skus: null, categories: null, excludeSkus: [] },
    };
    expect(offerRules(coupon, zh)).toBe(
      '店铺 星河家电 · 满¥1,000.00减¥40.00 · 每人限领 1 · 共 50,000 张 · 领取 10/20 00:00:00 – 11/12 00:00:00',
    );
  });

  it('shows a kind it does not know field by field, hiding nothing', () => {
    expect(offerRules({ id: 'n', kind: 'new-kind', price: 1_000, sku: 's1-tv' }, zh)).toBe(
      'price: ¥10.00; sku: s1-tv',
    );
  });
});
