// Pays through one channel after another until one succeeds (DOMAIN.md §3: "payment through
// several channels with automatic failover when one times out"; ARCHITECTURE.md, data flow step 5).
// A channel that times out or errs is a channel failure, so the next channel may still take the
// money; a decline is the shopper's bank saying no, which no other channel would change.
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { callChannel } from './channel-call.ts';
import type { PaymentChannel, PaymentRequest } from './payment-channel.ts';

export const paymentLimits = {
  /** Channels one payment may go through, each tried at most once: this bounds the retries. */
  channelsMax: 5,
  /** Bounds on how long one channel is waited for before it is abandoned. */
  timeoutMsMin: 1,
  timeoutMsMax: 30_000,
  /** What the engine waits per channel unless configured otherwise. */
  timeoutMsDefault: 3_000,
} as const;

// The default must itself be a legal timeout.
assert(paymentLimits.timeoutMsMin <= paymentLimits.timeoutMsDefault);
assert(paymentLimits.timeoutMsDefault <= paymentLimits.timeoutMsMax);

export interface PaymentAttempt {
  channel: string;
  outcome: 'succeeded' | 'timeout' | 'error' | 'declined';
  elapsedMs: number;
}

export type PaymentResult =
  | { ok: true; channel: string; channelRef: string; attempts: PaymentAttempt[] }
  | { ok: false; attempts: PaymentAttempt[] };

export interface PayWithFailoverOptions {
  /** How long each channel is waited for; see paymentLimits. */
  timeoutMs: number;
  /** Name of the channel to try first (the shopper's choice); ignored if no channel has it. */
  preferred?: string;
}

type Answer = { outcome: 'succeeded'; channelRef: string } | { outcome: 'timeout' | 'error' | 'declined' };

export async function payWithFailover(
  channels: PaymentChannel[],
  request: PaymentRequest,
  options: PayWithFailoverOptions,
): Promise<PaymentResult> {
  assertCall(channels, request, options);
  const attempts: PaymentAttempt[] = [];
  for (const channel of failoverOrder(channels, options.preferred)) {
    const startedMs = performance.now();
    const answer = await attemptCharge(channel, request, options.timeoutMs);
    attempts.push({
      channel: channel.name,
      outcome: answer.outcome,
      elapsedMs: performance.now() - startedMs,
    });
    if (answer.outcome === 'succeeded') {
      return { ok: true, channel: channel.name, channelRef: answer.channelRef, attempts };
    }
    if (answer.outcome === 'declined') return { ok: false, attempts };
  }
  return { ok: false, attempts };
}

/**
 * True when a channel failed (timeout or error) before the last attempt, i.e. the shopper had to
 * wait through a failover. The engine grants such a shopper a compensation coupon (DOMAIN.md §3).
 */
export function failedOver(result: PaymentResult): boolean {
  return result.attempts
    .slice(0, -1)
    .some((attempt) => attempt.outcome === 'timeout' || attempt.outcome === 'error');
}

function failoverOrder(channels: PaymentChannel[], preferred: string | undefined): PaymentChannel[] {
  const first = channels.find((channel) => channel.name === preferred);
  return first === undefined ? channels : [first, ...channels.filter((channel) => channel !== first)];
}

/** One charge, abandoned after `timeoutMs`; a late success is left to the callback on paymentId. */
async function attemptCharge(
  channel: PaymentChannel,
  request: PaymentRequest,
  timeoutMs: number,
): Promise<Answer> {
  const answer = await callChannel(channel.name, (signal) => channel.charge(request, signal), timeoutMs);
  if (answer.outcome !== 'answered') return answer;
  const outcome = answer.value;
  return outcome.ok ? { outcome: 'succeeded', channelRef: outcome.channelRef } : { outcome: outcome.reason };
}

function assertCall(
  channels: PaymentChannel[],
  request: PaymentRequest,
  options: PayWithFailoverOptions,
): void {
  const { timeoutMs } = options;
  assert(channels.length > 0, 'payWithFailover needs at least one channel');
  assert(channels.length <= paymentLimits.channelsMax, `at most ${paymentLimits.channelsMax} channels`);
  const names = new Set(channels.map((channel) => channel.name));
  assert(names.size === channels.length, 'channel names must be distinct (preferred and attempts use them)');
  assert(
    Number.isFinite(timeoutMs) &&
      timeoutMs >= paymentLimits.timeoutMsMin &&
      timeoutMs <= paymentLimits.timeoutMsMax,
    `timeoutMs must be in [${paymentLimits.timeoutMsMin}, ${paymentLimits.timeoutMsMax}], got ${timeoutMs}`,
  );
  assert(
    Number.isSafeInteger(request.amountFen) && request.amountFen > 0,
    'amountFen must be a positive integer',
  );
}
