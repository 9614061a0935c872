// A dacu server that shares PostgreSQL and Redis with other servers (issue: beyond one machine):
// stateless between requests, any number of them behind a load balancer. Redis owns stock and
// offer units (RedisHotLedger), PostgreSQL owns orders, events, payments and timers; this
// process keeps only read mirrors of the counters for the catalogue and the live board. Wallets
// live in PostgreSQL; coupon claim caps and spend budgets in Redis.

import type { WalletItem } from '../../domain/quote/types.ts';
import type { SoldOutAction } from '../../domain/sold-out-action.ts';
import { StockLedger } from '../../domain/stock-ledger.ts';
import type { RedisHotLedger } from '../../store/redis/redis-hot-ledger.ts';
import { PostgresOrderBook } from '../../store/sql/postgres-order-book.ts';
import type { PostgresTradeStore } from '../../store/sql/postgres-trade-store.ts';
import { PostgresWalletBook } from '../../store/sql/postgres-wallet-book.ts';
import { IdempotencyKeys, type IdempotencyRequest } from '../idempotency.ts';
import type { PlacedCheckout, PlaceOrderRequest } from '../place-order.ts';
import { fail, type Outcome } from '../problem.ts';
import type { RestockRequest } from '../restock.ts';
import { answers, loadContext, TradeEngine, type TradeEngineOptions } from '../trade-engine.ts';
import type { WalletRef } from '../wallet-use.ts';
import { AUDIT_SETTLE_MS, auditCounters, type CounterLoss, describeLoss } from './counter-audit.ts';
import { openSaleCounters } from './rebuild-counters.ts';
import { RECONCILE_GRACE_MS, reconcile } from './reconciler.ts';
import type { SharedContext } from './shared-context.ts';
import { budgetIdsOf, unitOffersOf } from './shared-offers.ts';
import { placeSharedOrder } from './shared-place-order.ts';
import { followRestocks, restockSharedSku } from './shared-restock.ts';
import {
  cancelSharedOrder,
  confirmSharedPayment,
  expireSharedDueOrders,
  paySharedOrder,
} from './shared-settle.ts';
import { followSoldOutActions, followSoldOutNotice, setSharedSoldOutAction } from './shared-sold-out.ts';
import { claimSharedCoupon, completeSharedInflationTask, resolveSharedWallet } from './shared-wallet.ts';

export interface SharedEngineOptions extends TradeEngineOptions {
  store: PostgresTradeStore;
  hot: RedisHotLedger;
  /** How often each server looks for reservations Redis kept after a crash (default 5 s). */
  reconcileEveryMs?: number;
  /** How long a reservation may wait for its order before it counts as orphaned (default 30 s). */
  reconcileGraceMs?: number;
}

export class SharedTradeEngine extends TradeEngine {
  private readonly shared: SharedContext;
  private lastReconcile = 0;
  /** The Redis processes this server saw at start (RedisHotLedger.runIds). */
  private redisRunIds: string | null = null;
  /** Set when Redis came back holding less than the database: no more selling until a restart. */
  private countersLost: CounterLoss[] | null = null;
  /** When this server saw Redis's run ids change, until an audit has counted what came before. */
  private restartSeenAt: number | null = null;

  private constructor(
    shared: Omit<SharedContext, 'refreshMirror'>,
    private readonly reconcileEveryMs: number,
    private readonly reconcileGraceMs: number,
  ) {
    const { ctx, hot } = shared;
    // Redis keeps every window until it expires (no cap to push out), and the keys of the two
    // purposes differ, so one counter set serves both.
    const windows = hot.rateWindows();
    const rates = { buyerWrites: windows, signIns: windows };
    super(ctx, new IdempotencyKeys(hot.requestClaims()), rates, hot.sessions(), hot.funnel());
    this.shared = {
      ...shared,
      refreshMirror: async (skus) => {
        await Promise.all([this.mirrorStock(skus), this.mirrorOffers()]);
      },
    };
  }

