import { describe, expect, it } from 'vitest';
import { AT, coupon } from '../__fixtures__/campaign-builder.ts';
import type { RedEnvelope } from '../campaign.ts';
import { redEnvelopeValue } from './red-envelope.ts';

const DAY = { startMs: AT, endMs: AT + 24 * 3600_000 };

function envelope(inflate: RedEnvelope['inflate']): RedEnvelope {
  return { ...(coupon.redEnvelope('r', 1000) as RedEnvelope), inflate };
}

describe('redEnvelopeValue', () => {
  it('is the face amount when the envelope does not inflate, whatever the tasks or time', () => {
    const plain = envelope(null);
    expect(redEnvelopeValue(plain, AT, 0)).toBe(1000);
    expect(redEnvelopeValue(plain, AT, 7)).toBe(1000);
  });

  // 10 yuan + 2 yuan per task, at most 5 tasks, ×3 on the day.
  const inflating = envelope({ perTaskFen: 200, maxTasks: 5, dayMultiplier: 3, day: DAY });
  it.each([
    ['before the day, no task', AT - 1, 0, 1000],
    ['before the day, 2 tasks', AT - 1, 2, 1400],
    ['before the day, tasks at the cap', AT - 1, 5, 2000],
    ['before the day, tasks beyond the cap', AT - 1, 9, 2000],
    ['negative tasks count as none', AT - 1, -3, 1000],
    ['at the start of the day', DAY.startMs, 2, 4200],
    ['inside the day, capped tasks', DAY.startMs + 1, 9, 6000],
    ['1 ms before the day ends', DAY.endMs - 1, 0, 3000],
    ['at the end of the day (closed)', DAY.endMs, 2, 1400],
  ])('%s: at %i after %i tasks → %i fen', (_label, atMs, tasks, value) => {
    expect(redEnvelopeValue(inflating, atMs, tasks)).toBe(value);
  });
});
