// The trade core on one process: the single writer that owns the stock ledger and the pending
// orders, the group commit, and the payment-deadline timer loop. HTTP routes, the CLI and the
// simulator call it; it reaches storage only through the TradeStore port.
import { randomBytes } from 'node:crypto';
import type { CampaignIndex } from '../domain/campaign-index.ts';
import { OfferCounters } from '../domain/offer-counters.ts';
import type { WalletItem } from '../domain/quote/types.ts';
import type { SoldOutAction } from '../domain/sold-out-action.ts';
import { StockLedger } from '../domain/stock-ledger.ts';
import { presaleStockLeft, stockOpenings } from '../domain/stock-pools.ts';
import type { WalletEntry } from '../domain/wallet-book.ts';
import { WalletBook } from '../domain/wallet-book.ts';
import type { TradeStore } from '../store/ports.ts';
import { MemoryOperatorSessions, type OperatorSessions } from '../support/operator-sessions.ts';
import { memoryRateLimits, type RateLimits } from '../support/rate-windows.ts';
import type { SaleWideFunnel } from '../support/sale-wide-funnel.ts';
import { claimCoupon } from './claim-coupon.ts';
import { type ClosedOrder, cancelOrder, expireDueOrders } from './close-order.ts';
import { GroupCommit } from './group-commit.ts';
import { IdempotencyKeys, type IdempotencyRequest } from './idempotency.ts';
import { completeInflationTask, multiplyIfTheDay } from './inflate-red-envelope.ts';
import { type PaidOrder, payOrder } from './pay-order.ts';
import { confirmPayment, type PaymentCallback } from './payment-callback.ts';
import type { PaymentChannel } from './payments/payment-channel.ts';
import { type PlacedCheckout, type PlaceOrderRequest, placeOrder } from './place-order.ts';
import type { Outcome } from './problem.ts';
import { type Restocked, type RestockRequest, restockSku } from './restock.ts';
import { type SoldOutActionSet, setSoldOutAction } from './sold-out-actions.ts';
import { DEFAULT_TRADE_CONFIG, type TradeConfig, type TradeContext } from './trade-context.ts';
import { resolveWalletItems, type WalletRef } from './wallet-use.ts';

export interface TradeEngineOptions {
  index: CampaignIndex;
  store: TradeStore;
  channels: PaymentChannel[];
  config?: Partial<TradeConfig>;
  clock?: () => number;
  /**
   * Hears once that the engine stopped writing: a failed commit's undo threw, so its memory may
   * differ from the database, and every later write is refused. The server should stop and be
   * restarted, which reads the state back (`dacu serve` exits).
   */
  onWritesStopped?: (error: Error) => void;
}

/** Ids sortable by time, unique within a process and (by the random prefix) across processes. */
function idSource(): (prefix: string) => string {
  const node = randomBytes(3).toString('hex');
  let seq = 0;
  return (prefix) => `${prefix}${Date.now().toString(36)}${node}${(seq++).toString(36).padStart(4, '0')}`;
}

export class TradeEngine {
  readonly ctx: TradeContext;
  protected readonly idempotency: IdempotencyKeys;
  /** Rate limit windows, in this process or shared by the servers of a sale. */
  readonly rates: RateLimits;
  /** Operator sessions (api/auth.ts): in this process, or shared by the servers of a sale. */
  readonly sessions: OperatorSessions;
  /** The funnel's first steps over every server of the sale; null when this server is the sale. */
  readonly saleWideFunnel: SaleWideFunnel | null;
  private readonly stopHooks: (() => Promise<void>)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;

  protected constructor(
    ctx: TradeContext,
    idempotency = new IdempotencyKeys(),
    rates: RateLimits = memoryRateLimits(ctx.clock),
    sessions: OperatorSessions = new MemoryOperatorSessions(),
    saleWideFunnel: SaleWideFunnel | null = null,
  ) {
    this.ctx = ctx;
    this.idempotency = idempotency;
    this.rates = rates;
    this.sessions = sessions;
    this.saleWideFunnel = saleWideFunnel;
  }

  /** Migrates, loads stock and pending orders, and starts the deadline timers. */
  static async start(options: TradeEngineOptions): Promise<TradeEngine> {
    const { index, store } = options;
    await store.migrate();
    const opening = new Map(stockOpenings(index.campaign.catalog).map((o) => [o.sku, o.initial]));
    const ctx = await loadContext(options, new StockLedger(await store.openStock(opening)));
    for (const order of await store.loadPendingOrders()) {
      ctx.pending.set(order.id, { ...order, paying: false });
      ctx.wallets.hold(order.id, order.walletUses);
    }
    const engine = new TradeEngine(ctx, await IdempotencyKeys.ofOneServer(store));
    engine.startTimers();
    return engine;
  }

