// Place an order from a cart (ARCHITECTURE.md, "Data flow of an order", steps 1–4): re-price on
// the server, split into one order per store, reserve every unit of every store order or none,
// and record orders, events and stock counters in one group commit. The payment deadline is the
// order's own deadline_at: the deadline loop reads pending orders that are due (no timer row).

import type { Buyer } from '../domain/buyer.ts';
import type { TimeWindow } from '../domain/campaign.ts';
import { type CheckoutOptions, type StoreOrderDraft, splitCheckout } from '../domain/checkout.ts';
import type { OfferTake } from '../domain/offer-counters.ts';
import { offerTakes } from '../domain/offer-takes.ts';
import type { CartLine } from '../domain/quote/item-level.ts';
import { quoteCart } from '../domain/quote/quote.ts';
import type { Quote, WalletItem } from '../domain/quote/types.ts';
import { stockIdOf } from '../domain/stock-pools.ts';
import type { WalletUse } from '../domain/wallet-book.ts';
import type { OrderRow } from '../store/ports.ts';
import { checkFlashRush, checkRushPriced } from './flash-rush.ts';
import type { Recorder } from './idempotency.ts';
import { fail, type Outcome, outOfStock } from './problem.ts';
import { addOfferDelta, addStockDelta, addWalletUpdates, event, type TradeContext } from './trade-context.ts';
import { resolveWallet, walletUsesOf } from './wallet-use.ts';

export interface PlaceOrderRequest {
  buyer: Buyer;
  lines: readonly CartLine[];
  wallet: readonly WalletItem[];
  /** What the shopper saw; a different server price refuses the order (PRICE_MISMATCH). */
  expectedPayable?: number;
  /** Flash sessions the shopper is rushing: refused with a clear code unless the session price applies. */
  flashSessions?: readonly string[];
}

export interface PlacedOrder {
  id: string;
  storeId: string;
  status: 'pending_payment';
  payable: number;
  /** For the payment now: the whole payable, or a pre-sale's deposit. */
  deadlineAt: number;
  /** A pre-sale order: the deposit is paid now, the balance in its window (epoch ms). */
  presale: {
    deposit: number;
    balance: number;
    balanceStartsAt: number | null;
    balanceEndsAt: number | null;
  } | null;
  /** 预售发货: lines of a SKU switched to pre-sale after it sold out ship on this date (YYYY-MM-DD). */
  shipDate: string | null;
}

export interface PlacedCheckout {
  checkoutId: string;
  payable: number;
  savings: number;
  orders: PlacedOrder[];
  gifts: Quote['gifts'];
}

export async function placeOrder(
  ctx: TradeContext,
  request: PlaceOrderRequest,
  record: Recorder<PlacedCheckout>,
): Promise<Outcome<PlacedCheckout>> {
  const placed = placeInMemory(ctx, request);
  if (!placed.ok) return placed;
  const answer: Outcome<PlacedCheckout> = { ok: true, value: placed.value.answer };
  record(answer);
  // Only the answer and the undo wait for the commit: the quote and the drafts are garbage by now,
  // so a batch's worth of checkouts in flight does not keep them alive (young-generation GC).
  await ctx.commits.wait(placed.value.undo, placed.value.writes);
  return answer;
}

/** A checkout placed in memory: its answer, and how to take it back if the commit fails. */
interface PlacedInMemory {
  answer: PlacedCheckout;
  undo: () => void;
  writes: number;
}

