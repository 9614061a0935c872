// The production hot state of the sale (ARCHITECTURE.md, step 2 "Reserve"): stock and limited
// offers in Redis or Redis Cluster, with the semantics of domain/stock-ledger.ts and
// domain/offer-counters.ts. A store order is reserved by ONE Lua script in its store's slot, all
// or nothing; payment commits it, cancel or expiry releases it, and both are idempotent and
// state-checked. Hot SKUs are split into buckets in other slots (bucket-parts.ts); the record in
// the store slot names the buckets so commit, release and the reconciler find every part.
// Promotion and coupon spend budgets (spend-budgets.ts) and coupon claims (coupon-claims.ts) each
// have a slot of their own, and every take or claim stays open for the reconciler until settled.
//
// Finished records are kept `finishedTtlSeconds` (default 7 days) so retried calls get the same
// answer; after that a reserve of the same order id would reserve again, so order ids must not be
// reused. Concurrent duplicates of one order id are the idempotency layer's to serialise; sequential
// retries (the common case after a timeout) are safe here.

import { strict as assert } from 'node:assert';
import { dropFreshParts, releaseStrayParts, reserveHotLine, settleParts } from './bucket-parts.ts';
import { CouponClaims } from './coupon-claims.ts';
import { dropCounters, keyNodes } from './drop-counters.ts';
import type { HotContext } from './hot-context.ts';
import { openOffers, openStock, restock } from './hot-opening.ts';
import { boughtBy, checkIdentity, offerLeft, offerTaken, stockOf } from './hot-reads.ts';
import { HotRegistry } from './hot-registry.ts';
import { type HotClient, installScripts, type ScriptArg } from './hot-scripts.ts';
import type {
  BudgetOpening,
  BudgetTake,
  BudgetTakeResult,
  ClaimCounts,
  CouponClaim,
  CouponClaimResult,
  FinishResult,
  HotLedgerOptions,
  HotOfferTake,
  HotReservation,
  HotReserveResult,
  OfferOpening,
  OpenBudgetTake,
  OpenClaim,
  OpenReservation,
  SkuStock,
  StockLine,
  StockOpening,
} from './hot-types.ts';
import { deferReservations, openReservations } from './open-reservations.ts';
import { RedisFunnel } from './redis-funnel.ts';
import { HotKeys } from './redis-keys.ts';
import { RedisNotices } from './redis-notices.ts';
import { RedisOperatorSessions } from './redis-operator-sessions.ts';
import { RedisRateWindows } from './redis-rate-windows.ts';
import { RedisRequestClaims } from './request-claims.ts';
import { decodeReserve, isTaken } from './reserve-reply.ts';
import {
  budgetLeft,
  budgetSpent,
  giveBackBudgets,
  keepBudgets,
  openBudgets,
  openBudgetTakes,
  takeBudgets,
} from './spend-budgets.ts';

const SEVEN_DAYS_S = 7 * 24 * 3600;

export class RedisHotLedger {
  private readonly ctx: HotContext;
  private readonly bucketsOption: ReadonlyMap<string, number>;
  private readonly storeBases = new Map<string, string>();
  private readonly coupons: CouponClaims;

  constructor(client: HotClient, prefix: string, options: HotLedgerOptions = {}) {
    const keys = new HotKeys(prefix);
    this.ctx = {
      client,
      keys,
      scripts: installScripts(client),
      registry: new HotRegistry(client, keys),
      finishedTtlSeconds: options.finishedTtlSeconds ?? SEVEN_DAYS_S,
    };
    this.bucketsOption = options.buckets ?? new Map();
    this.coupons = new CouponClaims(this.ctx);
  }

  /** The sale's key prefix. */
  get prefix(): string {
    return this.ctx.keys.prefix;
  }

  /** Creates stock counters that do not exist yet; live counters are never reset. */
  openStock(items: readonly StockOpening[]): Promise<void> {
    return openStock(this.ctx, items, (sku) => this.bucketsOption.get(sku) ?? 0);
  }

  /** Creates offer counters (flash sessions, first-N, gifts) that do not exist yet. */
  openOffers(offers: readonly OfferOpening[]): Promise<void> {
    return openOffers(this.ctx, offers);
  }

  /**
   * Returned or newly arrived goods; false for an unknown SKU or a SKU of another store. With a
   * `restockId` (an operator action recorded in PostgreSQL, e.g. sold out → pre-sale with N more
   * units) the units are added once per (SKU, id) whoever applies it and however often: true when
   * this call applied it, false when it was applied already (or the SKU is unknown here).
   */
  restock(storeId: string, sku: string, qty: number, restockId?: string): Promise<boolean> {
    return restock(this.ctx, storeId, sku, qty, restockId);
  }

