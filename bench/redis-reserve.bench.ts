// node --import tsx bench/redis-reserve.bench.ts [--n 200000] [--concurrency 64] [--connections 2]
//                                                [--rounds 3]
//
// How close RedisHotLedger.reserve from Node comes to what Redis itself can do with the same
// script. (a) The real reserve script is loaded into the local Redis and driven by redis-benchmark
// (50 clients, pipeline 16, random order ids): the server's ceiling. (b) The same number of
// single-unit reserves through RedisHotLedger from one Node process: many promises in flight over
// a few auto-pipelined connections. Both sell a SKU stocked at 90% of n, so both runs do the same
// mix of takes and sold-out answers. (a) and (b) alternate for a few rounds, because on a small
// shared machine one run alone is at the mercy of its neighbours; the medians are compared. Prints
// both rates, their ratio (goal ≥ 0.7), our latency percentiles and the oversell check.
// Needs Redis at REDIS_URL and redis-benchmark on PATH.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { purgePrefix } from '../src/store/redis/__fixtures__/redis-test-kit.ts';
import type { SkuStock } from '../src/store/redis/hot-types.ts';
import { RedisHotLedger } from '../src/store/redis/redis-hot-ledger.ts';
import { HotKeys } from '../src/store/redis/redis-keys.ts';
import { RESERVE_LUA } from '../src/store/redis/scripts.ts';

const run = promisify(execFile);

function option(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const value = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const n = Number(value);
  assert(Number.isSafeInteger(n) && n > 0, `--${name} needs a whole number > 0`);
  return n;
}

const n = option('n', 200_000);
const concurrency = option('concurrency', 64);
const connectionCount = option('connections', 2);
const rounds = option('rounds', 3);
const stockUnits = Math.floor(n * 0.9);
const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
// A prefix per run and phase: a SKU id belongs to one store within a prefix.
const runId = `bench-${randomUUID().slice(0, 8)}`;
const prefixes: string[] = [];
function freshPrefix(phase: string): string {
  prefixes.push(`${runId}-${phase}`);
  return prefixes[prefixes.length - 1]!;
}
const sku = 'hot-phone';

