// Prices a cart (PRICING.md): item level → store level → cross-store → platform coupons →
// membership → red envelopes, with the exact best choice of wallet coupons and every discount
// allocated to lines and units in integer fen. Pure: time, usage and the wallet come in.
import { strict as assert } from 'node:assert';
import type { CampaignIndex } from '../campaign-index.ts';
import { allocateByWeight, type Fen } from '../money.ts';
import { NOTHING_USED, type OfferUsage } from '../offer-usage.ts';
import { grantGifts } from '../promotions/gift.ts';
import { chooseBestCoupons } from './best-combination.ts';
import { topUpHints } from './hints.ts';
import { buildQuoteContext, type QuoteContext } from './quote-context.ts';
import { type CouponChoice, runStoreStages } from './store-stages.ts';
import { SubOrderLedger } from './sub-order-ledger.ts';
import type { AppliedDiscount, Cart, Quote, QuoteLine, QuoteResult, QuoteStore } from './types.ts';
import { validateCart } from './validate-cart.ts';

export function quoteCart(index: CampaignIndex, cart: Cart, usage: OfferUsage = NOTHING_USED): QuoteResult {
  const error = validateCart(index, cart);
  if (error) return { ok: false, error };
  const ctx = buildQuoteContext(index, cart, usage);
  const best = chooseBestCoupons(ctx);
  return { ok: true, quote: priceWithChoice(ctx, best.choice, usage) };
}

/** Prices the cart with a given coupon choice (the search's winner, or any legal one in tests). */
export function priceWithChoice(ctx: QuoteContext, choice: CouponChoice, usage: OfferUsage = NOTHING_USED): Quote {
  const ledger = new SubOrderLedger(ctx.lines, true);
  ctx.stores.forEach((_, s) => {
    runStoreStages(ctx, ledger, s, choice.store[s] ?? null, choice.platform, choice.category);
  });
  const envelopeSpend = spendRedEnvelopes(ctx, ledger);
  const quote = assembleQuote(ctx, ledger, choice, envelopeSpend, usage);
  assertQuoteInvariants(quote);
  return quote;
}

/** Red envelopes last: each spends up to what is left, split over stores by what is left of each. */
function spendRedEnvelopes(ctx: QuoteContext, ledger: SubOrderLedger): Map<string, Fen> {
  const spent = new Map<string, Fen>();
  for (const envelope of ctx.redEnvelopes) {
    const rooms = ctx.stores.map((g) => ledger.room(g.lineIdxs));
    const total = rooms.reduce((a, b) => a + b, 0);
    const amount = Math.min(envelope.balanceFen, total);
    if (amount === 0) break;
    const shares = allocateByWeight(amount, rooms);
    const ref = { id: envelope.couponId, kind: 'red-envelope' as const };
    ctx.stores.forEach((g, s) => ledger.deduct(g.lineIdxs, shares[s]!, ref, 'left'));
    spent.set(envelope.walletId, amount);
  }
  return spent;
}

function assembleQuote(
  ctx: QuoteContext,
  ledger: SubOrderLedger,
  choice: CouponChoice,
  envelopeSpend: Map<string, Fen>,
  usage: OfferUsage,
): Quote {
  const stores: QuoteStore[] = ctx.stores.map((group) => {
    const lines = group.lineIdxs.map((i) => quoteLine(ctx, ledger, i));
    return {
      storeId: group.storeId,
      storeName: ctx.index.stores.get(group.storeId)?.name ?? group.storeId,
      amount: lines.reduce((sum, l) => sum + l.amount, 0),
      payable: lines.reduce((sum, l) => sum + l.payable, 0),
      lines,
    };
  });
  const allLines = stores.flatMap((s) => s.lines);
  const listTotal = allLines.reduce((sum, l) => sum + l.listPrice * l.qty, 0);
  const payable = allLines.reduce((sum, l) => sum + l.payable, 0);
  const dueLater = allLines.reduce((sum, l) => sum + (l.presale?.balanceDue ?? 0), 0);
  return {
    buyerId: ctx.cart.buyer.id,
    at: ctx.cart.atMs,
    listTotal,
    amount: allLines.reduce((sum, l) => sum + l.amount, 0),
    payable,
    savings: listTotal - payable,
    dueNow: payable - dueLater,
    dueLater,
    stores,
    applied: appliedDiscounts(ctx, allLines, choice, envelopeSpend),
    hints: topUpHints(ctx),
    gifts: grantGifts(
      ctx.index.gifts,
      new Set(ctx.cart.lines.map((l) => l.sku)),
      ctx.cart.buyer,
      ctx.cart.atMs,
      usage,
    ).map((g) => ({ promotionId: g.promotionId, sku: g.giftSku, qty: g.qty })),
    walletUnused: [...ctx.walletUnused, ...unchosen(ctx, choice, envelopeSpend)],
  };
}

