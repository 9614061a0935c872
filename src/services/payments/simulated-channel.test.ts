import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelOutcome, PaymentRequest } from './payment-channel.ts';
import {
  ChannelConfigInvalid,
  parseChannelConfig,
  SimulatedChannel,
  simulatedChannelLabels,
  simulatedChannelNames,
  simulatedChannels,
} from './simulated-channel.ts';

const request: PaymentRequest = {
  paymentId: 'pay-1',
  orderIds: ['o-1', 'o-2'],
  buyerId: 'b-1',
  amountFen: 19_900,
};

/** A tiny seeded RNG (mulberry32) so rate-driven outcomes repeat exactly. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function label(outcome: ChannelOutcome): string {
  return outcome.ok ? 'ok' : outcome.reason;
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

/** Answers the given draws in turn. */
function sequence(draws: number[]): () => number {
  let i = 0;
  return () => draws[i++ % draws.length]!;
}

async function chargeMany(channel: SimulatedChannel, count: number): Promise<string[]> {
  const labels: string[] = [];
  for (let i = 0; i < count; i += 1) {
    labels.push(label(await channel.charge(request, new AbortController().signal)));
  }
  return labels;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SimulatedChannel', () => {
  it('succeeds after its latency with refs unique per channel', async () => {
    const channel = new SimulatedChannel({ name: 'alipay', latencyMs: 5, failureRate: 0 });
    const startedMs = performance.now();
    const first = await channel.charge(request, new AbortController().signal);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(4);
    const second = await channel.charge(request, new AbortController().signal);
    expect(first).toEqual({ ok: true, channelRef: 'alipay-1' });
    expect(second).toEqual({ ok: true, channelRef: 'alipay-2' });
  });

  it.each([
    ['below failureRate → error', 0.1, 'error'],
    ['in the decline band → declined', 0.35, 'declined'],
    ['at failure + decline → ok', 0.4, 'ok'],
    ['above both → ok', 0.99, 'ok'],
  ])('draw %s', async (_name, draw, expected) => {
    const channel = new SimulatedChannel({
      name: 'wechat',
      latencyMs: 0,
      failureRate: 0.3,
      declineRate: 0.1,
      random: () => draw,
    });
    expect(label(await channel.charge(request, new AbortController().signal))).toBe(expected);
  });

  it('a seeded RNG gives the same outcomes every run, at about the configured rate', async () => {
    const options = { name: 'unionpay', latencyMs: 0, failureRate: 0.3, declineRate: 0.1 };
    const run1 = await chargeMany(new SimulatedChannel({ ...options, random: mulberry32(2) }), 400);
    const run2 = await chargeMany(new SimulatedChannel({ ...options, random: mulberry32(2) }), 400);
    expect(run2).toEqual(run1);
    // mulberry32(2) draws 0.734 0.325 0.285 0.538 0.875 0.631 0.499 0.357 …; the bands are
    // [0, 0.3) error, [0.3, 0.4) declined, [0.4, 1) ok.
    expect(run1.slice(0, 8)).toEqual(['ok', 'declined', 'error', 'ok', 'ok', 'ok', 'ok', 'declined']);
    const errors = run1.filter((outcome) => outcome === 'error').length;
    const declines = run1.filter((outcome) => outcome === 'declined').length;
    expect(errors / run1.length).toBeGreaterThan(0.24);
    expect(errors / run1.length).toBeLessThan(0.36);
    expect(declines / run1.length).toBeGreaterThan(0.06);
    expect(declines / run1.length).toBeLessThan(0.14);
  });

  it('jitter adds at most jitterMs and is drawn from the same RNG', async () => {
    const draws = [0.5, 0.99];
    const channel = new SimulatedChannel({
      name: 'alipay',
      latencyMs: 5,
      jitterMs: 20,
      failureRate: 0.5,
      random: () => draws.shift() ?? 0,
    });
    const startedMs = performance.now();
    // jitter draw 0.5 → 15 ms in all; outcome draw 0.99 → ok.
    expect(label(await channel.charge(request, new AbortController().signal))).toBe('ok');
    const elapsedMs = performance.now() - startedMs;
    expect(elapsedMs).toBeGreaterThanOrEqual(14);
    expect(elapsedMs).toBeLessThan(200);
  });

  it('abort rejects promptly with the signal reason and clears its timer', async () => {
    const channel = new SimulatedChannel({ name: 'alipay', latencyMs: 10_000, failureRate: 0 });
    const timers = watchTimers(10_000);
    const controller = new AbortController();
    const startedMs = performance.now();
    const charge = channel.charge(request, controller.signal);
    expect(timers.running()).toBe(1);
    setTimeout(() => controller.abort(new Error('stop')), 10);
    await expect(charge).rejects.toThrow('stop');
    expect(performance.now() - startedMs).toBeLessThan(500);
    expect(timers.started()).toBe(1);
    expect(timers.running()).toBe(0);
  });

  it('no latency means no timer at all', async () => {
    const channel = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    const timers = watchTimers(0);
    const charge = channel.charge(request, new AbortController().signal);
    expect(timers.started()).toBe(0);
    expect(await charge).toEqual({ ok: true, channelRef: 'alipay-1' });
  });

  it('an already aborted signal rejects without starting a timer', async () => {
    const channel = new SimulatedChannel({ name: 'alipay', latencyMs: 10_000, failureRate: 0 });
    const timers = watchTimers(0);
    const charge = channel.charge(request, AbortSignal.abort(new Error('too late')));
    expect(timers.started()).toBe(0);
    await expect(charge).rejects.toThrow('too late');
  });

  it('refunds a charge once per payment id and counts the money both ways', async () => {
    const channel = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    const signal = new AbortController().signal;
    const charged = await channel.charge(request, signal);
    if (!charged.ok) throw new Error('not charged');
    const refund = { paymentId: request.paymentId, channelRef: charged.channelRef, amountFen: 19_900 };
    const first = await channel.refund(refund, signal);
    expect(first).toEqual({ ok: true, refundRef: `${charged.channelRef}-refund` });
    expect(await channel.refund(refund, signal)).toEqual(first);
    expect(channel.takings()).toEqual({ charges: 1, chargedFen: 19_900, refunds: 1, refundedFen: 19_900 });
  });

  it("refuses to refund another channel's charge, and fails refunds at refundFailureRate", async () => {
    const signal = new AbortController().signal;
    const alipay = new SimulatedChannel({ name: 'alipay', latencyMs: 0, failureRate: 0 });
    const foreign = { paymentId: 'pay-9', channelRef: 'wechat-1', amountFen: 100 };
    expect(await alipay.refund(foreign, signal)).toEqual({ ok: false, reason: 'error' });
    const flaky = new SimulatedChannel({
      name: 'alipay',
      latencyMs: 0,
      failureRate: 0,
      refundFailureRate: 0.5,
      random: sequence([0.1, 0.9]),
    });
    const refund = { paymentId: 'pay-1', channelRef: 'alipay-1', amountFen: 100 };
    expect(await flaky.refund(refund, signal)).toEqual({ ok: false, reason: 'error' });
    expect(await flaky.refund(refund, signal)).toMatchObject({ ok: true });
    expect(flaky.takings()).toMatchObject({ refunds: 1, refundedFen: 100 });
  });

  it.each([
    ['negative latency', { latencyMs: -1, failureRate: 0 }, /latencyMs/],
    ['failureRate above 1', { latencyMs: 1, failureRate: 1.5 }, /failureRate/],
    ['rates summing above 1', { latencyMs: 1, failureRate: 0.6, declineRate: 0.6 }, /exceed 1/],
    ['NaN jitter', { latencyMs: 1, jitterMs: Number.NaN, failureRate: 0 }, /jitterMs/],
    [
      'refundFailureRate above 1',
      { latencyMs: 1, failureRate: 0, refundFailureRate: 2 },
      /refundFailureRate/,
    ],
  ])('rejects %s', (_name, options, message) => {
    expect(() => new SimulatedChannel({ name: 'x', ...options })).toThrow(message);
  });
});