  /** The units a restock id was applied with for a SKU, or null if it never was. */
  async restockUnits(storeId: string, sku: string, restockId: string): Promise<number | null> {
    const units = await this.ctx.client.hget(
      HotKeys.restocks(this.ctx.keys.base(this.ctx.keys.storeTag(storeId)), sku),
      restockId,
    );
    return units === null ? null : Number(units);
  }

  /** Reserves every line and offer take of one store order, or nothing. Idempotent per orderId. */
  async reserve(r: HotReservation): Promise<HotReserveResult> {
    const wanted = sumLines(r.lines);
    let split = this.splitByLayout(r.storeId, wanted, false);
    if (!split) {
      await this.ctx.registry.layouts(wanted.keys());
      split = this.splitByLayout(r.storeId, wanted, true)!;
    }
    const { plain, hot } = split;
    const takes = sumTakes(r.takes);
    if (hot.length === 0) return decodeReserve(await this.reserveInStore(r, plain, takes, []));

    const partResults = await Promise.all(
      hot.map(([sku, qty, buckets]) => reserveHotLine(this.ctx, r, sku, qty, buckets)),
    );
    const parts = partResults.flatMap((p) => (p.ok ? [p.part] : []));
    const failed = partResults.find((p) => !p.ok);
    if (failed && !failed.ok) {
      await dropFreshParts(this.ctx, r.storeId, r.orderId, parts);
      return failed;
    }
    const reply = await this.reserveInStore(r, plain, takes, parts);
    // Fresh parts are surplus unless this call wrote the store record: undo them otherwise.
    if (reply[0] !== 0) await dropFreshParts(this.ctx, r.storeId, r.orderId, parts);
    return isTaken(reply) ? { ok: true } : decodeReserve(reply);
  }

  /** Payment: reserved → sold. Refused for a released or unknown reservation. */
  commit(storeId: string, orderId: string): Promise<FinishResult> {
    return this.finish(storeId, orderId, 'commit');
  }

  /** Cancel or payment expiry: reserved → available, offer units given back. Refused once sold.
   * Releasing an unknown order leaves a released tombstone, so a reserve still in flight fails. */
  release(storeId: string, orderId: string): Promise<FinishResult> {
    return this.finish(storeId, orderId, 'release');
  }

  /** How many buckets each opened SKU's stock is split into (0: its store's slot); unopened SKUs are absent. */
  async bucketLayouts(skus: readonly string[]): Promise<Map<string, number>> {
    const layouts = await this.ctx.registry.layouts(skus);
    return new Map([...layouts].map(([sku, layout]) => [sku, layout.buckets]));
  }

  stockOf(skus: readonly string[]): Promise<Map<string, SkuStock>> {
    return stockOf(this.ctx, skus);
  }

  offerLeft(offerIds: readonly string[]): Promise<Map<string, number>> {
    return offerLeft(this.ctx, offerIds);
  }

  /** Units taken per known offer since it opened (held by orders or sold). */
  offerTaken(offerIds: readonly string[]): Promise<Map<string, number>> {
    return offerTaken(this.ctx, offerIds);
  }

  boughtBy(buyerId: string, offerIds: readonly string[]): Promise<Map<string, number>> {
    return boughtBy(this.ctx, buyerId, offerIds);
  }

  /** Reservations still open that were made before `olderThanMs` (an epoch-ms instant), oldest first. */
  openReservations(olderThanMs: number, limit: number): Promise<OpenReservation[]> {
    assert(Number.isSafeInteger(limit) && limit > 0, 'limit must be a whole number > 0');
    return openReservations(this.ctx, olderThanMs, limit);
  }

  /** Reservations of orders known to be open, read again by the reconciler from `untilMs` on. */
  deferReservations(
    reservations: readonly { storeId: string; orderId: string }[],
    untilMs: number,
  ): Promise<void> {
    return deferReservations(this.ctx, reservations, untilMs);
  }

  /** Creates spend budgets (soft caps in fen) that do not exist yet; live budgets are never reset. */
  openBudgets(budgets: readonly BudgetOpening[]): Promise<void> {
    return openBudgets(this.ctx, budgets);
  }

