// A payment channel that only pretends: it waits a configurable latency and then succeeds, fails
// or declines at configurable rates. The demo, the rehearsal simulator and the failover tests use
// it to make a channel slow or flaky on purpose (DOMAIN.md §3: failover when a channel times out).

import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type {
  ChannelOutcome,
  PaymentChannel,
  PaymentRequest,
  RefundOutcome,
  RefundRequest,
} from './payment-channel.ts';

export interface SimulatedChannelOptions {
  name: string;
  latencyMs: number;
  /** Up to this much extra latency, drawn uniformly per charge. */
  jitterMs?: number;
  /** Share of charges (0..1) that fail with reason `error`. */
  failureRate: number;
  /** Share of charges (0..1) the shopper's bank declines; failureRate + declineRate ≤ 1. */
  declineRate?: number;
  /** Share of refunds (0..1) that fail with reason `error` (default 0: refunds always go through). */
  refundFailureRate?: number;
  /** Source of randomness in [0, 1); pass a seeded one for repeatable runs. */
  random?: () => number;
}

/** The options a channel runs with, every default filled in. */
export type SimulatedChannelSettings = Readonly<Required<SimulatedChannelOptions>>;

/** The money a channel moved: what it took and what it gave back, in fen. */
export interface ChannelTakings {
  charges: number;
  chargedFen: number;
  refunds: number;
  refundedFen: number;
}

export class SimulatedChannel implements PaymentChannel {
  readonly name: string;
  readonly settings: SimulatedChannelSettings;
  private chargesSucceeded = 0;
  private chargedFen = 0;
  private refundedFen = 0;
  /** Refunds made, by payment id: asking again answers the same refund and moves no money. */
  private readonly refunds = new Map<string, string>();
  /** Like a real channel's trade number, a reference is unique across every server of the sale. */
  private readonly refPrefix: string;

  constructor(options: SimulatedChannelOptions & { refPrefix?: string }) {
    this.refPrefix = options.refPrefix ?? '';
    // `??` rather than spread defaults, so an explicit `undefined` also means "use the default".
    this.settings = {
      name: options.name,
      latencyMs: options.latencyMs,
      jitterMs: options.jitterMs ?? 0,
      failureRate: options.failureRate,
      declineRate: options.declineRate ?? 0,
      refundFailureRate: options.refundFailureRate ?? 0,
      random: options.random ?? Math.random,
    };
    assertSettings(this.settings);
    this.name = options.name;
  }

  async charge(request: PaymentRequest, signal: AbortSignal): Promise<ChannelOutcome> {
    await sleep(this.drawLatencyMs(), signal);
    const outcome = this.drawOutcome();
    if (outcome.ok) this.chargedFen += request.amountFen;
    return outcome;
  }

  async refund(request: RefundRequest, signal: AbortSignal): Promise<RefundOutcome> {
    await sleep(this.drawLatencyMs(), signal);
    const made = this.refunds.get(request.paymentId);
    if (made !== undefined) return { ok: true, refundRef: made };
    // Only a charge of this channel can be given back here.
    if (!request.channelRef.startsWith(`${this.name}-`)) return { ok: false, reason: 'error' };
    // Draw only when refunds can fail, so a seeded run's charge draws do not depend on refunds.
    const { refundFailureRate, random } = this.settings;
    if (refundFailureRate > 0 && random() < refundFailureRate) return { ok: false, reason: 'error' };
    const refundRef = `${request.channelRef}-refund`;
    this.refunds.set(request.paymentId, refundRef);
    this.refundedFen += request.amountFen;
    return { ok: true, refundRef };
  }

  /** What this channel took and gave back so far (the rehearsal and tests check the money with it). */
  takings(): ChannelTakings {
    return {
      charges: this.chargesSucceeded,
      chargedFen: this.chargedFen,
      refunds: this.refunds.size,
      refundedFen: this.refundedFen,
    };
  }

  private drawLatencyMs(): number {
    const { latencyMs, jitterMs, random } = this.settings;
    // Draw only when there is jitter, so a seeded run's outcome draws do not depend on it.
    return jitterMs > 0 ? latencyMs + jitterMs * random() : latencyMs;
  }

  // One draw per charge, split into [error | declined | ok] bands: a seeded RNG then gives one
  // outcome per number, easy to predict in tests.
  private drawOutcome(): ChannelOutcome {
    const { failureRate, declineRate, random } = this.settings;
    const draw = random();
    if (draw < failureRate) return { ok: false, reason: 'error' };
    if (draw < failureRate + declineRate) return { ok: false, reason: 'declined' };
    this.chargesSucceeded += 1;
    return { ok: true, channelRef: `${this.name}-${this.refPrefix}${this.chargesSucceeded}` };
  }
}

function assertSettings(settings: SimulatedChannelSettings): void {
  const { name, latencyMs, jitterMs, failureRate, declineRate, refundFailureRate } = settings;
  assert(name.length > 0, 'a simulated channel needs a name');
  assert(isDurationMs(latencyMs), `${name}: latencyMs must be a finite number ≥ 0, got ${latencyMs}`);
  assert(isDurationMs(jitterMs), `${name}: jitterMs must be a finite number ≥ 0, got ${jitterMs}`);
  assert(isRate(failureRate), `${name}: failureRate must be in [0, 1], got ${failureRate}`);
  assert(isRate(declineRate), `${name}: declineRate must be in [0, 1], got ${declineRate}`);
  assert(failureRate + declineRate <= 1, `${name}: failureRate + declineRate must not exceed 1`);
  assert(isRate(refundFailureRate), `${name}: refundFailureRate must be in [0, 1], got ${refundFailureRate}`);
}