describe('simulatedChannels', () => {
  it('gives alipay, wechat, unionpay in failover order, fast and reliable by default', () => {
    const channels = simulatedChannels();
    expect(channels.map((channel) => channel.name)).toEqual(['alipay', 'wechat', 'unionpay']);
    for (const channel of channels) {
      expect(channel.settings.latencyMs).toBeGreaterThanOrEqual(1);
      expect(channel.settings.latencyMs).toBeLessThanOrEqual(5);
      expect(channel.settings.failureRate).toBe(0);
      expect(channel.settings.declineRate).toBe(0);
    }
    expect(simulatedChannelNames.map((name) => simulatedChannelLabels[name].zhCN)).toEqual([
      '支付宝',
      '微信支付',
      '银联',
    ]);
  });

  it('overrides only the named channel and keeps the other defaults', async () => {
    const [alipay, wechat] = simulatedChannels({ alipay: { failureRate: 1 }, wechat: { latencyMs: 1 } });
    expect(alipay?.settings).toMatchObject({ latencyMs: 2, failureRate: 1 });
    expect(wechat?.settings).toMatchObject({ latencyMs: 1, failureRate: 0 });
    expect(await alipay?.charge(request, new AbortController().signal)).toEqual({
      ok: false,
      reason: 'error',
    });
  });

  it('an explicit undefined override falls back to the default', () => {
    const [alipay] = simulatedChannels({ alipay: { latencyMs: undefined, jitterMs: undefined } });
    expect(alipay?.settings).toMatchObject({ latencyMs: 2, jitterMs: 0 });
  });
});

