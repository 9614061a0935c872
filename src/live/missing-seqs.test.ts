// The seqs the tail waits for: runs split as seqs arrive out of them, go when waited for too long or
// when there are too many, and what went is counted; checked against a plain set of seqs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MissingSeqs } from './missing-seqs.ts';

const runs = (m: MissingSeqs) => m.runs.map(({ lo, hi }) => [lo, hi]);

describe('MissingSeqs', () => {
  it.each([
    ['the only seq of a run', [[5, 5]], 5, []],
    ['the first seq', [[5, 8]], 5, [[6, 8]]],
    ['the last seq', [[5, 8]], 8, [[5, 7]]],
    [
      'one inside: the run splits',
      [[5, 8]],
      6,
      [
        [5, 5],
        [7, 8],
      ],
    ],
    [
      'one of the second run',
      [
        [2, 3],
        [5, 8],
        [10, 10],
      ],
      10,
      [
        [2, 3],
        [5, 8],
      ],
    ],
  ])('takes %s', (_, added, seq, left) => {
    const m = new MissingSeqs(1_000, 100);
    for (const [lo, hi] of added as [number, number][]) m.add(lo, hi, 0);
    expect(m.take(seq as number)).toBe(true);
    expect(runs(m)).toEqual(left);
    expect(m.givenUp).toBe(0);
  });

  it('does not take a seq it is not waiting for', () => {
    const m = new MissingSeqs(1_000, 100);
    m.add(5, 6, 0);
    expect([m.take(4), m.take(7), m.take(5), m.take(5)]).toEqual([false, false, true, false]);
  });

  it('gives up the runs waited for too long, oldest first, and counts their seqs', () => {
    const m = new MissingSeqs(1_000, 100);
    m.add(2, 4, 0);
    m.add(7, 7, 500);
    m.take(3); // 2 and 4 are still waited for, since 0
    expect(m.expire(999)).toBe(0);
    expect(m.expire(1_000)).toBe(2);
    expect(runs(m)).toEqual([[7, 7]]);
    expect(m.expire(1_500)).toBe(1);
    expect([m.runs.length, m.count, m.givenUp]).toEqual([0, 0, 3]);
  });

  it('keeps at most runsMax runs, giving up the oldest', () => {
    const m = new MissingSeqs(1_000, 2);
    m.add(1, 1, 0);
    m.add(3, 5, 0);
    m.add(7, 7, 0);
    expect(runs(m)).toEqual([
      [3, 5],
      [7, 7],
    ]);
    expect(m.givenUp).toBe(1);
    m.take(4); // a split counts as a run too
    expect(runs(m)).toEqual([
      [5, 5],
      [7, 7],
    ]);
    expect(m.givenUp).toBe(2);
  });

  it('refuses runs that are not above every run it holds', () => {
    const m = new MissingSeqs(1_000, 10);
    m.add(5, 6, 0);
    expect(() => m.add(7, 8, 0)).toThrow(); // 7 touches 6: the seq between was never folded
    expect(() => m.add(3, 3, 0)).toThrow();
  });

  it('agrees with a set of seqs, whatever arrives and whenever', () => {
    const step = fc.oneof(
      fc.record({ add: fc.integer({ min: 1, max: 5 }), skip: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ take: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ waitMs: fc.integer({ min: 0, max: 400 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const m = new MissingSeqs(1_000, 3);
        const model = new Map<number, number>(); // seq → since
        let high = 0;
        let nowMs = 0;
        let givenUp = 0;
        for (const s of steps) {
          if ('add' in s) {
            const lo = high + s.skip;
            m.add(lo, lo + s.add - 1, nowMs);
            for (let q = lo; q < lo + s.add; q++) model.set(q, nowMs);
            high = lo + s.add;
          } else if ('take' in s) {
            expect(m.take(s.take)).toBe(model.delete(s.take));
          } else {
            nowMs += s.waitMs;
            m.expire(nowMs);
            for (const [seq, since] of model) if (nowMs - since >= 1_000) model.delete(seq) && givenUp++;
          }
          // Past runsMax the oldest runs went too: what is left is the model's highest seqs.
          const left = m.runs.flatMap(({ lo, hi }) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
          const kept = [...model.keys()].sort((a, b) => a - b);
          expect(kept.slice(kept.length - left.length)).toEqual(left);
          for (const seq of kept.slice(0, kept.length - left.length)) model.delete(seq) && givenUp++;
          expect(m.givenUp).toBe(givenUp);
          expect(m.runs.length).toBeLessThanOrEqual(3);
        }
      }),
    );
  });
});
