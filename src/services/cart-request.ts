// A cart as it comes over HTTP, turned into what the engine prices (PRICING.md, "A cart (JSON) and
// its quote"). Both the quote and the checkout go through parseCartInput, so a cart means the same
// thing to `dacu quote`, POST /api/quote and POST /api/orders. Read-only: nothing is written here.

import type { Instant } from '../domain/campaign.ts';
import type { CampaignIndex } from '../domain/campaign-index.ts';
import { NOTHING_USED, type OfferUsage } from '../domain/offer-usage.ts';
import { type CartInput, cartOfChecked, parseCartInput } from '../domain/quote/cart-input.ts';
import { quoteCart } from '../domain/quote/quote.ts';
import type { Cart, Quote, WalletItem } from '../domain/quote/types.ts';
import { formatInstant } from '../domain/zoned-time.ts';
import { GUEST } from './catalog-view.ts';
import type { PlaceOrderRequest } from './place-order.ts';
import { fail, type Outcome } from './problem.ts';

export type WalletInput = CartInput['wallet'] extends (infer T)[] | undefined ? T : never;

export interface QuoteBody {
  buyer?: { id: string; memberships?: string[] };
  /** ISO-8601; absent = the server's clock. */
  at?: string;
  lines: { sku: string; qty: number }[];
  wallet?: WalletInput[];
}

/** The quote exactly as `dacu quote --json` prints it: `at` in the campaign's zone, with its offset. */
export type QuoteView = Omit<Quote, 'at'> & { at: string };

function parseCart(index: CampaignIndex, input: CartInput): Outcome<Cart> {
  return cartOutcome(parseCartInput(input, index.campaign.timezone));
}

function cartOutcome(parsed: ReturnType<typeof parseCartInput>): Outcome<Cart> {
  if (parsed.ok) return { ok: true, value: parsed.cart };
  const [first] = parsed.errors;
  return fail('VALIDATION_FAILED', first ? `${first.path}: ${first.message}` : 'invalid cart', {
    path: first?.path,
  });
}

/** A cart as POST /api/quote and `dacu quote` read it: no buyer is a guest, no `at` is now. */
export function withQuoteDefaults<T extends { buyer?: unknown; at?: unknown }>(
  cart: T,
  nowMs: Instant,
  timeZone: string,
): T & { buyer: NonNullable<T['buyer']> | QuoteBuyer; at: NonNullable<T['at']> | string } {
  return {
    ...cart,
    buyer: cart.buyer ?? { id: GUEST.id, memberships: [...GUEST.memberships] },
    at: cart.at ?? formatInstant(nowMs, timeZone),
  };
}

type QuoteBuyer = { id: string; memberships: string[] };

/** A cart file's buyer names memberships of the campaign: a typo would quietly price a guest. */
export function unknownMembership(
  index: CampaignIndex,
  cart: Cart,
): { code: 'UNKNOWN_MEMBERSHIP'; message: string; path: string } | null {
  const at = cart.buyer.memberships.findIndex((m) => !index.memberships.has(m));
  if (at < 0) return null;
  const known = [...index.memberships.keys()].join(', ') || 'none';
  return {
    code: 'UNKNOWN_MEMBERSHIP',
    message: `no membership "${cart.buyer.memberships[at]}" in this campaign (it has: ${known})`,
    path: `buyer.memberships[${at}]`,
  };
}

/**
 * Prices a quote's body. `signedIn`: the shopper the gateway vouches for, with their wallet
 * resolved on the server (as at checkout) in place of the body's. Without it the body is a cart
 * file (the operators' preview, `dacu quote`): its wallet is coupon ids and red envelope balances,
 * and a membership it names must be one of the campaign's (a typo would quietly price a guest).
 */
export function quoteCartBody(
  index: CampaignIndex,
  body: QuoteBody,
  nowMs: Instant,
  usageFor: (buyerId: string) => OfferUsage = () => NOTHING_USED,
  signedIn?: { wallet: WalletItem[] },
): Outcome<QuoteView> {
  const timeZone = index.campaign.timezone;
  const input = withQuoteDefaults(signedIn ? { ...body, wallet: [] } : body, nowMs, timeZone);
  const cart = parseCart(index, input);
  if (!cart.ok) return cart;
  if (signedIn) cart.value.wallet = signedIn.wallet;
  else {
    const unknown = unknownMembership(index, cart.value);
    if (unknown) return fail(unknown.code, unknown.message, { path: unknown.path });
  }
  // The same offer usage as checkout, so a sold-out flash session is not quoted at its price.
  const priced = quoteCart(index, cart.value, usageFor(cart.value.buyer.id));
  if (!priced.ok) return fail(priced.error.code, priced.error.message, { path: priced.error.path });
  return { ok: true, value: { ...priced.quote, at: formatInstant(priced.quote.at, timeZone) } };
}

export interface OrderBody {
  lines: { sku: string; qty: number }[];
  wallet?: WalletInput[];
  /** What the shopper saw, in fen; the server re-prices and refuses a different amount. */
  expectedPayable?: number;
  /** Flash sessions the shopper is rushing (秒杀): refused with a clear code unless open and in stock. */
  flashSessions?: string[];
}

/** The checkout request for a signed-in buyer (memberships as the gateway vouches for them);
 *  prices are never taken from the body. The body has been held to the API's order schema, which
 *  is stricter than the cart file's (integer quantities, the line and wallet bounds), so only its
 *  red envelope balances are checked here. */
export function placeOrderRequest(
  shopper: { id: string; memberships: readonly string[] },
  body: OrderBody,
  nowMs: Instant,
): Outcome<PlaceOrderRequest> {
  // The instant is not used for pricing: place-order re-prices at the engine's own clock.
  const cart = cartOutcome(
    cartOfChecked(
      {
        buyer: { id: shopper.id, memberships: [...shopper.memberships] },
        lines: body.lines,
        wallet: body.wallet ?? [],
      },
      nowMs,
    ),
  );
  if (!cart.ok) return cart;
  const { buyer, lines, wallet } = cart.value;
  const request: PlaceOrderRequest = { buyer, lines, wallet };
  if (body.expectedPayable !== undefined) request.expectedPayable = body.expectedPayable;
  if (body.flashSessions !== undefined) request.flashSessions = body.flashSessions;
  return { ok: true, value: request };
}