async function redisBenchmarkRate(admin: Redis): Promise<number> {
  const storeId = 'rb';
  const prefix = freshPrefix(`rb${prefixes.length}`);
  const ledger = new RedisHotLedger(admin, prefix);
  await ledger.openStock([{ sku, storeId, initial: stockUnits }]);
  const sha = String(await admin.script('LOAD', RESERVE_LUA));
  const base = `${prefix}:{s:${storeId}}`;
  // Same argument shape as RedisHotLedger.reserve for one line and no offer takes.
  // The record key and the order id get different random numbers (redis-benchmark draws one per
  // placeholder, always 12 digits, so the script still finds the slot's base): each call files a
  // new record and open entry, as ours does.
  const command = ['EVALSHA', sha, '1', HotKeys.record(base, '__rand_int__'), '__rand_int__'];
  command.push('1000', 'b', '1', '0', sku, '1');
  const { stdout } = await run(
    'redis-benchmark',
    [
      ...['-h', url.hostname, '-p', url.port || '6379', '-n', String(n), '-c', '50', '-P', '16'],
      ...['-r', '2000000000', '-q', ...command],
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const last = stdout.split(/\r/).pop() ?? stdout;
  const match = /([\d.]+) requests per second/.exec(last);
  assert(match, `cannot read redis-benchmark's output: ${stdout}`);
  // The script answers errors fast: make sure the run really reserved (all but a few collisions).
  const stock = (await ledger.stockOf([sku])).get(sku)!;
  assert(stock.reserved <= stockUnits && stock.available >= 0, 'redis-benchmark run oversold');
  assert(stock.reserved >= stockUnits * 0.99, `redis-benchmark run reserved only ${stock.reserved}`);
  const errors = /ERR|error/i.test(stdout);
  assert(!errors, `redis-benchmark got errors: ${stdout.slice(0, 500)}`);
  return Number(match[1]);
}

interface OurRun {
  rate: number;
  taken: number;
  latenciesMs: Float64Array;
  stock: SkuStock;
  /** SKUs breaking the stock identity (none expected). */
  broken: string[];
}

/** `count` reserves of one unit by `concurrency` workers over the connections' ledgers. */
async function ourRate(connections: Redis[], count: number): Promise<OurRun> {
  const storeId = 'ours';
  const prefix = freshPrefix(`ours${prefixes.length}`);
  const ledgers = connections.map((c) => new RedisHotLedger(c, prefix));
  await ledgers[0]!.openStock([{ sku, storeId, initial: stockUnits }]);
  const latenciesMs = new Float64Array(count);
  let next = 0;
  let taken = 0;
  const worker = async (w: number) => {
    const ledger = ledgers[w % ledgers.length]!;
    const lines = [{ sku, qty: 1 }];
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      const r = await ledger.reserve({ orderId: `o${i}`, storeId, buyerId: 'b', lines, takes: [], at: i });
      latenciesMs[i] = performance.now() - t0;
      if (r.ok) taken += 1;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const rate = count / ((performance.now() - t0) / 1000);
  const stock = (await ledgers[0]!.stockOf([sku])).get(sku)!;
  return { rate, taken, latenciesMs, stock, broken: await ledgers[0]!.checkIdentity() };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function soundness(r: OurRun): string | null {
  const { stock, broken } = r;
  if (stock.reserved + stock.sold > stock.initial + stock.restocked) return 'oversold';
  if (stock.reserved !== r.taken) return `reserved ${stock.reserved} but ${r.taken} answered ok`;
  if (broken.length > 0) return `identity broken for ${broken.join(', ')}`;
  return null;
}

async function main(): Promise<void> {
  const admin = new Redis(url.href);
  const connections = Array.from(
    { length: connectionCount },
    () => new Redis(url.href, { enableAutoPipelining: true }),
  );
  try {
    // Warm-up: scripts cached per connection, JIT settled.
    await ourRate(connections, Math.min(20_000, n));
    console.log(
      `redis-reserve bench: n=${n}, stock=${stockUnits}, concurrency=${concurrency}, connections=${connectionCount}, rounds=${rounds}`,
    );
    const ceilings: number[] = [];
    const ours: OurRun[] = [];
    for (let round = 1; round <= rounds; round++) {
      ceilings.push(await redisBenchmarkRate(admin));
      ours.push(await ourRate(connections, n));
      const c = ceilings[round - 1]!;
      const o = ours[round - 1]!;
      console.log(
        `  round ${round}: redis-benchmark ${c.toFixed(0)}/s, ours ${o.rate.toFixed(0)}/s, ratio ${(o.rate / c).toFixed(2)}`,
      );
      await Promise.all(prefixes.splice(0).map((p) => purgePrefix(admin, p)));
    }
    const ceiling = median(ceilings);
    const rate = median(ours.map((o) => o.rate));
    const latencies = new Float64Array(ours.reduce((sum, o) => sum + o.latenciesMs.length, 0));
    ours.reduce((offset, o) => {
      latencies.set(o.latenciesMs, offset);
      return offset + o.latenciesMs.length;
    }, 0);
    latencies.sort();
    const at = (p: number) => percentile(latencies, p).toFixed(2);
    const problems = ours.map(soundness).filter((p) => p !== null);
    const last = ours[ours.length - 1]!;
    console.log(`  redis-benchmark EVALSHA (c=50, P=16), median: ${ceiling.toFixed(0)} reserves/s`);
    console.log(`  RedisHotLedger.reserve from Node, median:   ${rate.toFixed(0)} reserves/s`);
    console.log(`  ratio: ${(rate / ceiling).toFixed(2)} (goal ≥ 0.70)`);
    console.log(
      `  latency ms (all rounds): p50 ${at(50)}, p99 ${at(99)}, max ${latencies[latencies.length - 1]!.toFixed(2)}`,
    );
    console.log(
      `  oversell check: each round took ${last.taken} of ${stockUnits} units, identity holds — ` +
        `${problems.length === 0 ? 'ok' : `BROKEN: ${problems.join('; ')}`}`,
    );
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await Promise.all(prefixes.map((p) => purgePrefix(admin, p)));
    await Promise.all([admin, ...connections].map((c) => c.quit()));
  }
}

await main();
