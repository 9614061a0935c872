// Placing an order when several servers share PostgreSQL and Redis (issue: beyond one machine).
// The same pricing and split as the embedded engine; then each store order reserves its stock and
// offer units in ONE Redis script (all or nothing per store order, one slot per store), budgets
// are taken in Redis, coupons and red envelopes in PostgreSQL (conditional updates with a hold
// row), and the orders reach PostgreSQL in the next group commit. Crash before that commit: the
// reservation, budget take and wallet hold have no order, and the reconciler gives them back.

import { type StoreOrderDraft, splitCheckout } from '../../domain/checkout.ts';
import type { OfferTake } from '../../domain/offer-counters.ts';
import { offerTakes } from '../../domain/offer-takes.ts';
import { quoteCart } from '../../domain/quote/quote.ts';
import { presaleStockLeft } from '../../domain/stock-pools.ts';
import { WriteRefused } from '../../store/ports.ts';
import type { HotReserveFailure } from '../../store/redis/hot-types.ts';
import { deadlineTimerId } from '../../store/sql/order-fence.ts';
import { faultPoint } from '../../support/fault-points.ts';
import { checkFlashRush, checkRushPriced } from '../flash-rush.ts';
import type { Recorder } from '../idempotency.ts';
import {
  checkoutOptions,
  orderRow,
  type PlacedCheckout,
  type PlaceOrderRequest,
  placedCheckoutOf,
  placedPayload,
} from '../place-order.ts';
import { fail, type Outcome, outOfStock } from '../problem.ts';
import { event } from '../trade-context.ts';
import type { SharedContext } from './shared-context.ts';
import { budgetTakesOf, FetchedOffers, hotTakesOf } from './shared-offers.ts';
import { resolveSharedWallet, walletHoldsOf } from './shared-wallet.ts';

/** Pricing read counts that other servers changed before the reservation: price again this often. */
const REPRICE_ATTEMPTS = 5;

export async function placeSharedOrder(
  shared: SharedContext,
  request: PlaceOrderRequest,
  record: Recorder<PlacedCheckout>,
): Promise<Outcome<PlacedCheckout>> {
  for (let attempt = 1; ; attempt++) {
    const placed = await tryPlace(shared, request, record);
    // First-N units, gift stock or a budget ran out between the read and the reservation: the
    // cart is priced again without them (a rushed flash session is refused instead, as the
    // shopper asked).
    if (placed !== 'reprice') return placed;
    if (attempt === REPRICE_ATTEMPTS)
      return fail('FLASH_SOLD_OUT', 'a limited offer ran out while the cart was priced');
  }
}

async function tryPlace(
  shared: SharedContext,
  request: PlaceOrderRequest,
  record: Recorder<PlacedCheckout>,
): Promise<Outcome<PlacedCheckout> | 'reprice'> {
  const { ctx, hot } = shared;
  const now = ctx.clock();
  const buyerId = request.buyer.id;
  const [offers, wallet] = await Promise.all([
    FetchedOffers.read(hot, shared.unitOfferIds, shared.budgetIds, buyerId),
    resolveSharedWallet(shared, buyerId, request.wallet, now),
  ]);
  if (!wallet.ok) return wallet;
  const rush = checkFlashRush(ctx.index, offers, buyerId, request.lines, request.flashSessions ?? [], now);
  if (!rush.ok) return rush;
  const cart = { buyer: request.buyer, atMs: now, lines: request.lines, wallet: wallet.value.items };
  // Pre-sale pools are read from this server's mirror of Redis's stock: a pool emptied meanwhile
  // refuses the reservation below (OUT_OF_STOCK) rather than overselling it.
  const usage = { ...offers.usage(), presaleStockLeft: presaleStockLeft(ctx.ledger) };
  const priced = quoteCart(ctx.index, cart, usage, { hints: false });
  if (!priced.ok) return fail(priced.error.code, priced.error.message, { path: priced.error.path });
  const quote = priced.quote;
  const rushPriced = checkRushPriced(quote, offers, buyerId, rush.value);
  if (!rushPriced.ok) return rushPriced;
  if (request.expectedPayable !== undefined && request.expectedPayable !== quote.payable) {
    const detail = `the cart now costs ${quote.payable} fen, not ${request.expectedPayable}`;
    return fail('PRICE_MISMATCH', detail, { extra: { payable: quote.payable } });
  }
  const drafts = splitCheckout(quote, checkoutOptions(ctx, now));
  const takes = drafts.map((d) => offerTakes(ctx.index, buyerId, d.lines, d.gifts, d.applied));
  const taken = await takeHot(shared, request, drafts, takes, now);
  if (taken !== 'taken') return taken;
  const holds = walletHoldsOf(quote, drafts, wallet.value.items);
  if (!(await shared.wallets.hold(holds, wallet.value.multipliers, now))) {
    await giveBackHot(shared, drafts, takes);
    return fail('COUPON_ALREADY_USED', 'a coupon or red envelope of this checkout was used meanwhile');
  }
  const value = placedCheckoutOf(quote, drafts);
  faultPoint('after-reserve'); // crash tests: reserved in Redis, not yet in PostgreSQL
  const batch = ctx.commits.open;
  for (const [k, d] of drafts.entries()) {
    const uses = holds
      .filter((h) => h.orderId === d.id)
      .map(({ walletId, amountFen }) => ({ walletId, amountFen }));
    batch.orders.push(orderRow(d, takes[k]!, uses));
    // The deadline timer is also the order's fence (store/sql/order-fence.ts): its key must be this one.
    batch.timers.push({
      id: deadlineTimerId(d.id),
      kind: 'payment-deadline',
      ref: d.id,
      dueAt: d.deadlineAt,
    });
    batch.events.push(event('OrderPlaced', d.placedAt, d.id, d.buyerId, placedPayload(ctx, d)));
  }
  record({ ok: true, value });
  try {
    await ctx.commits.wait(() => {}, drafts.length);
  } catch (error) {
    // Surely not on disk: everything taken goes back now (the reconciler catches what this
    // misses). Else the orders may have landed (the connection broke after the commit): what they
    // took stays, and the reconciler keeps it or gives it back by what PostgreSQL holds, fencing
    // an order it does not find.
    if (error instanceof WriteRefused) {
      await giveBackHot(shared, drafts, takes).catch(() => {});
      await shared.wallets
        .releaseHoldsOf(
          drafts.map((d) => d.id),
          ctx.clock(),
        )
        .catch(() => {});
    }
    throw error;
  }
  await shared.refreshMirror(drafts.flatMap((d) => d.stock.map((l) => l.sku)));
  return { ok: true, value };
}

