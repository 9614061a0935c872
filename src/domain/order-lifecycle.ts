// The order lifecycle as a transition table (STYLE.md: Vendure's default-order-process).
// Every change of status appends an event; anything not in the table is refused with a code.
// A pre-sale order (预售) is paid twice: the deposit in the deposit window, the balance in the
// balance window; an unpaid balance at its deadline forfeits the deposit (DOMAIN.md §2).

export type OrderStatus = 'pending_payment' | 'deposit_paid' | 'paid' | 'cancelled' | 'expired' | 'forfeited';

export type OrderAction = 'pay' | 'pay_deposit' | 'pay_balance' | 'cancel' | 'expire' | 'forfeit';

const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>>> = {
  pending_payment: { pay: 'paid', pay_deposit: 'deposit_paid', cancel: 'cancelled', expire: 'expired' },
  deposit_paid: { pay_balance: 'paid', forfeit: 'forfeited' },
  paid: {},
  cancelled: {},
  expired: {},
  forfeited: {},
};

export type TransitionRefusal =
  | 'ORDER_ALREADY_PAID'
  | 'ORDER_CANCELLED'
  | 'ORDER_EXPIRED'
  | 'ORDER_FORFEITED'
  | 'DEPOSIT_ALREADY_PAID';

const REFUSAL_BY_STATUS: Readonly<Record<OrderStatus, TransitionRefusal | null>> = {
  pending_payment: null,
  deposit_paid: 'DEPOSIT_ALREADY_PAID',
  paid: 'ORDER_ALREADY_PAID',
  cancelled: 'ORDER_CANCELLED',
  expired: 'ORDER_EXPIRED',
  forfeited: 'ORDER_FORFEITED',
};

export function nextStatus(
  status: OrderStatus,
  action: OrderAction,
): { ok: true; status: OrderStatus } | { ok: false; code: TransitionRefusal } {
  const next = TRANSITIONS[status][action];
  if (next) return { ok: true, status: next };
  return { ok: false, code: REFUSAL_BY_STATUS[status] ?? 'ORDER_ALREADY_PAID' };
}

/** Statuses whose stock is held as reserved. */
export function holdsReservation(status: OrderStatus): boolean {
  return status === 'pending_payment' || status === 'deposit_paid';
}
