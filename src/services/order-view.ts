// A buyer's own orders and wallet, read back from the store with their detail parsed (lines as
// priced, discounts as they landed, gifts). Read-only; someone else's order is refused.
import type { CouponKind } from '../domain/campaign.ts';
import type { PresaleTermsOfOrder } from '../domain/checkout.ts';
import type { Fen } from '../domain/money.ts';
import type { OrderStatus } from '../domain/order-lifecycle.ts';
import type { AppliedDiscount, Quote, QuoteLine } from '../domain/quote/types.ts';
import type { OrderRow } from '../store/ports.ts';
import { fail, type Outcome } from './problem.ts';
import type { TradeContext } from './trade-context.ts';

export interface OrderView {
  id: string;
  checkoutId: string;
  storeId: string;
  storeName: string;
  status: OrderStatus;
  payable: Fen;
  amount: Fen;
  listTotal: Fen;
  placedAt: number;
  deadlineAt: number;
  paidAt: number | null;
  closedAt: number | null;
  paymentChannel: string | null;
  paymentRef: string | null;
  lines: QuoteLine[];
  applied: AppliedDiscount[];
  gifts: Quote['gifts'];
  /** 预售发货: ships on this date (a SKU switched to pre-sale after it sold out); null ships now. */
  shipDate: string | null;
  /** 预售: the deposit and the balance with its window; null for an order paid at once. */
  presale: {
    deposit: Fen;
    balance: Fen;
    balanceStartsAt: number | null;
    balanceEndsAt: number | null;
    depositPaid: boolean;
  } | null;
  /** What the next payment takes: the payable, or a pre-sale's deposit, then its balance; 0 once paid or closed. */
  amountDue: Fen;
  /** The next payment is due by then (the deadline, or the balance window's end); null once nothing is due. */
  payBy: number | null;
}

/** What place-order.ts writes into `orders.detail`. */
interface OrderDetail {
  storeName: string;
  lines: QuoteLine[];
  applied: AppliedDiscount[];
  gifts: Quote['gifts'];
  /** Absent on orders placed before ship dates were kept. */
  shipDate?: string | null;
  presale?: PresaleTermsOfOrder | null;
}

export function orderView(row: OrderRow): OrderView {
  const detail = JSON.parse(row.detail) as OrderDetail;
  return {
    id: row.id,
    checkoutId: row.checkoutId,
    storeId: row.storeId,
    storeName: detail.storeName,
    status: row.status,
    payable: row.payableFen,
    amount: row.amountFen,
    listTotal: row.listTotalFen,
    placedAt: row.placedAt,
    deadlineAt: row.deadlineAt,
    paidAt: row.paidAt,
    closedAt: row.closedAt,
    paymentChannel: row.paymentChannel,
    paymentRef: row.paymentRef,
    lines: detail.lines,
    applied: detail.applied,
    gifts: detail.gifts,
    shipDate: detail.shipDate ?? null,
    ...nextPayment(row, detail.presale ?? null),
  };
}

/** A pre-sale's terms as the order reads back, and what is due next, by when. */
function nextPayment(
  row: OrderRow,
  terms: PresaleTermsOfOrder | null,
): Pick<OrderView, 'presale' | 'amountDue' | 'payBy'> {
  const presale = terms && {
    deposit: terms.depositFen,
    balance: terms.balanceFen,
    balanceStartsAt: terms.balanceStartMs,
    balanceEndsAt: terms.balanceEndMs,
    depositPaid: row.status === 'deposit_paid' || row.status === 'paid' || row.status === 'forfeited',
  };
  switch (row.status) {
    case 'pending_payment':
      return { presale, amountDue: terms ? terms.depositFen : row.payableFen, payBy: row.deadlineAt };
    case 'deposit_paid':
      return { presale, amountDue: terms?.balanceFen ?? 0, payBy: terms?.balanceEndMs ?? null };
    default:
      return { presale, amountDue: 0, payBy: null };
  }
}

/** Newest first. */
export async function listMyOrders(ctx: TradeContext, buyerId: string, limit: number): Promise<OrderView[]> {
  return (await ctx.store.listOrders(buyerId, limit)).map(orderView);
}

export async function getMyOrder(
  ctx: TradeContext,
  buyerId: string,
  orderId: string,
): Promise<Outcome<OrderView>> {
  const row = await ctx.store.getOrder(orderId);
  if (!row) return fail('ORDER_NOT_FOUND', `no order ${orderId}`);
  if (row.buyerId !== buyerId) return fail('NOT_YOUR_ORDER', 'this order belongs to another buyer');
  return { ok: true, value: orderView(row) };
}

export interface WalletEntry {
  id: string;
  couponId: string;
  /** Null when the campaign no longer has the coupon. */
  kind: CouponKind | null;
  /** What is left on a red envelope, in fen; null = the coupon's face amount. */
  balanceFen: Fen | null;
  /** A coupon is used once; a red envelope stays available while it has a balance. */
  status: 'available' | 'used';
  source: string;
  createdAt: number;
}

export async function listMyWallet(ctx: TradeContext, buyerId: string): Promise<WalletEntry[]> {
  const rows = await ctx.store.listWallet(buyerId);
  return rows.map((r) => {
    // The writer's book is ahead of the disk only by uncommitted changes: show what is current.
    const live = ctx.wallets.get(r.id);
    return {
      id: r.id,
      couponId: r.couponId,
      kind: ctx.index.coupons.get(r.couponId)?.kind ?? null,
      balanceFen: live ? live.balanceFen : r.balanceFen,
      status: live ? live.status : r.status,
      source: r.source,
      createdAt: r.createdAt,
    };
  });
}
