// CPU time of the calling thread, from Linux's /proc/thread-self/stat (user + system, in clock
// ticks of 10 ms). In process, the server's event loop is the main thread: its CPU per request is
// what bounds a rehearsal's rate. Null where /proc is not there.
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's times, 100 on every Linux that Node runs on. */
const TICKS_PER_SECOND = 100;

export function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
