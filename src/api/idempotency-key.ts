// The Idempotency-Key header (IETF draft "The Idempotency-Key HTTP Header Field"): the services
// keep the first answer per (buyer, key) and refuse the key for a different request, which they
// recognise by a hash of method, URL and body. The body is hashed in canonical form (keys sorted),
// so the same JSON written in another key order is the same request.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyRequest } from '../services/idempotency.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

/**
 * The key space of an operator's Idempotency-Keys, apart from every buyer's: it holds a line feed,
 * which no header value (so no x-buyer-id) can carry.
 */
export function operatorKeySpace(username: string): string {
  return `\noperator:${username}`;
}

/** Undefined when the request has no key (the header's length and characters are schema-checked). */
export function idempotencyOf(request: FastifyRequest, buyerId: string): IdempotencyRequest | undefined {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (typeof key !== 'string' || key === '') return undefined;
  return { buyerId, key, hash: requestHash(request.method, request.url, request.body) };
}
