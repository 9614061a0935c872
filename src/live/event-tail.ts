// Tails the event log into the live board: reads the events after the board's seq, a page at a
// time, and sleeps between polls once it has caught up. After a restart it starts from seq 0, so
// the board is rebuilt from the log (the log is the single source; ARCHITECTURE.md, src/live).
import type { StoredEvent, TradeStore } from '../store/ports.ts';
import { liveLimits } from './live-limits.ts';

export interface TailTarget {
  readonly seq: number;
  apply(event: StoredEvent): void;
}

export interface EventTailOptions {
  /** Pause between polls once caught up (default 200 ms). */
  pollMs?: number;
  pageSize?: number;
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

  constructor(
    private readonly store: Pick<TradeStore, 'readEvents'>,
    private readonly target: TailTarget,
    private readonly options: EventTailOptions = {},
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.pageSize = options.pageSize ?? liveLimits.tailPageSize;
  }

  /** Reads until the log has nothing more; returns how many events were folded in. */
  async catchUp(): Promise<number> {
    let folded = 0;
    for (;;) {
      const events = await this.store.readEvents(this.target.seq, this.pageSize);
      for (const event of events) this.target.apply(event);
      folded += events.length;
      if (events.length < this.pageSize || this.stopped) return folded;
    }
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
