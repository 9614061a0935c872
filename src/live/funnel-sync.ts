// A server's part in the sale-wide funnel (support/sale-wide-funnel.ts): the shoppers it served
// the catalogue or priced a cart for are kept here, sent in batches every `everyMs`, and the
// sale-wide figures read back for its board. Nothing waits on it: a request only adds to a map.
// Bounded: at most `pendingMax` shoppers wait to be sent (more are left out and counted in
// `dropped`); a batch Redis refuses is kept for the next round, within the same bound.
import type { FirstStep, SaleWideFunnel } from '../support/sale-wide-funnel.ts';
import type { SaleWideFirstSteps } from './buyer-funnel.ts';
import { liveLimits } from './live-limits.ts';

export interface FunnelSyncOptions {
  /** How often the reaches are sent and the counts read (default liveLimits.funnelSyncMs). */
  everyMs?: number;
  onError?: (error: unknown) => void;
}

export class FunnelSync {
  private pending = new Map<string, FirstStep>();
  /** Reaches left out because `funnelPendingMax` shoppers were waiting to be sent. */
  dropped = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly shared: SaleWideFunnel,
    private readonly onCounts: (counts: SaleWideFirstSteps) => void,
    private readonly options: FunnelSyncOptions = {},
  ) {}

  reach(buyerId: string, step: 'visited' | 'priced'): void {
    this.keep(buyerId, step === 'priced' ? 1 : 0);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sync(), this.options.everyMs ?? liveLimits.funnelSyncMs);
    this.timer.unref();
  }

  /** Stops the rounds and sends what is still waiting. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sync();
  }

  /** One round: send what waits, read the counts back. A round under way is joined, not doubled. */
  sync(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    const batch = [...this.pending];
    this.pending = new Map();
    let sent = 0;
    try {
      for (; sent < batch.length; sent += liveLimits.funnelBatchMax) {
        await this.shared.add(
          batch.slice(sent, sent + liveLimits.funnelBatchMax),
          liveLimits.funnelBuyersMax,
        );
      }
      this.onCounts(await this.shared.read());
    } catch (error) {
      for (const [buyerId, step] of batch.slice(sent)) this.keep(buyerId, step);
      this.options.onError?.(error);
    }
  }

  private keep(buyerId: string, step: FirstStep): void {
    const had = this.pending.get(buyerId);
    if (had === undefined && this.pending.size >= liveLimits.funnelPendingMax) {
      this.dropped += 1;
      return;
    }
    if (had === undefined || step > had) this.pending.set(buyerId, step);
  }
}
