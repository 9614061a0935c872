import { describe, expect, it } from 'vitest';
import { holdsReservation, nextStatus } from './order-lifecycle.ts';

describe('order lifecycle', () => {
  it.each([
    ['pending_payment', 'pay', 'paid'],
    ['pending_payment', 'pay_deposit', 'deposit_paid'],
    ['pending_payment', 'cancel', 'cancelled'],
    ['pending_payment', 'expire', 'expired'],
    ['deposit_paid', 'pay_balance', 'paid'],
    ['deposit_paid', 'forfeit', 'forfeited'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toEqual({ ok: true, status: to });
  });

  it.each([
    ['paid', 'cancel', 'ORDER_ALREADY_PAID'],
    ['paid', 'pay', 'ORDER_ALREADY_PAID'],
    ['cancelled', 'pay', 'ORDER_CANCELLED'],
    ['expired', 'pay', 'ORDER_EXPIRED'],
    ['forfeited', 'pay_balance', 'ORDER_FORFEITED'],
    ['deposit_paid', 'cancel', 'DEPOSIT_ALREADY_PAID'],
    ['deposit_paid', 'pay_deposit', 'DEPOSIT_ALREADY_PAID'],
  ] as const)('%s refuses %s with %s', (from, action, code) => {
    expect(nextStatus(from, action)).toEqual({ ok: false, code });
  });

  it('holds stock while waiting for a payment or a balance', () => {
    expect(
      ['pending_payment', 'deposit_paid', 'paid', 'forfeited'].map((s) => holdsReservation(s as never)),
    ).toEqual([true, true, false, false]);
  });
});
