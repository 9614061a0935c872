// The seqs the event tail has not seen below the highest it folded, as runs, each with when it was
// noticed. On PostgreSQL a seq is taken when a transaction inserts its row, and transactions commit
// out of seq order (several servers, group commits), so a skipped seq may still arrive; one of a
// rolled-back transaction (or skipped by the sequence after a crash) never will. A run is waited
// for `waitMs`, then given up; past `runsMax` runs the oldest is given up at once. What is given
// up is counted, in seqs.
import { strict as assert } from 'node:assert';
import type { SeqRun } from '../store/ports.ts';

interface Waiting extends SeqRun {
  /** When the run was noticed missing (the tail's monotonic clock). */
  sinceMs: number;
}

export class MissingSeqs {
  /** Ascending and disjoint; since a run is only ever added above the others, also oldest first. */
  private readonly waiting: Waiting[] = [];
  /** Seqs given up: waited for too long, or past runsMax. */
  givenUp = 0;

  constructor(
    private readonly waitMs: number,
    private readonly runsMax: number,
  ) {
    assert(waitMs > 0 && runsMax > 0);
  }

  /** The runs waited for, lowest first (the tail asks the store for them). */
  get runs(): readonly SeqRun[] {
    return this.waiting;
  }

  /** Seqs waited for. */
  get count(): number {
    let count = 0;
    for (const run of this.waiting) count += run.hi - run.lo + 1;
    return count;
  }

  /** lo..hi were skipped: the tail read a higher seq. They lie above every run waited for. */
  add(lo: number, hi: number, nowMs: number): void {
    const last = this.waiting.at(-1);
    assert(lo <= hi && (!last || lo > last.hi + 1), `missing seqs ${lo}..${hi} come out of order`);
    this.waiting.push({ lo, hi, sinceMs: nowMs });
    while (this.waiting.length > this.runsMax) this.giveUpOldest();
  }

  /** Takes a seq that arrived out of the runs; false when it is not waited for. */
  take(seq: number): boolean {
    const i = this.indexOf(seq);
    if (i < 0) return false;
    const run = this.waiting[i]!;
    if (run.lo === run.hi) this.waiting.splice(i, 1);
    else if (seq === run.lo) run.lo += 1;
    else if (seq === run.hi) run.hi -= 1;
    else {
      this.waiting.splice(i + 1, 0, { lo: seq + 1, hi: run.hi, sinceMs: run.sinceMs });
      run.hi = seq - 1;
      if (this.waiting.length > this.runsMax) this.giveUpOldest();
    }
    return true;
  }

  /** Gives up the runs waited for waitMs or longer; returns how many seqs that was. */
  expire(nowMs: number): number {
    const before = this.givenUp;
    while (this.waiting.length > 0 && nowMs - this.waiting[0]!.sinceMs >= this.waitMs) this.giveUpOldest();
    return this.givenUp - before;
  }

  private giveUpOldest(): void {
    const run = this.waiting.shift()!;
    this.givenUp += run.hi - run.lo + 1;
  }

  /** The index of the run holding seq, or -1 (binary search: the runs are ascending). */
  private indexOf(seq: number): number {
    let low = 0;
    let high = this.waiting.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const run = this.waiting[mid]!;
      if (seq < run.lo) high = mid - 1;
      else if (seq > run.hi) low = mid + 1;
      else return mid;
    }
    return -1;
  }
}
