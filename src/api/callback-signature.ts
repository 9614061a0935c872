// Payment channel callbacks are signed (an unsigned "paid" would let anyone mark an order paid):
// the payment gateway and dacu share a secret, and every callback carries
// `x-dacu-signature: hex(HMAC-SHA256(secret, "orderId\nchannel\nchannelRef"))`, with
// "\namount" appended when the callback says how much the channel took. A callback without a
// valid signature answers 401 CALLBACK_SIGNATURE_INVALID and changes nothing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { PaymentCallback } from '../services/payment-callback.ts';
import { ProblemError } from './problem.ts';

export const SIGNATURE_HEADER = 'x-dacu-signature';

/** What the gateway sends in x-dacu-signature for this callback. */
export function signCallback(secret: string, callback: PaymentCallback): string {
  return createHmac('sha256', secret)
    .update(`${callback.orderId}\n${callback.channel}\n${callback.channelRef}${amountPart(callback)}`)
    .digest('hex');
}

/** Throws 401 unless the request's signature is this callback's under `secret`. */
export function checkCallbackSignature(
  request: FastifyRequest,
  secret: string,
  callback: PaymentCallback,
): void {
  const raw = request.headers[SIGNATURE_HEADER];
  const given = Buffer.from(String((Array.isArray(raw) ? raw[0] : raw) ?? ''), 'utf8');
  const expected = Buffer.from(signCallback(secret, callback), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ProblemError({
      code: 'CALLBACK_SIGNATURE_INVALID',
      detail: `the callback's ${SIGNATURE_HEADER} is missing or is not HMAC-SHA256 of "orderId\\nchannel\\nchannelRef" (then "\\namount" when sent) under the callback secret`,
    });
  }
}

function amountPart(callback: PaymentCallback): string {
  return callback.amount === undefined ? '' : `\n${callback.amount}`;
}
