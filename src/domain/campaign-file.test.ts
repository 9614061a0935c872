import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Campaign, Promotion } from './campaign.ts';
import { instantField } from './campaign-file/fields.ts';
import { type CampaignFileError, formatCampaignErrors, parseCampaign } from './campaign-file.ts';

// Beijing wall-clock time as an instant: hour h on a day of 2026 is h - 8 in UTC.
const beijing = (month: number, day: number, hour = 0, minute = 0) =>
  Date.UTC(2026, month - 1, day, hour - 8, minute);

const VALID = `
campaign:
  id: d11-2026
  name: 2026 双十一
  target: { gmv: 100000000, orders: 50000, categoryShare: { appliances: 60, beauty: 33.33 } }
phases:
  - { id: warm-up, name: 预热期, start: 2026-10-20, end: 2026-11-01, gmvShare: 10 }
  - { id: climax, name: 高潮期, start: 2026-11-11, end: 2026-11-12, gmvShare: 50.5 }
memberships:
  - { id: vip88, name: 88VIP, discountPercent: 5 }
stores:
  - { id: s1, name: 星河家电旗舰店 }
  - { id: s2, name: 花间美妆 }
catalog:
  - { sku: s1-tv55, store: s1, title: 55寸电视, category: appliances, role: hero,
      listPrice: 3999, cost: 2800, stock: 500, presaleStock: 100, safetyStock: 20 }
  - { sku: s1-soundbar, store: s1, title: 回音壁, category: appliances, role: featured,
      listPrice: 1999.5, cost: "800.10", stock: 300 }
  - { sku: s1-hdmi, store: s1, title: HDMI 线, category: accessories, role: regular,
      listPrice: 0.1, cost: 0.05, stock: 1000 }
  - { sku: s2-lipstick, store: s2, title: 口红, category: beauty, role: regular,
      listPrice: 199, cost: 60, stock: 800 }
promotions:
  - { id: p-flash, kind: flash-sale, sku: s1-tv55, price: 1999, quantity: 100,
      start: 2026-11-11T20:00, end: 2026-11-11 20:30:00 }
  - { id: p-ltd, kind: limited-time, name: 限时折扣, skus: [s2-lipstick], percentOff: 12.5,
      start: "2026-11-11T00:00:00+08:00", end: 2026-11-11T16:00:00Z, budget: 50000 }
  - { id: p-ladder, kind: ladder, sku: s1-soundbar, tiers: [{ minQty: 2, unitPrice: 1899 }, { minQty: 3, unitPrice: 1799 }] }
  - { id: p-member, kind: member-price, sku: s1-tv55, membership: vip88, price: 3799 }
  - { id: p-bundle, kind: bundle, skus: [s1-tv55, s1-soundbar], price: 4999 }
  - { id: p-store, kind: store-threshold, store: s1, tiers: [{ spend: 300, save: 50 }, { spend: 500, save: 100 }] }
  - { id: p-store-every, kind: store-threshold, store: s2, every: 300, save: 30, maxSave: 300,
      skus: [s2-lipstick], categories: [beauty] }
  - { id: p-cross, kind: cross-store, every: 300, save: 50, stores: [s1, s2], excludeSkus: [s1-hdmi] }
  - { id: p-presale, kind: presale, sku: s1-tv55, price: 3599, deposit: 100, depositValue: 200,
      depositStart: 2026-10-20T20:00, depositEnd: 2026-11-01, balanceStart: 2026-11-01, balanceEnd: 2026-11-04 }
  - { id: p-gift, kind: gift, triggerSkus: [s1-tv55], giftSku: s1-hdmi, giftQuantity: 200, memberships: [vip88] }
coupons:
  - { id: c-s1-20, kind: store, store: s1, threshold: 200, amount: 20, perBuyer: 2, total: 10000,
      validFrom: 2026-11-11, validTo: 2026-11-12, claimFrom: 2026-10-20, claimTo: 2026-11-12 }
  - { id: c-plat, kind: platform, threshold: 1000, amount: 100 }
  - { id: c-cat, kind: category, category: beauty, amount: 5 }
  - { id: r-env, kind: red-envelope, amount: 10,
      inflate: { perTask: 1, maxTasks: 5, dayStart: 2026-11-11, dayEnd: 2026-11-12 } }
`;

function parseValid(text = VALID): Campaign {
  const result = parseCampaign(text, 'campaign.yaml');
  if (!result.ok) throw new Error(formatCampaignErrors(result.errors));
  return result.campaign;
}

function promotion<K extends Promotion['kind']>(campaign: Campaign, id: string, kind: K) {
  const found = campaign.promotions.find((p) => p.id === id);
  expect(found?.kind).toBe(kind);
  return found as Extract<Promotion, { kind: K }>;
}

