// Rate limits (风控, DOMAIN.md §7: scalpers and bots are slowed down before they reach stock):
// counts of hits per key in fixed windows. One server counts in memory; servers that share Redis
// count there (store/redis/redis-rate-windows.ts), so a buyer spread over N servers gets the limit
// once, not N times.

export interface RateWindows {
  /** Counts one hit of `key`; 0 when within `limit` hits per `windowMs`, else ms until it may retry. */
  hit(key: string, limit: number, windowMs: number): Promise<number>;
}

/** Keys remembered at most; the oldest window is forgotten first. */
const TRACKED_MAX = 100_000;

export class MemoryRateWindows implements RateWindows {
  private readonly windows = new Map<string, { endsAt: number; count: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<number> {
    const now = this.clock();
    let window = this.windows.get(key);
    if (!window || now >= window.endsAt) {
      this.windows.delete(key);
      window = { endsAt: now + windowMs, count: 0 };
      this.windows.set(key, window);
      while (this.windows.size > TRACKED_MAX) this.windows.delete(this.windows.keys().next().value as string);
    }
    window.count += 1;
    return window.count <= limit ? 0 : Math.max(1, window.endsAt - now);
  }
}

/** One set of windows per purpose: in memory the windows are capped, and a flood of one kind
 *  (shoppers' ids, scripted or not) must not push the other's counts (operator sign-ins) out. */
export interface RateLimits {
  /** Place, pay, cancel, claim and inflate requests per buyer (api/buyer-limits.ts). */
  buyerWrites: RateWindows;
  /** Sign-in attempts per operator name (api/auth.ts). */
  signIns: RateWindows;
}

export function memoryRateLimits(clock: () => number): RateLimits {
  return { buyerWrites: new MemoryRateWindows(clock), signIns: new MemoryRateWindows(clock) };
}
