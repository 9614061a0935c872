import { describe, expect, it } from 'vitest';
import type { PaymentChannel, RefundOutcome, RefundRequest } from './payment-channel.ts';
import { refundCharge } from './refund-charge.ts';
import { SimulatedChannel } from './simulated-channel.ts';

const request: RefundRequest = { paymentId: 'pay-1', channelRef: 'alipay-1', amountFen: 9_900 };
const fast = { timeoutMs: 100, backoffMs: 1 };

/** A channel whose refunds answer in turn: a value, a throw, or never (until aborted). */
function scriptedRefunds(script: ('ok' | 'error' | 'throw' | 'hang')[]): PaymentChannel & { asked: number } {
  const channel = {
    name: 'alipay',
    asked: 0,
    charge: () => Promise.reject(new Error('refunds only')),
    refund: (_r: RefundRequest, signal: AbortSignal): Promise<RefundOutcome> => {
      const step = script[channel.asked++];
      if (step === 'ok') return Promise.resolve({ ok: true, refundRef: 'r-1' });
      if (step === 'error') return Promise.resolve({ ok: false, reason: 'error' });
      if (step === 'throw') return Promise.reject(new Error('connection reset'));
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    },
  };
  return channel;
}

describe('refundCharge', () => {
  it('asks again after an error, a throw or a timeout, and stops at the first refund', async () => {
    const channel = scriptedRefunds(['error', 'hang', 'ok', 'ok']);
    const result = await refundCharge(channel, request, { ...fast, tries: 4 });
    expect(result).toMatchObject({ ok: true, refundRef: 'r-1' });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['error', 'timeout', 'refunded']);
    expect(channel.asked).toBe(3);
  });

  it('gives up after its tries and says every attempt', async () => {
    const channel = scriptedRefunds(['throw', 'error', 'error', 'ok']);
    const result = await refundCharge(channel, request, fast);
    expect(result.ok).toBe(false);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['error', 'error', 'error']);
    expect(channel.asked).toBe(3);
  });

  it('refunds a simulated charge once, however often it is asked', async () => {
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    const charged = await alipay.charge(
      { ...request, orderIds: ['o-1'], buyerId: 'b-1' },
      new AbortController().signal,
    );
    if (!charged.ok) throw new Error('not charged');
    const again = { ...request, channelRef: charged.channelRef };
    await refundCharge(alipay, again, fast);
    await refundCharge(alipay, again, fast);
    expect(alipay.takings()).toMatchObject({ chargedFen: 9_900, refunds: 1, refundedFen: 9_900 });
  });
});