describe('parseCampaign: a valid file', () => {
  const campaign = parseValid();

  it('reads the header, with Asia/Shanghai as the default zone and targets in fen', () => {
    expect(campaign.id).toBe('d11-2026');
    expect(campaign.name).toBe('2026 双十一');
    expect(campaign.timezone).toBe('Asia/Shanghai');
    expect(campaign.targets).toEqual({
      gmvFen: 10_000_000_000,
      orders: 50_000,
      categorySharePercent: { appliances: 60, beauty: 33.33 },
    });
  });

  it('turns yuan into fen, numbers and strings alike, and fills catalog defaults', () => {
    const [tv, soundbar, hdmi] = campaign.catalog;
    expect(tv).toEqual({
      sku: 's1-tv55',
      storeId: 's1',
      title: '55寸电视',
      category: 'appliances',
      role: 'hero',
      listPriceFen: 399_900,
      costFen: 280_000,
      stock: 500,
      presaleStock: 100,
      safetyStock: 20,
    });
    expect(soundbar).toMatchObject({
      listPriceFen: 199_950,
      costFen: 80_010,
      presaleStock: 0,
      safetyStock: 0,
    });
    expect(hdmi).toMatchObject({ listPriceFen: 10, costFen: 5 });
    expect(campaign.stores).toEqual([
      { id: 's1', name: '星河家电旗舰店' },
      { id: 's2', name: '花间美妆' },
    ]);
    expect(campaign.memberships).toEqual([{ id: 'vip88', name: '88VIP', discountPercent: 5 }]);
  });

  it('reads times without an offset in the campaign zone, with an offset as written', () => {
    const flash = promotion(campaign, 'p-flash', 'flash-sale');
    expect(flash).toEqual({
      id: 'p-flash',
      name: 'p-flash',
      kind: 'flash-sale',
      window: { startMs: beijing(11, 11, 20), endMs: beijing(11, 11, 20, 30) },
      budgetFen: null,
      sku: 's1-tv55',
      priceFen: 199_900,
      quantity: 100,
      perBuyer: 1,
    });
    const limited = promotion(campaign, 'p-ltd', 'limited-time');
    expect(limited.window).toEqual({ startMs: beijing(11, 11), endMs: beijing(11, 12) });
    expect(limited).toMatchObject({
      name: '限时折扣',
      budgetFen: 5_000_000,
      percentOff: 12.5,
      skus: ['s2-lipstick'],
    });
    // A date alone is midnight; phases keep their share.
    expect(campaign.phases[1]).toEqual({
      id: 'climax',
      name: '高潮期',
      window: { startMs: beijing(11, 11), endMs: beijing(11, 12) },
      gmvSharePercent: 50.5,
      pace: [],
    });
  });

  it('reads the pace of a phase: cumulative percents of its share by moments inside it', () => {
    const pace = [
      { at: '2026-11-11T01:00', percent: 30 },
      { at: '2026-11-11T12:00', percent: 30 },
      { at: '2026-11-11T21:00', percent: 85.5 },
    ];
    const result = parseCampaign(edited([['phases', 1, 'pace'], pace]), 'paced.yaml');
    if (!result.ok) throw new Error(formatCampaignErrors(result.errors));
    expect(result.campaign.phases[1]!.pace).toEqual([
      { atMs: beijing(11, 11, 1), percent: 30 },
      { atMs: beijing(11, 11, 12), percent: 30 },
      { atMs: beijing(11, 11, 21), percent: 85.5 },
    ]);
  });

  it('builds threshold rules and scopes as sets', () => {
    const tiers = promotion(campaign, 'p-store', 'store-threshold');
    expect(tiers.rule).toEqual({
      type: 'tiers',
      tiers: [
        { spendFen: 30_000, saveFen: 5_000 },
        { spendFen: 50_000, saveFen: 10_000 },
      ],
    });
    expect(tiers.scope).toEqual({ stores: null, skus: null, categories: null, excludeSkus: new Set() });
    const every = promotion(campaign, 'p-store-every', 'store-threshold');
    expect(every.rule).toEqual({ type: 'every', everyFen: 30_000, saveFen: 3_000, maxSaveFen: 30_000 });
    expect(every.scope.skus).toEqual(new Set(['s2-lipstick']));
    expect(every.scope.categories).toEqual(new Set(['beauty']));
    const cross = promotion(campaign, 'p-cross', 'cross-store');
    expect(cross.rule).toEqual({ type: 'every', everyFen: 30_000, saveFen: 5_000, maxSaveFen: null });
    expect(cross.scope).toEqual({
      stores: new Set(['s1', 's2']),
      skus: null,
      categories: null,
      excludeSkus: new Set(['s1-hdmi']),
    });
  });

  it('reads the other promotion kinds', () => {
    expect(promotion(campaign, 'p-ladder', 'ladder').tiers).toEqual([
      { minQty: 2, unitPriceFen: 189_900 },
      { minQty: 3, unitPriceFen: 179_900 },
    ]);
    expect(promotion(campaign, 'p-member', 'member-price')).toMatchObject({
      membershipId: 'vip88',
      priceFen: 379_900,
    });
    expect(promotion(campaign, 'p-bundle', 'bundle')).toMatchObject({
      skus: ['s1-tv55', 's1-soundbar'],
      priceFen: 499_900,
    });
    expect(promotion(campaign, 'p-presale', 'presale')).toMatchObject({
      window: { startMs: beijing(10, 20, 20), endMs: beijing(11, 1) },
      balanceWindow: { startMs: beijing(11, 1), endMs: beijing(11, 4) },
      priceFen: 359_900,
      depositFen: 10_000,
      depositValueFen: 20_000,
    });
    expect(promotion(campaign, 'p-gift', 'gift')).toMatchObject({
      triggerSkus: ['s1-tv55'],
      giftSku: 's1-hdmi',
      giftQuantity: 200,
      perOrder: 1,
      membershipIds: ['vip88'],
    });
  });

  it('reads coupons with their defaults', () => {
    const [store, platform, category, envelope] = campaign.coupons;
    expect(store).toMatchObject({
      kind: 'store',
      storeId: 's1',
      thresholdFen: 20_000,
      amountFen: 2_000,
      perBuyer: 2,
      total: 10_000,
      validity: { startMs: beijing(11, 11), endMs: beijing(11, 12) },
      claimWindow: { startMs: beijing(10, 20), endMs: beijing(11, 12) },
    });
    expect(platform).toMatchObject({
      kind: 'platform',
      name: 'c-plat',
      perBuyer: 1,
      total: null,
      budgetFen: null,
    });
    expect(platform).toMatchObject({ validity: { startMs: null, endMs: null } });
    expect(category).toMatchObject({ kind: 'category', category: 'beauty', thresholdFen: 0, amountFen: 500 });
    expect(envelope).toMatchObject({
      kind: 'red-envelope',
      amountFen: 1_000,
      inflate: {
        perTaskFen: 100,
        maxTasks: 5,
        dayMultiplier: 2,
        day: { startMs: beijing(11, 11), endMs: beijing(11, 12) },
      },
    });
  });

  it('fills the defaults of a depositValue, a flash perBuyer and a gift perOrder', () => {
    const text = VALID.replace('deposit: 100, depositValue: 200', 'deposit: 100');
    expect(promotion(parseValid(text), 'p-presale', 'presale').depositValueFen).toBe(10_000);
  });

  it('reads wall-clock times in the zone the campaign names, DST included', () => {
    const text = VALID.replace('name: 2026 双十一', 'name: 2026 双十一\n  timezone: America/New_York');
    const ny = parseValid(text);
    expect(ny.timezone).toBe('America/New_York');
    // 20:00 in New York on 11 November is EST, -05:00.
    expect(promotion(ny, 'p-flash', 'flash-sale').window.startMs).toBe(Date.UTC(2026, 10, 12, 1));
    // The explicit offsets stay as written.
    expect(promotion(ny, 'p-ltd', 'limited-time').window).toEqual({
      startMs: beijing(11, 11),
      endMs: beijing(11, 12),
    });
  });
});

