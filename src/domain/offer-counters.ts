// What the sale's limited offers have given out: flash-session units (per session and per buyer),
// first-N units, gift stock, and the spend of promotions and coupons with a budget. The trade
// engine owns one instance (the single writer) and takes from it in the same synchronous step
// that reserves stock, so a session can never give out more than its quantity. Every take has its
// exact undo (STYLE.md: registerUsage / revertUsage).
import { strict as assert } from 'node:assert';
import type { Campaign } from './campaign.ts';
import type { OfferUsage } from './offer-usage.ts';

export interface OfferTake {
  offerId: string;
  buyerId: string;
  units: number;
  spentFen: number;
}

/** A persisted counter row: buyerId '' holds the offer's totals. */
export interface OfferCounterRow {
  offerId: string;
  buyerId: string;
  units: number;
  spentFen: number;
}

const EMPTY = new Map<string, number>();

export class OfferCounters {
  private readonly unitsLeft = new Map<string, number>();
  private readonly budgetLeft = new Map<string, number>();
  private readonly byBuyer = new Map<string, Map<string, number>>();

  /** `presaleStockLeft`: the pre-sale pools' units left (the stock ledger's), passed on to pricing. */
  constructor(
    campaign: Campaign,
    rows: Iterable<OfferCounterRow> = [],
    private readonly presaleStockLeft?: OfferUsage['presaleStockLeft'],
  ) {
    for (const p of campaign.promotions) {
      if (p.kind === 'flash-sale') this.unitsLeft.set(p.id, p.quantity);
      if (p.kind === 'first-n') this.unitsLeft.set(p.id, p.firstN);
      if (p.kind === 'gift') this.unitsLeft.set(p.id, p.giftQuantity);
      if (p.budgetFen !== null) this.budgetLeft.set(p.id, p.budgetFen);
    }
    for (const c of campaign.coupons) if (c.budgetFen !== null) this.budgetLeft.set(c.id, c.budgetFen);
    for (const row of rows) this.apply({ ...row }, +1);
  }

  /** The pricing engine's view for one buyer (read-only, no copying). */
  usageFor(buyerId: string): OfferUsage {
    return {
      unitsLeft: this.unitsLeft,
      boughtByBuyer: this.byBuyer.get(buyerId) ?? EMPTY,
      budgetLeftFen: this.budgetLeft,
      presaleStockLeft: this.presaleStockLeft,
    };
  }

  unitsLeftOf(offerId: string): number | undefined {
    return this.unitsLeft.get(offerId);
  }

  /** Sets the units an offer has left from counters kept elsewhere (a read mirror of Redis). */
  mirrorUnitsLeft(offerId: string, left: number): void {
    if (this.unitsLeft.has(offerId)) this.unitsLeft.set(offerId, left);
  }

  /** Sets the fen a budget has left from counters kept elsewhere (a read mirror of Redis). */
  mirrorBudgetLeft(offerId: string, left: number): void {
    if (this.budgetLeft.has(offerId)) this.budgetLeft.set(offerId, left);
  }

  boughtBy(offerId: string, buyerId: string): number {
    return this.byBuyer.get(buyerId)?.get(offerId) ?? 0;
  }

  /** Takes every unit and budget or none: false if a limited offer has fewer units left. */
  take(takes: readonly OfferTake[]): boolean {
    for (const t of takes) {
      const left = this.unitsLeft.get(t.offerId);
      if (t.units > 0 && left !== undefined && left < t.units) return false;
    }
    for (const t of takes) this.apply(t, +1);
    return true;
  }

  /** The exact undo of take. */
  giveBack(takes: readonly OfferTake[]): void {
    for (const t of takes) this.apply(t, -1);
  }

  private apply(t: OfferTake, sign: 1 | -1): void {
    const left = this.unitsLeft.get(t.offerId);
    if (left !== undefined && t.units !== 0) {
      this.unitsLeft.set(t.offerId, left - sign * t.units);
      assert(left - sign * t.units >= 0, `offer ${t.offerId} went below zero`);
      let mine = this.byBuyer.get(t.buyerId);
      if (!mine) {
        mine = new Map();
        this.byBuyer.set(t.buyerId, mine);
      }
      mine.set(t.offerId, (mine.get(t.offerId) ?? 0) + sign * t.units);
    }
    const budget = this.budgetLeft.get(t.offerId);
    if (budget !== undefined && t.spentFen !== 0) this.budgetLeft.set(t.offerId, budget - sign * t.spentFen);
  }
}
