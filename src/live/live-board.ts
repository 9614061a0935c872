// The live board (DOMAIN.md §7): rolling aggregates folded from the event log, which is their
// single source (ARCHITECTURE.md, src/live). Pure: events come in through apply(), the time through
// snapshot(now); the stock alerts read the writer's ledger. Folding the same events from seq 0
// gives the same board, so a restart only has to replay the log. The funnel's first two steps are
// the one exception: the API tells the board who visited and who priced a cart (reachFunnel); they
// are not events, so after a restart of a lone server only shoppers who ordered are known to have
// done them. Servers that share Redis also count them there, over the whole sale, and the board
// takes those figures (setSaleWideFunnel), which outlive a restart.

import type { Instant } from '../domain/campaign.ts';
import type { CampaignIndex } from '../domain/campaign-index.ts';
import { formatInstant } from '../domain/zoned-time.ts';
import type { StoredEvent } from '../store/ports.ts';
import { BuyerFunnel, type SaleWideFirstSteps } from './buyer-funnel.ts';
import { type Attempt, ChannelHealth } from './channel-health.ts';
import { liveLimits } from './live-limits.ts';
import type { LiveSnapshot, LiveUnpaid } from './live-snapshot.ts';
import { type OpenOrder, OpenOrders, type PlacedLine } from './open-orders.ts';
import { OrderRate } from './order-rate.ts';
import { gmvPacing, liveCampaign, ratio } from './pacing.ts';
import { PaidByMinute } from './paid-by-minute.ts';
import { SalesRank } from './sales-rank.ts';
import { type SoldOutActionReader, type StockReader, stockAlerts } from './stock-alerts.ts';

export interface LiveBoardOptions {
  index: CampaignIndex;
  /** The writer's stock counters (engine.ctx.ledger). */
  stock: StockReader;
  /** The operators' sold-out actions (engine.ctx.soldOutActions); none when left out. */
  soldOutActions?: SoldOutActionReader;
  /** Channels listed before any payment went through them (the engine's channels). */
  channelNames?: readonly string[];
  /** Unpaid orders whose lines are remembered (default liveLimits.openOrdersMax). */
  openOrdersMax?: number;
}

export interface OrderCounts {
  placed: number;
  paid: number;
  cancelled: number;
  expired: number;
  /** Pre-sales whose balance went unpaid: the deposit is kept, the order closed. */
  forfeited: number;
}

type Payload = Record<string, unknown>;

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

function placedLines(payload: Payload): PlacedLine[] {
  const lines = Array.isArray(payload.lines) ? (payload.lines as Payload[]) : [];
  return lines.map((line) => ({
    sku: str(line.sku, '?'),
    category: str(line.category, 'unknown'),
    qty: num(line.qty),
    payableFen: num(line.payable),
    offerId: typeof line.offer === 'string' ? line.offer : null,
  }));
}

function attemptsOf(payload: Payload): Attempt[] {
  const attempts = Array.isArray(payload.attempts) ? (payload.attempts as Payload[]) : [];
  return attempts.map((a) => ({ channel: str(a.channel, 'unknown'), outcome: str(a.outcome, 'unknown') }));
}

export class LiveBoard {
  /** The highest seq folded in (an event committed late is folded below it). */
  seq = 0;
  /** The latest time of an event folded in (for the event lag metric). */
  lastEventAt: Instant | null = null;
  /** Grows with every change, so a stream knows when to push. */
  version = 0;
  readonly orders: OrderCounts = { placed: 0, paid: 0, cancelled: 0, expired: 0, forfeited: 0 };
  gmvPlacedFen = 0;
  gmvPaidFen = 0;
  private gmvClosedFen = 0;
  /** Deposits in for pre-sales whose balance is still due (not yet paid in full, nor forfeited). */
  private depositsHeldFen = 0;
  private readonly funnel = new BuyerFunnel(liveLimits.funnelBuyersMax);
  /** Shared backends: the first two funnel steps as every server of the sale counted them. */
  private saleWideFunnel: SaleWideFirstSteps | null = null;
  private readonly open: OpenOrders;
  private readonly rate = new OrderRate();
  private readonly paidByMinute = new PaidByMinute();
  private readonly rank = new SalesRank();
  private readonly channels: ChannelHealth;
  /** Units taken under each offer (flash session, first-N…): placed minus released. */
  private readonly offerUnits = new Map<string, number>();