/** Steps 1–3 of placing (price, split, reserve) and the batch's rows; nothing awaits here. */
function placeInMemory(ctx: TradeContext, request: PlaceOrderRequest): Outcome<PlacedInMemory> {
  const now = ctx.clock();
  const buyerId = request.buyer.id;
  const rush = checkFlashRush(
    ctx.index,
    ctx.offers,
    buyerId,
    request.lines,
    request.flashSessions ?? [],
    now,
  );
  if (!rush.ok) return rush;
  const wallet = resolveWallet(ctx, buyerId, request.wallet);
  if (!wallet.ok) return wallet;
  const cart = { buyer: request.buyer, atMs: now, lines: request.lines, wallet: wallet.value };
  const priced = quoteCart(ctx.index, cart, ctx.offers.usageFor(buyerId), { hints: false });
  if (!priced.ok) return fail(priced.error.code, priced.error.message, { path: priced.error.path });
  const quote = priced.quote;
  const rushPriced = checkRushPriced(quote, ctx.offers, buyerId, rush.value);
  if (!rushPriced.ok) return rushPriced;
  if (request.expectedPayable !== undefined && request.expectedPayable !== quote.payable) {
    const detail = `the cart now costs ${quote.payable} fen, not ${request.expectedPayable}`;
    return fail('PRICE_MISMATCH', detail, { extra: { payable: quote.payable } });
  }
  const drafts = splitCheckout(quote, checkoutOptions(ctx, now));
  const allStock = drafts.flatMap((d) => d.stock);
  const takes = drafts.map((d) => offerTakes(ctx.index, buyerId, d.lines, d.gifts, d.applied));
  if (!ctx.offers.take(takes.flat()))
    return fail('FLASH_SOLD_OUT', 'a limited offer ran out while the cart was priced');
  const reserved = ctx.ledger.reserve(allStock);
  if (!reserved.ok) {
    ctx.offers.giveBack(takes.flat());
    if (reserved.code === 'OUT_OF_STOCK') return outOfStock(reserved.sku, reserved.available);
    return fail(reserved.code, `unknown sku ${reserved.sku}`, { extra: { sku: reserved.sku } });
  }
  const uses = drafts.map((d) => walletUsesOf(quote, d));
  recordPlacement(ctx, { drafts, allStock, takes, uses });
  const undo = undoOf(
    ctx,
    drafts.map((d) => d.id),
    allStock,
    takes,
    uses,
  );
  return { ok: true, value: { answer: placedCheckoutOf(quote, drafts), undo, writes: drafts.length } };
}

/** The answer to a placed checkout: its store orders, what they cost, and a pre-sale's terms. */
export function placedCheckoutOf(quote: Quote, drafts: readonly StoreOrderDraft[]): PlacedCheckout {
  return {
    checkoutId: drafts[0]!.checkoutId,
    payable: quote.payable,
    savings: quote.savings,
    orders: drafts.map((d) => ({
      id: d.id,
      storeId: d.storeId,
      status: 'pending_payment',
      payable: d.payableFen,
      deadlineAt: d.deadlineAt,
      presale: d.presale && {
        deposit: d.presale.depositFen,
        balance: d.presale.balanceFen,
        balanceStartsAt: d.presale.balanceStartMs,
        balanceEndsAt: d.presale.balanceEndMs,
      },
      shipDate: d.shipDate,
    })),
    gifts: quote.gifts,
  };
}

/**
 * A placed checkout as the API answers it. Answers stored before orders carried `shipDate`, and
 * replayed for their Idempotency-Key, say null (they shipped now): the same object otherwise.
 */
export function withShipDates(placed: PlacedCheckout): PlacedCheckout {
  if (placed.orders.every((o) => o.shipDate !== undefined)) return placed;
  return { ...placed, orders: placed.orders.map((o) => ({ ...o, shipDate: o.shipDate ?? null })) };
}

/** One checkout's store orders with what each reserves, takes from offers and uses from the wallet. */
interface Placement {
  drafts: StoreOrderDraft[];
  allStock: StoreOrderDraft['stock'];
  takes: OfferTake[][];
  uses: WalletUse[][];
}

