// Every buyer's wallet as the trade engine's single writer holds it: claimed coupons (used once,
// restored if the orders that used them close unpaid) and red envelopes (a balance, spent and
// refunded to the fen). Claim counts per coupon and per buyer enforce issue caps atomically; a
// compensation red envelope is no claim (it takes nothing from the coupon's caps) and an order
// earns one at most.
import { strict as assert } from 'node:assert';

export interface WalletEntry {
  id: string;
  buyerId: string;
  couponId: string;
  /** Red envelopes: what is left; null for threshold coupons. */
  balanceFen: number | null;
  status: 'available' | 'used';
  usedBy: string | null;
  createdAt: number;
  /** Inflating red envelopes (膨胀红包): tasks done, and whether the day's multiplier was applied. */
  tasksDone: number;
  inflated: boolean;
  /** Where it came from: `claim` (also when absent), or `compensation:<order id>`; others are no claims. */
  source?: string;
}

const COMPENSATION = 'compensation:';

/** The source of the red envelope an order's failed payment earns (one per order). */
export function compensationSource(orderId: string): string {
  return `${COMPENSATION}${orderId}`;
}

/** A claim counts against the coupon's issue cap and per-buyer limit; a compensation does not. */
function isClaim(entry: WalletEntry): boolean {
  return entry.source === undefined || entry.source === 'claim';
}

/** What one store order took from one wallet entry. */
export interface WalletUse {
  walletId: string;
  amountFen: number;
}

export class WalletBook {
  private readonly entries = new Map<string, WalletEntry>();
  private readonly byBuyer = new Map<string, WalletEntry[]>();
  private readonly claimed = new Map<string, number>();
  private readonly claimedBy = new Map<string, number>();
  /** Orders whose failed payment earned a compensation red envelope. */
  private readonly compensations = new Set<string>();
  /** Threshold coupons in use: the unpaid orders still holding them. */
  private readonly holders = new Map<string, Set<string>>();

  add(entry: WalletEntry): void {
    assert(!this.entries.has(entry.id), `wallet entry ${entry.id} exists`);
    this.entries.set(entry.id, entry);
    const mine = this.byBuyer.get(entry.buyerId);
    if (mine) mine.push(entry);
    else this.byBuyer.set(entry.buyerId, [entry]);
    this.countClaim(entry, 1);
    if (entry.source?.startsWith(COMPENSATION))
      this.compensations.add(entry.source.slice(COMPENSATION.length));
  }

  /** Whether an order's failed payment already earned its compensation. */
  compensated(orderId: string): boolean {
    return this.compensations.has(orderId);
  }

  private countClaim(entry: WalletEntry, by: 1 | -1): void {
    if (!isClaim(entry)) return;
    this.claimed.set(entry.couponId, (this.claimed.get(entry.couponId) ?? 0) + by);
    const key = `${entry.couponId}\u0000${entry.buyerId}`;
    this.claimedBy.set(key, (this.claimedBy.get(key) ?? 0) + by);
  }

  /** The exact undo of add (a claim whose commit failed). */
  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const mine = this.byBuyer.get(entry.buyerId)!;
    mine.splice(mine.indexOf(entry), 1);
    this.countClaim(entry, -1);
    if (entry.source?.startsWith(COMPENSATION))
      this.compensations.delete(entry.source.slice(COMPENSATION.length));
  }

  get(id: string): WalletEntry | undefined {
    return this.entries.get(id);
  }

  entriesOf(buyerId: string): readonly WalletEntry[] {
    return this.byBuyer.get(buyerId) ?? [];
  }

  claimedTotal(couponId: string): number {
    return this.claimed.get(couponId) ?? 0;
  }

  claimedByBuyer(couponId: string, buyerId: string): number {
    return this.claimedBy.get(`${couponId}\u0000${buyerId}`) ?? 0;
  }

  /** The buyer's entry for a wallet id, or their first usable entry of a coupon id. */
  resolve(buyerId: string, ref: string): WalletEntry | undefined {
    const direct = this.entries.get(ref);
    if (direct) return direct.buyerId === buyerId ? direct : undefined;
    const mine = this.entriesOf(buyerId).filter((e) => e.couponId === ref);
    return mine.find((e) => usable(e)) ?? mine[0];
  }

  /** Spends what an order took: a threshold coupon is held by the order; an envelope loses the amount. */
  spend(orderId: string, checkoutId: string, uses: readonly WalletUse[]): void {
    for (const use of uses) {
      const entry = this.entries.get(use.walletId)!;
      if (entry.balanceFen === null) {
        entry.status = 'used';
        entry.usedBy = checkoutId;
        this.holdersOf(entry.id).add(orderId);
      } else {
        assert(entry.balanceFen >= use.amountFen, `red envelope ${entry.id} overspent`);
        entry.balanceFen -= use.amountFen;
      }
    }
  }

  /** The undo of spend, for an order that closes unpaid: envelopes get the money back to the fen;
   *  a coupon comes back once no unpaid order of its checkout holds it and none was paid. */
  refund(orderId: string, uses: readonly WalletUse[]): WalletEntry[] {
    const changed: WalletEntry[] = [];
    for (const use of uses) {
      const entry = this.entries.get(use.walletId);
      if (!entry) continue;
      if (entry.balanceFen === null) {
        const holders = this.holdersOf(entry.id);
        holders.delete(orderId);
        if (holders.size === 0 && entry.usedBy !== null && !entry.usedBy.startsWith('paid:')) {
          entry.status = 'available';
          entry.usedBy = null;
          this.holders.delete(entry.id);
        }
      } else entry.balanceFen += use.amountFen;
      changed.push(entry);
    }
    return changed;
  }

  /** A paid order keeps its coupons for good. */
  keep(orderId: string, uses: readonly WalletUse[]): WalletEntry[] {
    const changed: WalletEntry[] = [];
    for (const use of uses) {
      const entry = this.entries.get(use.walletId);
      if (!entry || entry.balanceFen !== null) continue;
      this.holdersOf(entry.id).delete(orderId);
      if (entry.usedBy !== null && !entry.usedBy.startsWith('paid:')) entry.usedBy = `paid:${entry.usedBy}`;
      changed.push(entry);
    }
    return changed;
  }

  /** Rebuilds which unpaid orders hold which coupons (after a restart). */
  hold(orderId: string, uses: readonly WalletUse[]): void {
    for (const use of uses)
      if (this.entries.get(use.walletId)?.balanceFen === null) this.holdersOf(use.walletId).add(orderId);
  }

  private holdersOf(id: string): Set<string> {
    let set = this.holders.get(id);
    if (!set) {
      set = new Set();
      this.holders.set(id, set);
    }
    return set;
  }
}

export function usable(entry: WalletEntry): boolean {
  return entry.balanceFen === null ? entry.status === 'available' : entry.balanceFen > 0;
}
