// In-process order intake, no HTTP (part of npm run bench:orders): durable orders per second
// through the trade engine on SQLite (WAL, synchronous=FULL, group commit), for one-line flash
// carts and for 5-line carts over 3 stores. Prints what it measured, and checks the stock identity.
// `node --import tsx bench/orders-inprocess.ts [checkouts]`; LINES=1 or 5 runs one cart size,
// INFLIGHT sets the checkouts in flight (default 2,048: two group-commit batches, so one fills
// while the other is written).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCampaign } from '../src/domain/campaign-file.ts';
import { indexCampaign } from '../src/domain/campaign-index.ts';
import { SimulatedChannel } from '../src/services/payments/simulated-channel.ts';
import { TradeEngine } from '../src/services/trade-engine.ts';
import { SqliteTradeStore } from '../src/store/sql/sqlite-trade-store.ts';

const STORES = ['s1', 's2', 's3'];

export function benchCampaignYaml(stockPerSku: number): string {
  const catalog = STORES.flatMap((store, s) =>
    Array.from(
      { length: 10 },
      (_, k) =>
        `  - { sku: ${store}-k${k}, store: ${store}, title: 商品${s}${k}, category: c${k % 3}, role: regular, listPrice: ${100 + s * 10 + k}, cost: 50, stock: ${stockPerSku} }`,
    ),
  );
  return [
    'campaign: { id: bench-orders, name: bench-orders }',
    `stores: [${STORES.map((s) => `{ id: ${s}, name: 店${s} }`).join(', ')}]`,
    'catalog:',
    ...catalog,
    'promotions:',
    ...STORES.map(
      (s) =>
        `  - { id: st-${s}, kind: store-threshold, store: ${s}, tiers: [{ spend: 200, save: 20 }, { spend: 500, save: 60 }] }`,
    ),
    '  - { id: cross, kind: cross-store, every: 300, save: 30 }',
    '  - { id: ltd, kind: limited-time, skus: [s1-k0, s2-k0], percentOff: 20 }',
  ].join('\n');
}

export async function runInProcess(
  orders: number,
  cartLines: 1 | 5,
): Promise<{
  ordersPerSecond: number;
  checkoutsPerSecond: number;
  batches: number;
  largestBatch: number;
  identityHolds: boolean;
}> {
  const parsed = parseCampaign(benchCampaignYaml(10_000_000), 'bench.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const dir = mkdtempSync(join(tmpdir(), 'dacu-bench-'));
  const store = new SqliteTradeStore({ file: join(dir, 'bench.db'), synchronous: 'full' });
  const engine = await TradeEngine.start({
    index: indexCampaign(parsed.campaign),
    store,
    channels: [new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 })],
  });
  const cart = (i: number) =>
    cartLines === 1
      ? [{ sku: `s1-k${i % 10}`, qty: 1 }]
      : [0, 1, 2, 3, 4].map((k) => ({ sku: `${STORES[k % 3]}-k${(i + k) % 10}`, qty: 1 + (k % 2) }));
  const inFlightMax = Number(process.env.INFLIGHT ?? 2048);
  let placed = 0;
  const started = performance.now();
  let next = 0;
  async function worker(): Promise<void> {
    while (next < orders) {
      const i = next++;
      const result = await engine.placeOrder({
        buyer: { id: `u${i}`, memberships: [] },
        lines: cart(i),
        wallet: [],
      });
      if (result.ok) placed += result.value.orders.length;
    }
  }
  await Promise.all(Array.from({ length: inFlightMax }, worker));
  const seconds = (performance.now() - started) / 1000;
  let identityHolds = true;
  for (const [sku] of engine.ctx.ledger.skus()) {
    try {
      engine.ctx.ledger.assertIdentity(sku);
    } catch {
      identityHolds = false;
    }
  }
  const stats = engine.ctx.commits.stats;
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    ordersPerSecond: Math.round(placed / seconds),
    checkoutsPerSecond: Math.round(orders / seconds),
    batches: stats.batches,
    largestBatch: stats.largestBatch,
    identityHolds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100_000);
  for (const lines of (process.env.LINES ? [Number(process.env.LINES)] : [1, 5]) as (1 | 5)[]) {
    const r = await runInProcess(n, lines);
    console.log(
      `in-process, ${lines}-line carts: ${r.checkoutsPerSecond} checkouts/s = ${r.ordersPerSecond} durable store orders/s (${r.batches} group commits, largest ${r.largestBatch}); stock identity ${r.identityHolds ? 'holds' : 'BROKEN'}`,
    );
  }
}
