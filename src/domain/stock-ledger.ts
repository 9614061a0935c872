// The stock ledger (DOMAIN.md §3: 下单减库存 — stock is reserved when the order is placed).
// Per SKU: initial + restocked = available + reserved + sold, never negative (ARCHITECTURE.md,
// Invariants). Reservations are all or nothing per request; each has its exact undo (release)
// and its completion (commit at payment). Pure and synchronous: the trade engine owns one
// instance and is its only writer; the rehearsal simulator reuses it as the reference model.
import { strict as assert } from 'node:assert';

export interface SkuStock {
  initial: number;
  restocked: number;
  available: number;
  reserved: number;
  sold: number;
}

export interface StockLine {
  sku: string;
  qty: number;
}

export type ReserveResult =
  | { ok: true }
  | { ok: false; code: 'OUT_OF_STOCK'; sku: string; available: number }
  | { ok: false; code: 'UNKNOWN_SKU'; sku: string };

export class StockLedger {
  private readonly stock = new Map<string, SkuStock>();

  constructor(initial: Iterable<[string, SkuStock]> = []) {
    for (const [sku, s] of initial) {
      this.stock.set(sku, { ...s });
      this.assertIdentity(sku);
    }
  }

  /** Adds a SKU with its opening stock (a SKU already known keeps its counters). */
  open(sku: string, initial: number): void {
    if (this.stock.has(sku)) return;
    assert(Number.isSafeInteger(initial) && initial >= 0, 'opening stock must be a whole number');
    this.stock.set(sku, { initial, restocked: 0, available: initial, reserved: 0, sold: 0 });
  }

  get(sku: string): Readonly<SkuStock> | undefined {
    return this.stock.get(sku);
  }

  skus(): IterableIterator<[string, Readonly<SkuStock>]> {
    return this.stock.entries();
  }

  /** Reserves every line or none. Lines of one SKU are summed first. */
  reserve(lines: readonly StockLine[]): ReserveResult {
    const wanted = new Map<string, number>();
    for (const line of lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.qty);
    for (const [sku, qty] of wanted) {
      const s = this.stock.get(sku);
      if (!s) return { ok: false, code: 'UNKNOWN_SKU', sku };
      if (s.available < qty) return { ok: false, code: 'OUT_OF_STOCK', sku, available: s.available };
    }
    for (const [sku, qty] of wanted) {
      const s = this.stock.get(sku)!;
      s.available -= qty;
      s.reserved += qty;
    }
    return { ok: true };
  }

  /** The undo of reserve: reserved → available. */
  release(lines: readonly StockLine[]): void {
    this.move(lines, 'reserved', 'available');
  }

  /** Payment completes a reservation: reserved → sold. */
  commit(lines: readonly StockLine[]): void {
    this.move(lines, 'reserved', 'sold');
  }

  /** The undo of commit, for a payment whose record never reached the disk: sold → reserved. */
  uncommit(lines: readonly StockLine[]): void {
    this.move(lines, 'sold', 'reserved');
  }

  /** Overwrites a SKU's counters with those of a ledger kept elsewhere (a read mirror of Redis). */
  mirror(sku: string, stock: SkuStock): void {
    this.stock.set(sku, { ...stock });
  }

  /** Returned or newly arrived goods. */
  restock(sku: string, qty: number): void {
    const s = this.stock.get(sku);
    assert(s && Number.isSafeInteger(qty) && qty > 0, `restock of unknown sku ${sku} or bad quantity`);
    s.restocked += qty;
    s.available += qty;
  }

  /** The undo of restock (its record never reached the disk). */
  unrestock(sku: string, qty: number): void {
    const s = this.stock.get(sku);
    assert(s && s.available >= qty && s.restocked >= qty, `cannot undo the restock of ${sku}`);
    s.restocked -= qty;
    s.available -= qty;
  }

  private move(
    lines: readonly StockLine[],
    from: 'reserved' | 'sold',
    to: 'available' | 'sold' | 'reserved',
  ): void {
    for (const line of lines) {
      const s = this.stock.get(line.sku);
      assert(s, `unknown sku ${line.sku}`);
      assert(s[from] >= line.qty, `${line.sku}: cannot move ${line.qty} from ${from} (${s[from]})`);
      s[from] -= line.qty;
      s[to] += line.qty;
    }
  }

  assertIdentity(sku: string): void {
    const s = this.stock.get(sku)!;
    assert(
      s.available >= 0 &&
        s.reserved >= 0 &&
        s.sold >= 0 &&
        s.initial + s.restocked === s.available + s.reserved + s.sold,
      `stock identity broken for ${sku}: ${JSON.stringify(s)}`,
    );
  }
}
