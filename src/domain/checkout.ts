// A checkout turns one priced cart into one order per store (DOMAIN.md §3: cart → one order per
// store), each carrying its lines exactly as priced, so refunds and reports need no re-pricing.
import type { Instant } from './campaign.ts';
import type { Fen } from './money.ts';
import type { AppliedDiscount, Quote, QuoteLine } from './quote/types.ts';
import type { StockLine } from './stock-ledger.ts';

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
  /** Discounts as they landed on this store's lines (wallet coupons and order-wide ones included). */
  applied: AppliedDiscount[];
  gifts: Quote['gifts'];
  /** Units to reserve, one entry per SKU. */
  stock: StockLine[];
}

export function splitCheckout(
  quote: Quote,
  ids: { checkoutId: string; orderIds: readonly string[] },
  placedAt: Instant,
  deadlineAt: Instant,
  storeOfSku: (sku: string) => string | undefined,
): StoreOrderDraft[] {
  const giftStore = (sku: string) => {
    const owner = storeOfSku(sku);
    return quote.stores.some((st) => st.storeId === owner) ? owner : quote.stores[0]?.storeId;
  };
  return quote.stores.map((store, s) => {
    const qtyBySku = new Map<string, number>();
    const applied = new Map<string, AppliedDiscount>();
    let listTotalFen = 0;
    for (const line of store.lines) {
      qtyBySku.set(line.sku, (qtyBySku.get(line.sku) ?? 0) + line.qty);
      listTotalFen += line.listPrice * line.qty;
      const offerSaving = (line.listPrice - line.unitPrice) * line.qty;
      if (line.offer && offerSaving > 0)
        addTo(applied, { id: line.offer.id, kind: line.offer.kind, amount: offerSaving });
      for (const d of line.discounts) {
        addTo(applied, { id: d.id, kind: d.kind, amount: d.amount });
      }
    }
    return {
      id: ids.orderIds[s]!,
      checkoutId: ids.checkoutId,
      buyerId: quote.buyerId,
      storeId: store.storeId,
      storeName: store.storeName,
      placedAt,
      deadlineAt,
      payableFen: store.payable,
      amountFen: store.amount,
      listTotalFen,
      lines: store.lines,
      applied: [...applied.values()],
      // A gift ships with the order of the store that stocks it (else with the first order).
      gifts: quote.gifts.filter((g) => giftStore(g.sku) === store.storeId),
      stock: [...qtyBySku].map(([sku, qty]) => ({ sku, qty })),
    };
  });
}

function addTo(applied: Map<string, AppliedDiscount>, d: AppliedDiscount): void {
  const known = applied.get(d.id);
  if (known) known.amount += d.amount;
  else applied.set(d.id, { ...d });
}
