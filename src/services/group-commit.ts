// Group commit (STYLE.md, TigerBeetle: batch to go fast). Use-cases change the in-memory state at
// once, put their writes into the open batch and wait; the batch is written in one transaction on
// the next turn of the event loop (or as soon as it is full), and every waiter is answered only
// after the commit. If the commit fails, every change in the batch is undone, newest first, and
// every waiter gets the error: nothing is acknowledged that is not on disk.
//
// A full batch is sealed and a new one opened, so no transaction holds more than `batchMax`
// writes however slow the disk is, and while one batch is being written (on the SQLite writer
// thread, or by PostgreSQL) the next fills. Batches are written one at a time, in order.
import { limits } from '../domain/limits.ts';
import { emptyBatch, type TradeBatch, type TradeStore } from '../store/ports.ts';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  undo: () => void;
}

interface SealedBatch {
  batch: TradeBatch;
  waiters: Waiter[];
}

export class GroupCommit {
  private batch: TradeBatch = emptyBatch();
  private waiters: Waiter[] = [];
  private writes = 0;
  private readonly sealed: SealedBatch[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  /** Batches committed and their sizes, for the bench and /metrics. */
  readonly stats = { batches: 0, writes: 0, largestBatch: 0 };

  constructor(
    private readonly store: TradeStore,
    private readonly batchMax: number = limits.groupCommitBatchMax,
  ) {}

  /** The batch that the next commit will write; add to it, then call `wait`. */
  get open(): TradeBatch {
    return this.batch;
  }

  /** Waits until everything added so far is committed; `undo` reverts this caller's in-memory changes on failure. */
  wait(undo: () => void, writes = 1): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject, undo }));
    this.writes += writes;
    if (this.writes >= this.batchMax) {
      this.seal();
      this.flushNext();
    } else this.flushSoon();
    return done;
  }

  /** The open batch goes to the queue as it is; the next writes go to a new one. */
  private seal(): void {
    this.sealed.push({ batch: this.batch, waiters: this.waiters });
    this.batch = emptyBatch();
    this.waiters = [];
    this.writes = 0;
  }

  /** Queues one flush behind the one under way (batches are written one at a time, in order). */
  private flushNext(): void {
    this.flushing = this.flushing.then(() => this.flush());
  }

  private flushSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushNext();
    });
  }

  /** Writes the oldest sealed batch, or else the open one. */
  private async flush(): Promise<void> {
    if (this.sealed.length === 0) {
      if (this.waiters.length === 0) return;
      this.seal();
    }
    const { batch, waiters } = this.sealed.shift()!;
    this.stats.writes += waiters.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, waiters.length);
    try {
      await this.store.commit(batch);
      this.stats.batches += 1;
      for (const w of waiters) w.resolve();
    } catch (error) {
      for (let i = waiters.length - 1; i >= 0; i--) waiters[i]!.undo();
      for (const w of waiters) w.reject(error);
    }
    // Writes that came in meanwhile go next, however this flush was started.
    if (this.sealed.length > 0 || this.waiters.length > 0) this.flushSoon();
  }

  /** Resolves when everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    for (;;) {
      await this.flushing;
      if (this.waiters.length === 0 && this.sealed.length === 0) return;
      this.flushNext();
    }
  }
}
