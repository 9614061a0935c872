import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failedOver, type PaymentResult, paymentLimits, payWithFailover } from './pay-with-failover.ts';
import type { ChannelOutcome, PaymentChannel, PaymentRequest } from './payment-channel.ts';
import { SimulatedChannel, type SimulatedChannelOverrides, simulatedChannels } from './simulated-channel.ts';

const request: PaymentRequest = { paymentId: 'pay-1', orderIds: ['o-1'], buyerId: 'b-1', amountFen: 9_900 };
// Generous against the 2–5 ms channels, so a loaded machine never times out a healthy one.
const TIMEOUT_MS = 100;
/** Far beyond TIMEOUT_MS: a channel this slow must be abandoned, never waited for. */
const STALLED_MS = 5_000;
const slow = { latencyMs: STALLED_MS };
const failing = { failureRate: 1 };
const declining = { declineRate: 1 };

function channels(alipay: SimulatedChannelOverrides = {}, wechat: SimulatedChannelOverrides = {}) {
  return simulatedChannels({ alipay, wechat });
}

function outcomes(result: PaymentResult): string[] {
  return result.attempts.map((attempt) => `${attempt.channel}:${attempt.outcome}`);
}

/**
 * Records the timers started (with at least `minDelayMs`) and cleared from here on, to prove that
 * none is left running. Spies rather than counting process resources, which the test runner's own
 * timers would disturb.
 */
function watchTimers(minDelayMs: number): { started: () => number; running: () => number } {
  const set = vi.spyOn(globalThis, 'setTimeout');
  const clear = vi.spyOn(globalThis, 'clearTimeout');
  const handles = (): unknown[] =>
    set.mock.calls.flatMap((call, i) => ((call[1] ?? 0) >= minDelayMs ? [set.mock.results[i]?.value] : []));
  const isCleared = (handle: unknown): boolean => clear.mock.calls.some((call) => call[0] === handle);
  return {
    started: () => handles().length,
    running: () => handles().filter((handle) => !isCleared(handle)).length,
  };
}

