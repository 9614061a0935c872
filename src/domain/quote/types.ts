// The cart going in and the quote coming out (PRICING.md, "A cart (JSON) and its quote").
// Every money field is integer fen.

import type { Buyer } from '../buyer.ts';
import type { CouponKind, Instant, PromotionKind } from '../campaign.ts';
import type { Fen } from '../money.ts';
import type { CartLine } from './item-level.ts';

export interface WalletItem {
  /** The wallet entry (a claimed coupon); equal to couponId when quoting from a template list. */
  id: string;
  couponId: string;
  /** What is left on a red envelope (stored value); absent = its face amount. */
  balanceFen?: Fen;
}

export interface Cart {
  buyer: Buyer;
  atMs: Instant;
  lines: readonly CartLine[];
  wallet: readonly WalletItem[];
}

export type DiscountKind = PromotionKind | CouponKind | 'membership';

export interface LineDiscount {
  id: string;
  kind: DiscountKind;
  amount: Fen;
}

export interface QuoteLine {
  lineNo: number;
  sku: string;
  title: string;
  category: string;
  qty: number;
  listPrice: Fen;
  /** Activity price per unit (for pre-sale: deposit + balance). */
  unitPrice: Fen;
  offer: { id: string; kind: PromotionKind } | null;
  /** unitPrice × qty: what thresholds see. */
  amount: Fen;
  payable: Fen;
  discounts: LineDiscount[];
  /** payable split over the units (largest remainder), so a one-unit refund is exact. */
  unitPayables: Fen[];
  presale: { promotionId: string; deposit: Fen; depositValue: Fen; balanceDue: Fen } | null;
}

export interface QuoteStore {
  storeId: string;
  storeName: string;
  amount: Fen;
  payable: Fen;
  lines: QuoteLine[];
}

export interface AppliedDiscount {
  id: string;
  kind: DiscountKind;
  amount: Fen;
  /** For a wallet coupon or red envelope: which wallet entry it used. */
  walletId?: string;
}

export interface TopUpHint {
  id: string;
  kind: DiscountKind;
  storeId: string | null;
  /** More activity-price amount needed to reach the threshold. */
  needed: Fen;
  /** What reaching it would save. */
  saves: Fen;
}

export type WalletUnusedReason = 'NOT_VALID_NOW' | 'THRESHOLD_NOT_REACHED' | 'NOTHING_IN_SCOPE' | 'NOT_BEST';

export interface Quote {
  buyerId: string;
  at: Instant;
  listTotal: Fen;
  /** Σ activity amounts. */
  amount: Fen;
  payable: Fen;
  savings: Fen;
  /** Payable at checkout: spot lines plus pre-sale deposits. */
  dueNow: Fen;
  /** Pre-sale balances, payable in the balance window. */
  dueLater: Fen;
  stores: QuoteStore[];
  applied: AppliedDiscount[];
  hints: TopUpHint[];
  gifts: { promotionId: string; sku: string; qty: number }[];
  walletUnused: { id: string; couponId: string; reason: WalletUnusedReason }[];
}

export type QuoteErrorCode =
  | 'EMPTY_CART'
  | 'TOO_MANY_LINES'
  | 'INVALID_QUANTITY'
  | 'UNKNOWN_SKU'
  | 'DUPLICATE_SKU'
  | 'WALLET_TOO_LARGE'
  | 'UNKNOWN_COUPON'
  | 'DUPLICATE_WALLET_ITEM';

export interface QuoteError {
  code: QuoteErrorCode;
  message: string;
  /** Where in the cart, e.g. lines[2].qty. */
  path: string;
}

export type QuoteResult = { ok: true; quote: Quote } | { ok: false; error: QuoteError };
