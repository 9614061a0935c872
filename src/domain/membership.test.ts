import { describe, expect, it } from 'vitest';
import type { Membership } from './campaign.ts';
import { bestMembership, membershipDiscount } from './membership.ts';

const vip88: Membership = { id: 'vip88', name: '88VIP', discountPercent: 5 };
const plus: Membership = { id: 'plus', name: 'PLUS', discountPercent: 8 };
const half: Membership = { id: 'half', name: 'half', discountPercent: 2.5 };
const programmes = new Map([vip88, plus, half].map((m) => [m.id, m]));
const buyer = (memberships: string[]) => ({ id: 'u1', memberships });

describe('bestMembership', () => {
  it.each([
    [[], null],
    [['unknown'], null],
    [['vip88'], 'vip88'],
    [['vip88', 'plus'], 'plus'],
    [['plus', 'vip88'], 'plus'],
    [['half', 'unknown', 'vip88'], 'vip88'],
  ])('buyer holding %o uses %s', (held, best) => {
    expect(bestMembership(buyer(held), programmes)?.id ?? null).toBe(best);
  });

  it('keeps the first held of two equal discounts', () => {
    const twin: Membership = { id: 'twin', name: 'twin', discountPercent: 5 };
    const all = new Map([vip88, twin].map((m) => [m.id, m]));
    expect(bestMembership(buyer(['twin', 'vip88']), all)?.id).toBe('twin');
  });
});

describe('membershipDiscount: round_half_up(left × percent / 100)', () => {
  it.each([
    [5, 312900, 15645],
    [5, 1990, 100], // 99.5 → 100
    [5, 1989, 99], // 99.45 → 99
    [5, 10, 1], // 0.5 → 1
    [5, 9, 0], // 0.45 → 0
    [5, 0, 0],
    [2.5, 1000, 25],
    [2.5, 1020, 26], // 25.5 → 26
  ])('%s%% of %i fen is %i fen', (discountPercent, left, discount) => {
    expect(membershipDiscount({ ...vip88, discountPercent }, left)).toBe(discount);
  });
});
