// Group commit (STYLE.md, TigerBeetle: batch to go fast). Use-cases change the in-memory state at
// once, put their writes into the open batch and wait; the batch is written in one transaction on
// the next turn of the event loop (or as soon as it is full), and every waiter is answered only
// after the commit. If the commit fails, every change in the batch is undone, newest first, and
// every waiter gets the error: nothing is acknowledged that is not on disk.
import { limits } from '../domain/limits.ts';
import { emptyBatch, type TradeBatch, type TradeStore } from '../store/ports.ts';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  undo: () => void;
}

export class GroupCommit {
  private batch: TradeBatch = emptyBatch();
  private waiters: Waiter[] = [];
  private writes = 0;
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  /** Batches committed and their sizes, for the bench and /metrics. */
  readonly stats = { batches: 0, writes: 0, largestBatch: 0 };

  constructor(private readonly store: TradeStore) {}

  /** The batch that the next commit will write; add to it, then call `wait`. */
  get open(): TradeBatch {
    return this.batch;
  }

  /** Waits until everything added so far is committed; `undo` reverts this caller's in-memory changes on failure. */
  wait(undo: () => void, writes = 1): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject, undo }));
    this.writes += writes;
    // A full batch goes at once (and only once: the next write starts the count again).
    if (this.writes >= limits.groupCommitBatchMax) {
      this.writes = 0;
      this.flushSoon(true);
    } else this.flushSoon(false);
    return done;
  }

  private flushSoon(now: boolean): void {
    if (now) {
      this.flushing = this.flushing.then(() => this.flush());
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.waiters.length === 0) return;
    const batch = this.batch;
    const waiters = this.waiters;
    this.batch = emptyBatch();
    this.waiters = [];
    this.stats.writes += waiters.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, waiters.length);
    this.writes = 0;
    try {
      await this.store.commit(batch);
      this.stats.batches += 1;
      for (const w of waiters) w.resolve();
    } catch (error) {
      for (let i = waiters.length - 1; i >= 0; i--) waiters[i]!.undo();
      for (const w of waiters) w.reject(error);
    }
  }

  /** Resolves when everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    for (;;) {
      await this.flushing;
      if (this.waiters.length === 0) return;
      this.flushSoon(true);
    }
  }
}
