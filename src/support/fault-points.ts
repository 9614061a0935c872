// Fault injection for crash tests (issue: crash consistency between Redis and PostgreSQL). With
// DACU_FAULT=<point> in its environment a server kills itself with SIGKILL when it reaches that
// point, exactly like `kill -9` between two steps. Unset (always, outside such tests) it is a no-op.
export type FaultPoint = 'after-reserve' | 'after-paid';

const armed = process.env.DACU_FAULT;

export function faultPoint(point: FaultPoint): void {
  if (armed === point) process.kill(process.pid, 'SIGKILL');
}
