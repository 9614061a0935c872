// The rehearsal's clock: the simulated 11.11 day, running `speed` times faster than the wall.
// When simulate starts the server itself, the server reads this clock, so flash sessions open,
// limited-time prices apply and payment deadlines pass in simulated time.
//
// It never runs ahead of the traffic: while the driver is behind its schedule (the server cannot
// keep up), the clock waits at the next shopper who has not arrived yet. Otherwise a slow server
// would see the day end before the evening peak was even sent. Monotonic by construction.

export class SimClock {
  private virtualMs = 0;
  private lastWallMs: number;
  private rate: number;
  private holdAtMs = 0;
  private running = false;

  constructor(
    /** Local midnight of the simulated day. */
    readonly dayStartMs: number,
    readonly speed: number,
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    this.lastWallMs = wallNow();
    this.rate = speed;
  }

  /**
   * The instant the server sees, in whole epoch ms like Date.now() (the API's timestamps are
   * integers); before start() it is the day's first millisecond.
   */
  readonly now = (): number => {
    const wall = this.wallNow();
    if (this.running) {
      const next = this.virtualMs + (wall - this.lastWallMs) * this.rate;
      this.virtualMs = Math.max(this.virtualMs, Math.min(next, this.holdAtMs));
    }
    this.lastWallMs = wall;
    return this.dayStartMs + Math.floor(this.virtualMs);
  };

  /** Milliseconds since local midnight of the day (whole, as the server sees it). */
  offsetMs(): number {
    return this.now() - this.dayStartMs;
  }

  /** The same, unrounded: the driver compares it with arrivals, which fall between milliseconds. */
  exactOffsetMs(): number {
    this.now();
    return this.virtualMs;
  }

  start(): void {
    this.now();
    this.running = true;
  }

  /** The clock may run up to this offset and no further (the next shopper not yet arrived). */
  holdAt(offsetMs: number): void {
    this.now();
    this.holdAtMs = Math.max(this.holdAtMs, offsetMs);
  }

  /** Every shopper has arrived: the clock runs freely (payment deadlines keep passing). */
  release(): void {
    this.now();
    this.holdAtMs = Number.POSITIVE_INFINITY;
  }

  /** After the rehearsal (the demo keeps serving): from here on the clock runs at wall speed. */
  settle(): void {
    this.release();
    this.rate = 1;
  }
}