  static async startShared(options: SharedEngineOptions): Promise<SharedTradeEngine> {
    const { index, store, hot } = options;
    await store.migrate();
    const stockIds = await openSaleCounters(hot, index);
    const unitOffers = unitOffersOf(index);
    const ledger = new StockLedger(await hot.stockOf(stockIds));
    const ctx = await loadContext(options, ledger, false);
    const notices = hot.notices();
    const shared = {
      ctx,
      hot,
      notices,
      soldOutActionAt: new Map<string, number>(),
      restocksSeen: new Set<string>(),
      book: new PostgresOrderBook(store.db),
      wallets: new PostgresWalletBook(store.db),
      unitOffers,
      unitOfferIds: [...unitOffers.keys()],
      budgetIds: budgetIdsOf(index),
    };
    const engine = new SharedTradeEngine(
      shared,
      options.reconcileEveryMs ?? 5_000,
      options.reconcileGraceMs ?? RECONCILE_GRACE_MS,
    );
    engine.onStop(() => notices.close());
    try {
      await engine.mirrorOffers();
      // Listening first, then reading: an action set in between is heard, one set before is read.
      // A notice that cannot be followed now (Redis away for the mirror) is read on the next pass.
      await notices.subscribe('sold-out-actions', (message) => {
        followSoldOutNotice(engine.shared, message).catch(() => {});
      });
      await followSoldOutActions(engine.shared);
      await followRestocks(engine.shared);
    } catch (error) {
      // Never started, so never stopped: its subscribing connection closes here.
      await notices.close();
      throw error;
    }
    engine.redisRunIds = await hot.runIds();
    engine.startTimers();
    return engine;
  }

  /**
   * Redis restarted or failed over under this server (its run ids changed): its counters are
   * audited against the database (counter-audit.ts) on each pass until an audit has counted every
   * order placed before the restart was seen, and if they hold less, this server stops taking
   * orders and claims (503) and reports not ready until it is restarted — after `dacu redis
   * rebuild`, its start audits again. Answers what was lost (empty: nothing found yet, or no restart).
   */
  async watchRedis(): Promise<CounterLoss[]> {
    const runIds = await this.shared.hot.runIds();
    const now = this.ctx.clock();
    if (runIds !== this.redisRunIds) {
      this.redisRunIds = runIds;
      this.restartSeenAt = now;
    }
    if (this.restartSeenAt === null || this.countersLost) return this.countersLost ?? [];
    // Orders still in flight (newer than the settle window) are left out; so passes go on until
    // one counts everything placed before the restart was seen.
    const asOf = now - AUDIT_SETTLE_MS;
    const { index, store } = this.ctx;
    const losses = await auditCounters(index, store as PostgresTradeStore, this.shared.hot, asOf);
    if (asOf >= this.restartSeenAt) this.restartSeenAt = null;
    if (losses.length > 0) {
      this.countersLost = losses;
      console.error(
        `dacu: Redis restarted holding less than the database (${losses.map(describeLoss).join('; ')}); this server takes no more orders or claims: stop every server of the sale, run "dacu redis rebuild", then start them`,
      );
    }
    return this.countersLost ?? [];
  }

  override async readiness(): Promise<Record<string, boolean>> {
    const [own, redis] = await Promise.all([super.readiness(), answers(() => this.shared.hot.ping())]);
    return { ...own, redis, redisCounters: this.countersLost === null };
  }

  override async quoteWallet(
    buyerId: string,
    requested: readonly WalletRef[],
  ): Promise<Outcome<WalletItem[]>> {
    const resolved = await resolveSharedWallet(this.shared, buyerId, requested, this.ctx.clock());
    return resolved.ok ? { ok: true, value: resolved.value.items } : resolved;
  }

  override placeOrder(
    request: PlaceOrderRequest,
    idem?: IdempotencyRequest,
  ): Promise<Outcome<PlacedCheckout>> {
    if (this.countersLost) return Promise.resolve(this.lostRefusal());
    return this.idempotency.run(this.ctx, idem, (record) => placeSharedOrder(this.shared, request, record));
  }