describe('parseChannelConfig', () => {
  it.each([
    ['', {}],
    ['   ', {}],
    [
      'alipay:latency=50,failure=0.3;wechat:latency=5',
      { alipay: { latencyMs: 50, failureRate: 0.3 }, wechat: { latencyMs: 5 } },
    ],
    [' unionpay : jitter=2.5 , decline=.1 ; ', { unionpay: { jitterMs: 2.5, declineRate: 0.1 } }],
    ['wechat:failure=1', { wechat: { failureRate: 1 } }],
    ['alipay:', { alipay: {} }],
  ])('%j parses', (text, expected) => {
    expect(parseChannelConfig(text)).toEqual(expected);
  });

  it.each([
    ['alipay', /"alipay": expected channel:key=value/],
    ['paypal:latency=5', /"paypal:latency=5": unknown channel "paypal"/],
    ['alipay:speed=5', /unknown key "speed"/],
    ['alipay:latency', /"latency" is not key=value/],
    ['alipay:latency=abc', /latency must be a number ≥ 0, got "abc"/],
    ['alipay:latency=-5', /latency must be a number ≥ 0, got "-5"/],
    ['alipay:latency=', /latency must be a number ≥ 0, got ""/],
    ['alipay:latency=1e3', /got "1e3"/],
    ['wechat:latency=5;alipay:failure=1.5', /"alipay:failure=1.5": failure is a rate in \[0, 1\]/],
    ['alipay:failure=0.7,decline=0.5', /failure \+ decline must not exceed 1/],
    ['alipay:latency=1,latency=2', /sets latencyMs twice/],
    ['alipay:latency=1;alipay:latency=2', /channel "alipay" is configured twice/],
  ])('%j is rejected naming the bad part', (text, message) => {
    expect(() => parseChannelConfig(text)).toThrow(ChannelConfigInvalid);
    expect(() => parseChannelConfig(text)).toThrow(message);
  });

  it('feeds simulatedChannels', () => {
    const [alipay] = simulatedChannels(parseChannelConfig('alipay:latency=50,failure=0.3'));
    expect(alipay?.settings).toMatchObject({ name: 'alipay', latencyMs: 50, failureRate: 0.3 });
  });
});
