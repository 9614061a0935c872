import { describe, expect, it } from 'vitest';
import type { ThresholdRule } from './campaign.ts';
import { nextThresholdStep, thresholdSaving } from './threshold-rule.ts';

// 满300减50 / 满500减100, in fen.
const tiers: ThresholdRule = {
  type: 'tiers',
  tiers: [
    { spendFen: 30000, saveFen: 5000 },
    { spendFen: 50000, saveFen: 10000 },
  ],
};
// 每满300减30, at most 90.
const every = (maxSaveFen: number | null): ThresholdRule => ({
  type: 'every',
  everyFen: 30000,
  saveFen: 3000,
  maxSaveFen,
});

describe('thresholdSaving', () => {
  it.each([
    [0, 0],
    [29999, 0],
    [30000, 5000],
    [49999, 5000],
    [50000, 10000],
    [1_000_000, 10000],
  ])('tiers: base %i saves %i (highest tier reached)', (base, save) => {
    expect(thresholdSaving(tiers, base)).toBe(save);
  });

  it.each([
    [29999, null, 0],
    [30000, null, 3000],
    [59999, null, 3000],
    [60000, null, 6000],
    [300000, null, 30000],
    [89999, 9000, 6000],
    [90000, 9000, 9000],
    [300000, 9000, 9000],
    [300000, 10000, 10000], // cap not a multiple of save
  ])('every: base %i with cap %s saves %i (floor × save, capped)', (base, cap, save) => {
    expect(thresholdSaving(every(cap), base)).toBe(save);
  });
});

describe('nextThresholdStep', () => {
  it.each([
    [0, { neededFen: 30000, savesFen: 5000 }],
    [29999, { neededFen: 1, savesFen: 5000 }],
    [30000, { neededFen: 20000, savesFen: 5000 }], // exactly on tier 1: next is tier 2, saving 100 − 50
    [45000, { neededFen: 5000, savesFen: 5000 }],
    [50000, null], // top tier reached
    [80000, null],
  ])('tiers: base %i → %o', (base, step) => {
    expect(nextThresholdStep(tiers, base)).toEqual(step);
  });

  it.each([
    [0, null, { neededFen: 30000, savesFen: 3000 }],
    [30000, null, { neededFen: 30000, savesFen: 3000 }], // exactly on a step: a whole step more
    [59999, null, { neededFen: 1, savesFen: 3000 }],
    [60000, 9000, { neededFen: 30000, savesFen: 3000 }], // the step to the cap still saves
    [60000, 8000, { neededFen: 30000, savesFen: 2000 }], // partly capped: saves only up to the cap
    [90000, 9000, null], // capped: nothing more to gain
    [120000, 9000, null],
  ])('every: base %i with cap %s → %o', (base, cap, step) => {
    expect(nextThresholdStep(every(cap), base)).toEqual(step);
  });
});
