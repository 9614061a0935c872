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
  const raw = request.headers[BUYER_HEADER];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
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
 * Who a catalogue view or a priced cart counts for in the funnel: the signed-in buyer, else the
 * quote's `buyer.id`; null for a guest, or an id too long to be one.
 */
export function funnelShopperOf(request: FastifyRequest): string | null {
  const raw = request.headers[BUYER_HEADER];
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  const body = request.body as { buyer?: { id?: unknown } } | null | undefined;
  const id = header !== '' ? header : typeof body?.buyer?.id === 'string' ? body.buyer.id : '';
  return id !== '' && id.length <= BUYER_ID_LENGTH_MAX ? id : null;
}
