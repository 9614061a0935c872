// A buyer's own orders and wallet, read back from the store with their detail parsed (lines as
// priced, discounts as they landed, gifts). Read-only; someone else's order is refused.
import type { CouponKind } from '../domain/campaign.ts';
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
}

/** What place-order.ts writes into `orders.detail`. */
interface OrderDetail {
  storeName: string;
  lines: QuoteLine[];
  applied: AppliedDiscount[];
  gifts: Quote['gifts'];
  /** Absent on orders placed before ship dates were kept. */
  shipDate?: string | null;
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
  };
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