function isDurationMs(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

function isRate(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= 1;
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts. The timer is cleared on
 * abort and the listener removed on completion, so an abandoned charge leaves nothing behind that
 * would keep the process alive.
 */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    // No latency, no timer: lets tests and the simulator run thousands of charges quickly.
    if (ms <= 0) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------
// The three default channels

/** Failover order of the default channels. */
export const simulatedChannelNames = ['alipay', 'wechat', 'unionpay'] as const;
export type SimulatedChannelName = (typeof simulatedChannelNames)[number];

/** How the cockpit and messages name each channel, zh-CN first. */
export const simulatedChannelLabels: Record<SimulatedChannelName, { zhCN: string; en: string }> = {
  alipay: { zhCN: '支付宝', en: 'Alipay' },
  wechat: { zhCN: '微信支付', en: 'WeChat Pay' },
  unionpay: { zhCN: '银联', en: 'UnionPay' },
};

/** Per-channel overrides; the name is fixed so `preferred` and reports keep matching. */
export type SimulatedChannelOverrides = Partial<Omit<SimulatedChannelOptions, 'name'>>;
export type SimulatedChannelsConfig = Partial<Record<SimulatedChannelName, SimulatedChannelOverrides>>;

// Small and distinct latencies: fast enough for tests and the demo, different enough to tell the
// channels apart in a timeline.
const defaultLatencyMs: Record<SimulatedChannelName, number> = { alipay: 2, wechat: 3, unionpay: 5 };

/** Alipay, WeChat Pay and UnionPay in failover order, reliable unless `config` says otherwise. */
export function simulatedChannels(config: SimulatedChannelsConfig = {}): SimulatedChannel[] {
  // Servers of one sale each count their charges: a random prefix keeps their references apart.
  const refPrefix = `${randomBytes(3).toString('hex')}-`;
  return simulatedChannelNames.map((name) => {
    const overrides = config[name] ?? {};
    return new SimulatedChannel({
      ...overrides,
      refPrefix,
      name,
      latencyMs: overrides.latencyMs ?? defaultLatencyMs[name],
      failureRate: overrides.failureRate ?? 0,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Config from a CLI flag or an environment variable

/** A channel config string that cannot be used; `message` names the offending part. */
export class ChannelConfigInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelConfigInvalid';
  }
}

type NumericSetting = 'latencyMs' | 'jitterMs' | 'failureRate' | 'declineRate';

// Short keys because the string is typed by hand: `alipay:latency=50,failure=0.3`.
const settingKeys: Record<string, { setting: NumericSetting; kind: 'duration' | 'rate' }> = {
  latency: { setting: 'latencyMs', kind: 'duration' },
  jitter: { setting: 'jitterMs', kind: 'duration' },
  failure: { setting: 'failureRate', kind: 'rate' },
  decline: { setting: 'declineRate', kind: 'rate' },
};

/**
 * Parses `alipay:latency=50,failure=0.3;wechat:latency=5` (keys: latency, jitter in ms; failure,
 * decline as rates 0..1). Empty text means no overrides. Throws ChannelConfigInvalid.
 */
export function parseChannelConfig(text: string): SimulatedChannelsConfig {
  const config: SimulatedChannelsConfig = {};
  for (const segment of splitTrimmed(text, ';')) {
    const [name, overrides] = parseSegment(segment);
    if (config[name] !== undefined) fail(segment, `channel "${name}" is configured twice`);
    config[name] = overrides;
  }
  return config;
}

function parseSegment(segment: string): [SimulatedChannelName, SimulatedChannelOverrides] {
  const colon = segment.indexOf(':');
  if (colon < 0) fail(segment, 'expected channel:key=value,…');
  const name = segment.slice(0, colon).trim();
  if (!isChannelName(name)) {
    fail(segment, `unknown channel "${name}" (known: ${simulatedChannelNames.join(', ')})`);
  }
  const overrides: SimulatedChannelOverrides = {};
  for (const pair of splitTrimmed(segment.slice(colon + 1), ',')) {
    const [setting, value] = parsePair(segment, pair);
    if (overrides[setting] !== undefined) fail(segment, `"${pair}" sets ${setting} twice`);
    overrides[setting] = value;
  }
  if ((overrides.failureRate ?? 0) + (overrides.declineRate ?? 0) > 1) {
    fail(segment, 'failure + decline must not exceed 1');
  }
  return [name, overrides];
}

function parsePair(segment: string, pair: string): [NumericSetting, number] {
  const equals = pair.indexOf('=');
  if (equals < 0) fail(segment, `"${pair}" is not key=value`);
  const key = pair.slice(0, equals).trim();
  const raw = pair.slice(equals + 1).trim();
  const spec = settingKeys[key];
  if (spec === undefined) {
    fail(segment, `unknown key "${key}" (known: ${Object.keys(settingKeys).join(', ')})`);
  }
  // A plain decimal only: Number() would also accept '', '0x10' and '1e3'.
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(raw)) {
    fail(segment, `${key} must be a number ≥ 0, got "${raw}"`);
  }
  const value = Number(raw);
  if (spec.kind === 'rate' && value > 1) fail(segment, `${key} is a rate in [0, 1], got ${raw}`);
  return [spec.setting, value];
}

function splitTrimmed(text: string, separator: string): string[] {
  // Empty parts are skipped so a trailing ';' or ',' is harmless.
  return text
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function isChannelName(name: string): name is SimulatedChannelName {
  return (simulatedChannelNames as readonly string[]).includes(name);
}

function fail(segment: string, problem: string): never {
  throw new ChannelConfigInvalid(`payment channel config "${segment}": ${problem}`);
}
