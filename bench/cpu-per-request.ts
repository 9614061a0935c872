// CPU time per request, beside the rates (bench:orders): on 2 shared cores the rate depends on
// what the load generator costs too, so the bench shows where the CPU went. The server's time
// comes from /proc/<pid>/task/*/stat (Linux), per thread: its main thread, and every other thread
// (the SQLite writer, GC helpers, libuv). The load generator's is this process's own.
import { readdir, readFile } from 'node:fs/promises';
import { cpuSecondsOfStat } from '../src/support/proc-stat.ts';

export interface CpuSample {
  /** µs of CPU per thread id of the server. */
  threads: Map<string, number>;
  /** µs of CPU of this process (the load generator). */
  loadGenerator: number;
}

export interface CpuPerRequest {
  serverMainUs: number;
  serverOtherThreadsUs: number;
  loadGeneratorUs: number;
}

/** null where /proc cannot be read (not Linux). */
export async function sampleCpu(pid: number): Promise<CpuSample | null> {
  try {
    const threads = new Map<string, number>();
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      threads.set(tid, Math.round(cpuSecondsOfStat(stat) * 1e6));
    }
    const own = process.cpuUsage();
    return { threads, loadGenerator: own.user + own.system };
  } catch {
    return null;
  }
}

export function cpuPerRequest(
  pid: number,
  before: CpuSample | null,
  after: CpuSample | null,
  requests: number,
): CpuPerRequest | null {
  if (!before || !after || requests === 0) return null;
  let main = 0;
  let others = 0;
  for (const [tid, us] of after.threads) {
    const spent = us - (before.threads.get(tid) ?? 0);
    if (tid === String(pid)) main += spent;
    else others += spent;
  }
  const per = (us: number) => Math.round(us / requests);
  return {
    serverMainUs: per(main),
    serverOtherThreadsUs: per(others),
    loadGeneratorUs: per(after.loadGenerator - before.loadGenerator),
  };
}

export function describeCpu(cpu: CpuPerRequest | null): string {
  if (!cpu) return 'CPU per request: not measured (no /proc)';
  return `CPU per request: server main thread ${cpu.serverMainUs} µs + its other threads ${cpu.serverOtherThreadsUs} µs, autocannon ${cpu.loadGeneratorUs} µs`;
}