  constructor(private readonly options: LiveBoardOptions) {
    this.channels = new ChannelHealth(options.channelNames);
    this.open = new OpenOrders(options.openOrdersMax);
  }

  /** Folds one stored event in. Each event comes once: the tail (event-tail.ts) keeps which seqs it
   * has folded, since on PostgreSQL one can commit after higher seqs have been folded. */
  apply(event: StoredEvent): void {
    this.seq = Math.max(this.seq, event.seq);
    this.lastEventAt = Math.max(this.lastEventAt ?? event.at, event.at);
    this.version += 1;
    let payload: Payload;
    try {
      payload = JSON.parse(event.payload) as Payload;
    } catch {
      return; // not ours to judge: the log is append-only, the board just cannot read this one
    }
    if (typeof payload !== 'object' || payload === null) return;
    this.fold(event, payload);
  }

  private fold(event: StoredEvent, payload: Payload): void {
    const orderId = event.orderId ?? '';
    switch (event.type) {
      case 'OrderPlaced':
        this.placed(event.at, orderId, payload);
        if (event.buyerId) this.funnel.reach(event.buyerId, 'ordered');
        break;
      case 'OrderPaid':
        this.paid(event.at, orderId, payload);
        if (event.buyerId) this.funnel.reach(event.buyerId, 'paid');
        break;
      case 'OrderCancelled':
        this.closed('cancelled', orderId, payload);
        break;
      case 'OrderExpired':
        this.closed('expired', orderId, payload);
        break;
      case 'DepositPaid':
        this.depositPaid(orderId, payload);
        break;
      case 'DepositForfeited':
        this.closed('forfeited', orderId, payload, 'forfeitedDeposit');
        break;
      case 'PaymentFailed':
      case 'PaymentFailedOver':
        this.channels.attempts(attemptsOf(payload));
        break;
      case 'PaymentRefunded':
      case 'RefundFailed':
        this.channels.refund(str(payload.channel, 'unknown'), event.type === 'PaymentRefunded');
        break;
    }
  }

  private placed(at: Instant, orderId: string, payload: Payload): void {
    const payableFen = num(payload.payable);
    const lines = placedLines(payload);
    this.orders.placed += 1;
    this.gmvPlacedFen += payableFen;
    this.rate.placed(at);
    for (const line of lines) if (line.offerId) this.takeOffer(line.offerId, line.qty);
    this.open.add({ id: orderId, payableFen, deadlineAt: num(payload.deadlineAt), depositFen: 0, lines });
  }

  private paid(at: Instant, orderId: string, payload: Payload): void {
    const payableFen = num(payload.payable);
    this.orders.paid += 1;
    this.gmvPaidFen += payableFen;
    this.rate.paid(at, payableFen);
    this.paidByMinute.paid(at, payableFen);
    this.channels.paid(str(payload.channel, 'unknown'));
    const order = this.open.close(orderId);
    this.releaseDeposit(order, payload.deposit); // a pre-sale's balance: its deposit is in the payable
    if (order) this.rank.paid(order.lines);
  }

  /** A pre-sale's deposit is in: the order waits for its balance, due by the balance deadline. */
  private depositPaid(orderId: string, payload: Payload): void {
    this.depositsHeldFen += num(payload.deposit);
    const balanceEndsAt = payload.balanceEndsAt;
    this.open.awaitBalance(
      orderId,
      num(payload.deposit),
      num(payload.balance),
      typeof balanceEndsAt === 'number' ? balanceEndsAt : null,
    );
  }