  /** Spends from every budget of one checkout, or none (what was taken is given back on a refusal).
   * Idempotent per (offerId, orderId). */
  takeBudgets(orderId: string, takes: readonly BudgetTake[], at: number): Promise<BudgetTakeResult> {
    return takeBudgets(this.ctx, orderId, takes, at);
  }

  /** A rebuild counting again what PostgreSQL's order spent: taken whatever is left (the last
   *  take of a budget may have overshot it, and the replay runs in another order than the sale). */
  replayBudgets(orderId: string, takes: readonly BudgetTake[], at: number): Promise<BudgetTakeResult> {
    return takeBudgets(this.ctx, orderId, takes, at, 'replay');
  }

  /** The order closed unpaid (or never reached PostgreSQL): its open takes come back. Answers how many
   * were given back by this call; kept takes are untouched. */
  giveBackBudgets(orderId: string, offerIds: readonly string[]): Promise<number> {
    return giveBackBudgets(this.ctx, orderId, offerIds);
  }

  /** The order was paid: its spend stays for good. */
  keepBudgets(orderId: string, offerIds: readonly string[]): Promise<void> {
    return keepBudgets(this.ctx, orderId, offerIds);
  }

  /** Fen left per known budget (unknown ids are absent). */
  budgetLeft(offerIds: readonly string[]): Promise<Map<string, number>> {
    return budgetLeft(this.ctx, offerIds);
  }

  /** Fen spent per known budget since it opened. */
  budgetSpent(offerIds: readonly string[]): Promise<Map<string, number>> {
    return budgetSpent(this.ctx, offerIds);
  }

  /** Takes neither kept nor given back, taken at or before `cutoffEpochMs`, oldest first. */
  openBudgetTakes(cutoffEpochMs: number, limit: number): Promise<OpenBudgetTake[]> {
    return openBudgetTakes(this.ctx, cutoffEpochMs, limit);
  }

  /** Claims one coupon into one wallet within its issue cap and per-buyer cap. Idempotent per walletId. */
  claimCoupon(c: CouponClaim): Promise<CouponClaimResult> {
    return this.coupons.claim(c);
  }

  /** The wallet row is in PostgreSQL: the claim is no longer open (kept for good). */
  claimWritten(couponId: string, walletId: string): Promise<void> {
    return this.coupons.written(couponId, walletId);
  }

  /** The wallet row never reached PostgreSQL: gives an open claim back; true when this call did. */
  unclaim(couponId: string, walletId: string): Promise<boolean> {
    return this.coupons.unclaim(couponId, walletId);
  }

  claimCounts(couponId: string, buyerId: string): Promise<ClaimCounts> {
    return this.coupons.counts(couponId, buyerId);
  }

  /** Claims still open that were made at or before `cutoffEpochMs`, oldest first. */
  openClaims(cutoffEpochMs: number, limit: number): Promise<OpenClaim[]> {
    return this.coupons.open(cutoffEpochMs, limit);
  }

  /** Idempotency-Key claims in the same Redis, for servers that share it. */
  requestClaims(): RedisRequestClaims {
    return new RedisRequestClaims(this.ctx.client, this.ctx.keys.prefix);
  }

  /** Rate limit windows in the same Redis, counted over every server that shares it. */
  rateWindows(): RedisRateWindows {
    return new RedisRateWindows(this.ctx.client, this.ctx.keys.prefix);
  }

  /** Notices to and from the other servers of this sale (pub/sub on the same Redis). */
  notices(): RedisNotices {
    return new RedisNotices(this.ctx.client, this.ctx.keys.prefix);
  }

  /** Operator sessions in the same Redis, known to every server that shares it. */
  sessions(): RedisOperatorSessions {
    return new RedisOperatorSessions(this.ctx.client, this.ctx.keys.prefix);
  }

  /** The funnel's first steps in the same Redis, counted over every server that shares it. */
  funnel(): RedisFunnel {
    return new RedisFunnel(this.ctx.client, this.ctx.keys.prefix);
  }

  /**
   * Which Redis processes hold the sale (their run ids, every primary of a Cluster): another
   * answer means a Redis restarted or failed over, and may have come back with less.
   */
  async runIds(): Promise<string> {
    const infos = await Promise.all(keyNodes(this.ctx.client).map((node) => node.info('server')));
    return infos
      .map((info) => /run_id:(\w+)/.exec(info)?.[1] ?? '?')
      .sort()
      .join(',');
  }

  /** Answers when Redis does (readiness). */
  async ping(): Promise<void> {
    await this.ctx.client.ping();
  }

