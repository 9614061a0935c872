// A checkout turns one priced cart into one order per store (DOMAIN.md §3: cart → one order per
// store), each carrying its lines exactly as priced, so refunds and reports need no re-pricing.
// Pre-sale lines go into orders of their own (one per store and pre-sale), paid as a deposit now
// and a balance in the balance window; spot lines ship without waiting for them. Lines of a SKU
// that operators switched to pre-sale once it sold out (sold-out-action.ts) are paid in full now and
// go into orders of their own, one per store and ship date, so the rest of the cart ships at once.
import type { Instant, TimeWindow } from './campaign.ts';
import type { Fen } from './money.ts';
import type { AppliedDiscount, Quote, QuoteLine } from './quote/types.ts';
import type { StockLine } from './stock-ledger.ts';

export interface PresaleTermsOfOrder {
  promotionId: string;
  /** Σ deposits: paid at placement. */
  depositFen: Fen;
  /** What is left after the deposit, with every later discount applied. */
  balanceFen: Fen;
  balanceStartMs: Instant | null;
  balanceEndMs: Instant | null;
}

export interface StoreOrderDraft {
  id: string;
  checkoutId: string;
  buyerId: string;
  storeId: string;
  storeName: string;
  placedAt: Instant;
  deadlineAt: Instant;
  payableFen: Fen;
  amountFen: Fen;
  listTotalFen: Fen;
  lines: QuoteLine[];
  /** Discounts as they landed on this order's lines (wallet coupons and order-wide ones included). */
  applied: AppliedDiscount[];
  gifts: Quote['gifts'];
  /** Units to reserve, one entry per SKU. */
  stock: StockLine[];
  presale: PresaleTermsOfOrder | null;
  /** 预售发货: the date a sold-out SKU switched to pre-sale ships on (YYYY-MM-DD); null ships now. */
  shipDate: string | null;
}

export interface CheckoutOptions {
  checkoutId: string;
  newOrderId: () => string;
  placedAt: Instant;
  deadlineAt: Instant;
  storeOfSku: (sku: string) => string | undefined;
  balanceWindowOf: (presaleId: string) => TimeWindow;
  /** When a pre-sale stops taking deposits (its own window's end); null: it does not. */
  depositEndOf?: (presaleId: string) => Instant | null;
  /** The ledger entry a line reserves from (stock-pools.ts: a pre-sale order takes from its pool). */
  stockIdOf?: (sku: string, presale: boolean) => string;
  /** The ship date of a SKU switched to pre-sale after it sold out; null (or absent) ships now. */
  shipDateOf?: (sku: string) => string | null;
}

interface OrderGroup {
  storeId: string;
  storeName: string;
  presaleId: string | null;
  shipDate: string | null;
  lines: QuoteLine[];
}

function groupLines(quote: Quote, shipDateOf: CheckoutOptions['shipDateOf']): OrderGroup[] {
  const groups = new Map<string, OrderGroup>();
  for (const store of quote.stores) {
    for (const line of store.lines) {
      const presaleId = line.presale?.promotionId ?? null;
      // A deposit pre-sale ships after its balance: a later ship date does not split it again.
      const shipDate = presaleId === null ? (shipDateOf?.(line.sku) ?? null) : null;
      const key = `${store.storeId}\u0000${presaleId ?? ''}\u0000${shipDate ?? ''}`;
      let group = groups.get(key);
      if (!group) {
        group = { storeId: store.storeId, storeName: store.storeName, presaleId, shipDate, lines: [] };
        groups.set(key, group);
      }
      group.lines.push(line);
    }
  }
  return [...groups.values()];
}

export function splitCheckout(quote: Quote, options: CheckoutOptions): StoreOrderDraft[] {
  const groups = groupLines(quote, options.shipDateOf);
  const shipsNow = (g: OrderGroup) => g.presaleId === null && g.shipDate === null;
  // A gift ships from the store that stocks it: with its order that ships now, else with its
  // order that ships later (paid in full, then its deposit pre-sale). Only a gift whose store has
  // no order in the checkout goes with the first order that ships now.
  const giftOrder = (sku: string) => {
    const owner = options.storeOfSku(sku);
    const own = groups.filter((g) => g.storeId === owner);
    return (
      own.find(shipsNow) ??
      own.find((g) => g.presaleId === null) ??
      own[0] ??
      groups.find(shipsNow) ??
      groups[0]
    );
  };
  return groups.map((group) => {
    const draft = draftOf(quote, group, options);
    draft.gifts = quote.gifts.filter((g) => giftOrder(g.sku) === group);
    return draft;
  });
}

function draftOf(quote: Quote, group: OrderGroup, options: CheckoutOptions): StoreOrderDraft {
  const qtyBySku = new Map<string, number>();
  const applied = new Map<string, AppliedDiscount>();
  let listTotalFen = 0;
  let amountFen = 0;
  let payableFen = 0;
  let depositFen = 0;
  const presale = group.presaleId !== null;
  for (const line of group.lines) {
    const stockId = options.stockIdOf?.(line.sku, presale) ?? line.sku;
    qtyBySku.set(stockId, (qtyBySku.get(stockId) ?? 0) + line.qty);
    listTotalFen += line.listPrice * line.qty;
    amountFen += line.amount;
    payableFen += line.payable;
    depositFen += (line.presale?.deposit ?? 0) * line.qty;
    const offerSaving = (line.listPrice - line.unitPrice) * line.qty;
    if (line.offer && offerSaving > 0)
      addTo(applied, { id: line.offer.id, kind: line.offer.kind, amount: offerSaving });
    for (const d of line.discounts) addTo(applied, { id: d.id, kind: d.kind, amount: d.amount });
  }
  const window = group.presaleId ? options.balanceWindowOf(group.presaleId) : null;
  // A deposit is paid within the pre-sale's window or not at all: the order's deadline ends with it.
  const depositEnd = group.presaleId ? (options.depositEndOf?.(group.presaleId) ?? null) : null;
  return {
    id: options.newOrderId(),
    checkoutId: options.checkoutId,
    buyerId: quote.buyerId,
    storeId: group.storeId,
    storeName: group.storeName,
    placedAt: options.placedAt,
    deadlineAt: depositEnd === null ? options.deadlineAt : Math.min(options.deadlineAt, depositEnd),
    payableFen,
    amountFen,
    listTotalFen,
    lines: group.lines,
    applied: [...applied.values()],
    gifts: [],
    stock: [...qtyBySku].map(([sku, qty]) => ({ sku, qty })),
    presale:
      group.presaleId && window
        ? {
            promotionId: group.presaleId,
            depositFen,
            balanceFen: payableFen - depositFen,
            balanceStartMs: window.startMs,
            balanceEndMs: window.endMs,
          }
        : null,
    shipDate: group.shipDate,
  };
}

function addTo(applied: Map<string, AppliedDiscount>, d: AppliedDiscount): void {
  const known = applied.get(d.id);
  if (known) known.amount += d.amount;
  else applied.set(d.id, { ...d });
}
