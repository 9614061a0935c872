// The funnel's first two steps (DOMAIN.md §7: visit → cart) counted over every server of a sale.
// One server sees every shopper, so its board's own funnel is the whole story; behind a load
// balancer each server serves only some of them. Servers that share Redis count these steps there
// too (store/redis/redis-funnel.ts), and each board reads the sale-wide figures back
// (live/funnel-sync.ts). Orders and payments need no such count: every board reads them all from
// the shared event log.

/** 0: served the catalogue (visited); 1: priced a cart, or placed an order (priced). */
export type FirstStep = 0 | 1;

export interface SaleWideFunnel {
  /**
   * Each shopper moves to the furthest step given, counting once in every step up to it, as the
   * board's funnel does. A shopper new to a count that already holds `buyersMax` is left out.
   */
  add(reaches: ReadonlyArray<readonly [buyerId: string, step: FirstStep]>, buyersMax: number): Promise<void>;
  /** Shoppers in each step so far, and the reaches left out for the bound. */
  read(): Promise<{ visited: number; priced: number; uncounted: number }>;
}
