// The live board of one server: the board, the tail that feeds it from the event log and the SSE
// stream that pushes it. The HTTP layer starts it when the server is ready and stops it when the
// server closes (before the engine closes the store).
import type { CampaignIndex } from '../domain/campaign-index.ts';
import type { TradeEngine } from '../services/trade-engine.ts';
import { EventTail } from './event-tail.ts';
import { FunnelSync } from './funnel-sync.ts';
import { LiveBoard } from './live-board.ts';
import type { LiveSnapshot } from './live-snapshot.ts';
import { SnapshotStream, type StreamOptions } from './snapshot-stream.ts';

export interface LiveOptions extends StreamOptions {
  /** Pause between polls of the event log once caught up (default 200 ms). */
  pollMs?: number;
  /** A snapshot is rebuilt at most this often when the board did not change (default 250 ms). */
  cacheMs?: number;
  /** Shared backends: how often the funnel's first steps are sent and read back (default 1 s). */
  funnelSyncMs?: number;
  /** What failed, and the error: reading the event log, or the sale-wide funnel. */
  onError?: (error: unknown, what: string) => void;
}

export class LiveService {
  readonly index: CampaignIndex;
  readonly board: LiveBoard;
  readonly tail: EventTail;
  readonly stream: SnapshotStream;
  /** Shared backends: this server's share of the sale-wide funnel; null on a lone server. */
  readonly funnelSync: FunnelSync | null;
  private cached: {
    version: number;
    builtAt: number;
    seq: number;
    json: string;
    value: LiveSnapshot;
  } | null = null;
  private readonly cacheMs: number;

  constructor(
    private readonly engine: TradeEngine,
    options: LiveOptions = {},
  ) {
    const { ctx } = engine;
    this.index = ctx.index;
    this.board = new LiveBoard({
      index: ctx.index,
      stock: ctx.ledger,
      soldOutActions: ctx.soldOutActions,
      channelNames: ctx.channels.map((c) => c.name),
    });
    this.tail = new EventTail(ctx.store, this.board, {
      pollMs: options.pollMs,
      saleClock: () => ctx.clock(),
      onError: (error) => options.onError?.(error, 'reading the event log'),
    });
    this.stream = new SnapshotStream(
      { version: () => this.board.version, current: () => this.current() },
      options,
    );
    this.cacheMs = options.cacheMs ?? 250;
    this.funnelSync =
      engine.saleWideFunnel &&
      new FunnelSync(engine.saleWideFunnel, (counts) => this.board.setSaleWideFunnel(counts), {
        everyMs: options.funnelSyncMs,
        onError: (error) => options.onError?.(error, 'counting the sale-wide funnel in Redis'),
      });
  }

  start(): void {
    this.tail.start();
    this.funnelSync?.start();
  }

  /** Ends the streams and the tail, and sends the funnel's last reaches; safe to call more than once. */
  async stop(): Promise<void> {
    this.stream.close();
    await Promise.all([this.tail.stop(), this.funnelSync?.stop()]);
  }

  /** A shopper was served the catalogue, or priced a cart: on this board, and sale-wide. */
  reachFunnel(buyerId: string, step: 'visited' | 'priced'): void {
    this.board.reachFunnel(buyerId, step);
    this.funnelSync?.reach(buyerId, step);
  }

  /** Units a limited offer has left: the engine's offer counters when it keeps them, else the
   * quantity less what the event log shows taken. */
  unitsLeft(offerId: string, quantity: number): number {
    const counters = (this.engine.ctx as { offers?: { unitsLeftOf?(id: string): number | undefined } })
      .offers;
    return counters?.unitsLeftOf?.(offerId) ?? quantity - this.board.offerUnitsTaken(offerId);
  }

  snapshot(): LiveSnapshot {
    return this.current().value;
  }

  /** The snapshot at the engine's clock, built once per change (or per cacheMs) for every reader. */
  current(): { seq: number; json: string; value: LiveSnapshot } {
    const now = this.engine.ctx.clock();
    const version = this.board.version;
    const c = this.cached;
    if (c && c.version === version && Math.abs(now - c.builtAt) < this.cacheMs) return c;
    // Orders/s and the series as of the tail's last full read: a poll behind (with a compressed sale
    // clock, a rehearsal's, that is many seconds of sale time), not short by what it has not read.
    const value = this.board.snapshot(now, Math.min(now, this.tail.caughtUpTo ?? now));
    this.cached = { version, builtAt: now, seq: value.seq, json: JSON.stringify(value), value };
    return this.cached;
  }
}
