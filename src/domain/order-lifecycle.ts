// The order lifecycle as a transition table (STYLE.md: Vendure's default-order-process).
// Every change of status appends an event; anything not in the table is refused with a code.

export type OrderStatus = 'pending_payment' | 'paid' | 'cancelled' | 'expired';

export type OrderAction = 'pay' | 'cancel' | 'expire';

const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>>> = {
  pending_payment: { pay: 'paid', cancel: 'cancelled', expire: 'expired' },
  paid: {},
  cancelled: {},
  expired: {},
};

export type TransitionRefusal = 'ORDER_ALREADY_PAID' | 'ORDER_CANCELLED' | 'ORDER_EXPIRED';

const REFUSAL_BY_STATUS: Readonly<Record<OrderStatus, TransitionRefusal | null>> = {
  pending_payment: null,
  paid: 'ORDER_ALREADY_PAID',
  cancelled: 'ORDER_CANCELLED',
  expired: 'ORDER_EXPIRED',
};

export function nextStatus(
  status: OrderStatus,
  action: OrderAction,
): { ok: true; status: OrderStatus } | { ok: false; code: TransitionRefusal } {
  const next = TRANSITIONS[status][action];
  if (next) return { ok: true, status: next };
  return { ok: false, code: REFUSAL_BY_STATUS[status]! };
}

/** Statuses whose stock is held as reserved. */
export function holdsReservation(status: OrderStatus): boolean {
  return status === 'pending_payment';
}
