// A Linux thread's line in /proc/<pid>/task/<tid>/stat (or /proc/thread-self/stat): the rehearsal
// and the benches read CPU time and nice values from it. Fields are numbered as in proc(5).
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's times, 100 on every Linux that Node runs on. */
const TICKS_PER_SECOND = 100;

/** Field `n` (proc(5) numbering, from 3 on): those after the command name, which may hold spaces. */
export function statField(stat: string, n: number): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]);
}

/** User + system CPU seconds (fields 14 and 15). */
export function cpuSecondsOfStat(stat: string): number {
  return (statField(stat, 14) + statField(stat, 15)) / TICKS_PER_SECOND;
}

/** CPU seconds of the calling thread; null where /proc is not there. In process, the server's
 *  event loop is the main thread: its CPU per request bounds a rehearsal's rate. */
export function threadCpuSeconds(): number | null {
  try {
    return cpuSecondsOfStat(readFileSync('/proc/thread-self/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Seconds the calling thread was ready to run but waited for a core (run_delay, the second field
 * of /proc/thread-self/schedstat, in ns); null where the kernel does not keep it.
 */
export function threadRunDelaySeconds(): number | null {
  try {
    const [cpuNs, delayNs] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    // A kernel that keeps no schedstats answers zeros: a thread running this has had CPU time.
    if (!cpuNs || delayNs === undefined || !Number.isFinite(delayNs)) return null;
    return delayNs / 1e9;
  } catch {
    return null;
  }
}
