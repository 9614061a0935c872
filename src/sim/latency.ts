// Latency per endpoint in a fixed-size log histogram (2% buckets from 1 µs to hours): a million
// requests cost the same memory as ten (STYLE.md: put a limit on everything).

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** 1.02^1400 µs ≈ 10^12 µs: far beyond any request timeout. */
const BUCKETS = 1_400;

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** A histogram as it crosses between threads (structured clone keeps the typed array). */
export interface HistogramData {
  buckets: Uint32Array;
  count: number;
  maxUs: number;
  sumUs: number;
}

export class LatencyHistogram {
  private readonly buckets = new Uint32Array(BUCKETS);
  count = 0;
  private maxUs = 0;
  private sumUs = 0;

  data(): HistogramData {
    return { buckets: this.buckets, count: this.count, maxUs: this.maxUs, sumUs: this.sumUs };
  }

  /** Adds another histogram's requests (the shoppers' thread's, to the verifier's). */
  add(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.buckets[i]! += other.buckets[i]!;
    this.count += other.count;
    this.sumUs += other.sumUs;
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  record(ms: number): void {
    const us = Math.max(1, ms * 1000);
    const index = Math.min(BUCKETS - 1, Math.floor(Math.log(us) / LOG_GROWTH));
    this.buckets[index]! += 1;
    this.count += 1;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Upper bound of the bucket holding the q-quantile, in ms (never above the max seen). */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return Math.min(GROWTH ** (i + 1), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary(): LatencySummary {
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      count: this.count,
      p50: round(this.quantile(0.5)),
      p90: round(this.quantile(0.9)),
      p99: round(this.quantile(0.99)),
      max: round(this.maxUs / 1000),
      mean: round(this.count === 0 ? 0 : this.sumUs / this.count / 1000),
    };
  }
}

/** The endpoints the shoppers call, as the summary names them. */
export const ENDPOINTS = {
  catalog: 'GET /api/catalog',
  quote: 'POST /api/quote',
  order: 'POST /api/orders',
  'order-retry': 'POST /api/orders (same Idempotency-Key)',
  pay: 'POST /api/orders/:id/pay',
  'pay-balance': 'POST /api/orders/:id/pay (尾款 balance)',
  cancel: 'POST /api/orders/:id/cancel',
  coupons: 'GET /api/coupons',
  'payment-methods': 'GET /api/payment-methods',
  claim: 'POST /api/coupons/:id/claim',
  wallet: 'GET /api/wallet',
  'order-read': 'GET /api/orders/:id',
  'orders-list': 'GET /api/orders',
} as const;

export type Endpoint = keyof typeof ENDPOINTS;

export class LatencyBook {
  private readonly byEndpoint = new Map<Endpoint, LatencyHistogram>();

  record(endpoint: Endpoint, ms: number): void {
    this.histogram(endpoint).record(ms);
  }

  data(): Partial<Record<Endpoint, HistogramData>> {
    return Object.fromEntries([...this.byEndpoint].map(([endpoint, h]) => [endpoint, h.data()]));
  }

  add(data: Partial<Record<Endpoint, HistogramData>>): void {
    for (const [endpoint, other] of Object.entries(data) as [Endpoint, HistogramData][]) {
      this.histogram(endpoint).add(other);
    }
  }

  private histogram(endpoint: Endpoint): LatencyHistogram {
    let h = this.byEndpoint.get(endpoint);
    if (!h) {
      h = new LatencyHistogram();
      this.byEndpoint.set(endpoint, h);
    }
    return h;
  }

  summary(): Partial<Record<Endpoint, LatencySummary>> {
    const out: Partial<Record<Endpoint, LatencySummary>> = {};
    for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
      const h = this.byEndpoint.get(endpoint);
      if (h) out[endpoint] = h.summary();
    }
    return out;
  }
}
