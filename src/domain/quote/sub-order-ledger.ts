// What is left to pay on every line while discounts are deducted in PRICING.md's order.
// A discount lands on its eligible lines in proportion to their activity amounts (largest
// remainder, ties to the earlier line) and never takes a line below its floor (zero, or the
// pre-sale deposit, which later discounts cannot touch). What does not fit is cut, not moved.
import { strict as assert } from 'node:assert';
import { allocateCapped, type Fen } from '../money.ts';
import type { ActivityLine } from './item-level.ts';
import type { DiscountKind, LineDiscount } from './types.ts';

export interface PricingLine extends ActivityLine {
  storeId: string;
  /** unitPriceFen × qty. */
  amountFen: Fen;
  /** Deposit part of a pre-sale line: no later discount reaches it. */
  floorFen: Fen;
}

export interface DiscountRef {
  id: string;
  kind: DiscountKind;
}

export class SubOrderLedger {
  readonly left: Fen[];
  /** Per line, the discounts it received; null while searching (nothing recorded, faster). */
  readonly received: LineDiscount[][] | null;
  /** Per discount id, what was deducted in all (recorded with `received`). */
  readonly totals: Map<string, LineDiscount> | null;

  constructor(
    readonly lines: readonly PricingLine[],
    record: boolean,
  ) {
    this.left = lines.map((line) => line.amountFen);
    this.received = record ? lines.map(() => []) : null;
    this.totals = record ? new Map() : null;
  }

  /** Puts these lines back to their activity amounts (the search reuses one ledger). */
  reset(lineIdxs: readonly number[]): void {
    for (const i of lineIdxs) this.left[i] = this.lines[i]!.amountFen;
  }

  /** Room left for discounts on these lines. */
  room(lineIdxs: readonly number[]): Fen {
    let sum = 0;
    for (const i of lineIdxs) sum += this.left[i]! - this.lines[i]!.floorFen;
    return sum;
  }

  /**
   * Deducts up to `amountFen` from the lines, weighted by activity amount (or by what is left, for
   * red envelopes), cut at their floors. Returns what was actually deducted.
   */
  deduct(lineIdxs: readonly number[], amountFen: Fen, ref: DiscountRef, weighBy: 'amount' | 'left'): Fen {
    const n = lineIdxs.length;
    if (amountFen <= 0 || n === 0) return 0;
    const caps = new Array<number>(n);
    const weights = weighBy === 'amount' ? new Array<number>(n) : caps;
    let capSum = 0;
    for (let k = 0; k < n; k++) {
      const line = this.lines[lineIdxs[k]!]!;
      caps[k] = this.left[lineIdxs[k]!]! - line.floorFen;
      capSum += caps[k]!;
      if (weighBy === 'amount') weights[k] = line.amountFen;
    }
    const applied = Math.min(amountFen, capSum);
    if (applied <= 0) return 0;
    const shares = allocateCapped(applied, weights, caps);
    for (let k = 0; k < lineIdxs.length; k++) {
      const share = shares[k]!;
      if (share === 0) continue;
      const i = lineIdxs[k]!;
      this.left[i]! -= share;
      assert(this.left[i]! >= this.lines[i]!.floorFen, 'a discount took a line below its floor');
      if (this.received) this.received[i]!.push({ id: ref.id, kind: ref.kind, amount: share });
    }
    if (this.totals) {
      const known = this.totals.get(ref.id);
      if (known) known.amount += applied;
      else this.totals.set(ref.id, { id: ref.id, kind: ref.kind, amount: applied });
    }
    return applied;
  }

  /** Sum of what is left to pay on these lines (deposits included). */
  total(lineIdxs: readonly number[]): Fen {
    let sum = 0;
    for (const i of lineIdxs) sum += this.left[i]!;
    return sum;
  }
}
