// A pending order row with nothing in it but its id, for tests of what stores and commits do with rows.
import type { OrderRow } from '../ports.ts';

export function bareOrderRow(id: string): OrderRow {
  return {
    id,
    checkoutId: `c-${id}`,
    buyerId: 'u1',
    storeId: 's1',
    status: 'pending_payment',
    payableFen: 100,
    amountFen: 100,
    listTotalFen: 100,
    placedAt: 1,
    deadlineAt: 2,
    paidAt: null,
    closedAt: null,
    paymentChannel: null,
    paymentRef: null,
    detail: '{}',
  };
}