function recordPlacement(ctx: TradeContext, { drafts, allStock, takes, uses }: Placement): void {
  const batch = ctx.commits.open;
  addStockDelta(ctx, allStock, 'available', 'reserved');
  addOfferDelta(ctx, takes.flat(), 1);
  for (const [k, d] of drafts.entries()) {
    batch.orders.push(orderRow(d, takes[k]!, uses[k]!));
    ctx.wallets.spend(d.id, d.checkoutId, uses[k]!);
    addWalletUpdates(
      ctx,
      uses[k]!.map((u) => ctx.wallets.get(u.walletId)!),
    );
    batch.events.push(event('OrderPlaced', d.placedAt, d.id, d.buyerId, placedPayload(ctx, d)));
    ctx.pending.set(d.id, {
      id: d.id,
      buyerId: d.buyerId,
      deadlineAt: d.deadlineAt,
      payableFen: d.payableFen,
      stock: d.stock,
      takes: takes[k]!,
      walletUses: uses[k]!,
      presale: d.presale && { ...d.presale, depositPaid: false, depositRef: null },
      paying: false,
    });
  }
}

/** Reverts a placement in memory; keeps only what it needs, not the drafts. */
function undoOf(
  ctx: TradeContext,
  orderIds: readonly string[],
  allStock: Placement['allStock'],
  takes: OfferTake[][],
  uses: WalletUse[][],
): () => void {
  return () => {
    ctx.ledger.release(allStock);
    ctx.offers.giveBack(takes.flat());
    orderIds.forEach((id, k) => {
      ctx.wallets.refund(id, uses[k]!);
      ctx.pending.delete(id);
    });
  };
}

export function orderRow(d: StoreOrderDraft, takes: OfferTake[], walletUses: WalletUse[]): OrderRow {
  return {
    id: d.id,
    checkoutId: d.checkoutId,
    buyerId: d.buyerId,
    storeId: d.storeId,
    status: 'pending_payment',
    payableFen: d.payableFen,
    amountFen: d.amountFen,
    listTotalFen: d.listTotalFen,
    placedAt: d.placedAt,
    deadlineAt: d.deadlineAt,
    paidAt: null,
    closedAt: null,
    paymentChannel: null,
    paymentRef: null,
    detail: JSON.stringify({
      storeName: d.storeName,
      lines: d.lines,
      applied: d.applied,
      gifts: d.gifts,
      stock: d.stock,
      takes,
      walletUses,
      presale: d.presale,
      shipDate: d.shipDate,
    }),
  };
}

/** What the live board and reports read (src/live): amounts, SKUs, categories. */
export function placedPayload(ctx: TradeContext, d: StoreOrderDraft): object {
  return {
    checkoutId: d.checkoutId,
    storeId: d.storeId,
    payable: d.payableFen,
    amount: d.amountFen,
    listTotal: d.listTotalFen,
    deadlineAt: d.deadlineAt,
    lines: d.lines.map((l) => ({
      sku: l.sku,
      category: ctx.index.items.get(l.sku)?.category,
      qty: l.qty,
      payable: l.payable,
      offer: l.offer?.id ?? null,
    })),
    applied: d.applied,
  };
}

/** How a priced cart becomes store orders now: ids, deadlines, stores, pre-sale windows and pools. */
export function checkoutOptions(
  ctx: Pick<TradeContext, 'index' | 'newId' | 'config' | 'soldOutActions'>,
  now: number,
): CheckoutOptions {
  const items = ctx.index.items;
  return {
    checkoutId: ctx.newId('c'),
    newOrderId: () => ctx.newId('o'),
    placedAt: now,
    deadlineAt: now + ctx.config.paymentDeadlineMs,
    storeOfSku: (sku) => items.get(sku)?.storeId,
    balanceWindowOf: (id) => balanceWindowOf(ctx, id),
    depositEndOf: (id) => ctx.index.promotions.get(id)?.window.endMs ?? null,
    stockIdOf: (sku, presale) => stockIdOf(items.get(sku), sku, presale),
    shipDateOf: (sku) => {
      const action = ctx.soldOutActions.get(sku);
      return action?.kind === 'presale' ? action.shipDate : null;
    },
  };
}

export function balanceWindowOf(ctx: Pick<TradeContext, 'index'>, presaleId: string): TimeWindow {
  const promotion = ctx.index.promotions.get(presaleId);
  return promotion?.kind === 'presale' ? promotion.balanceWindow : { startMs: null, endMs: null };
}
