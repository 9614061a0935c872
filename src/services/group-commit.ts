// Group commit (STYLE.md, TigerBeetle: batch to go fast). Use-cases change the in-memory state at
// once, put their writes into the open batch and wait; the batch is written in one transaction on
// the next turn of the event loop (or as soon as it is full), and every waiter is answered only
// after the commit. Nothing is acknowledged that is not on disk.
//
// A full batch is sealed and a new one opened, so no transaction holds more than `batchMax`
// writes however slow the disk is, and while one batch is being written (on the SQLite writer
// thread, or by PostgreSQL) the next fills. Batches are written one at a time, in order.
//
// If a commit fails, that batch and every one built after it (sealed or open) are undone, newest
// first, and all their waiters get the error. The later batches were built on top of the failed
// one: a red envelope's balance is written as it stands, a balance payment follows its deposit,
// so writing them without it would leave the database and memory apart. After the undo, memory is
// what the database holds. A use-case adds its writes to `open` and calls `wait` in one
// synchronous step, so no writes are ever left in a batch that was already undone.
//
// An undo that throws leaves memory unknown: the group commit then refuses every later write
// (fail-stop), and the server must be restarted, which reads the state back from the database.
import { limits } from '../domain/limits.ts';
import { emptyBatch, type TradeBatch, type TradeStore, WriteRefused } from '../store/ports.ts';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  undo: () => void;
}

interface SealedBatch {
  batch: TradeBatch;
  waiters: Waiter[];
}

/** Writing has stopped: nothing waiting, and nothing after, is written (so it is a WriteRefused). */
export class GroupCommitStopped extends WriteRefused {
  constructor(undoError: unknown) {
    super(
      undoError,
      'an undo failed after a failed commit, so memory may differ from the database; nothing more is written until a restart reads it back',
    );
    this.name = 'GroupCommitStopped';
  }
}

export class GroupCommit {
  private batch: TradeBatch = emptyBatch();
  /** Set when an undo threw: nothing more is written or acknowledged. */
  private stopped: GroupCommitStopped | null = null;
  private waiters: Waiter[] = [];
  private writes = 0;
  private readonly sealed: SealedBatch[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  /** Batches committed and their sizes, for the bench and /metrics. */
  readonly stats = { batches: 0, writes: 0, largestBatch: 0 };

  /**
   * `onStopped` hears once that writing stopped (an undo threw): the server should be restarted.
   * `failLaterBatches`: a failed commit takes the batches after it down too, as the single writer
   * needs (its memory is built batch on batch). Servers sharing PostgreSQL and Redis keep their
   * state there, and put little more than Idempotency-Key answers in a batch for work already
   * saved; their later batches are written as usual.
   */
  constructor(
    private readonly store: TradeStore,
    private readonly batchMax: number = limits.groupCommitBatchMax,
    private readonly onStopped: (error: GroupCommitStopped) => void = () => {},
    private readonly failLaterBatches = true,
  ) {}

  /** The batch that the next commit will write; add to it, then call `wait`. */
  get open(): TradeBatch {
    return this.batch;
  }

  /** Waits until everything added so far is committed; `undo` reverts this caller's in-memory changes on failure. */
  wait(undo: () => void, writes = 1): Promise<void> {
    if (this.stopped) {
      // The caller's writes are in the open batch, which will never be written (nobody waits on it).
      this.batch = emptyBatch();
      runUndos([undo]);
      return Promise.reject(this.stopped);
    }
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
      this.failFrom(waiters, error);
      return;
    }
    // Writes that came in meanwhile go next, however this flush was started.
    if (this.sealed.length > 0 || this.waiters.length > 0) this.flushSoon();
  }

  /** A commit failed: it (and every batch after it, on the single writer) go back, newest first. */
  private failFrom(failed: Waiter[], error: unknown): void {
    if (this.failLaterBatches) {
      // The later batches were never sent: surely not written, whatever became of the failed one.
      const notSent = new WriteRefused(error, 'an earlier batch failed, so this one was not written');
      this.takeBack([{ waiters: failed, error }, ...this.takePending().map(refusedWith(notSent))]);
      return;
    }
    this.takeBack([{ waiters: failed, error }]);
    // Once stopped, nothing pending is written either; else the later batches go on.
    if (this.stopped) this.takeBack(this.takePending().map(refusedWith(this.stopped)));
    else if (this.sealed.length > 0 || this.waiters.length > 0) this.flushSoon();
  }

  /** The waiters of the sealed batches and the open one, oldest first; those batches are dropped. */
  private takePending(): Waiter[][] {
    const pending = [...this.sealed.map((s) => s.waiters), this.waiters];
    this.sealed.length = 0;
    this.batch = emptyBatch();
    this.waiters = [];
    this.writes = 0;
    return pending;
  }

  /** Undoes the batches' changes newest first and refuses their waiters; an undo that throws stops writing. */
  private takeBack(batches: RefusedBatch[]): void {
    const undoErrors = runUndos(batches.flatMap((b) => b.waiters.map((w) => w.undo)).reverse());
    for (const { waiters, error } of batches) for (const w of waiters) w.reject(error);
    if (undoErrors.length === 0 || this.stopped) return;
    this.stopped = new GroupCommitStopped(undoErrors[0]);
    try {
      this.onStopped(this.stopped);
    } catch {
      // The owner's reaction failed; writing has stopped all the same, and the flush chain goes on.
    }
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

/** A batch's waiters and what they are refused with. */
interface RefusedBatch {
  waiters: Waiter[];
  error: unknown;
}

const refusedWith =
  (error: unknown) =>
  (waiters: Waiter[]): RefusedBatch => ({ waiters, error });

/** Runs every undo in the order given, even past one that throws; returns what they threw. */
function runUndos(undos: readonly (() => void)[]): unknown[] {
  const errors: unknown[] = [];
  for (const undo of undos) {
    try {
      undo();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