  private closed(
    how: 'cancelled' | 'expired' | 'forfeited',
    orderId: string,
    payload: Payload,
    depositField?: string,
  ): void {
    this.orders[how] += 1;
    this.gmvClosedFen += num(payload.payable);
    const order = this.open.close(orderId);
    if (depositField) this.releaseDeposit(order, payload[depositField]);
    for (const line of order?.lines ?? []) if (line.offerId) this.takeOffer(line.offerId, -line.qty);
  }

  /**
   * A pre-sale's deposit is no longer held (its balance is paid, or it is forfeited): as the event
   * says, or, in events of earlier versions that do not say, as its DepositPaid did.
   */
  private releaseDeposit(order: OpenOrder | undefined, said: unknown): void {
    this.depositsHeldFen -= typeof said === 'number' ? num(said) : (order?.depositFen ?? 0);
  }

  private takeOffer(offerId: string, qty: number): void {
    this.offerUnits.set(offerId, (this.offerUnits.get(offerId) ?? 0) + qty);
  }

  /** A shopper was served the catalogue, or priced a cart (the funnel's first steps). */
  reachFunnel(buyerId: string, step: 'visited' | 'priced'): void {
    if (this.funnel.reach(buyerId, step)) this.version += 1;
  }

  /** The first two funnel steps over every server of the sale (live/funnel-sync.ts). */
  setSaleWideFunnel({ visited, priced }: SaleWideFirstSteps): void {
    const had = this.saleWideFunnel;
    if (had?.visited === visited && had.priced === priced) return;
    this.saleWideFunnel = { visited, priced };
    this.version += 1;
  }

  /** Units placed and not released under an offer (a flash session's quantity taken). */
  offerUnitsTaken(offerId: string): number {
    return this.offerUnits.get(offerId) ?? 0;
  }

  /** Unpaid orders whose lines were forgotten to stay within liveLimits.openOrdersMax. */
  get forgottenOrders(): number {
    return this.open.forgotten;
  }

  /** The board at `now`; orders/s and the series as of `ratesAsOf`, before which it has every event. */
  snapshot(now: Instant, ratesAsOf: Instant = now): LiveSnapshot {
    const { index } = this.options;
    const campaign = index.campaign;
    const tz = campaign.timezone;
    return {
      seq: this.seq,
      at: formatInstant(now, tz),
      campaign: liveCampaign(campaign),
      gmv: gmvPacing(
        campaign,
        { paid: this.gmvPaidFen, placed: this.gmvPlacedFen, byMinute: this.paidByMinute },
        now,
      ),
      orders: { ...this.orders, perSecond: this.rate.perSecond(ratesAsOf) },
      series: this.rate.series(ratesAsOf, tz),
      paymentRate: ratio(this.orders.paid, this.orders.placed),
      averageOrderValue: this.orders.paid > 0 ? Math.round(this.gmvPaidFen / this.orders.paid) : null,
      funnel: this.funnel.snapshot(this.saleWideFunnel),
      topSkus: this.rank.topSkus(index),
      topCategories: this.rank.topCategories(index, this.gmvPaidFen),
      stockAlerts: stockAlerts(index, this.options.stock, this.options.soldOutActions, now),
      channels: this.channels.rows(),
      unpaid: this.unpaid(tz),
    };
  }

  private unpaid(tz: string): LiveUnpaid {
    // From the counters, exact even when lines were forgotten; the deadlines need the lines' orders.
    const { placed, paid, cancelled, expired, forfeited } = this.orders;
    return {
      count: placed - paid - cancelled - expired - forfeited,
      amount: this.gmvPlacedFen - this.gmvPaidFen - this.gmvClosedFen - this.depositsHeldFen,
      nextDeadlines: this.open.nearestDeadlines(liveLimits.nextDeadlines).map((order) => ({
        orderId: order.id,
        deadlineAt: formatInstant(order.deadlineAt, tz),
        payable: order.payableFen,
      })),
    };
  }
}
