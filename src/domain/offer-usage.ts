// What the sale has consumed so far, as the trade core knows it. The pricing engine reads it
// (pure: passed in, never fetched) so a quote honours sold-out sessions, first-N counts, gift
// stock, per-buyer limits and spent budgets. An empty usage means "nothing consumed yet".

export interface OfferUsage {
  /** Units left under a quantity-limited offer (flash session, first-N, gift stock); absent = all. */
  unitsLeft: ReadonlyMap<string, number>;
  /** Units this buyer already bought under a per-buyer-limited offer (flash sessions). */
  boughtByBuyer: ReadonlyMap<string, number>;
  /** Budget left in fen for a promotion or coupon with a budget; absent = all of it. */
  budgetLeftFen: ReadonlyMap<string, number>;
  /**
   * Units left in a SKU's pre-sale pool (stock-pools.ts), by SKU; undefined for a SKU without one
   * (its pre-sale sells from spot stock). A pre-sale whose pool cannot hold a line is not offered
   * for it: the line is sold from spot stock at its other prices. Absent = every pool is full.
   */
  presaleStockLeft?: { get(sku: string): number | undefined };
}

export const NOTHING_USED: OfferUsage = {
  unitsLeft: new Map(),
  boughtByBuyer: new Map(),
  budgetLeftFen: new Map(),
};

export function unitsLeft(usage: OfferUsage, promotionId: string, total: number): number {
  return Math.max(0, usage.unitsLeft.get(promotionId) ?? total);
}

/** A promotion or coupon whose budget is spent stops applying (issue: budgets). */
export function budgetExhausted(usage: OfferUsage, id: string, budgetFen: number | null): boolean {
  if (budgetFen === null) return false;
  return (usage.budgetLeftFen.get(id) ?? budgetFen) <= 0;
}
