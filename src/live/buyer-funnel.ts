// The funnel (DOMAIN.md §7) in shoppers, as a shop's dashboard counts it: visitors, shoppers who
// priced a cart, buyers who placed an order, buyers who paid (访客数 → 加购人数 → 下单买家数 →
// 支付买家数). Each shopper counts once, at the furthest step reached, and in every step before it:
// a flash rusher who buys at once also visited and priced a cart. So each step holds at most the
// shoppers of the one before, however the shoppers came in.

export const FUNNEL_STEPS = ['visited', 'priced', 'ordered', 'paid'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export type FunnelCounts = Record<FunnelStep, number>;

/** The first two steps counted over every server of a sale (shared backends: src/live/funnel-sync.ts). */
export interface SaleWideFirstSteps {
  visited: number;
  priced: number;
}

export class BuyerFunnel {
  /** Shopper → index of the furthest step reached. */
  private readonly furthest = new Map<string, number>();
  private readonly counts: number[] = FUNNEL_STEPS.map(() => 0);
  /** Shoppers not counted because `buyersMax` were known already. */
  uncounted = 0;

  constructor(private readonly buyersMax: number) {}

  /** `buyerId` reached `step`; true when that moved the funnel. */
  reach(buyerId: string, step: FunnelStep): boolean {
    const to = FUNNEL_STEPS.indexOf(step);
    const from = this.furthest.get(buyerId);
    if (from === undefined && this.furthest.size >= this.buyersMax) {
      this.uncounted += 1; // bounded: a shopper the funnel has no room for is left out of every step
      return false;
    }
    const before = from ?? -1;
    if (to <= before) return false;
    this.furthest.set(buyerId, to);
    for (let k = before + 1; k <= to; k++) this.counts[k]! += 1;
    return true;
  }

  /**
   * The counts; with `saleWide`, the first two steps as every server of the sale counted them.
   * Those count this server's shoppers too, once they are sent, so the larger of the two figures
   * is the nearer one; each step is then kept within the one before it.
   */
  snapshot(saleWide: SaleWideFirstSteps | null = null): FunnelCounts {
    const [visited, priced, ordered, paid] = this.counts as [number, number, number, number];
    if (!saleWide) return { visited, priced, ordered, paid };
    const pricedSaleWide = Math.max(priced, saleWide.priced);
    return {
      visited: Math.max(visited, saleWide.visited, pricedSaleWide),
      priced: pricedSaleWide,
      ordered,
      paid,
    };
  }
}
