import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateByWeight,
  allocateCapped,
  divRoundHalfUp,
  fenToYuan,
  fenToYuanGrouped,
  percentOf,
  yuanToFen,
} from './money.ts';

describe('yuan ↔ fen', () => {
  it.each([
    [12, 1200],
    [12.5, 1250],
    ['12.50', 1250],
    [0.1, 10],
    [1999.99, 199999],
    ['0', 0],
  ])('%s yuan is %s fen', (yuan, fen) => expect(yuanToFen(yuan)).toBe(fen));

  it.each([[12.345], ['1.234'], [-1], ['abc'], [Number.NaN], ['1e3'], [1e21]])('%s is not money', (yuan) =>
    expect(yuanToFen(yuan)).toBeNull(),
  );

  it('formats fen as yuan with two decimals', () => {
    expect(fenToYuan(123456)).toBe('1234.56');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-250)).toBe('-2.50');
  });

  it('groups thousands for people', () => {
    expect(fenToYuanGrouped(123_456_789)).toBe('1,234,567.89');
    expect(fenToYuanGrouped(100_000)).toBe('1,000.00');
    expect(fenToYuanGrouped(99_999)).toBe('999.99');
    expect(fenToYuanGrouped(-123_456_700)).toBe('-1,234,567.00');
  });
});

describe('rounding', () => {
  it('rounds half up', () => {
    expect(divRoundHalfUp(5, 10)).toBe(1);
    expect(divRoundHalfUp(4, 10)).toBe(0);
    expect(divRoundHalfUp(15, 10)).toBe(2);
    expect(percentOf(1990, 5)).toBe(100); // 99.5 → 100
    expect(percentOf(1989, 5)).toBe(99); // 99.45 → 99
  });
});

describe('largest remainder allocation', () => {
  it('splits in proportion and gives leftovers to the largest remainders, ties to the earlier part', () => {
    expect(allocateByWeight(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateByWeight(10, [300, 200])).toEqual([6, 4]);
    expect(allocateByWeight(5000, [299900, 99900])).toEqual([3751, 1249]); // 3750.6 and 1249.4
    expect(allocateByWeight(0, [5, 5])).toEqual([0, 0]);
    expect(allocateByWeight(7, [0, 0])).toEqual([4, 3]);
  });

  it('stays exact beyond 2^53 products', () => {
    const shares = allocateByWeight(99_999_999_999, [99_999_999_999, 1, 2]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(99_999_999_999);
  });

  it('always sums to the total and never exceeds a proportional ceiling (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const shares = allocateByWeight(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          shares.forEach((s, i) => {
            expect(s).toBeGreaterThanOrEqual(Math.floor((total * weights[i]!) / sum));
            expect(s).toBeLessThanOrEqual(Math.ceil((total * weights[i]!) / sum));
          });
        },
      ),
    );
  });

  it('respects capacities and moves what does not fit to parts with room (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 })), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (parts, fraction) => {
          const weights = parts.map(([w]) => w);
          const caps = parts.map(([, c]) => c);
          const capSum = caps.reduce((a, b) => a + b, 0);
          const total = Math.floor(capSum * fraction);
          const shares = allocateCapped(total, weights, caps);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          shares.forEach((s, i) => {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(caps[i]!);
          });
        },
      ),
    );
  });
});