// Bad inputs are the valid file with a few values changed in place (the YAML keeps its layout).
type YamlPath = readonly (string | number)[];
/** A value to write at a path; undefined removes the key. */
type Edit = readonly [YamlPath, unknown];

function edited(...edits: Edit[]): string {
  const doc = parseDocument(VALID);
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  return doc.toString();
}

function errorsOf(text: string | Uint8Array): CampaignFileError[] {
  const result = parseCampaign(text, 'bad.yaml');
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.errors;
}

// Where each promotion of VALID sits in the list.
const P = { flash: 0, ltd: 1, ladder: 2, member: 3, bundle: 4, store: 5, cross: 7, presale: 8, gift: 9 };
const promo = (at: number, ...rest: (string | number)[]) => ['promotions', at, ...rest];
const coupon = (at: number, ...rest: (string | number)[]) => ['coupons', at, ...rest];

const badInputs: [name: string, text: string, path: string, message: RegExp][] = [
  [
    'pre-sale above the list price',
    edited([promo(P.presale, 'price'), 4000]),
    'promotions[8].price',
    /price 4,?000(\.00)? is above the list price 3,?999(\.00)? of s1-tv55/,
  ],
  // References to things the file does not define.
  [
    'unknown SKU',
    edited([promo(P.flash, 'sku'), 's1-tv56']),
    'promotions[0].sku',
    /unknown SKU "s1-tv56": not in the catalog \(did you mean "s1-tv55"\?\)/,
  ],
  [
    'unknown SKU in a list',
    edited([promo(P.gift, 'triggerSkus'), ['s1-tv55', 'nope']]),
    'promotions[9].triggerSkus[1]',
    /unknown SKU "nope"/,
  ],
  [
    'unknown store in the catalog',
    edited([['catalog', 1, 'store'], 's9']),
    'catalog[1].store',
    /unknown store "s9"; stores are: s1, s2/,
  ],
  [
    'coupon for an unknown store',
    edited([coupon(0, 'store'), 's3']),
    'coupons[0].store',
    /unknown store "s3"/,
  ],
  [
    'unknown membership',
    edited([promo(P.member, 'membership'), 'vip99']),
    'promotions[3].membership',
    /unknown membership "vip99"; memberships are: vip88/,
  ],
  [
    'unknown category',
    edited([coupon(2, 'category'), 'toys']),
    'coupons[2].category',
    /unknown category "toys": no SKU in the catalog has it/,
  ],
  [
    'unknown category in a target',
    edited([['campaign', 'target', 'categoryShare'], { beuaty: 10 }]),
    'campaign.target.categoryShare.beuaty',
    /unknown category "beuaty"/,
  ],
  // Kinds.
  [
    'unknown promotion kind',
    edited([promo(P.ltd, 'kind'), 'flash']),
    'promotions[1].kind',
    /unknown kind "flash"; kinds are: flash-sale, limited-time, first-n, ladder, member-price, bundle, store-threshold, cross-store, presale, gift/,
  ],
  [
    'unknown coupon kind',
    edited([coupon(1, 'kind'), 'shop']),
    'coupons[1].kind',
    /unknown kind "shop"; kinds are: store, platform, category, red-envelope/,
  ],
  [
    'missing kind',
    edited([coupon(1, 'kind'), undefined]),
    'coupons[1].kind',
    /is required; kinds are: store/,
  ],
  // Money.
  ['negative money', edited([['catalog', 0, 'cost'], -5]), 'catalog[0].cost', /must not be negative, got -5/],
  [
    'negative money as text',
    edited([coupon(1, 'amount'), '-5']),
    'coupons[1].amount',
    /must not be negative/,
  ],
  [
    'three-decimal money',
    edited([promo(P.flash, 'price'), 12.345]),
    'promotions[0].price',
    /at most two decimals \(whole fen\), got 12.345/,
  ],
  [
    'three-decimal money as text',
    edited([['catalog', 0, 'listPrice'], '12.345']),
    'catalog[0].listPrice',
    /at most two decimals/,
  ],
  [
    'money that is not a number',
    edited([['catalog', 0, 'listPrice'], 'cheap']),
    'catalog[0].listPrice',
    /expected an amount in yuan such as 12.50, got "cheap"/,
  ],
  [
    'money above the limit',
    edited([['catalog', 0, 'listPrice'], 10_000_000.01]),
    'catalog[0].listPrice',
    /above the limit of 10000000 yuan/,
  ],
  ['zero amount', edited([coupon(3, 'amount'), 0]), 'coupons[3].amount', /must be above 0/],
  [
    'coupon amount not below threshold',
    edited([coupon(1, 'amount'), 1000]),
    'coupons[1].amount',
    /must be below the threshold 1000/,
  ],
  // Tiers.
  [
    'ladder minQty not rising',
    edited([promo(P.ladder, 'tiers', 1, 'minQty'), 2]),
    'promotions[2].tiers[1].minQty',
    /tiers must rise: 2 is not above 2/,
  ],
  [
    'ladder unit price not falling',
    edited([promo(P.ladder, 'tiers', 1, 'unitPrice'), 1899]),
    'promotions[2].tiers[1].unitPrice',
    /unit prices must fall: 1899 is not below 1899/,
  ],
  [
    'ladder minQty below 2',
    edited([promo(P.ladder, 'tiers', 0, 'minQty'), 1]),
    'promotions[2].tiers[0].minQty',
    /must be at least 2, got 1/,
  ],
  [
    'threshold tiers not rising',
    edited([promo(P.store, 'tiers', 0, 'spend'), 500], [promo(P.store, 'tiers', 1, 'spend'), 300]),
    'promotions[5].tiers[1].spend',
    /^tiers must rise: 300 is not above 500$/,
  ],
  [
    'threshold save not below spend',
    edited([promo(P.store, 'tiers', 0, 'save'), 300]),
    'promotions[5].tiers[0].save',
    /must be below spend 300, got 300/,
  ],
  [
    'threshold savings not rising',
    edited([promo(P.store, 'tiers', 1, 'save'), 50]),
    'promotions[5].tiers[1].save',
    /savings must rise: 50 is not above 50/,
  ],
  [
    'every: save not below every',
    edited([promo(P.cross, 'save'), 300]),
    'promotions[7].save',
    /must be below every 300/,
  ],
  [
    'tiers and every together',
    edited([promo(P.store, 'every'), 100]),
    'promotions[5].every',
    /either tiers or every\/save, not both/,
  ],
  [
    'neither tiers nor every',
    edited([promo(P.cross, 'every'), undefined], [promo(P.cross, 'save'), undefined]),
    'promotions[7]',
    /give either tiers/,
  ],
  // Windows.
  [
    'end before start',
    edited([promo(P.flash, 'end'), '2026-11-11T19:30']),
    'promotions[0].end',
    /end 2026-11-11T19:30:00\+08:00 is not after start 2026-11-11T20:00:00\+08:00/,
  ],
  [
    'flash sale without an end',
    edited([promo(P.flash, 'end'), undefined]),
    'promotions[0].end',
    /is required/,
  ],
  [
    'validTo before validFrom',
    edited([coupon(0, 'validTo'), '2026-11-10']),
    'coupons[0].validTo',
    /validTo .* is not after validFrom/,
  ],
  [
    'claimTo equal to claimFrom',
    edited([coupon(0, 'claimTo'), '2026-10-20']),
    'coupons[0].claimTo',
    /claimTo .* is not after claimFrom/,
  ],
  [
    'inflate day backwards',
    edited([coupon(3, 'inflate', 'dayEnd'), '2026-11-10']),
    'coupons[3].inflate.dayEnd',
    /dayEnd .* is not after dayStart/,
  ],
  [
    'balance before the deposit window ends',
    edited([promo(P.presale, 'balanceStart'), '2026-10-31']),
    'promotions[8].balanceStart',
    /is before depositEnd/,
  ],
  [
    'deposit window backwards',
    edited([promo(P.presale, 'depositEnd'), '2026-10-01']),
    'promotions[8].depositEnd',
    /depositEnd .* is not after depositStart/,
  ],
  [
    'phases overlapping',
    edited([['phases', 1, 'start'], '2026-10-31']),
    'phases[1].start',
    /phase "climax" starts at 2026-10-31T00:00:00\+08:00, before phase "warm-up" ends at 2026-11-01T00:00:00\+08:00: phases may not overlap/,
  ],
  [
    'a pace point outside its phase',
    edited([['phases', 1, 'pace'], [{ at: '2026-11-12T00:00', percent: 90 }]]),
    'phases[1].pace[0].at',
    /2026-11-12T00:00:00\+08:00 is not inside the phase \(2026-11-11T00:00:00\+08:00 – 2026-11-12T00:00:00\+08:00\)/,
  ],
  [
    'pace points out of order',
    edited([
      ['phases', 1, 'pace'],
      [
        { at: '2026-11-11T12:00', percent: 40 },
        { at: '2026-11-11T01:00', percent: 50 },
      ],
    ]),
    'phases[1].pace[1].at',
    /pace points must follow each other: 2026-11-11T01:00:00\+08:00 is not after 2026-11-11T12:00:00\+08:00/,
  ],
  [
    'a pace that goes back',
    edited([
      ['phases', 1, 'pace'],
      [
        { at: '2026-11-11T01:00', percent: 40 },
        { at: '2026-11-11T12:00', percent: 30 },
      ],
    ]),
    'phases[1].pace[1].percent',
    /the pace is cumulative: 30% is less than the 40% expected by 2026-11-11T01:00:00\+08:00/,
  ],
  [
    'a pace percent over 100',
    edited([['phases', 1, 'pace'], [{ at: '2026-11-11T01:00', percent: 130 }]]),
    'phases[1].pace[0].percent',
    /must be between 0 and 100, got 130/,
  ],
  [
    'a time that is not a time',
    edited([promo(P.flash, 'start'), '11/11 20:00']),
    'promotions[0].start',
    /expected a time such as 2026-11-11T20:00/,
  ],
  [
    'unknown time zone',
    edited([['campaign', 'timezone'], 'Asia/Shangai']),
    'campaign.timezone',
    /expected a time zone such as Asia\/Shanghai, got "Asia\/Shangai"/,
  ],
  // Rules of one kind.
  [
    'depositValue below deposit',
    edited([promo(P.presale, 'depositValue'), 50]),
    'promotions[8].depositValue',
    /must be at least the deposit 100/,
  ],
  [
    'depositValue above price',
    edited([promo(P.presale, 'depositValue'), 4000]),
    'promotions[8].depositValue',
    /4000 is above the price 3599/,
  ],
  [
    'bundle across stores',
    edited([promo(P.bundle, 'skus'), ['s1-tv55', 's2-lipstick']]),
    'promotions[4].skus[1]',
    /"s2-lipstick" is in store s2 but "s1-tv55" is in store s1: a bundle is sold by one store/,
  ],
  [
    'bundle of one SKU',
    edited([promo(P.bundle, 'skus'), ['s1-tv55']]),
    'promotions[4].skus',
    /a bundle has 2 to 10 distinct SKUs/,
  ],
  [
    'bundle with a SKU twice',
    edited([promo(P.bundle, 'skus'), ['s1-tv55', 's1-tv55']]),
    'promotions[4].skus[1]',
    /"s1-tv55" is listed twice/,
  ],
  [
    'bundle price not below the sum',
    edited([promo(P.bundle, 'price'), 5998.5]),
    'promotions[4].price',
    /not below the list prices' sum 5998.50/,
  ],
  [
    'flash price not below list',
    edited([promo(P.flash, 'price'), 3999]),
    'promotions[0].price',
    /price 3999 is not below the list price 3999 of s1-tv55/,
  ],
  [
    "store-threshold scoped to another store's SKU",
    edited([promo(P.store, 'skus'), ['s2-lipstick']]),
    'promotions[5].skus[0]',
    /"s2-lipstick" belongs to store s2, not s1/,
  ],
  [
    "store coupon scoped to another store's SKU",
    edited([coupon(0, 'skus'), ['s2-lipstick']]),
    'coupons[0].skus[0]',
    /belongs to store s2, not s1/,
  ],
  [
    'an empty scope list',
    edited([promo(P.cross, 'stores'), []]),
    'promotions[7].stores',
    /leave the key out to mean any store/,
  ],
  [
    'percentOff of 100',
    edited([promo(P.ltd, 'percentOff'), 100]),
    'promotions[1].percentOff',
    /must be above 0 and below 100, got 100/,
  ],
  [
    'percentOff with three decimals',
    edited([promo(P.ltd, 'percentOff'), 12.345]),
    'promotions[1].percentOff',
    /at most two decimals/,
  ],
  [
    'category shares above 100',
    edited([['campaign', 'target', 'categoryShare', 'appliances'], 66.68]),
    'campaign.target.categoryShare',
    /category shares add up to 100.01%, more than 100%/,
  ],
  // Quantities against stock and limits against quantities.
  [
    'flash quantity above the SKU stock',
    edited([promo(P.flash, 'quantity'), 999_999]),
    'promotions[0].quantity',
    /^quantity 999999 is more than the stock of s1-tv55 \(500\): set it to at most 500$/,
  ],
  [
    'flash quantity within stock and pre-sale stock together (pre-sale stock is not sold at a flash price)',
    edited([promo(P.flash, 'quantity'), 550]),
    'promotions[0].quantity',
    /^quantity 550 is more than the stock of s1-tv55 \(500\): set it to at most 500$/,
  ],
  [
    'first-N above the SKU stock',
    edited([promo(10), { id: 'p-first', kind: 'first-n', sku: 's2-lipstick', price: 99, firstN: 801 }]),
    'promotions[10].firstN',
    /^firstN 801 is more than the stock of s2-lipstick \(800\): set it to at most 800$/,
  ],
  [
    'flash perBuyer above the quantity',
    edited([promo(P.flash, 'quantity'), 11], [promo(P.flash, 'perBuyer'), 50]),
    'promotions[0].perBuyer',
    /^perBuyer 50 is more than the session's quantity 11: set perBuyer to at most 11$/,
  ],
  [
    'coupon perBuyer above its total',
    edited([coupon(0, 'total'), 1]),
    'coupons[0].perBuyer',
    /^perBuyer 2 is more than total 1 \(coupons issued\): set perBuyer to at most 1, or raise total$/,
  ],
  [
    'gift perOrder above the gift quantity',
    edited([promo(P.gift, 'giftQuantity'), 2], [promo(P.gift, 'perOrder'), 3]),
    'promotions[9].perOrder',
    /^perOrder 3 is more than giftQuantity 2: set perOrder to at most 2$/,
  ],
  // The catalog.
  [
    'safetyStock above stock',
    edited([['catalog', 0, 'safetyStock'], 5000]),
    'catalog[0].safetyStock',
    /^safetyStock 5000 is not below stock 500: the SKU would read low \(库存紧张\) from the start; set it below 500$/,
  ],
  [
    'safetyStock equal to stock',
    edited([['catalog', 0, 'safetyStock'], 500]),
    'catalog[0].safetyStock',
    /^safetyStock 500 is not below stock 500/,
  ],
  [
    'a list price of 0',
    edited([['catalog', 0, 'listPrice'], 0]),
    'catalog[0].listPrice',
    /^must be above 0$/,
  ],
  [
    'a store that sells nothing',
    edited([['stores', 2], { id: 's3', name: '空店' }]),
    'stores[2]',
    /^store "s3" has no SKU in the catalog: give it at least one, or remove it$/,
  ],
  // Keys and ids.
  [
    'unknown key (a typo)',
    edited([['catalog', 0, 'listPrice'], undefined], [['catalog', 0, 'lisPrice'], 3999]),
    'catalog[0].lisPrice',
    /unknown key \(did you mean "listPrice"\?\)/,
  ],
  [
    'unknown key on a promotion',
    edited([promo(P.flash, 'perbuyer'), 2]),
    'promotions[0].perbuyer',
    /unknown key \(did you mean "perBuyer"\?\)/,
  ],
  [
    'unknown top-level key',
    edited([['promotion'], []]),
    'promotion',
    /unknown key \(did you mean "promotions"\?\)/,
  ],
  [
    'start on a presale (its window is the deposit window)',
    edited([promo(P.presale, 'start'), '2026-10-20']),
    'promotions[8].start',
    /unknown key/,
  ],
  [
    'duplicate SKU',
    edited([['catalog', 1, 'sku'], 's1-tv55']),
    'catalog[1].sku',
    /duplicate id "s1-tv55": already used by catalog\[0\]/,
  ],
  [
    'duplicate store id',
    edited([['stores', 1, 'id'], 's1']),
    'stores[1].id',
    /duplicate id "s1": already used by stores\[0\]/,
  ],
  [
    'coupon id taken by a promotion',
    edited([coupon(1, 'id'), 'p-flash']),
    'coupons[1].id',
    /duplicate id "p-flash": already used by promotions\[0\]/,
  ],
  [
    'malformed id',
    edited([['stores', 2], { id: 'my store', name: 'x' }]),
    'stores[2].id',
    /"my store" is not a valid id/,
  ],
  [
    'id written as a number',
    edited([['stores', 2], { id: 10086, name: 'x' }]),
    'stores[2].id',
    /quote it \("10086"\)/,
  ],
  // Shape.
  [
    'a list where a mapping belongs',
    edited([['catalog', 0], ['s1-tv55']]),
    'catalog[0]',
    /expected a mapping/,
  ],
  ['a missing section', edited([['stores'], undefined]), 'stores', /is required/],
  [
    'a role that does not exist',
    edited([['catalog', 0, 'role'], 'star']),
    'catalog[0].role',
    /expected hero, featured or regular, got "star"/,
  ],
  [
    'YAML syntax error',
    'campaign: { id: x\nstores: []\n',
    '(root)',
    /YAML syntax error at line \d+, column \d+: /,
  ],
  [
    'duplicate YAML key',
    'campaign: { id: x, name: y }\ncampaign: { id: z }\n',
    '(root)',
    /YAML syntax error at line 2, column 1: Map keys must be unique/,
  ],
  ['not a mapping', '- just a list\n', '(root)', /expected a mapping with campaign, stores, catalog/],
];

