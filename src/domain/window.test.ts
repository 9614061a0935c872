import { describe, expect, it } from 'vitest';
import { ALWAYS, isOpenAt } from './window.ts';

const START = Date.parse('2026-11-11T20:00:00+08:00');
const END = Date.parse('2026-11-11T20:30:00+08:00');

describe('isOpenAt: half-open [start, end)', () => {
  it.each([
    ['1 ms before start', START - 1, false],
    ['at start', START, true],
    ['inside', START + 60_000, true],
    ['1 ms before end', END - 1, true],
    ['at end', END, false],
    ['after end', END + 1, false],
  ])('%s → %s', (_label, atMs, open) => {
    expect(isOpenAt({ startMs: START, endMs: END }, atMs)).toBe(open);
  });

  it.each([
    ['no start, before end', { startMs: null, endMs: END }, START - 1e9, true],
    ['no start, at end', { startMs: null, endMs: END }, END, false],
    ['no end, at start', { startMs: START, endMs: null }, START, true],
    ['no end, before start', { startMs: START, endMs: null }, START - 1, false],
    ['no end, far future', { startMs: START, endMs: null }, START + 1e12, true],
  ])('unbounded side: %s → %s', (_label, window, atMs, open) => {
    expect(isOpenAt(window, atMs)).toBe(open);
  });

  it('an empty window [t, t) is never open', () => {
    expect(isOpenAt({ startMs: START, endMs: START }, START)).toBe(false);
  });

  it('ALWAYS is open at any instant', () => {
    for (const atMs of [0, -1, START, Number.MAX_SAFE_INTEGER]) expect(isOpenAt(ALWAYS, atMs)).toBe(true);
  });
});