/**
 * Reserves each store order's stock and offer units in its store's slot, then the checkout's
 * budget spend; all or nothing. 'reprice' when a first-N, gift or budget ran out meanwhile.
 */
async function takeHot(
  shared: SharedContext,
  request: PlaceOrderRequest,
  drafts: readonly StoreOrderDraft[],
  takes: readonly OfferTake[][],
  now: number,
): Promise<'taken' | 'reprice' | Outcome<never>> {
  const { hot } = shared;
  const reserved: StoreOrderDraft[] = [];
  for (const [k, d] of drafts.entries()) {
    const result = await hot.reserve({
      orderId: d.id,
      storeId: d.storeId,
      buyerId: d.buyerId,
      lines: d.stock,
      takes: hotTakesOf(shared.unitOffers, takes[k]!),
      at: now,
    });
    if (!result.ok) {
      await releaseAll(shared, reserved);
      const rushed = request.flashSessions ?? [];
      if (result.code === 'FLASH_SOLD_OUT' && !rushed.includes(result.offerId)) return 'reprice';
      return refused(result);
    }
    reserved.push(d);
  }
  for (const [k, d] of drafts.entries()) {
    const spend = budgetTakesOf(shared.budgetIds, takes[k]!);
    if (spend.length === 0) continue;
    const result = await hot.takeBudgets(d.id, spend, now);
    if (!result.ok) {
      await giveBackHot(shared, drafts, takes);
      return 'reprice';
    }
  }
  return 'taken';
}

/** The exact undo of takeHot (idempotent: what was not taken is not given back). */
async function giveBackHot(
  shared: SharedContext,
  drafts: readonly StoreOrderDraft[],
  takes: readonly OfferTake[][],
): Promise<void> {
  await releaseAll(shared, drafts);
  await Promise.all(
    drafts.map((d, k) =>
      shared.hot.giveBackBudgets(
        d.id,
        budgetTakesOf(shared.budgetIds, takes[k]!).map((t) => t.offerId),
      ),
    ),
  );
}

async function releaseAll(shared: SharedContext, drafts: readonly StoreOrderDraft[]): Promise<void> {
  await Promise.all(drafts.map((d) => shared.hot.release(d.storeId, d.id)));
}

function refused(result: HotReserveFailure): Outcome<never> {
  switch (result.code) {
    case 'OUT_OF_STOCK':
      return outOfStock(result.sku, result.available);
    case 'UNKNOWN_SKU':
      return fail('UNKNOWN_SKU', `unknown sku ${result.sku}`, { extra: { sku: result.sku } });
    case 'FLASH_LIMIT_REACHED':
      return fail('FLASH_LIMIT_REACHED', `at most ${result.perBuyer} per buyer in ${result.offerId}`, {
        extra: { perBuyer: result.perBuyer },
      });
    case 'FLASH_SOLD_OUT':
      return fail('FLASH_SOLD_OUT', `${result.offerId} has ${result.left} units left`, {
        extra: { left: result.left },
      });
    default:
      return fail('FLASH_SOLD_OUT', 'a limited offer ran out while the cart was priced');
  }
}