  /** Deletes this sale's counters on every node (before a rebuild from PostgreSQL); answers how many keys went. */
  dropCounters(): Promise<number> {
    return dropCounters(this.ctx);
  }

  /** SKUs whose counters break the stock identity (should be none). */
  checkIdentity(): Promise<string[]> {
    return checkIdentity(this.ctx);
  }

  private storeBase(storeId: string): string {
    let base = this.storeBases.get(storeId);
    if (base === undefined) {
      base = this.ctx.keys.base(this.ctx.keys.storeTag(storeId));
      this.storeBases.set(storeId, base);
    }
    return base;
  }

  /**
   * Splits an order's lines into those of the store slot and those of hot-SKU buckets, from the
   * process's layout cache (no round trip on the hot path). Undefined when a SKU is not cached,
   * unless `unknownArePlain`: an unknown SKU then goes to the store slot, whose script answers
   * UNKNOWN_SKU, as it does for a SKU of another store.
   */
  private splitByLayout(
    storeId: string,
    wanted: ReadonlyMap<string, number>,
    unknownArePlain: boolean,
  ): { plain: [string, number][]; hot: [string, number, number][] } | undefined {
    const plain: [string, number][] = [];
    const hot: [string, number, number][] = [];
    for (const [sku, qty] of wanted) {
      const layout = this.ctx.registry.cachedLayout(sku);
      if (!layout && !unknownArePlain) return undefined;
      if (layout && layout.buckets > 0 && layout.storeId === storeId) hot.push([sku, qty, layout.buckets]);
      else plain.push([sku, qty]);
    }
    return { plain, hot };
  }

  private reserveInStore(
    r: HotReservation,
    plain: readonly [string, number][],
    takes: readonly HotOfferTake[],
    parts: readonly { sku: string; bucket: number }[],
  ) {
    const base = this.storeBase(r.storeId);
    const argv: ScriptArg[] = [r.orderId, r.at, r.buyerId, plain.length, takes.length];
    for (const [sku, qty] of plain) argv.push(sku, qty);
    for (const t of takes) argv.push(t.offerId, t.units, t.perBuyer ?? -1);
    for (const p of parts) argv.push(p.sku, p.bucket);
    return this.ctx.scripts.reserve(HotKeys.record(base, r.orderId), argv);
  }

  private async finish(storeId: string, orderId: string, mode: 'commit' | 'release'): Promise<FinishResult> {
    const base = this.storeBase(storeId);
    const tombstone = mode === 'release' ? '1' : '0';
    const ttl = this.ctx.finishedTtlSeconds;
    const reply = await this.ctx.scripts.finish(HotKeys.record(base, orderId), orderId, mode, ttl, tombstone);
    const state = reply[0];
    if (state === 'missing') {
      if (mode === 'commit') return { ok: false, state: 'missing' };
      await releaseStrayParts(this.ctx, storeId, orderId);
      return { ok: true, state: 'released' };
    }
    assert(state === 'sold' || state === 'released', `unexpected reservation state ${state}`);
    const recorded = new Map<string, number>();
    for (let i = 1; i < reply.length; i += 2) recorded.set(reply[i]!, Number(reply[i + 1]));
    if (recorded.size > 0) await settleParts(this.ctx, storeId, orderId, state, recorded);
    const ok = state === (mode === 'commit' ? 'sold' : 'released');
    return ok ? { ok: true, state } : { ok: false, state };
  }
}

/** Lines of one SKU are summed, as the in-memory ledger does. */
function sumLines(lines: readonly StockLine[]): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const line of lines) {
    assert(Number.isSafeInteger(line.qty) && line.qty > 0, `bad quantity ${line.qty} for ${line.sku}`);
    wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.qty);
  }
  return wanted;
}

/** Takes of one offer are summed (the tightest per-buyer limit wins); zero-unit takes need no counter. */
function sumTakes(takes: readonly HotOfferTake[]): HotOfferTake[] {
  if (takes.length === 0) return [];
  const summed = new Map<string, HotOfferTake>();
  for (const t of takes) {
    assert(Number.isSafeInteger(t.units) && t.units >= 0, `bad units ${t.units} for ${t.offerId}`);
    if (t.units === 0) continue;
    const known = summed.get(t.offerId);
    if (!known) summed.set(t.offerId, { ...t });
    else {
      known.units += t.units;
      if (t.perBuyer !== undefined) known.perBuyer = Math.min(known.perBuyer ?? t.perBuyer, t.perBuyer);
    }
  }
  return [...summed.values()];
}
