// Placing an order when several servers share PostgreSQL and Redis (issue: beyond one machine).
// The same pricing and split as the embedded engine; then each store order reserves its stock and
// offer units in ONE Redis script (all or nothing per store order, one slot per store), and the
// orders reach PostgreSQL in the next group commit. Crash between the two: the reservation has no
// order, and the reconciler gives it back (reconciler.ts).
import { type StoreOrderDraft, splitCheckout } from '../../domain/checkout.ts';
import { offerTakes } from '../../domain/offer-takes.ts';
import { quoteCart } from '../../domain/quote/quote.ts';
import type { HotReserveFailure } from '../../store/redis/hot-types.ts';
import { faultPoint } from '../../support/fault-points.ts';
import { checkFlashRush, checkRushPriced } from '../flash-rush.ts';
import type { Recorder } from '../idempotency.ts';
import { orderRow, type PlacedCheckout, type PlaceOrderRequest, placedPayload } from '../place-order.ts';
import { fail, type Outcome } from '../problem.ts';
import { event } from '../trade-context.ts';
import type { SharedContext } from './shared-context.ts';
import { FetchedOffers, hotTakesOf } from './shared-offers.ts';

/** Pricing read counts that other servers changed before the reservation: price again this often. */
const REPRICE_ATTEMPTS = 5;

export async function placeSharedOrder(
  shared: SharedContext,
  request: PlaceOrderRequest,
  record: Recorder<PlacedCheckout>,
): Promise<Outcome<PlacedCheckout>> {
  if (request.wallet.length > 0) return notShared('paying with coupons or red envelopes');
  for (let attempt = 1; ; attempt++) {
    const placed = await tryPlace(shared, request, record);
    // First-N units or gift stock ran out between the read and the reservation: the cart is
    // priced again without them (a rushed flash session is refused instead, as the shopper asked).
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
  const offers = await FetchedOffers.read(
    hot,
    shared.unitOfferIds,
    buyerId,
    ctx.offers.usageFor(buyerId).budgetLeftFen,
  );
  const rush = checkFlashRush(ctx.index, offers, buyerId, request.lines, request.flashSessions ?? [], now);
  if (!rush.ok) return rush;
  const cart = { buyer: request.buyer, atMs: now, lines: request.lines, wallet: [] };
  const priced = quoteCart(ctx.index, cart, offers.usage());
  if (!priced.ok) return fail(priced.error.code, priced.error.message, { path: priced.error.path });
  const quote = priced.quote;
  const rushPriced = checkRushPriced(quote, offers, buyerId, rush.value);
  if (!rushPriced.ok) return rushPriced;
  if (request.expectedPayable !== undefined && request.expectedPayable !== quote.payable) {
    const detail = `the cart now costs ${quote.payable} fen, not ${request.expectedPayable}`;
    return fail('PRICE_MISMATCH', detail, { extra: { payable: quote.payable } });
  }
  const drafts = splitCheckout(quote, {
    checkoutId: ctx.newId('c'),
    newOrderId: () => ctx.newId('o'),
    placedAt: now,
    deadlineAt: now + ctx.config.paymentDeadlineMs,
    storeOfSku: (sku) => ctx.index.items.get(sku)?.storeId,
    balanceWindowOf: () => ({ startMs: null, endMs: null }),
  });
  if (drafts.some((d) => d.presale)) return notShared('pre-sale orders');
  const takes = drafts.map((d) => offerTakes(ctx.index, buyerId, d.lines, d.gifts, d.applied));
  const reserved: StoreOrderDraft[] = [];
  for (const [k, d] of drafts.entries()) {
    const result = await hot.reserve({
      orderId: d.id,
      storeId: d.storeId,
      buyerId,
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
  const value: PlacedCheckout = {
    checkoutId: drafts[0]!.checkoutId,
    payable: quote.payable,
    savings: quote.savings,
    orders: drafts.map((d) => ({
      id: d.id,
      storeId: d.storeId,
      status: 'pending_payment',
      payable: d.payableFen,
      deadlineAt: d.deadlineAt,
      presale: null,
    })),
    gifts: quote.gifts,
  };
  faultPoint('after-reserve'); // crash tests: reserved in Redis, not yet in PostgreSQL
  const batch = ctx.commits.open;
  for (const [k, d] of drafts.entries()) {
    batch.orders.push(orderRow(d, takes[k]!, []));
    batch.timers.push({ id: `deadline:${d.id}`, kind: 'payment-deadline', ref: d.id, dueAt: d.deadlineAt });
    batch.events.push(event('OrderPlaced', d.placedAt, d.id, d.buyerId, placedPayload(ctx, d)));
  }
  record({ ok: true, value });
  // Not on disk: the reservations go back (and the reconciler catches what this misses).
  await ctx.commits.wait(() => void releaseAll(shared, drafts).catch(() => {}), drafts.length);
  await shared.refreshMirror(drafts.flatMap((d) => d.stock.map((l) => l.sku)));
  return { ok: true, value };
}

async function releaseAll(shared: SharedContext, drafts: readonly StoreOrderDraft[]): Promise<void> {
  await Promise.all(drafts.map((d) => shared.hot.release(d.storeId, d.id)));
}

function refused(result: HotReserveFailure): Outcome<never> {
  switch (result.code) {
    case 'OUT_OF_STOCK':
      return fail('OUT_OF_STOCK', `not enough stock of ${result.sku}`, {
        extra: { sku: result.sku, available: result.available },
      });
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

export function notShared(what: string): Outcome<never> {
  return fail(
    'NOT_ON_SHARED_BACKEND',
    `${what}: not yet available when several servers share PostgreSQL and Redis; run the embedded default`,
  );
}
