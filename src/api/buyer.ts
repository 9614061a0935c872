// Who is asking. Shoppers are authenticated by the gateway in front of dacu, which sets the
// x-buyer-id header on every request it lets through (ARCHITECTURE.md: the API does auth at the
// edge, the services trust the buyer id they are given). No header, no buyer: 401.
import type { FastifyRequest } from 'fastify';
import { ProblemError } from './problem.ts';

export const BUYER_HEADER = 'x-buyer-id';
/** The buyer's paid memberships (88VIP…), comma-separated, set by the same gateway: a shopper
 *  cannot claim member prices by saying so in the order. */
export const MEMBERSHIPS_HEADER = 'x-buyer-memberships';
const BUYER_ID_LENGTH_MAX = 64;
const MEMBERSHIPS_MAX = 10;
const MEMBERSHIP_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The signed-in buyer's id, or a ProblemError (401 when absent, 400 when it cannot be an id). */
export function buyerIdOf(request: FastifyRequest): string {
  const value = headerValue(request, BUYER_HEADER);
  if (value === '') {
    throw new ProblemError({
      code: 'UNAUTHENTICATED',
      detail: `sign in first: the ${BUYER_HEADER} header is missing`,
    });
  }
  if (value.length > BUYER_ID_LENGTH_MAX) {
    const detail = `${BUYER_HEADER} is longer than ${BUYER_ID_LENGTH_MAX} characters`;
    throw new ProblemError({ code: 'VALIDATION_FAILED', detail, path: `headers.${BUYER_HEADER}` });
  }
  return value;
}

/** onRequest hook: refuses an anonymous request before its body is even read. */
export async function requireBuyer(request: FastifyRequest): Promise<void> {
  buyerIdOf(request);
}

/** The memberships the gateway vouches for (none without the header). */
export function membershipsOf(request: FastifyRequest): string[] {
  const raw = request.headers[MEMBERSHIPS_HEADER];
  const value = (Array.isArray(raw) ? raw.join(',') : raw)?.trim() ?? '';
  if (value === '') return [];
  const ids = value.split(',').map((m) => m.trim());
  if (ids.length > MEMBERSHIPS_MAX || !ids.every((m) => MEMBERSHIP_ID.test(m))) {
    const detail = `${MEMBERSHIPS_HEADER} must be at most ${MEMBERSHIPS_MAX} membership ids separated by commas`;
    throw new ProblemError({ code: 'VALIDATION_FAILED', detail, path: `headers.${MEMBERSHIPS_HEADER}` });
  }
  return [...new Set(ids)];
}

/**
 * Whom a quote prices for. A signed-in shopper (the gateway's x-buyer-id) is priced as checkout
 * will price them: with the memberships the gateway vouches for. Their body may still name a
 * `buyer`, but only themselves with those memberships (anything else is refused, not ignored).
 * Without the header the body's `buyer` is used (the operators' price preview), else a guest.
 */
/** The gateway signed this request in (x-buyer-id). */
export function isSignedIn(request: FastifyRequest): boolean {
  return headerValue(request, BUYER_HEADER) !== '';
}

export function quoteBuyerOf(
  request: FastifyRequest,
  body: { buyer?: { id: string; memberships?: string[] } },
): { id: string; memberships?: string[] } | undefined {
  if (!isSignedIn(request)) return body.buyer;
  const signedIn = { id: buyerIdOf(request), memberships: membershipsOf(request) };
  if (body.buyer === undefined) return signedIn;
  if (body.buyer.id !== signedIn.id) {
    const detail = `a signed-in shopper quotes for themselves: buyer.id is ${body.buyer.id}, ${BUYER_HEADER} is ${signedIn.id}`;
    throw new ProblemError({ code: 'VALIDATION_FAILED', detail, path: 'buyer.id' });
  }
  const claimed = [...new Set(body.buyer.memberships ?? signedIn.memberships)].sort();
  if (claimed.join(',') !== [...signedIn.memberships].sort().join(',')) {
    const detail = `a signed-in shopper's memberships are the gateway's (${MEMBERSHIPS_HEADER}: ${signedIn.memberships.join(',') || 'none'}), not the body's`;
    throw new ProblemError({ code: 'VALIDATION_FAILED', detail, path: 'buyer.memberships' });
  }
  return signedIn;
}

function headerValue(request: FastifyRequest, name: string): string {
  const raw = request.headers[name];
  return (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
}

/**
 * The funnel step a request that was answered moves its shopper to: a catalogue served, a cart
 * priced by a quote or by a checkout that placed it.
 */
export function funnelStepOf(route: string, method: string, status: number): 'visited' | 'priced' | null {
  if (route === '/api/catalog') return status === 200 ? 'visited' : null;
  if (route === '/api/quote') return status === 200 ? 'priced' : null;
  return route === '/api/orders' && method === 'POST' && status === 201 ? 'priced' : null;
}

/**
 * Who a catalogue view or a priced cart counts for in the funnel: the signed-in buyer, else the
 * quote's `buyer.id`; null for a guest, or an id too long to be one.
 */
export function funnelShopperOf(request: FastifyRequest): string | null {
  const header = headerValue(request, BUYER_HEADER);
  const body = request.body as { buyer?: { id?: unknown } } | null | undefined;
  const id = header !== '' ? header : typeof body?.buyer?.id === 'string' ? body.buyer.id : '';
  return id !== '' && id.length <= BUYER_ID_LENGTH_MAX ? id : null;
}