  private lostRefusal(): Outcome<never> {
    return fail(
      'SERVICE_UNAVAILABLE',
      'Redis came back holding less than the database; this server takes no orders or claims until the sale is rebuilt',
    );
  }

  override payOrder(
    buyerId: string,
    orderId: string,
    channel?: string,
    idem?: IdempotencyRequest,
  ): ReturnType<TradeEngine['payOrder']> {
    return this.idempotency.run(this.ctx, idem, (record) =>
      paySharedOrder(this.shared, buyerId, orderId, channel, record),
    );
  }

  override cancelOrder(buyerId: string, orderId: string): ReturnType<TradeEngine['cancelOrder']> {
    return cancelSharedOrder(this.shared, buyerId, orderId);
  }

  override confirmPayment(
    callback: Parameters<TradeEngine['confirmPayment']>[0],
  ): ReturnType<TradeEngine['confirmPayment']> {
    return confirmSharedPayment(this.shared, callback);
  }

  override claimCoupon(
    buyerId: string,
    couponId: string,
    idem?: IdempotencyRequest,
  ): ReturnType<TradeEngine['claimCoupon']> {
    if (this.countersLost) return Promise.resolve(this.lostRefusal());
    return this.idempotency.run(this.ctx, idem, (record) =>
      claimSharedCoupon(this.shared, buyerId, couponId, record),
    );
  }

  override async claimedTotals(couponIds: readonly string[]): Promise<Map<string, number>> {
    const counts = await Promise.all(couponIds.map((id) => this.shared.hot.claimCounts(id, '')));
    return new Map(couponIds.map((id, i) => [id, counts[i]!.total]));
  }

  override completeInflationTask(
    buyerId: string,
    walletId: string,
  ): ReturnType<TradeEngine['completeInflationTask']> {
    return completeSharedInflationTask(this.shared, buyerId, walletId);
  }

  override setSoldOutAction(
    sku: string,
    action: SoldOutAction,
    operator: string,
    idem?: IdempotencyRequest,
  ): ReturnType<TradeEngine['setSoldOutAction']> {
    return this.idempotency.run(this.ctx, idem, (record) =>
      setSharedSoldOutAction(this.shared, sku, action, operator, record),
    );
  }

  override restock(
    request: RestockRequest,
    operator: string,
    idem?: IdempotencyRequest,
  ): ReturnType<TradeEngine['restock']> {
    return this.idempotency.run(this.ctx, idem, (record) =>
      restockSharedSku(this.shared, request, operator, record),
    );
  }

  /** Expires due orders, refreshes the mirrors, and now and then reconciles Redis with PostgreSQL. */
  protected override async fireDueTimers(): Promise<number> {
    const expired = await expireSharedDueOrders(this.shared);
    await this.mirrorStock([...this.ctx.ledger.skus()].map(([sku]) => sku));
    await this.mirrorOffers();
    const now = this.ctx.clock();
    if (now - this.lastReconcile >= this.reconcileEveryMs) {
      this.lastReconcile = now;
      await this.watchRedis();
      await reconcile(this.shared, this.reconcileGraceMs);
    }
    return expired;
  }

  /** Runs the reconciler now (tests, and `dacu` operators after an incident). */
  reconcileNow(graceMs?: number, pageSize?: number): ReturnType<typeof reconcile> {
    return reconcile(this.shared, graceMs, pageSize);
  }

  private async mirrorStock(skus: readonly string[]): Promise<void> {
    if (skus.length === 0) return;
    for (const [sku, stock] of await this.shared.hot.stockOf(skus)) this.ctx.ledger.mirror(sku, stock);
  }

  private async mirrorOffers(): Promise<void> {
    const { hot, unitOfferIds, budgetIds } = this.shared;
    if (unitOfferIds.length > 0)
      for (const [id, units] of await hot.offerLeft(unitOfferIds)) this.ctx.offers.mirrorUnitsLeft(id, units);
    if (budgetIds.size > 0)
      for (const [id, fen] of await hot.budgetLeft([...budgetIds])) this.ctx.offers.mirrorBudgetLeft(id, fen);
  }
}
