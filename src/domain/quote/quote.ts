// Prices a cart (PRICING.md): item level → store level → cross-store → platform coupons →
// membership → red envelopes, with the exact best choice of wallet coupons and every discount
// allocated to lines and units in integer fen. Pure: time, usage and the wallet come in.
import { strict as assert } from 'node:assert';
import type { CampaignIndex } from '../campaign-index.ts';
import { allocateByWeight, type Fen, splitEvenly } from '../money.ts';
import { NOTHING_USED, type OfferUsage } from '../offer-usage.ts';
import { grantGifts } from '../promotions/gift.ts';
import { chooseBestCoupons } from './best-combination.ts';
import { topUpHints } from './hints.ts';
import { buildQuoteContext, type QuoteContext } from './quote-context.ts';
import { type CouponChoice, runStoreStages } from './store-stages.ts';
import { SubOrderLedger } from './sub-order-ledger.ts';
import type { AppliedDiscount, Cart, Quote, QuoteLine, QuoteResult, QuoteStore } from './types.ts';
import { validateCart } from './validate-cart.ts';

export interface QuoteOptions {
  /** Top-up hints (凑单) for the cart page; a checkout has no use for them (default true). */
  hints?: boolean;
}

export function quoteCart(
  index: CampaignIndex,
  cart: Cart,
  usage: OfferUsage = NOTHING_USED,
  options: QuoteOptions = {},
): QuoteResult {
  const error = validateCart(index, cart);
  if (error) return { ok: false, error };
  const ctx = buildQuoteContext(index, cart, usage);
  const best = chooseBestCoupons(ctx);
  return { ok: true, quote: priceWithChoice(ctx, best.choice, usage, options) };
}

/** Prices the cart with a given coupon choice (the search's winner, or any legal one in tests). */
export function priceWithChoice(
  ctx: QuoteContext,
  choice: CouponChoice,
  usage: OfferUsage = NOTHING_USED,
  options: QuoteOptions = {},
): Quote {
  const ledger = new SubOrderLedger(ctx.lines, true);
  ctx.stores.forEach((_, s) => {
    runStoreStages(ctx, ledger, s, choice.store[s] ?? null, choice.platform, choice.category);
  });
  const envelopeSpend = spendRedEnvelopes(ctx, ledger);
  const quote = assembleQuote(ctx, ledger, choice, envelopeSpend, usage, options.hints ?? true);
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
    ctx.stores.forEach((g, s) => {
      ledger.deduct(g.lineIdxs, shares[s]!, ref, 'left');
    });
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
  withHints: boolean,
): Quote {
  const stores: QuoteStore[] = [];
  let listTotal = 0;
  let amount = 0;
  let payable = 0;
  let dueLater = 0;
  for (const group of ctx.stores) {
    const store: QuoteStore = {
      storeId: group.storeId,
      storeName: storeName(ctx, group.storeId),
      amount: 0,
      payable: 0,
      lines: [],
    };
    for (const i of group.lineIdxs) {
      const line = quoteLine(ctx, ledger, i);
      store.lines.push(line);
      store.amount += line.amount;
      store.payable += line.payable;
      listTotal += line.listPrice * line.qty;
      dueLater += line.presale?.balanceDue ?? 0;
    }
    amount += store.amount;
    payable += store.payable;
    stores.push(store);
  }
  const skusInCart = new Set<string>();
  for (const line of ctx.cart.lines) skusInCart.add(line.sku);
  const gifts = grantGifts(ctx.index.gifts, skusInCart, ctx.cart.buyer, ctx.cart.atMs, usage);
  return {
    buyerId: ctx.cart.buyer.id,
    at: ctx.cart.atMs,
    listTotal,
    amount,
    payable,
    savings: listTotal - payable,
    dueNow: payable - dueLater,
    dueLater,
    stores,
    applied: appliedDiscounts(ctx, ledger, choice, envelopeSpend),
    hints: withHints ? topUpHints(ctx) : [],
    gifts: gifts.map((g) => ({ promotionId: g.promotionId, sku: g.giftSku, qty: g.qty })),
    walletUnused: [...ctx.walletUnused, ...unchosen(ctx, choice, envelopeSpend)],
  };
}

function storeName(ctx: QuoteContext, storeId: string): string {
  return ctx.index.stores.get(storeId)?.name ?? storeId;
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
    unitPayables: splitEvenly(payable, line.qty),
    presale: line.presale && {
      promotionId: line.presale.promotionId,
      deposit: line.presale.depositFen,
      depositValue: line.presale.depositValueFen,
      balanceDue: payable - line.floorFen,
    },
  };
}

/** Every discount with its total: item-level offers (list − activity), then each later discount. */
function appliedDiscounts(
  ctx: QuoteContext,
  ledger: SubOrderLedger,
  choice: CouponChoice,
  envelopeSpend: Map<string, Fen>,
): AppliedDiscount[] {
  const byId = new Map<string, AppliedDiscount>();
  for (const line of ctx.lines) {
    const saved = (line.item.listPriceFen - line.unitPriceFen) * line.qty;
    if (line.offer && saved > 0) addApplied(byId, line.offer.id, line.offer.kind, saved);
  }
  for (const d of ledger.totals!.values())
    if (d.kind !== 'red-envelope') addApplied(byId, d.id, d.kind, d.amount);
  for (const option of [choice.platform, choice.category, ...choice.store]) {
    const applied = option && byId.get(option.ref.id);
    if (applied) applied.walletId = option.walletId;
  }
  const result = [...byId.values()];
  for (const envelope of ctx.redEnvelopes) {
    const spent = envelopeSpend.get(envelope.walletId);
    if (spent)
      result.push({
        id: envelope.couponId,
        kind: 'red-envelope',
        amount: spent,
        walletId: envelope.walletId,
      });
  }
  return result;
}

function addApplied(
  byId: Map<string, AppliedDiscount>,
  id: string,
  kind: AppliedDiscount['kind'],
  amount: Fen,
): void {
  const known = byId.get(id);
  if (known) known.amount += amount;
  else byId.set(id, { id, kind, amount });
}

function unchosen(
  ctx: QuoteContext,
  choice: CouponChoice,
  envelopeSpend: Map<string, Fen>,
): Quote['walletUnused'] {
  const used = new Set<string>([...envelopeSpend.keys()]);
  for (const option of [choice.platform, choice.category, ...choice.store])
    if (option) used.add(option.walletId);
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
      let discounted = 0;
      for (const d of line.discounts) discounted += d.amount;
      assert(line.amount - discounted === line.payable, 'line payable ≠ amount − discounts');
      assert(line.payable >= (line.presale ? line.presale.deposit * line.qty : 0), 'line below its floor');
      let units = 0;
      for (const u of line.unitPayables) units += u;
      assert(units === line.payable, 'unit split ≠ line payable');
      payable += line.payable;
    }
  }
  assert(payable === quote.payable, 'payable ≠ Σ line payables');
  let appliedTotal = 0;
  for (const d of quote.applied) appliedTotal += d.amount;
  assert(appliedTotal === quote.savings, 'Σ applied discounts ≠ savings');
}
