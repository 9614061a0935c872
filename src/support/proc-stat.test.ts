import { describe, expect, it } from 'vitest';
import { cpuSecondsOfStat, statField, threadCpuSeconds } from './proc-stat.ts';

// A thread whose name holds spaces and a parenthesis, as a /proc stat line shows it.
const STAT = '4242 (node (a) b) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 10 12 0 100 1000000 5000';

describe('/proc stat lines', () => {
  it('reads fields after a command name with spaces and parentheses', () => {
    expect(statField(STAT, 4)).toBe(1);
    expect(statField(STAT, 14)).toBe(250);
    expect(statField(STAT, 19)).toBe(10);
  });

  it('adds user and system ticks into seconds', () => {
    expect(cpuSecondsOfStat(STAT)).toBe(3.25);
  });

  it("reads this thread's own CPU, which only grows", () => {
    const before = threadCpuSeconds()!;
    let x = 0;
    for (let i = 0; i < 50_000_000; i++) x += i % 7;
    expect(x).toBeGreaterThan(0);
    expect(threadCpuSeconds()!).toBeGreaterThanOrEqual(before);
  });
});
