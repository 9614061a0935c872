// Coupons and red envelopes at checkout come from the buyer's own wallet, never from the client:
// the request names wallet entries (or coupon ids the buyer holds); balances are the server's.
import type { StoreOrderDraft } from '../domain/checkout.ts';
import type { Quote, WalletItem } from '../domain/quote/types.ts';
import { usable, type WalletBook, type WalletEntry, type WalletUse } from '../domain/wallet-book.ts';
import { applyDayMultiplier } from './inflate-red-envelope.ts';
import { fail, type Outcome } from './problem.ts';
import type { TradeContext } from './trade-context.ts';

/** A wallet entry a checkout or a quote names: its wallet id, or a coupon id the buyer holds. */
export type WalletRef = Pick<WalletItem, 'id'>;

export function resolveWallet(
  ctx: TradeContext,
  buyerId: string,
  requested: readonly WalletRef[],
): Outcome<WalletItem[]> {
  return resolveWalletItems(ctx.wallets, buyerId, requested, (entry) => applyDayMultiplier(ctx, entry));
}

/** The wallet items a checkout names, from a wallet book; `prepare` applies the day multiplier. */
export function resolveWalletItems(
  book: Pick<WalletBook, 'resolve'>,
  buyerId: string,
  requested: readonly WalletRef[],
  prepare: (entry: WalletEntry) => void,
): Outcome<WalletItem[]> {
  const items: WalletItem[] = [];
  const coupons = new Set<string>();
  for (const [i, ref] of requested.entries()) {
    const entry = book.resolve(buyerId, ref.id);
    const path = `wallet[${i}]`;
    if (!entry)
      return fail('COUPON_NOT_IN_WALLET', `"${ref.id}" is not in your wallet; claim it first`, { path });
    prepare(entry);
    if (!usable(entry)) return fail('COUPON_ALREADY_USED', `"${ref.id}" has been used`, { path });
    if (coupons.has(entry.couponId))
      return fail('DUPLICATE_WALLET_ITEM', `two of coupon "${entry.couponId}" in one checkout`, { path });
    coupons.add(entry.couponId);
    items.push(
      entry.balanceFen === null
        ? { id: entry.id, couponId: entry.couponId }
        : { id: entry.id, couponId: entry.couponId, balanceFen: entry.balanceFen },
    );
  }
  return { ok: true, value: items };
}

/** What each store order took from each wallet entry, from the discounts on its lines. */
export function walletUsesOf(quote: Quote, draft: StoreOrderDraft): WalletUse[] {
  const walletOf = new Map<string, string>();
  for (const a of quote.applied) if (a.walletId) walletOf.set(a.id, a.walletId);
  const uses = new Map<string, number>();
  for (const line of draft.lines) {
    for (const d of line.discounts) {
      const walletId = walletOf.get(d.id);
      if (walletId) uses.set(walletId, (uses.get(walletId) ?? 0) + d.amount);
    }
  }
  return [...uses].map(([walletId, amountFen]) => ({ walletId, amountFen }));
}
