// npm run bench:orders -- --backend redis — order intake on the shared backend (PostgreSQL +
// Redis) with 1, 2 and 3 `dacu serve` processes, autocannon on loopback spread over them, a fresh
// schema and Redis prefix each round; then the oversell check in Redis and the orders in
// PostgreSQL. The reservation rate against raw redis-benchmark is bench/redis-reserve.bench.ts.
// On this 2-core machine the servers, PostgreSQL, Redis and the load generator share the cores:
// read the figures as how the shared backend behaves, not as a cluster's capacity.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RedisHotLedger } from '../src/store/redis/redis-hot-ledger.ts';
import { parsePostgresUrl } from '../src/store/sql/postgres-url.ts';
import { type ServeProcess, spawnServe } from '../test/support/serve-process.ts';
import { dropRedisPrefix, dropTestSchema, freshPostgresUrl, REDIS_URL } from '../test/support/test-store.ts';
import { orderLoad } from './order-load.ts';
import { benchCampaignYaml } from './orders-inprocess.ts';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const seconds = flag('seconds', 10);
const connections = flag('connections', 64);
const dir = mkdtempSync(join(tmpdir(), 'dacu-bench-shared-'));
const campaign = join(dir, 'bench-campaign.yaml');
writeFileSync(campaign, benchCampaignYaml(100_000_000));

function startServer(db: string, prefix: string): Promise<ServeProcess> {
  const limit = process.env.DACU_BENCH_BUYER_LIMIT;
  return spawnServe([
    '--campaign',
    campaign,
    '--db',
    db,
    '--redis',
    REDIS_URL,
    '--redis-prefix',
    prefix,
    ...(limit ? ['--buyer-limit', limit] : []),
  ]);
}

async function round(servers: number) {
  const db = freshPostgresUrl();
  const { connectionString, schema } = parsePostgresUrl(db);
  const prefix = `dacu:${schema}:bench-orders`;
  const running = [];
  for (let i = 0; i < servers; i++) running.push(await startServer(db, prefix));
  const results = await Promise.all(
    running.map((s, i) => orderLoad(s.url, Math.ceil(connections / servers), seconds, i * 100_000_000)),
  );
  for (const s of running) s.child.kill('SIGTERM');
  await Promise.all(running.map((s) => new Promise((r) => s.child.once('exit', r))));
  const acknowledged = results.reduce((sum, r) => sum + r['2xx'], 0);
  const p99 = Math.max(...results.map((r) => r.latency.p99));
  const redis = new Redis(REDIS_URL);
  const hot = new RedisHotLedger(redis, prefix);
  const broken = await hot.checkIdentity();
  const skus = Array.from({ length: 10 }, (_, k) => `s1-k${k}`);
  const reserved = [...(await hot.stockOf(skus)).values()].reduce((sum, s) => sum + s.reserved, 0);
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await client.connect();
  const inDb = Number((await client.query('SELECT count(*) AS n FROM orders')).rows[0].n);
  await client.end();
  await dropRedisPrefix(redis, prefix);
  await redis.quit();
  await dropTestSchema(db);
  return {
    servers,
    ordersPerSec: Math.round(acknowledged / seconds),
    p99,
    acknowledged,
    inDb,
    reserved,
    broken,
  };
}

console.log(
  `bench:orders --backend redis — ${connections} connections in all, ${seconds} s per round, 2 cores shared`,
);
const rounds = [];
for (const servers of [1, 2, 3]) {
  const r = await round(servers);
  rounds.push(r);
  console.log(
    `${servers} server(s): ${r.ordersPerSec} orders/s, p99 ${r.p99} ms; ${r.inDb} orders in PostgreSQL for ${r.acknowledged} acknowledged, ${r.reserved} units reserved in Redis, identity ${r.broken.length === 0 ? 'holds' : `BROKEN for ${r.broken.join(', ')}`}`,
  );
}
console.log(JSON.stringify({ bench: 'orders-shared', rounds }));
rmSync(dir, { recursive: true, force: true });
if (rounds.some((r) => r.broken.length > 0 || r.inDb < r.acknowledged || r.reserved !== r.inDb))
  process.exitCode = 1;