describe('parseCampaign: bad inputs', () => {
  it.each(badInputs)('%s', (_name, text, path, message) => {
    const errors = errorsOf(text);
    const atPath = errors.filter((error) => error.path === path).map((error) => error.message);
    expect(atPath, formatCampaignErrors(errors)).toEqual(
      expect.arrayContaining([expect.stringMatching(message)]),
    );
    expect(errors.every((error) => error.file === 'bad.yaml')).toBe(true);
  });

  it('reports exactly one error for a single slip', () => {
    expect(errorsOf(edited([promo(P.store, 'tiers', 1, 'spend'), 300]))).toEqual([
      {
        file: 'bad.yaml',
        path: 'promotions[5].tiers[1].spend',
        message: 'tiers must rise: 300 is not above 300',
      },
    ]);
  });

  it('reports every error, in the order they appear in the file', () => {
    const text = edited(
      [['campaign', 'timezone'], 'Mars/Olympus'],
      [['catalog', 2, 'cost'], 12.345],
      [promo(P.flash, 'sku'), 'ghost'],
      [promo(P.ltd, 'kind'), 'flash'],
      [promo(P.bundle, 'skus'), ['s1-tv55', 's2-lipstick']],
      [promo(P.bundle, 'price'), 4000],
      [coupon(0, 'store'), 's3'],
      [coupon(2, 'validFrom'), '2026-11-12'],
      [coupon(2, 'validTo'), '2026-11-11'],
      [coupon(3, 'id'), 'p-gift'],
    );
    expect(errorsOf(text).map((error) => error.path)).toEqual([
      'campaign.timezone',
      'catalog[2].cost',
      'promotions[0].sku',
      'promotions[1].kind',
      'promotions[4].skus[1]',
      'coupons[0].store',
      'coupons[2].validTo',
      'coupons[3].id',
    ]);
  });

  describe('flash sessions of one SKU take turns', () => {
    // A second session of the TV (p-flash sells it 20:00–20:30) placed after the last promotion.
    const session = (id: string, start: string, end: string) => ({
      id,
      kind: 'flash-sale',
      sku: 's1-tv55',
      price: 2099,
      quantity: 50,
      start,
      end,
    });
    const withSessions = (...sessions: ReturnType<typeof session>[]) =>
      edited(...sessions.map((s, k): Edit => [promo(10 + k), s]));

    it('refuses two sessions of one SKU that overlap, naming both and the overlap', () => {
      expect(errorsOf(withSessions(session('p-flash-2', '2026-11-11T20:15', '2026-11-11T21:00')))).toEqual([
        {
          file: 'bad.yaml',
          path: 'promotions[10].start',
          message:
            'flash session "p-flash-2" overlaps "p-flash" of s1-tv55 from 2026-11-11T20:15:00+08:00 to 2026-11-11T20:30:00+08:00: ' +
            "sessions of one SKU take turns (in an overlap a quote fills the cheaper session first, and a buyer may take each session's perBuyer)",
        },
      ]);
    });

    it('blames the session that starts later, wherever it is in the file', () => {
      const errors = errorsOf(
        edited(
          [promo(P.flash, 'start'), '2026-11-11T20:45'],
          [promo(P.flash, 'end'), '2026-11-11T22:00'],
          [promo(10), session('p-flash-2', '2026-11-11T20:00', '2026-11-11T21:00')],
        ),
      );
      expect(errors.map((e) => [e.path, e.message.slice(0, 70)])).toEqual([
        ['promotions[0].start', 'flash session "p-flash" overlaps "p-flash-2" of s1-tv55 from 2026-11-1'],
      ]);
    });

    it('finds an overlap with a long session that started before the one just before it', () => {
      const errors = errorsOf(
        withSessions(
          session('p-long', '2026-11-11T21:00', '2026-11-11T23:00'),
          session('p-mid', '2026-11-11T21:30', '2026-11-11T21:45'),
          session('p-late', '2026-11-11T22:00', '2026-11-11T22:30'),
        ),
      );
      // p-late does not overlap p-mid, the session that starts just before it, but p-long.
      expect(errors.map((e) => e.path)).toEqual(['promotions[11].start', 'promotions[12].start']);
      expect(errors[1]!.message).toMatch(
        /^flash session "p-late" overlaps "p-long" of s1-tv55 from 2026-11-11T22:00/,
      );
    });

    it('refuses a flash session or a second pre-sale inside a pre-sale’s deposit window: it would never sell', () => {
      // p-presale takes the TV's deposits from 10-20 20:00 to 11-01.
      const inside = errorsOf(withSessions(session('p-flash-early', '2026-10-25T10:00', '2026-10-25T11:00')));
      expect(inside).toEqual([
        {
          file: 'bad.yaml',
          path: 'promotions[10].start',
          message:
            'flash session "p-flash-early" overlaps pre-sale "p-presale" of s1-tv55 from 2026-10-25T10:00:00+08:00 to 2026-10-25T11:00:00+08:00: ' +
            "while a pre-sale takes deposits its SKU sells on the pre-sale's terms alone, so the other would never apply: give them turns",
        },
      ]);
      const second = {
        id: 'p-presale-2',
        kind: 'presale',
        sku: 's1-tv55',
        price: 3499,
        deposit: 100,
        depositStart: '2026-10-30',
        depositEnd: '2026-11-02',
        balanceStart: '2026-11-02',
        balanceEnd: '2026-11-04',
      };
      expect(errorsOf(edited([promo(10), second])).map((e) => [e.path, e.message.slice(0, 63)])).toEqual([
        ['promotions[10].depositStart', 'pre-sale "p-presale-2" overlaps pre-sale "p-presale" of s1-tv55'],
      ]);
    });

    it('accepts sessions that touch (windows are half-open), and sessions of other SKUs', () => {
      const touching = withSessions(session('p-flash-2', '2026-11-11T20:30', '2026-11-11T21:00'));
      expect(parseCampaign(touching, 'ok.yaml').ok).toBe(true);
      const otherSku = edited([
        promo(10),
        { ...session('p-flash-lip', '2026-11-11T20:00', '2026-11-11T21:00'), sku: 's2-lipstick', price: 99 },
      ]);
      expect(parseCampaign(otherSku, 'ok.yaml').ok).toBe(true);
    });

    it('accepts overlapping first-N offers of one SKU: they fill one after another, cheaper first', () => {
      const firstN = (id: string, price: number, n: number) => ({
        id,
        kind: 'first-n',
        sku: 's2-lipstick',
        price,
        firstN: n,
      });
      const text = edited(
        [promo(10), firstN('p-first-100', 99, 100)],
        [promo(11), firstN('p-first-500', 149, 500)],
      );
      expect(parseCampaign(text, 'ok.yaml').ok).toBe(true);
    });
  });

  it('accepts a session, first-N and per-buyer limit that take everything there is', () => {
    const text = edited(
      [promo(P.flash, 'quantity'), 500],
      [promo(P.flash, 'perBuyer'), 500],
      [promo(10), { id: 'p-first', kind: 'first-n', sku: 's2-lipstick', price: 99, firstN: 800 }],
      [coupon(0, 'total'), 2],
      [promo(P.gift, 'perOrder'), 200],
    );
    expect(parseCampaign(text, 'ok.yaml').ok).toBe(true);
  });

  it('refuses a campaign with nothing to sell, once per empty section', () => {
    const empty = 'campaign: { id: x, name: y }\nstores: []\ncatalog: []\n';
    expect(errorsOf(empty)).toEqual([
      { file: 'bad.yaml', path: 'stores', message: 'list at least one store' },
      { file: 'bad.yaml', path: 'catalog', message: 'list at least one SKU' },
    ]);
  });

  it.each([
    ['catalog', null, 'expected a list, got nothing (null)'],
    ['catalog', { sku: 's1-tv55' }, 'expected a list, got a mapping'],
    ['catalog', [], 'list at least one SKU'],
    ['stores', undefined, 'is required'],
    ['stores', [], 'list at least one store'],
    ['memberships', null, 'expected a list, got nothing (null)'],
  ])('reports a %s section of %j once, not every reference into it', (section, value, message) => {
    expect(errorsOf(edited([[section], value]))).toEqual([{ file: 'bad.yaml', path: section, message }]);
  });

  it('reports a list price of 0 on the SKU alone, not on the offers measured against it', () => {
    expect(errorsOf(edited([['catalog', 0, 'listPrice'], 0])).map((e) => e.path)).toEqual([
      'catalog[0].listPrice',
    ]);
  });

  it('accepts a SKU with no stock and no safety stock (a gift or a pre-sale-only SKU)', () => {
    const text = edited([['catalog', 2, 'stock'], 0]);
    expect(parseCampaign(text, 'ok.yaml').ok).toBe(true);
  });

  it('does not blame references on an item that is itself invalid', () => {
    // The TV's price is bad; promotions on the TV are not also "unknown SKU".
    const errors = errorsOf(edited([['catalog', 0, 'listPrice'], 'n/a']));
    expect(errors.map((error) => error.path)).toEqual(['catalog[0].listPrice']);
  });
});

