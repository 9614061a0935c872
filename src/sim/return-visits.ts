// Shoppers who leave and come back later in the day (a pre-sale balance to pay at 20:00). The
// driver treats a return like an arrival: it wakes the shopper when the simulated clock reaches
// it, in order with the arrivals, so the clock never runs past a return not yet sent (src/sim/
// README.md, "How a run goes"). While away, a shopper holds no place among the live sessions.

interface Waiting {
  atMs: number;
  wake: (cameBack: boolean) => void;
}

export class ReturnVisits {
  /** Sorted by time, then by who left first (so the same day replays in the same order). */
  private readonly waiting: Waiting[] = [];
  /** Called when a shopper leaves (the driver may start someone in their place). */
  onLeave: () => void = () => {};

  /** Leaves until the day reaches `atMs` (an offset in the day); false when the run stops first. */
  add(atMs: number): Promise<boolean> {
    return new Promise((wake) => {
      const entry = { atMs, wake };
      let lo = 0;
      let hi = this.waiting.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.waiting[mid]!.atMs <= atMs)
          lo = mid + 1; // after equals: first to leave, first back
        else hi = mid;
      }
      this.waiting.splice(lo, 0, entry);
      this.onLeave();
    });
  }

  get size(): number {
    return this.waiting.length;
  }

  /** When the next shopper comes back; +Infinity when nobody is away. */
  get nextAtMs(): number {
    return this.waiting[0]?.atMs ?? Number.POSITIVE_INFINITY;
  }

  /** The next shopper is back. */
  wakeNext(): void {
    this.waiting.shift()?.wake(true);
  }

  /** The run stops: everyone away stays away. */
  cancelAll(): void {
    for (const w of this.waiting.splice(0)) w.wake(false);
  }
}
