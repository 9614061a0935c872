// The unpaid orders the board knows the lines of. OrderPaid carries no lines, so the lines an
// OrderPlaced announced are kept until the order is paid, cancelled or expires. Bounded: past
// liveLimits.openOrdersMax the oldest are forgotten (counted in `forgotten`), and a payment of a
// forgotten order still counts in GMV but in no SKU or category.
import type { Instant } from '../domain/campaign.ts';
import { liveLimits } from './live-limits.ts';

export interface PlacedLine {
  sku: string;
  category: string;
  qty: number;
  payableFen: number;
  offerId: string | null;
}

export interface OpenOrder {
  id: string;
  /** What is still due: the whole payable, or a pre-sale's balance once its deposit is in. */
  payableFen: number;
  /** The payment deadline, or the balance deadline once a deposit is in (null: none is set). */
  deadlineAt: Instant | null;
  /** A pre-sale's deposit once it is in, else 0. */
  depositFen: number;
  lines: PlacedLine[];
}

export class OpenOrders {
  private readonly orders = new Map<string, OpenOrder>();
  forgotten = 0;

  constructor(private readonly max: number = liveLimits.openOrdersMax) {}

  get size(): number {
    return this.orders.size;
  }

  add(order: OpenOrder): void {
    this.orders.set(order.id, order);
    // Maps iterate in insertion order: the first key is the oldest order.
    while (this.orders.size > this.max) {
      const oldest = this.orders.keys().next().value as string;
      this.orders.delete(oldest);
      this.forgotten += 1;
    }
  }

  /** Removes the order and hands back what it was; undefined when never seen or forgotten. */
  close(orderId: string): OpenOrder | undefined {
    const order = this.orders.get(orderId);
    this.orders.delete(orderId);
    return order;
  }

  /** A pre-sale's deposit is in: what is due now is its balance, by the balance deadline. */
  awaitBalance(orderId: string, depositFen: number, balanceFen: number, balanceEndsAt: Instant | null): void {
    const order = this.orders.get(orderId);
    if (!order) return;
    order.depositFen = depositFen;
    order.payableFen = balanceFen;
    order.deadlineAt = balanceEndsAt;
  }

  /** The `n` nearest deadlines (ties by order id), orders without one left out. One pass, n kept sorted. */
  nearestDeadlines(n: number): (OpenOrder & { deadlineAt: Instant })[] {
    const nearest: (OpenOrder & { deadlineAt: Instant })[] = [];
    for (const order of this.orders.values()) {
      if (!hasDeadline(order)) continue;
      if (nearest.length === n && !before(order, nearest[n - 1]!)) continue;
      let i = nearest.length;
      while (i > 0 && before(order, nearest[i - 1]!)) i--;
      nearest.splice(i, 0, order);
      if (nearest.length > n) nearest.pop();
    }
    return nearest;
  }
}

function hasDeadline(order: OpenOrder): order is OpenOrder & { deadlineAt: Instant } {
  return order.deadlineAt !== null;
}

function before(a: OpenOrder & { deadlineAt: Instant }, b: OpenOrder & { deadlineAt: Instant }): boolean {
  return a.deadlineAt < b.deadlineAt || (a.deadlineAt === b.deadlineAt && a.id < b.id);
}