describe('parseCampaign: the file as bytes', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  // 大促 as GBK/GB18030 encodes it, as a Windows editor may save the file. (Not 双十一: its GBK
  // bytes CB AB CA AE D2 BB happen to be valid UTF-8, "˫ʮһ", which no decoder can tell apart.)
  const gbkDaCu = [0xb4, 0xf3, 0xb4, 0xd9];
  const withBytes = (...parts: (string | number[])[]) =>
    new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...utf8(part)] : part)));

  it('reads UTF-8 bytes as the text they hold, with or without a byte order mark', () => {
    const fromText = parseValid();
    for (const bytes of [utf8(VALID), withBytes([0xef, 0xbb, 0xbf], VALID)]) {
      const result = parseCampaign(bytes, 'campaign.yaml');
      expect(result.ok && result.campaign).toEqual(fromText);
    }
  });

  it('refuses a file that is not UTF-8 (GBK, GB18030) rather than read its Chinese as mojibake', () => {
    const bytes = withBytes('# dacu\ncampaign: { id: d11, name: "2026 ', gbkDaCu, '" }\n');
    expect(errorsOf(bytes)).toEqual([
      {
        file: 'bad.yaml',
        path: '(root)',
        message:
          'the file is not valid UTF-8 (first bad byte on line 2; saved as GBK or GB18030?): save it as UTF-8',
      },
    ]);
  });
});