function quoteLine(ctx: QuoteContext, ledger: SubOrderLedger, i: number): QuoteLine {
  const line = ctx.lines[i]!;
  const payable = ledger.left[i]!;
  return {
    lineNo: line.lineNo,
    sku: line.item.sku,
    title: line.item.title,
    category: line.item.category,
    qty: line.qty,
    listPrice: line.item.listPriceFen,
    unitPrice: line.unitPriceFen,
    offer: line.offer,
    amount: line.amountFen,
    payable,
    discounts: ledger.received![i]!,
    unitPayables: allocateByWeight(payable, new Array<number>(line.qty).fill(1)),
    presale: line.presale && {
      promotionId: line.presale.promotionId,
      deposit: line.presale.depositFen,
      depositValue: line.presale.depositValueFen,
      balanceDue: payable - line.floorFen,
    },
  };
}

/** Every discount with its total: item-level offers (list − activity) and each later discount. */
function appliedDiscounts(
  ctx: QuoteContext,
  lines: readonly QuoteLine[],
  choice: CouponChoice,
  envelopeSpend: Map<string, Fen>,
): AppliedDiscount[] {
  const byId = new Map<string, AppliedDiscount>();
  const add = (d: AppliedDiscount) => {
    const key = d.walletId ?? d.id;
    const known = byId.get(key);
    if (known) known.amount += d.amount;
    else byId.set(key, { ...d });
  };
  for (const line of lines) {
    const saved = (line.listPrice - line.unitPrice) * line.qty;
    if (line.offer && saved > 0) add({ id: line.offer.id, kind: line.offer.kind, amount: saved });
  }
  const walletIds = new Map<string, string>();
  for (const option of [choice.platform, choice.category, ...choice.store]) {
    if (option) walletIds.set(option.ref.id, option.walletId);
  }
  for (const line of lines) {
    for (const d of line.discounts) {
      if (d.kind === 'red-envelope') continue;
      const walletId = walletIds.get(d.id);
      add(walletId ? { ...d, walletId } : d);
    }
  }
  for (const envelope of ctx.redEnvelopes) {
    const amount = envelopeSpend.get(envelope.walletId);
    if (amount) add({ id: envelope.couponId, kind: 'red-envelope', amount, walletId: envelope.walletId });
  }
  return [...byId.values()].filter((d) => d.amount > 0);
}

function unchosen(ctx: QuoteContext, choice: CouponChoice, envelopeSpend: Map<string, Fen>): Quote['walletUnused'] {
  const used = new Set<string>([...envelopeSpend.keys()]);
  for (const option of [choice.platform, choice.category, ...choice.store]) if (option) used.add(option.walletId);
  const listed = new Set(ctx.walletUnused.map((w) => w.id));
  return ctx.cart.wallet
    .filter((w) => !used.has(w.id) && !listed.has(w.id))
    .map((w) => ({ id: w.id, couponId: w.couponId, reason: 'NOT_BEST' as const }));
}

/** ARCHITECTURE.md invariants: payable = Σ lines; allocations sum exactly; nothing below its floor. */
function assertQuoteInvariants(quote: Quote): void {
  let payable = 0;
  for (const store of quote.stores) {
    assert(store.payable >= 0, 'a store sub-order went below zero');
    for (const line of store.lines) {
      const discounted = line.discounts.reduce((sum, d) => sum + d.amount, 0);
      assert.equal(line.amount - discounted, line.payable, 'line payable ≠ amount − discounts');
      assert(line.payable >= (line.presale ? line.presale.deposit * line.qty : 0), 'line below its floor');
      assert.equal(line.unitPayables.reduce((a, b) => a + b, 0), line.payable, 'unit split ≠ line payable');
      payable += line.payable;
    }
  }
  assert.equal(payable, quote.payable, 'payable ≠ Σ line payables');
  const appliedTotal = quote.applied.reduce((sum, d) => sum + d.amount, 0);
  assert.equal(appliedTotal, quote.savings, 'Σ applied discounts ≠ savings');
}
