// Gives a charge back through the channel that took it, asking again a few times when the channel
// errs or times out (a refund is idempotent on the payment id, so asking twice refunds once).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { callChannel } from './channel-call.ts';
import type { PaymentChannel, RefundRequest } from './payment-channel.ts';

export const refundLimits = {
  /** Asks per refund; after the last the refund is left to the operators (a RefundFailed event). */
  triesMax: 3,
  /** The wait before the second ask; it doubles before each later one. */
  backoffMs: 200,
} as const;

export interface RefundAttempt {
  outcome: 'refunded' | 'timeout' | 'error';
  elapsedMs: number;
}

export type RefundResult =
  | { ok: true; refundRef: string; attempts: RefundAttempt[] }
  | { ok: false; attempts: RefundAttempt[] };

export interface RefundOptions {
  /** How long one ask is waited for. */
  timeoutMs: number;
  tries?: number;
  backoffMs?: number;
}

export async function refundCharge(
  channel: PaymentChannel,
  request: RefundRequest,
  options: RefundOptions,
): Promise<RefundResult> {
  const tries = options.tries ?? refundLimits.triesMax;
  const backoffMs = options.backoffMs ?? refundLimits.backoffMs;
  const attempts: RefundAttempt[] = [];
  for (let k = 0; k < tries; k += 1) {
    if (k > 0) await sleep(backoffMs * 2 ** (k - 1));
    const startedMs = performance.now();
    const answer = await callChannel(
      channel.name,
      (signal) => channel.refund(request, signal),
      options.timeoutMs,
    );
    const elapsedMs = performance.now() - startedMs;
    if (answer.outcome === 'answered' && answer.value.ok) {
      attempts.push({ outcome: 'refunded', elapsedMs });
      return { ok: true, refundRef: answer.value.refundRef, attempts };
    }
    attempts.push({ outcome: answer.outcome === 'timeout' ? 'timeout' : 'error', elapsedMs });
  }
  return { ok: false, attempts };
}
