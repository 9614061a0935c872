// Tails the event log into the live board: reads the events after the highest seq it folded, a page
// at a time, and sleeps between polls once it has caught up. After a restart it starts from seq 0,
// so the board is rebuilt from the log (the log is the single source; ARCHITECTURE.md, src/live).
//
// Every committed event is folded exactly once, however transactions interleave. On PostgreSQL a
// seq is taken when a transaction inserts its row, and the transactions of several servers (and
// group commits) commit out of seq order: a read can return seq N+1 while N's transaction is still
// open. So the tail keeps the seqs it skipped below its highest (missing-seqs.ts) and asks for them
// with every read until they arrive, or until one is given up (a rolled-back transaction's seqs
// never appear). Which seqs were folded is exact: everything up to the highest, less the missing and
// the given up; an event is folded only if it is above the highest or taken out of the missing.
// On SQLite one writer commits in seq order, nothing is ever missing, and the read is the plain one.
//
// Why not PostgreSQL's snapshot (read only rows whose transaction is older than every one in
// flight, pg_current_snapshot()/xmin)? xid order and seq order disagree, so no seq watermark follows
// from it and each poll would filter on xmin, which no index serves; the snapshot's xmin is held
// back by any long transaction of the cluster (a report, a backup, another database), stalling
// every board; and it would be PostgreSQL's alone. The runs cost an index probe each per poll.
import type { SeqRun, StoredEvent, TradeStore } from '../store/ports.ts';
import { liveLimits } from './live-limits.ts';
import { MissingSeqs } from './missing-seqs.ts';

export interface TailTarget {
  /** Called once for every event, in seq order except for those committed late. */
  apply(event: StoredEvent): void;
}

export interface EventTailOptions {
  /** Pause between polls once caught up (default 200 ms). */
  pollMs?: number;
  pageSize?: number;
  /** How long a skipped seq is waited for (default liveLimits.tailMissingWaitMs)… */
  missingWaitMs?: number;
  /** …and how many runs of them at once (default liveLimits.tailMissingRunsMax). */
  missingRunsMax?: number;
  /** The clock of that wait: real time, even when the sale's clock is simulated. */
  clockMs?: () => number;
  /** The sale's clock, to say up to when the board has every event (caughtUpTo). */
  saleClock?: () => number;
  /** A failed read is reported here and retried at the next poll. */
  onError?: (error: unknown) => void;
}

export const DEFAULT_POLL_MS = 200;

export class EventTail {
  private readonly pollMs: number;
  private readonly pageSize: number;
  private running: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  private readonly clockMs: () => number;
  /** The highest seq folded. */
  private high = 0;
  private caughtUp: number | null = null;
  /** The seqs below `high` not folded yet, waited for. */
  private readonly missing: MissingSeqs;

  constructor(
    private readonly store: Pick<TradeStore, 'readEvents'>,
    private readonly target: TailTarget,
    private readonly options: EventTailOptions = {},
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.pageSize = options.pageSize ?? liveLimits.tailPageSize;
    this.clockMs = options.clockMs ?? (() => performance.now());
    this.missing = new MissingSeqs(
      options.missingWaitMs ?? liveLimits.tailMissingWaitMs,
      options.missingRunsMax ?? liveLimits.tailMissingRunsMax,
    );
  }

  /** The highest seq folded in. */
  get seq(): number {
    return this.high;
  }

  /** The runs of seqs below it not seen yet, lowest first. */
  get waitingFor(): SeqRun[] {
    return this.missing.runs.map(({ lo, hi }) => ({ lo, hi }));
  }

  /**
   * The sale-clock instant the last read that found the log's end began at: every event committed
   * before it has been folded (null before the first). Events are stamped a moment before their
   * group commit, so the last few milliseconds before it may still come.
   */
  get caughtUpTo(): number | null {
    return this.caughtUp;
  }

  /** Seqs given up without being seen: never committed (rolled back), or past the limits. */
  get givenUp(): number {
    return this.missing.givenUp;
  }

  /** Reads until the log has nothing more; returns how many events were folded in. */
  async catchUp(): Promise<number> {
    let folded = 0;
    for (;;) {
      this.missing.expire(this.clockMs());
      const readAt = this.options.saleClock?.() ?? null;
      const events = await this.store.readEvents(this.high, this.pageSize, this.missing.runs);
      const nowMs = this.clockMs();
      for (const event of events) {
        if (!this.admit(event.seq, nowMs)) continue;
        this.target.apply(event);
        folded += 1;
      }
      if (events.length < this.pageSize) this.caughtUp = readAt;
      if (events.length < this.pageSize || this.stopped) return folded;
    }
  }

  /** Whether an event is new: above the highest folded (the seqs it skipped are missing from now
   * on), or one of the missing. */
  private admit(seq: number, nowMs: number): boolean {
    if (seq > this.high) {
      if (seq > this.high + 1) this.missing.add(this.high + 1, seq - 1, nowMs);
      this.high = seq;
      return true;
    }
    return this.missing.take(seq);
  }

  /** Starts polling in the background (a second call does nothing). */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = this.loop();
  }

  /** Stops polling and waits for a read under way, so the store may be closed afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.catchUp();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!this.stopped) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        this.sleepTimer = null;
        resolve();
      };
      this.sleepTimer = setTimeout(this.wake, this.pollMs);
      this.sleepTimer.unref();
    });
  }
}
