// npm run bench:orders — order intake over HTTP on loopback, next to a bare Fastify hello-world
// measured in the same run on the same machine (the load generator shares the 2 cores with the
// server, so the ratio is the figure to read). Then the oversell check and the in-process rate.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnServe } from '../test/support/serve-process.ts';
import { describeCpu } from './cpu-per-request.ts';
import { loadWithCpu, type Measured, measureHello } from './hello-baseline.ts';
import { orderLoad } from './order-load.ts';
import { benchCampaignYaml, runInProcess } from './orders-inprocess.ts';

// --backend redis: the shared backend (PostgreSQL + Redis, 1–3 servers) instead.
const backendAt = process.argv.indexOf('--backend');
if (backendAt >= 0 && process.argv[backendAt + 1] === 'redis') {
  await import('./orders-shared.bench.ts');
  process.exit(process.exitCode ?? 0);
}

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seconds = Number(args.get('seconds') ?? 10);
const connections = Number(args.get('connections') ?? 64);
const inProcessOrders = Number(args.get('in-process-orders') ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'dacu-bench-orders-'));

async function measureOrders(db: string, campaign: string, durability: 'full' | 'normal'): Promise<Measured> {
  const server = await spawnServe(['--campaign', campaign, '--db', db, '--durability', durability]);
  try {
    return await loadWithCpu(server.child.pid!, () => orderLoad(server.url, connections, seconds));
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/** Oversold units: any SKU whose counters break initial + restocked = available + reserved + sold. */
function oversellCheck(db: string): { oversold: number; ordersInDb: number; identityHolds: boolean } {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite.prepare('SELECT * FROM stock').all() as {
      initial: number;
      restocked: number;
      available: number;
      reserved: number;
      sold: number;
    }[];
    let oversold = 0;
    let identityHolds = true;
    for (const s of rows) {
      oversold += Math.max(0, s.reserved + s.sold - (s.initial + s.restocked));
      if (s.available < 0 || s.initial + s.restocked !== s.available + s.reserved + s.sold)
        identityHolds = false;
    }
    const ordersInDb = (sqlite.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n;
    return { oversold, ordersInDb, identityHolds };
  } finally {
    sqlite.close();
  }
}

const campaign = join(dir, 'bench-campaign.yaml');
writeFileSync(campaign, benchCampaignYaml(100_000_000));
const db = join(dir, 'bench.db');
console.log(
  `bench:orders — ${connections} connections, ${seconds} s each, autocannon on loopback, 2 cores shared`,
);
const { result: hello, cpu: helloCpu } = await measureHello(connections, seconds);
console.log(
  `bare Fastify hello-world: ${Math.round(hello.requests.average)} req/s, p99 ${hello.latency.p99} ms`,
);
console.log(`  ${describeCpu(helloCpu)}`);
const durability = args.get('durability') === 'normal' ? 'normal' : 'full';
const { result: orders, cpu: ordersCpu } = await measureOrders(db, campaign, durability);
const accepted = orders['2xx'] / seconds;
console.log(
  `dacu POST /api/orders (1-line cart, priced, reserved, group commit, durability ${durability}): ${Math.round(accepted)} orders/s, p99 ${orders.latency.p99} ms, non-2xx ${orders.non2xx}, errors ${orders.errors}`,
);
console.log(`  ${describeCpu(ordersCpu)}`);
const ratio = accepted / hello.requests.average;
console.log(`ratio to bare Fastify: ${ratio.toFixed(2)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
const check = oversellCheck(db);
console.log(
  `oversell check: oversold ${check.oversold} units, stock identity ${check.identityHolds ? 'holds' : 'BROKEN'}, ${check.ordersInDb} orders on disk for ${orders['2xx']} acknowledged`,
);
const inProcess = await runInProcess(inProcessOrders, 1);
console.log(
  `in-process (no HTTP): ${inProcess.ordersPerSecond} durable orders/s (goal ≥ 200000: ${inProcess.ordersPerSecond >= 200_000 ? 'met' : 'NOT met'})`,
);
console.log(
  JSON.stringify({
    bench: 'orders',
    helloReqPerSec: Math.round(hello.requests.average),
    ordersPerSec: Math.round(accepted),
    ratio: Number(ratio.toFixed(3)),
    ordersP99Ms: orders.latency.p99,
    oversold: check.oversold,
    acknowledged: orders['2xx'],
    ordersInDb: check.ordersInDb,
    inProcessOrdersPerSec: inProcess.ordersPerSecond,
    helloCpuUsPerRequest: helloCpu,
    ordersCpuUsPerRequest: ordersCpu,
  }),
);
rmSync(dir, { recursive: true, force: true });
if (check.oversold > 0 || !check.identityHolds || check.ordersInDb < orders['2xx']) process.exitCode = 1;
