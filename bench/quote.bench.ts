// npm run bench:quote — quotes per second and latency percentiles for the issue's reference cart:
// 30 lines over 4 stores, 12 promotions, a wallet of 8 coupons + 2 red envelopes, exact choice on.
// One process, one core (Node runs the engine on one thread). Prints what it measured.

import { parseCampaign } from '../src/domain/campaign-file.ts';
import { indexCampaign } from '../src/domain/campaign-index.ts';
import { parseCartInput } from '../src/domain/quote/cart-input.ts';
import { quoteCart } from '../src/domain/quote/quote.ts';

const STORES = ['s1', 's2', 's3', 's4'];
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seconds = Number(args.get('seconds') ?? 5);

function campaignYaml(): string {
  const catalog = STORES.flatMap((store, s) =>
    Array.from({ length: 10 }, (_, k) => {
      const price = 59 + (((s * 10 + k) * 37) % 900);
      const category = k % 2 === 0 ? 'appliances' : 'beauty';
      return `  - { sku: ${store}-k${k}, store: ${store}, title: 商品${s}${k}, category: ${category}, role: regular, listPrice: ${price}.9, cost: ${Math.floor(price / 2)}, stock: 100000 }`;
    }),
  );
  const tiers = STORES.map(
    (store) =>
      `  - { id: st-${store}, kind: store-threshold, store: ${store}, tiers: [{ spend: 300, save: 30 }, { spend: 800, save: 100 }, { spend: 2000, save: 300 }] }`,
  );
  return [
    'campaign: { id: bench, name: bench }',
    'memberships: [{ id: vip88, name: 88VIP, discountPercent: 5 }]',
    `stores: [${STORES.map((s) => `{ id: ${s}, name: 店${s} }`).join(', ')}]`,
    'catalog:',
    ...catalog,
    'promotions:',
    ...tiers,
    '  - { id: cross, kind: cross-store, every: 300, save: 50 }',
    '  - { id: ltd-a, kind: limited-time, skus: [s1-k0, s1-k1, s2-k0], percentOff: 30 }',
    '  - { id: ltd-b, kind: limited-time, skus: [s3-k0, s4-k1], percentOff: 15 }',
    '  - { id: flash, kind: flash-sale, sku: s1-k2, price: 9.9, quantity: 1000, perBuyer: 1, start: 2026-11-11T20:00, end: 2026-11-11T21:00 }',
    '  - { id: ladder, kind: ladder, sku: s2-k1, tiers: [{ minQty: 2, unitPrice: 50 }, { minQty: 3, unitPrice: 40 }] }',
    '  - { id: member, kind: member-price, sku: s3-k1, membership: vip88, price: 30 }',
    '  - { id: bundle, kind: bundle, skus: [s4-k2, s4-k3], price: 100 }',
    '  - { id: first, kind: first-n, sku: s2-k2, price: 20, firstN: 100 }',
    'coupons:',
    ...STORES.map((s) => `  - { id: c-${s}, kind: store, store: ${s}, threshold: 200, amount: 20 }`),
    '  - { id: c-s1-big, kind: store, store: s1, threshold: 1000, amount: 120 }',
    '  - { id: c-plat, kind: platform, threshold: 1000, amount: 100 }',
    '  - { id: c-plat-s2, kind: platform, threshold: 300, amount: 60, stores: [s2, s3] }',
    '  - { id: c-cat, kind: category, category: appliances, threshold: 500, amount: 50 }',
    '  - { id: r-1, kind: red-envelope, amount: 10 }',
    '  - { id: r-2, kind: red-envelope, amount: 25 }',
  ].join('\n');
}

if (process.env.DUMP) {
  (await import('node:fs')).writeFileSync('/tmp/bench.yaml', campaignYaml());
}
const parsed = parseCampaign(campaignYaml(), 'bench-campaign.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors, null, 2));
const index = indexCampaign(parsed.campaign);
const lines = STORES.flatMap((store, s) =>
  Array.from({ length: s < 2 ? 8 : 7 }, (_, k) => ({ sku: `${store}-k${k}`, qty: 1 + (k % 3) })),
);
const wallet = ['c-s1', 'c-s2', 'c-s3', 'c-s4', 'c-s1-big', 'c-plat', 'c-plat-s2', 'c-cat', 'r-1', 'r-2'];
const input = parseCartInput(
  { buyer: { id: 'u1', memberships: ['vip88'] }, at: '2026-11-11T20:05:00', lines, wallet },
  'Asia/Shanghai',
);
if (!input.ok) throw new Error(JSON.stringify(input.errors));
const cart = input.cart;
if (process.env.DUMP) {
  (await import('node:fs')).writeFileSync(
    '/tmp/bench-cart.json',
    JSON.stringify({ buyer: { id: 'u1', memberships: ['vip88'] }, at: '2026-11-11T20:05:00', lines, wallet }),
  );
  process.exit(0);
}

const first = quoteCart(index, cart);
if (!first.ok) throw new Error(first.error.message);
console.log(
  `cart: ${lines.length} lines, ${STORES.length} stores, ${parsed.campaign.promotions.length} promotions, wallet ${wallet.length}; payable ${first.quote.payable} fen, ${first.quote.applied.length} discounts applied`,
);

for (let i = 0; i < 2000; i++) quoteCart(index, cart); // warm the JIT
const samples: number[] = [];
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
while (performance.now() < deadline) {
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    quoteCart(index, cart);
    samples.push(performance.now() - t0);
  }
}
const elapsedS = (performance.now() - started) / 1000;
samples.sort((a, b) => a - b);
const pct = (p: number) =>
  samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]! * 1000;
const rate = samples.length / elapsedS;
const result = {
  bench: 'quote',
  quotes: samples.length,
  seconds: Number(elapsedS.toFixed(2)),
  quotesPerSecond: Math.round(rate),
  p50Us: Number(pct(50).toFixed(1)),
  p99Us: Number(pct(99).toFixed(1)),
  target: 20_000,
  meetsTarget: rate >= 20_000,
};
console.log(
  `quotes/s ${result.quotesPerSecond} (target ≥ 20000: ${result.meetsTarget ? 'met' : 'NOT met'}), p50 ${result.p50Us} µs, p99 ${result.p99Us} µs over ${result.quotes} quotes`,
);
console.log(JSON.stringify(result));
