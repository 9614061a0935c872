// The rehearsal's clock: the simulated 11.11 day, running `speed` times faster than the wall.
// When simulate starts the server itself, the server reads this clock, so flash sessions open,
// limited-time prices apply and payment deadlines pass in simulated time.
//
// It never runs ahead of the traffic: while the driver is behind its schedule (the server cannot
// keep up), the clock waits at the next shopper who has not arrived yet. Otherwise a slow server
// would see the day end before the evening peak was even sent. Monotonic by construction.
//
// The shoppers run on a thread of their own (shopper-thread.ts) and the server on the main
// thread, and both move the same clock: its state lives in a SharedArrayBuffer, each reading or
// move is done under a lock held for a few arithmetic steps (nothing in it can throw), and the
// wall is the monotonic clock every thread of the process shares, read before taking the lock. A
// thread that finds the lock taken spins a little, then sleeps on it (the holder may be the
// shoppers' thread, which runs at a lower priority and may have been pre-empted).

/** What a thread needs to attach to a clock another thread created. */
export interface SimClockHandle {
  buffer: SharedArrayBuffer;
  dayStartMs: number;
  speed: number;
}

const VIRTUAL = 0;
const LAST_WALL = 1;
const RATE = 2;
const HOLD_AT = 3;
const RUNNING = 4;
const FIELDS = 5;
const LOCK_BYTE = FIELDS * Float64Array.BYTES_PER_ELEMENT;
/** Tries before sleeping on a taken lock, the sleep, and how long before giving up (a holder died). */
const SPINS = 64;
const SLEEP_MS = 1;
const LOCK_WAIT_MS_MAX = 5_000;

/** Milliseconds of CLOCK_MONOTONIC: the same on every thread, unlike performance.now(). */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export class SimClock {
  private readonly state: Float64Array;
  private readonly lock: Int32Array;

  constructor(
    /** Local midnight of the simulated day. */
    readonly dayStartMs: number,
    readonly speed: number,
    private readonly wallNow: () => number = monotonicMs,
    buffer?: SharedArrayBuffer,
  ) {
    const shared = buffer ?? new SharedArrayBuffer(LOCK_BYTE + Int32Array.BYTES_PER_ELEMENT);
    this.state = new Float64Array(shared, 0, FIELDS);
    this.lock = new Int32Array(shared, LOCK_BYTE, 1);
    if (!buffer) {
      this.state[LAST_WALL] = wallNow();
      this.state[RATE] = speed;
    }
  }

  /**
   * The clock of another thread (the shoppers' thread attaches to the server's). Every holder of
   * one clock must read the same wall: the monotonic clock, or in a test one fake wall.
   */
  static attach(handle: SimClockHandle, wallNow: () => number = monotonicMs): SimClock {
    return new SimClock(handle.dayStartMs, handle.speed, wallNow, handle.buffer);
  }

  get handle(): SimClockHandle {
    return { buffer: this.state.buffer as SharedArrayBuffer, dayStartMs: this.dayStartMs, speed: this.speed };
  }

  /**
   * The instant the server sees, in whole epoch ms like Date.now() (the API's timestamps are
   * integers); before start() it is the day's first millisecond.
   */
  readonly now = (): number => this.dayStartMs + Math.floor(this.exactOffsetMs());

  /** Milliseconds since local midnight of the day (whole, as the server sees it). */
  offsetMs(): number {
    return this.now() - this.dayStartMs;
  }

  /** The same, unrounded: the driver compares it with arrivals, which fall between milliseconds. */
  exactOffsetMs(): number {
    this.enter();
    const offset = this.state[VIRTUAL]!;
    this.leave();
    return offset;
  }

  start(): void {
    this.enter();
    this.state[RUNNING] = 1;
    this.leave();
  }

  /** The clock may run up to this offset and no further (the next shopper not yet arrived). */
  holdAt(offsetMs: number): void {
    this.enter();
    this.state[HOLD_AT] = Math.max(this.state[HOLD_AT]!, offsetMs);
    this.leave();
  }

  /** Every shopper has arrived: the clock runs freely (payment deadlines keep passing). */
  release(): void {
    this.enter();
    this.state[HOLD_AT] = Number.POSITIVE_INFINITY;
    this.leave();
  }

  /** After the rehearsal (the demo keeps serving): from here on the clock runs at wall speed. */
  settle(): void {
    this.enter();
    this.state[HOLD_AT] = Number.POSITIVE_INFINITY;
    this.state[RATE] = 1;
    this.leave();
  }

  /** Takes the lock, then brings the clock up to the wall (read before, so a slow read holds no
   *  one up; another thread may since have moved it to a later wall). */
  private enter(): void {
    const wall = this.wallNow();
    this.takeLock();
    const s = this.state;
    const elapsed = Math.max(0, wall - s[LAST_WALL]!);
    if (s[RUNNING] === 1) {
      const next = s[VIRTUAL]! + elapsed * s[RATE]!;
      s[VIRTUAL] = Math.max(s[VIRTUAL]!, Math.min(next, s[HOLD_AT]!));
    }
    s[LAST_WALL] = s[LAST_WALL]! + elapsed;
  }

  private takeLock(): void {
    for (let i = 0; i < SPINS; i++) if (Atomics.compareExchange(this.lock, 0, 0, 1) === 0) return;
    const giveUpAt = Date.now() + LOCK_WAIT_MS_MAX;
    while (Atomics.compareExchange(this.lock, 0, 0, 1) !== 0) {
      Atomics.wait(this.lock, 0, 1, SLEEP_MS);
      if (Date.now() > giveUpAt)
        throw new Error(`the simulated clock stayed locked for ${LOCK_WAIT_MS_MAX} ms: its holder died`);
    }
  }

  private leave(): void {
    Atomics.store(this.lock, 0, 0);
    Atomics.notify(this.lock, 0, 1);
  }
}