/** A channel that ignores its AbortSignal and answers late: failover must not wait for it. */
function deafChannel(name: string, answerMs: number): PaymentChannel & { settled: Promise<unknown> } {
  let settle: (outcome: ChannelOutcome) => void = () => {};
  const settled = new Promise<ChannelOutcome>((resolve) => {
    settle = resolve;
  });
  return {
    name,
    settled,
    charge: () => {
      setTimeout(() => settle({ ok: true, channelRef: `${name}-late` }), answerMs);
      return settled;
    },
    refund: () => Promise.reject(new Error('failover never refunds')),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('payWithFailover', () => {
  it('succeeds on the first channel with one attempt', async () => {
    const result = await payWithFailover(channels(), request, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({
      ok: true,
      channel: 'alipay',
      channelRef: expect.stringMatching(/^alipay-[0-9a-f]{6}-1$/),
    });
    expect(outcomes(result)).toEqual(['alipay:succeeded']);
    expect(result.attempts[0]?.elapsedMs).toBeGreaterThanOrEqual(1);
    expect(result.attempts[0]?.elapsedMs).toBeLessThan(TIMEOUT_MS);
    expect(failedOver(result)).toBe(false);
  });

  it('fails over to the second channel when the first times out, and does not wait for it', async () => {
    const startedMs = performance.now();
    const result = await payWithFailover(channels(slow), request, { timeoutMs: TIMEOUT_MS });
    expect(performance.now() - startedMs).toBeLessThan(500);
    expect(result).toMatchObject({
      ok: true,
      channel: 'wechat',
      channelRef: expect.stringMatching(/^wechat-[0-9a-f]{6}-1$/),
    });
    expect(outcomes(result)).toEqual(['alipay:timeout', 'wechat:succeeded']);
    // Timers may fire a fraction of a millisecond "early" against performance.now().
    expect(result.attempts[0]?.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
    expect(failedOver(result)).toBe(true);
  });

  it('leaves no timer behind after a timeout: the slow channel was aborted and cleared', async () => {
    const timers = watchTimers(TIMEOUT_MS);
    await payWithFailover(channels(slow), request, { timeoutMs: TIMEOUT_MS });
    // The slow channel's latency timer and one failover timeout per attempt, none left running.
    expect(timers.started()).toBe(3);
    expect(timers.running()).toBe(0);
  });

  it('fails over when the first channel errs', async () => {
    const result = await payWithFailover(channels(failing), request, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({ ok: true, channel: 'wechat' });
    expect(outcomes(result)).toEqual(['alipay:error', 'wechat:succeeded']);
    expect(failedOver(result)).toBe(true);
  });

  it('counts a channel that throws as an error and fails over', async () => {
    const broken: PaymentChannel = {
      name: 'broken',
      charge: () => Promise.reject(new Error('connection reset')),
      refund: () => Promise.reject(new Error('connection reset')),
    };
    const result = await payWithFailover([broken, ...channels()], request, { timeoutMs: TIMEOUT_MS });
    expect(outcomes(result)).toEqual(['broken:error', 'alipay:succeeded']);
  });

  it('returns ok:false with every attempt when all channels fail', async () => {
    const all = simulatedChannels({ alipay: slow, wechat: failing, unionpay: failing });
    const result = await payWithFailover(all, request, { timeoutMs: TIMEOUT_MS });
    expect(result.ok).toBe(false);
    expect(outcomes(result)).toEqual(['alipay:timeout', 'wechat:error', 'unionpay:error']);
    expect(failedOver(result)).toBe(true);
  });

  it('stops at a decline without failing over: the bank said no, not the channel', async () => {
    const result = await payWithFailover(channels(declining), request, { timeoutMs: TIMEOUT_MS });
    expect(result.ok).toBe(false);
    expect(outcomes(result)).toEqual(['alipay:declined']);
    expect(failedOver(result)).toBe(false);
  });

  it('a decline after a failover still stops, and still counts as failed over', async () => {
    const result = await payWithFailover(channels(failing, declining), request, { timeoutMs: TIMEOUT_MS });
    expect(result.ok).toBe(false);
    expect(outcomes(result)).toEqual(['alipay:error', 'wechat:declined']);
    expect(failedOver(result)).toBe(true);
  });

  it('tries the preferred channel first, then the rest in order', async () => {
    const all = simulatedChannels({ unionpay: failing });
    const result = await payWithFailover(all, request, { timeoutMs: TIMEOUT_MS, preferred: 'unionpay' });
    expect(outcomes(result)).toEqual(['unionpay:error', 'alipay:succeeded']);

    const chosen = await payWithFailover(simulatedChannels(), request, {
      timeoutMs: TIMEOUT_MS,
      preferred: 'wechat',
    });
    expect(chosen).toMatchObject({ ok: true, channel: 'wechat' });
    expect(outcomes(chosen)).toEqual(['wechat:succeeded']);
  });

  it('ignores a preferred name that no channel has', async () => {
    const result = await payWithFailover(channels(failing), request, {
      timeoutMs: TIMEOUT_MS,
      preferred: 'paypal',
    });
    expect(outcomes(result)).toEqual(['alipay:error', 'wechat:succeeded']);
  });

  it('abandons a channel that ignores its abort signal, and ignores its late success', async () => {
    const deaf = deafChannel('deaf', 500);
    const startedMs = performance.now();
    const result = await payWithFailover([deaf, ...channels()], request, { timeoutMs: TIMEOUT_MS });
    expect(performance.now() - startedMs).toBeLessThan(400);
    expect(result).toMatchObject({
      ok: true,
      channel: 'alipay',
      channelRef: expect.stringMatching(/^alipay-[0-9a-f]{6}-1$/),
    });
    expect(outcomes(result)).toEqual(['deaf:timeout', 'alipay:succeeded']);
    await deaf.settled; // let the stray timer finish inside this test
  });

  it('is deterministic with a seeded flaky first channel', async () => {
    // Draws 0.2 then 0.9: the first payment errs on alipay, the second succeeds there.
    const draws = [0.2, 0.9];
    const all = simulatedChannels({ alipay: { failureRate: 0.5, random: () => draws.shift() ?? 0 } });
    const first = await payWithFailover(all, request, { timeoutMs: TIMEOUT_MS });
    const second = await payWithFailover(all, request, { timeoutMs: TIMEOUT_MS });
    expect(outcomes(first)).toEqual(['alipay:error', 'wechat:succeeded']);
    expect(outcomes(second)).toEqual(['alipay:succeeded']);
  });

  it.each([
    ['no channels', [], TIMEOUT_MS, /at least one channel/],
    [
      'too many channels',
      Array.from(
        { length: paymentLimits.channelsMax + 1 },
        (_, i) => new SimulatedChannel({ name: `c${i}`, latencyMs: 0, failureRate: 0 }),
      ),
      TIMEOUT_MS,
      /at most/,
    ],
    ['duplicate names', [...simulatedChannels(), ...simulatedChannels()].slice(0, 4), TIMEOUT_MS, /distinct/],
    ['a zero timeout', simulatedChannels(), 0, /timeoutMs/],
    ['a timeout above the limit', simulatedChannels(), paymentLimits.timeoutMsMax + 1, /timeoutMs/],
  ])('refuses %s', async (_name, list, timeoutMs, message) => {
    await expect(payWithFailover(list, request, { timeoutMs })).rejects.toThrow(message);
  });

  it('refuses a non-integer amount', async () => {
    await expect(
      payWithFailover(simulatedChannels(), { ...request, amountFen: 9.5 }, { timeoutMs: TIMEOUT_MS }),
    ).rejects.toThrow(/amountFen/);
  });
});

describe('failedOver', () => {
  const attempt = (outcome: 'succeeded' | 'timeout' | 'error' | 'declined') => ({
    channel: 'c',
    outcome,
    elapsedMs: 1,
  });

  it.each([
    ['success first time', [attempt('succeeded')], false],
    ['a lone error (nothing was failed over to)', [attempt('error')], false],
    ['timeout then success', [attempt('timeout'), attempt('succeeded')], true],
    ['error then decline', [attempt('error'), attempt('declined')], true],
    ['no attempts', [], false],
  ])('%s → %s', (_name, attempts, expected) => {
    expect(failedOver({ ok: false, attempts })).toBe(expected);
  });
});
