// Whether an unpaid order still takes a payment: up to its deadline, and a pre-sale's deposit up to
// the end of its deposit window too, also for an order whose deadline was not capped at it (placed
// by an earlier build, its deadline thirty minutes on).
import { describe, expect, it } from 'vitest';
import { AT, campaignOf, item, promo } from '../domain/__fixtures__/campaign-builder.ts';
import { stillBeforeDeadline } from './pay-order.ts';

const HOUR = 3_600_000;
const index = campaignOf({
  catalog: [item('tv', 's1', 399_900, { stock: 10 })],
  promotions: [
    promo.presale('pre', 'tv', {
      priceFen: 359_900,
      depositFen: 10_000,
      depositValueFen: 20_000,
      deposit: { startMs: AT - HOUR, endMs: AT + HOUR },
      balance: { startMs: AT + 24 * HOUR, endMs: AT + 48 * HOUR },
    }),
  ],
});
const at = (now: number) => ({ clock: () => now, index });
const codeOf = (outcome: ReturnType<typeof stillBeforeDeadline>) =>
  outcome.ok ? 'open' : outcome.problem.code;

describe('stillBeforeDeadline', () => {
  it('takes a payment until the deadline, and none from that instant on', () => {
    expect(codeOf(stillBeforeDeadline(at(AT - 1), AT, null, false))).toBe('open');
    expect(codeOf(stillBeforeDeadline(at(AT), AT, null, false))).toBe('ORDER_EXPIRED');
  });

  it('takes a deposit until its window closes, whatever the order’s own deadline says', () => {
    const deadline = AT + HOUR + 20 * 60_000; // placed at 10 minutes before the window's end, uncapped
    const presale = { promotionId: 'pre' };
    expect(codeOf(stillBeforeDeadline(at(AT + HOUR - 1), deadline, presale, false))).toBe('open');
    const late = stillBeforeDeadline(at(AT + HOUR), deadline, presale, false);
    expect(late).toMatchObject({
      ok: false,
      problem: { code: 'ORDER_EXPIRED', detail: 'the deposit window has closed; the order is being closed' },
    });
    // Once the deposit is in, the balance has its own window (amountDue judges it).
    expect(codeOf(stillBeforeDeadline(at(AT + 30 * HOUR), deadline, presale, true))).toBe('open');
  });
});
