// npm run bench:day — the rehearsal's speed (issue: a 1,000,000-order day in under 5 minutes),
// set against a bare Fastify hello-world measured in the same run, before and after it, with the
// same number of connections. It runs the real `dacu simulate` (its own server in process, SQLite,
// the demo campaign) and reads its --json.
//   node --import tsx bench/rehearsal.bench.ts [--seconds=60] [--whole-day] [--orders=1000000]
// --seconds caps the driving (the day is then cut short: the rates are those of its first part,
// the midnight rush); --whole-day plays the whole day whatever it takes (≈ 15–20 min here).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimResult } from '../src/sim/run.ts';
import { measureHello } from './hello-baseline.ts';

const TARGET_SECONDS = 300;
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const wholeDay = args.has('whole-day');
const seconds = Number(args.get('seconds') ?? 60);
const orders = Number(args.get('orders') ?? 1_000_000);
const concurrency = Number(args.get('concurrency') ?? 256);
const baselineSeconds = 10;
const root = join(import.meta.dirname, '..');

/** What this bench reads of `dacu simulate --json` (its requests/s: the shoppers' requests over
 *  the driving time, not the check's reads after it). */
type SimJson = Pick<SimResult, 'ok' | 'run' | 'timing' | 'throughput' | 'counts'>;

/** The whole day must be played to the end; the capped run stops at its cap (simulate's exit 3). */
function passed(code: number | null): boolean {
  return code === 0 || (!wholeDay && code === 3);
}

function simulate(jsonFile: string): Promise<number> {
  const argv = ['bin/dacu.js', 'simulate', '--orders', String(orders), '--speed', '288'];
  argv.push('--concurrency', String(concurrency), '--json', jsonFile);
  argv.push('--max-seconds', wholeDay ? '7200' : String(seconds));
  // Its progress bar would bury this bench's lines: its stderr is shown only if it fails.
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const errors: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      if (!passed(code)) process.stderr.write(Buffer.concat(errors).toString('utf8').slice(-4000));
      resolve(code ?? 1);
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'dacu-bench-day-'));
const jsonFile = join(dir, 'day.json');
console.log(
  `bench:day — dacu simulate --orders ${orders} --speed 288 --concurrency ${concurrency} ${wholeDay ? '(the whole day)' : `--max-seconds ${seconds}`}; baseline: bare Fastify, autocannon, ${concurrency} connections, ${baselineSeconds} s before and after`,
);
const before = await measureHello(concurrency, baselineSeconds);
const exitCode = await simulate(jsonFile);
const after = await measureHello(concurrency, baselineSeconds);
const sim = JSON.parse(readFileSync(jsonFile, 'utf8')) as SimJson;
rmSync(dir, { recursive: true, force: true });

const baseline = (before.result.requests.average + after.result.requests.average) / 2;
const requestsPerSecond = sim.throughput.requestsPerSecond;
const shopperRequests = Math.round(requestsPerSecond * sim.timing.driveSeconds);
const attempts = sim.counts.sessions * (orders / sim.run.sessionsPlanned);
const ratio = requestsPerSecond / baseline;
console.log(
  `bare Fastify hello-world: ${Math.round(before.result.requests.average)} req/s before, ${Math.round(after.result.requests.average)} after`,
);
console.log(
  `rehearsal: ${sim.run.day.from} → ${sim.run.day.to}, ${sim.counts.sessions} of ${sim.run.sessionsPlanned} shoppers (≈ ${Math.round(attempts)} order attempts), ${shopperRequests} shoppers' requests in ${sim.timing.driveSeconds} s driving (${sim.timing.totalSeconds} s in all), stopped by ${sim.run.stoppedBy}`,
);
console.log(
  `  ${Math.round(requestsPerSecond)} requests/s, ${Math.round(sim.counts.checkoutsAttempted / sim.timing.driveSeconds)} checkouts/s, ${Math.round(attempts / sim.timing.driveSeconds)} order attempts/s; server loop ${sim.timing.serverLoop?.microsPerRequest ?? '—'} µs of CPU a request, busy ${sim.timing.serverLoop?.busyPercent ?? '—'}%, waiting for a core ${sim.timing.serverLoop?.waitingPercent ?? '—'}%; errors ${sim.counts.errors}; invariants ${sim.ok ? 'hold' : 'BROKEN'}`,
);
console.log(`ratio of the rehearsal's requests/s to bare Fastify: ${ratio.toFixed(3)}`);
if (wholeDay && sim.run.stoppedBy === 'done') {
  const met = sim.timing.totalSeconds <= TARGET_SECONDS;
  console.log(
    `whole day: ${sim.timing.totalSeconds} s (goal ≤ ${TARGET_SECONDS} s: ${met ? 'met' : `NOT met, ×${(sim.timing.totalSeconds / TARGET_SECONDS).toFixed(1)}`}); at the bare hello-world's rate its ${shopperRequests} requests would take ${Math.round(shopperRequests / baseline)} s`,
  );
} else {
  const needed = (attempts / sim.timing.driveSeconds) * TARGET_SECONDS;
  console.log(
    `at this pace ${Math.round(needed)} order attempts fit in ${TARGET_SECONDS} s (goal ${orders}; a capped run plays only the start of the day, whose mix differs: --whole-day for the real figure)`,
  );
}
console.log(
  JSON.stringify({
    bench: 'day',
    wholeDay,
    helloReqPerSec: [Math.round(before.result.requests.average), Math.round(after.result.requests.average)],
    requestsPerSec: Math.round(requestsPerSecond),
    ratio: Number(ratio.toFixed(3)),
    shoppers: sim.counts.sessions,
    requests: shopperRequests,
    driveSeconds: sim.timing.driveSeconds,
    totalSeconds: sim.timing.totalSeconds,
    serverLoopMicrosPerRequest: sim.timing.serverLoop?.microsPerRequest ?? null,
    serverLoopBusyPercent: sim.timing.serverLoop?.busyPercent ?? null,
    serverLoopWaitingPercent: sim.timing.serverLoop?.waitingPercent ?? null,
    invariantsHold: sim.ok,
  }),
);
if (!passed(exitCode) || !sim.ok) process.exitCode = 1;
