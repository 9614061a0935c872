import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyFilter } from './key-filter.ts';

describe('KeyFilter', () => {
  it('never says no to a key it was given, whatever the keys', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 300 }), (keys) => {
        const filter = new KeyFilter(64);
        for (const k of keys) filter.add(k);
        return keys.every((k) => filter.mayHave(k));
      }),
    );
  });

  it('says no to almost every key it was not given, and grows by layers past its capacity', () => {
    const filter = new KeyFilter(10_000);
    for (let i = 0; i < 50_000; i++) filter.add(`buyer-${i}\u0000place-${i}`);
    expect(filter.size).toBe(50_000);
    // 10,000 + 20,000 + 40,000 keys of room: three layers of 10 bits a key.
    expect(filter.bytes).toBe(Math.ceil((70_000 * 10) / 32) * 4);
    for (let i = 0; i < 50_000; i++) expect(filter.mayHave(`buyer-${i}\u0000place-${i}`)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 100_000; i++) if (filter.mayHave(`buyer-${i}\u0000pay-${i}`)) falsePositives += 1;
    // ~1% per layer at most; three layers, the last half full.
    expect(falsePositives).toBeLessThan(2_500);
    expect(falsePositives).toBeGreaterThan(0);
  });

  it('is empty when new', () => {
    const filter = new KeyFilter();
    expect(filter.mayHave('')).toBe(false);
    expect(filter.mayHave('k-1')).toBe(false);
    expect(filter.size).toBe(0);
  });
});