describe('parseCampaign: an empty file', () => {
  it.each([
    ['', 'the file is empty'],
    ['\n  \n', 'the file is empty'],
    ['\uFEFF', 'the file is empty'],
    [
      '# 2026 双十一\n# to be written\n',
      'the file holds nothing but comments: expected a mapping with campaign, stores, catalog, … (campaign-file.md)',
    ],
  ])('says what is wrong with %j', (text, message) => {
    expect(errorsOf(text)).toEqual([{ file: 'bad.yaml', path: '(root)', message }]);
  });
});

describe('parseCampaign: YAML values', () => {
  it('keeps unquoted timestamps as text (core schema), read in the campaign zone, not UTC', () => {
    const campaign = parseValid(VALID.replace('end: 2026-11-11 20:30:00', 'end: 2026-11-11 20:30:00.000'));
    expect(promotion(campaign, 'p-flash', 'flash-sale').window.endMs).toBe(beijing(11, 11, 20, 30));
  });

  it('takes a Date (what a YAML 1.1 parser makes of a timestamp) as the instant it is', () => {
    const at = new Date(Date.UTC(2026, 10, 11, 12));
    expect(instantField('Asia/Shanghai').parse(at)).toBe(at.getTime());
    expect(instantField('Asia/Shanghai').safeParse(new Date(Number.NaN)).success).toBe(false);
  });

  it('reads money written as numbers or text to the fen', () => {
    const withPrice = (price: string) =>
      promotion(
        parseValid(VALID.replace('price: 1999, quantity', `price: ${price}, quantity`)),
        'p-flash',
        'flash-sale',
      ).priceFen;
    expect(withPrice('1999.5')).toBe(199_950);
    expect(withPrice('"1999.50"')).toBe(199_950);
    expect(withPrice('0.1')).toBe(10);
    expect(withPrice('0.29')).toBe(29);
    expect(withPrice('0')).toBe(0);
  });
});

describe('formatCampaignErrors', () => {
  it('writes one FILE: path: message line per error', () => {
    expect(
      formatCampaignErrors([
        {
          file: 'c.yaml',
          path: 'promotions[3].tiers[1].spend',
          message: 'tiers must rise: 300 is not above 500',
        },
        { file: 'c.yaml', path: '(root)', message: 'YAML syntax error at line 1, column 1: x' },
      ]),
    ).toBe(
      'c.yaml: promotions[3].tiers[1].spend: tiers must rise: 300 is not above 500\n' +
        'c.yaml: (root): YAML syntax error at line 1, column 1: x',
    );
  });
});
