// The baseline every HTTP bench sets its figure against: a bare Fastify hello-world
// (bench/hello-server.ts) in a process of its own, loaded by autocannon on loopback, in the same
// run on the same 2 cores. Speeds on this machine drift by tens of percent from hour to hour; the
// ratio to this baseline is the figure to compare across runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../src/support/free-port.ts';
import { type CpuPerRequest, cpuPerRequest, sampleCpu } from './cpu-per-request.ts';

const root = join(import.meta.dirname, '..');

export interface Measured {
  result: autocannon.Result;
  cpu: CpuPerRequest | null;
}

export async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not come up`);
}

function start(argv: string[]): ChildProcess {
  return spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Runs the load and samples the server's CPU around it. */
export async function loadWithCpu(pid: number, load: () => Promise<autocannon.Result>): Promise<Measured> {
  const before = await sampleCpu(pid);
  const result = await load();
  const after = await sampleCpu(pid);
  return { result, cpu: cpuPerRequest(pid, before, after, result.requests.total) };
}

export async function measureHello(connections: number, seconds: number): Promise<Measured> {
  const port = await freePort();
  const child = start(['--import', 'tsx', 'bench/hello-server.ts', String(port)]);
  try {
    await waitReady(`http://127.0.0.1:${port}/`);
    const url = `http://127.0.0.1:${port}/`;
    return await loadWithCpu(child.pid!, () => autocannon({ url, connections, duration: seconds }));
  } finally {
    child.kill();
  }
}