  protected startTimers(): void {
    // A tick whose writes failed was undone and its timers stay due: the next tick tries again.
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.ctx.config.timerTickMs);
    this.timer.unref();
  }

  /** Each store the sale needs, and whether it answers now (a load balancer's readiness check). */
  async readiness(): Promise<Record<string, boolean>> {
    return { database: await answers(() => this.ctx.store.ping()) };
  }

  /**
   * The wallet items a signed-in shopper's quote names, resolved as their checkout will resolve
   * them (their own entries, the server's balances, the day's multiplier), changing nothing.
   */
  async quoteWallet(buyerId: string, requested: readonly WalletRef[]): Promise<Outcome<WalletItem[]>> {
    const now = this.ctx.clock();
    const copies = {
      resolve: (buyer: string, id: string) => {
        const entry = this.ctx.wallets.resolve(buyer, id);
        return entry && { ...entry };
      },
    };
    return resolveWalletItems(copies, buyerId, requested, (entry) => {
      multiplyIfTheDay(this.ctx, entry, now);
    });
  }

  placeOrder(request: PlaceOrderRequest, idem?: IdempotencyRequest): Promise<Outcome<PlacedCheckout>> {
    return this.idempotency.run(this.ctx, idem, (record) => placeOrder(this.ctx, request, record));
  }

  payOrder(
    buyerId: string,
    orderId: string,
    channel?: string,
    idem?: IdempotencyRequest,
  ): Promise<Outcome<PaidOrder>> {
    return this.idempotency.run(this.ctx, idem, (record) =>
      payOrder(this.ctx, buyerId, orderId, channel, record),
    );
  }

  claimCoupon(buyerId: string, couponId: string, idem?: IdempotencyRequest): Promise<Outcome<WalletEntry>> {
    return this.idempotency.run(this.ctx, idem, (record) => claimCoupon(this.ctx, buyerId, couponId, record));
  }

  /** How many of each coupon have been claimed (all servers together on a shared backend). */
  async claimedTotals(couponIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(couponIds.map((id) => [id, this.ctx.wallets.claimedTotal(id)]));
  }

  completeInflationTask(buyerId: string, walletId: string): Promise<Outcome<WalletEntry>> {
    return completeInflationTask(this.ctx, buyerId, walletId);
  }

  /** `idem`: an operator's Idempotency-Key (its owner is the operator), so a resubmit runs once. */
  setSoldOutAction(
    sku: string,
    action: SoldOutAction,
    operator: string,
    idem?: IdempotencyRequest,
  ): Promise<Outcome<SoldOutActionSet>> {
    return this.idempotency.run(this.ctx, idem, (record) =>
      setSoldOutAction(this.ctx, sku, action, operator, record),
    );
  }

  /** 补货: units added to a SKU; `idem` as for sold-out actions (an operator's key). */
  restock(request: RestockRequest, operator: string, idem?: IdempotencyRequest): Promise<Outcome<Restocked>> {
    return this.idempotency.run(this.ctx, idem, (record) => restockSku(this.ctx, request, operator, record));
  }

  cancelOrder(buyerId: string, orderId: string): Promise<Outcome<ClosedOrder>> {
    return cancelOrder(this.ctx, buyerId, orderId);
  }

  confirmPayment(callback: PaymentCallback): ReturnType<typeof confirmPayment> {
    return confirmPayment(this.ctx, callback);
  }

  /** Expires the orders whose deadline has passed (the timer loop calls it; tests may too). */
  async tick(): Promise<number> {
    if (this.ticking) return this.ticking;
    this.ticking = this.fireDueTimers().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  /** One turn of the timer loop: expires due orders (and what else the engine's timers do). */
  protected fireDueTimers(): Promise<number> {
    return expireDueOrders(this.ctx);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await this.ctx.commits.drain();
    await this.ctx.store.close();
    for (const hook of this.stopHooks) await hook();
  }

  /** Something to close after the store (e.g. the Redis connection of a shared backend). */
  onStop(hook: () => Promise<void>): void {
    this.stopHooks.push(hook);
  }
}

/** The context both engines share: the campaign, the store, offer counters, wallets, channels, config. */
export async function loadContext(
  options: TradeEngineOptions,
  ledger: StockLedger,
  /** The single writer holds every wallet; servers sharing a database read them when needed. */
  holdWallets = true,
): Promise<TradeContext> {
  const { index, store } = options;
  const offers = new OfferCounters(index.campaign, await store.loadOfferCounters(), presaleStockLeft(ledger));
  const wallets = new WalletBook();
  if (holdWallets) for (const row of await store.loadWallet()) wallets.add({ ...row });
  const compensationCouponId = [...index.coupons.values()].find((c) => c.kind === 'red-envelope')?.id ?? null;
  return {
    index,
    store,
    ledger,
    offers,
    wallets,
    soldOutActions: new Map(
      (await store.loadSkuActions()).map((a) => [a.sku, JSON.parse(a.action) as SoldOutAction]),
    ),
    // The single writer's memory is built batch on batch: a failed commit takes the later ones down.
    commits: new GroupCommit(store, undefined, options.onWritesStopped, holdWallets),
    channels: options.channels,
    config: { ...DEFAULT_TRADE_CONFIG, compensationCouponId, ...options.config },
    clock: options.clock ?? Date.now,
    newId: idSource(),
    pending: new Map(),
  };
}

/** True when `ping` resolves within a second. */
export async function answers(ping: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 1_000);
  });
  try {
    return await Promise.race([ping().then(() => true as const), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
