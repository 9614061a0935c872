// The live board from recorded events: every aggregate by hand, and a board rebuilt from seq 0
// (a restart) equal to the one that watched the events arrive.
import { describe, expect, it } from 'vitest';
import { AT, campaignOf, item, promo } from '../domain/__fixtures__/campaign-builder.ts';
import type { Campaign } from '../domain/campaign.ts';
import { type CampaignIndex, indexCampaign } from '../domain/campaign-index.ts';
import type { SoldOutAction } from '../domain/sold-out-action.ts';
import { StockLedger } from '../domain/stock-ledger.ts';
import type { StoredEvent } from '../store/ports.ts';
import { EventTail } from './event-tail.ts';
import { LiveBoard } from './live-board.ts';
import { liveLimits } from './live-limits.ts';
import { OpenOrders } from './open-orders.ts';
import { expectedFraction, expectedGmvByNow } from './pacing.ts';

const HOUR = 3_600_000;
const MIN = 60_000;

function testIndex(extra: Partial<Campaign> = {}): CampaignIndex {
  const { campaign } = campaignOf({
    catalog: [
      item('tv', 's1', 399_900, { title: '55寸电视', category: 'appliances', stock: 20, safetyStock: 5 }),
      item('cup', 's2', 1_000, { title: '杯子', category: 'kitchen', stock: 100 }),
      item('mug', 's2', 2_500, { title: '马克杯', category: 'kitchen', stock: 50 }),
    ],
  });
  return indexCampaign({
    ...campaign,
    phases: [
      { id: 'p1', name: '预热', window: { startMs: AT - 2 * HOUR, endMs: AT - HOUR }, gmvSharePercent: 20 },
      { id: 'p2', name: '爆发', window: { startMs: AT - HOUR, endMs: AT + HOUR }, gmvSharePercent: 50 },
      { id: 'p3', name: '返场', window: { startMs: AT + HOUR, endMs: AT + 2 * HOUR }, gmvSharePercent: 30 },
    ],
    targets: {
      gmvFen: 1_000_000,
      orders: 10,
      categorySharePercent: { appliances: 60, kitchen: 30, beauty: 10 },
    },
    ...extra,
  });
}

/** tv 3 left (at its safety stock: low), cup none (sold out), mug plenty. */
function testStock(): StockLedger {
  const s = (initial: number, available: number, sold: number) => ({
    initial,
    restocked: 0,
    available,
    reserved: initial - available - sold,
    sold,
  });
  return new StockLedger([
    ['tv', s(20, 3, 1)],
    ['cup', s(100, 0, 3)],
    ['mug', s(50, 40, 0)],
  ]);
}

type Line = [sku: string, category: string, qty: number, payable: number, offer?: string];

/** Builds the log the trade core would append, with the payloads it writes. */
class Log {
  readonly events: StoredEvent[] = [];

  add(type: string, at: number, orderId: string, payload: object): this {
    const seq = this.events.length + 1;
    this.events.push({ seq, at, type, orderId, buyerId: 'u1', payload: JSON.stringify(payload) });
    return this;
  }

  placed(at: number, orderId: string, lines: Line[], deadlineAt = at + 30 * MIN): this {
    const payable = lines.reduce((sum, l) => sum + l[3], 0);
    return this.add('OrderPlaced', at, orderId, {
      checkoutId: `c-${orderId}`,
      storeId: 's1',
      payable,
      amount: payable,
      listTotal: payable,
      deadlineAt,
      lines: lines.map(([sku, category, qty, linePayable, offer]) => ({
        sku,
        category,
        qty,
        payable: linePayable,
        offer: offer ?? null,
      })),
      applied: [],
    });
  }

  paid(at: number, orderId: string, payable: number, channel: string): this {
    return this.add('OrderPaid', at, orderId, { payable, channel, stock: [] });
  }

  closed(type: 'OrderCancelled' | 'OrderExpired', at: number, orderId: string, payable: number): this {
    return this.add(type, at, orderId, { payable, stock: [] });
  }

  attempts(
    type: 'PaymentFailed' | 'PaymentFailedOver',
    at: number,
    orderId: string,
    tried: string[][],
  ): this {
    const attempts = tried.map(([channel, outcome]) => ({ channel, outcome, elapsedMs: 5 }));
    return this.add(type, at, orderId, { paymentId: `p-${orderId}`, attempts });
  }
}

/** Five orders: two paid (one after a failover), one cancelled, one expired, one waiting. */
function recordedLog(): Log {
  return new Log()
    .placed(AT - 700_000, 'o5', [['cup', 'kitchen', 1, 1_000, 'fs-cup']], AT - 100_000)
    .placed(AT - 5_000, 'o1', [
      ['tv', 'appliances', 1, 359_910],
      ['cup', 'kitchen', 2, 2_000],
    ])
    .placed(AT - 3_000, 'o2', [['cup', 'kitchen', 1, 1_000, 'fs-cup']], AT + 10 * MIN)
    .placed(AT - 2_000, 'o3', [['mug', 'kitchen', 1, 2_500]], AT + 20 * MIN)
    .placed(AT - 1_000, 'o4', [['tv', 'appliances', 1, 359_910]], AT + 5 * MIN)
    .closed('OrderExpired', AT - 100_000, 'o5', 1_000)
    .attempts('PaymentFailedOver', AT - 900, 'o1', [
      ['alipay', 'timeout'],
      ['wechat', 'succeeded'],
    ])
    .paid(AT - 900, 'o1', 361_910, 'wechat')
    .paid(AT - 800, 'o2', 1_000, 'alipay')
    .closed('OrderCancelled', AT - 700, 'o3', 2_500)
    .attempts('PaymentFailed', AT - 600, 'o4', [
      ['alipay', 'error'],
      ['wechat', 'declined'],
    ]);
}

/** 100 000 paid in p1 (at 18:35), 300 000 in p2 (at 19:35). */
function twoPhaseSales(): Log {
  return new Log()
    .placed(AT - 90 * MIN, 'a', [['tv', 'appliances', 1, 100_000]])
    .paid(AT - 90 * MIN, 'a', 100_000, 'alipay')
    .placed(AT - 30 * MIN, 'b', [['tv', 'appliances', 1, 300_000]])
    .paid(AT - 30 * MIN, 'b', 300_000, 'alipay');
}

const noRefunds = { refunded: 0, refundsFailed: 0 };

function boardOf(events: readonly StoredEvent[], index = testIndex(), openOrdersMax?: number): LiveBoard {
  const board = new LiveBoard({
    index,
    stock: testStock(),
    channelNames: ['alipay', 'wechat'],
    openOrdersMax,
  });
  for (const event of events) board.apply(event);
  return board;
}

describe('LiveBoard', () => {
  const log = recordedLog();

  it('counts orders, GMV against the target and its pacing curve', () => {
    const snap = boardOf(log.events).snapshot(AT);
    expect(snap.seq).toBe(log.events.length);
    expect(snap.at).toBe('2026-11-11T20:05:00+08:00');
    expect(snap.orders).toEqual({
      placed: 5,
      paid: 2,
      cancelled: 1,
      expired: 1,
      forfeited: 0,
      perSecond: 0.4,
    });
    // 1 000 000 × (20% × all of p1 + 50% × half of p2 + 30% × none of p3) = 450 000.
    expect(snap.gmv).toMatchObject({
      paid: 362_910,
      placed: 1_000 + 361_910 + 1_000 + 2_500 + 359_910,
      target: 1_000_000,
      expectedByNow: 450_000,
      pacingRatio: 0.8065,
      currentPhase: 'p2',
    });
    expect(snap.paymentRate).toBe(0.4);
    expect(snap.averageOrderValue).toBe(181_455);
  });

  it('paces the phase under way against its own share, whatever earlier phases sold', () => {
    // p1 (20%) sold 100 000; p2 (50%, 19:05–21:05) sold 300 000 by 19:35 and 62 910 just now.
    const sales = twoPhaseSales()
      .placed(AT - 900, 'c', [['tv', 'appliances', 1, 62_910]])
      .paid(AT - 900, 'c', 62_910, 'wechat');
    const { gmv } = boardOf(sales.events).snapshot(AT);
    // The whole plan expects 450 000 by now; p2 alone expects half its 500 000.
    expect(gmv).toMatchObject({ paid: 462_910, expectedByNow: 450_000, pacingRatio: 1.0287 });
    expect(gmv.phase).toEqual({
      id: 'p2',
      name: '爆发',
      target: 500_000,
      paid: 362_910,
      expectedByNow: 250_000,
      pacingRatio: 1.4516,
    });
    // The curve spans p2 in 96 steps of 75 s; AT is its middle. Paid counts from 19:05.
    const { curve } = gmv;
    expect(curve).toMatchObject({
      scope: 'phase',
      start: '2026-11-11T19:05:00+08:00',
      end: '2026-11-11T21:05:00+08:00',
    });
    expect(curve.points).toHaveLength(97);
    expect(curve.points[0]).toEqual({ t: '2026-11-11T19:05:00+08:00', expected: 0, paid: 0 });
    // The minute of 19:35 counts from the point after it starts.
    expect(curve.points[24]).toEqual({ t: '2026-11-11T19:35:00+08:00', expected: 125_000, paid: 0 });
    expect(curve.points[25]).toEqual({ t: '2026-11-11T19:36:15+08:00', expected: 130_208, paid: 300_000 });
    expect(curve.points[48]).toEqual({ t: '2026-11-11T20:05:00+08:00', expected: 250_000, paid: 362_910 });
    expect(curve.points[49]).toEqual({ t: '2026-11-11T20:06:15+08:00', expected: 255_208, paid: null });
    expect(curve.points[96]).toEqual({ t: '2026-11-11T21:05:00+08:00', expected: 500_000, paid: null });
  });

  it('draws the whole plan between phases, and the day when there is no plan', () => {
    const sales = twoPhaseSales();
    const after = boardOf(sales.events).snapshot(AT + 3 * HOUR).gmv;
    expect(after.phase).toBeNull();
    expect(after.curve).toMatchObject({
      scope: 'plan',
      start: '2026-11-11T18:05:00+08:00',
      end: '2026-11-11T22:05:00+08:00',
    });
    // 96 steps of 2½ min; the phase boundaries fall on steps.
    expect(after.curve.points).toHaveLength(97);
    expect(after.curve.points[24]).toEqual({
      t: '2026-11-11T19:05:00+08:00',
      expected: 200_000,
      paid: 100_000,
    });
    expect(after.curve.points[96]).toEqual({
      t: '2026-11-11T22:05:00+08:00',
      expected: 1_000_000,
      paid: 400_000,
    });

    const noPlan = boardOf(sales.events, testIndex({ phases: [] })).snapshot(AT).gmv;
    expect(noPlan.phase).toBeNull();
    expect(noPlan.curve).toMatchObject({
      scope: 'day',
      start: '2026-11-11T00:00:00+08:00',
      end: '2026-11-12T00:00:00+08:00',
    });
    // 96 steps of 15 min, and now (20:05) between two of them: the last point with a paid figure.
    expect(noPlan.curve.points).toHaveLength(98);
    const now = noPlan.curve.points.findIndex((p) => p.t === '2026-11-11T20:05:00+08:00');
    expect(noPlan.curve.points[now]).toEqual({
      t: '2026-11-11T20:05:00+08:00',
      expected: null,
      paid: 400_000,
    });
    expect(noPlan.curve.points[now + 1]!.paid).toBeNull();
    expect(noPlan.curve.points[now - 1]).toEqual({
      t: '2026-11-11T20:00:00+08:00',
      expected: null,
      paid: 400_000,
    });
  });

  it('describes the campaign, its phases and their share of the target', () => {
    const snap = boardOf([]).snapshot(AT);
    expect(snap.campaign).toEqual({
      id: 'test',
      name: 'test',
      timezone: 'Asia/Shanghai',
      targetGmv: 1_000_000,
      targetOrders: 10,
      phases: [
        {
          id: 'p1',
          name: '预热',
          start: '2026-11-11T18:05:00+08:00',
          end: '2026-11-11T19:05:00+08:00',
          gmvSharePercent: 20,
          targetGmv: 200_000,
          pace: [],
        },
        {
          id: 'p2',
          name: '爆发',
          start: '2026-11-11T19:05:00+08:00',
          end: '2026-11-11T21:05:00+08:00',
          gmvSharePercent: 50,
          targetGmv: 500_000,
          pace: [],
        },
        {
          id: 'p3',
          name: '返场',
          start: '2026-11-11T21:05:00+08:00',
          end: '2026-11-11T22:05:00+08:00',
          gmvSharePercent: 30,
          targetGmv: 300_000,
          pace: [],
        },
      ],
    });
  });

  it('keeps ten minutes of 10-second buckets from event times', () => {
    const { series } = boardOf(log.events).snapshot(AT);
    expect(series).toHaveLength(60);
    // The bucket holding AT is still filling: the series ends with the whole one before it.
    expect(series.at(-1)).toEqual({ t: '2026-11-11T20:04:50+08:00', placed: 4, paid: 2, gmvPaid: 362_910 });
    expect(series[0]!.t).toBe('2026-11-11T19:55:00+08:00');
    // o5 was placed 11 minutes 40 seconds ago: older than the series.
    expect(series.reduce((sum, p) => sum + p.placed, 0)).toBe(4);
    // Ten seconds later the orders/s window has moved past every order.
    expect(boardOf(log.events).snapshot(AT + 10_000).orders.perSecond).toBe(0);
  });

  it('reads orders/s and the series as of the instant it has every event before, not a poll later', () => {
    // The tail last found the log's end at AT; the clock is 30 s on (a rehearsal's compressed clock
    // moves that far between two polls): the rate is what it was at AT, not zero.
    const behind = boardOf(log.events).snapshot(AT + 30_000, AT);
    expect(behind.orders.perSecond).toBe(0.4);
    expect(behind.series.at(-1)).toMatchObject({ t: '2026-11-11T20:04:50+08:00', placed: 4 });
    expect(behind.at).toBe('2026-11-11T20:05:30+08:00');
  });

  it('builds the funnel in shoppers: the API tells who visited and priced, the events who ordered and paid', () => {
    // Every order of the log is u1's: one buyer, who paid (and so visited and priced a cart too).
    const board = boardOf(log.events);
    expect(board.snapshot(AT).funnel).toEqual({ visited: 1, priced: 1, ordered: 1, paid: 1 });
    const version = board.version;
    board.reachFunnel('u1', 'visited'); // nothing new: u1 went further
    expect(board.version).toBe(version);
    board.reachFunnel('u2', 'visited');
    board.reachFunnel('u2', 'visited');
    board.reachFunnel('u3', 'priced');
    expect(board.version).toBe(version + 2);
    expect(board.snapshot(AT).funnel).toEqual({ visited: 3, priced: 2, ordered: 1, paid: 1 });
  });

  it('ranks SKUs and categories by paid GMV, with each category against its planned share', () => {
    const snap = boardOf(log.events).snapshot(AT);
    expect(snap.topSkus).toEqual([
      { sku: 'tv', title: '55寸电视', units: 1, gmv: 359_910 },
      { sku: 'cup', title: '杯子', units: 3, gmv: 3_000 },
    ]);
    expect(snap.topCategories).toEqual([
      { category: 'appliances', gmv: 359_910, sharePercent: 99.17, targetSharePercent: 60 },
      { category: 'kitchen', gmv: 3_000, sharePercent: 0.83, targetSharePercent: 30 },
      { category: 'beauty', gmv: 0, sharePercent: 0, targetSharePercent: 10 },
    ]);
  });

  it('raises sold-out and low-stock alerts from the ledger, sold out first', () => {
    expect(boardOf([]).snapshot(AT).stockAlerts).toEqual([
      {
        sku: 'cup',
        title: '杯子',
        storeId: 's2',
        pool: 'spot',
        available: 0,
        state: 'sold_out',
        action: null,
      },
      { sku: 'tv', title: '55寸电视', storeId: 's1', pool: 'spot', available: 3, state: 'low', action: null },
    ]);
  });

  it('says when a pre-sale taking deposits is full (its pool is out), and not once it has closed', () => {
    const deposits = { startMs: AT - HOUR, endMs: AT + HOUR };
    const index = testIndex({
      promotions: [
        promo.presale('pre-mug', 'mug', {
          priceFen: 2_000,
          depositFen: 500,
          depositValueFen: 800,
          deposit: deposits,
          balance: { startMs: AT + 2 * HOUR, endMs: AT + 3 * HOUR },
        }),
      ],
    });
    const pool = { initial: 30, restocked: 0, available: 0, reserved: 10, sold: 20 };
    const pooled = new StockLedger([...testStock().skus(), ['mug#presale', pool]]);
    const board = new LiveBoard({ index, stock: pooled });
    const presaleAlerts = (at: number) => board.snapshot(at).stockAlerts.filter((a) => a.pool === 'presale');
    expect(presaleAlerts(AT)).toEqual([
      {
        sku: 'mug',
        title: '马克杯',
        storeId: 's2',
        pool: 'presale',
        available: 0,
        state: 'sold_out',
        action: null,
      },
    ]);
    expect(presaleAlerts(deposits.endMs)).toEqual([]);
  });

  it('shows each alert with the sold-out action the operators set for it', () => {
    const soldOutActions = new Map<string, SoldOutAction>([
      ['cup', { kind: 'substitute', substituteSku: 'mug' }],
      ['tv', { kind: 'presale', shipDate: '2026-11-20', units: 50 }],
      ['mug', { kind: 'substitute', substituteSku: 'cup' }],
    ]);
    const board = new LiveBoard({ index: testIndex(), stock: testStock(), soldOutActions });
    expect(board.snapshot(AT).stockAlerts).toEqual([
      {
        sku: 'cup',
        title: '杯子',
        storeId: 's2',
        pool: 'spot',
        available: 0,
        state: 'sold_out',
        action: { kind: 'substitute', substituteSku: 'mug' },
      },
      {
        sku: 'tv',
        title: '55寸电视',
        storeId: 's1',
        pool: 'spot',
        available: 3,
        state: 'low',
        action: { kind: 'presale', shipDate: '2026-11-20', units: 50 },
      },
    ]);
    // Read at every snapshot: an action set later shows on the next one.
    soldOutActions.delete('cup');
    expect(board.snapshot(AT).stockAlerts[0]!.action).toBeNull();
  });

  it('scores payment channels: successes, errors, timeouts and failovers (declines are the bank’s)', () => {
    expect(boardOf(log.events).snapshot(AT).channels).toEqual([
      {
        ...noRefunds,
        name: 'alipay',
        succeeded: 1,
        errors: 1,
        timeouts: 1,
        failovers: 2,
        successRate: 0.3333,
      },
      { ...noRefunds, name: 'wechat', succeeded: 1, errors: 0, timeouts: 0, failovers: 0, successRate: 1 },
    ]);
    expect(boardOf([]).snapshot(AT).channels).toEqual([
      { ...noRefunds, name: 'alipay', succeeded: 0, errors: 0, timeouts: 0, failovers: 0, successRate: null },
      { ...noRefunds, name: 'wechat', succeeded: 0, errors: 0, timeouts: 0, failovers: 0, successRate: null },
    ]);
  });

  it('counts the charges given back, and those whose refund failed, per channel', () => {
    const refunds = new Log()
      .add('PaymentRefunded', AT - 300, 'o8', { channel: 'wechat', amount: 1_000, why: 'commit-failed' })
      .add('PaymentRefunded', AT - 200, 'o9', { channel: 'wechat', amount: 2_000, why: 'order-closed' })
      .add('RefundFailed', AT - 100, 'o10', { channel: 'alipay', amount: 3_000, why: 'commit-failed' });
    const channels = boardOf(refunds.events).snapshot(AT).channels;
    expect(channels.map(({ name, refunded, refundsFailed }) => ({ name, refunded, refundsFailed }))).toEqual([
      { name: 'alipay', refunded: 0, refundsFailed: 1 },
      { name: 'wechat', refunded: 2, refundsFailed: 0 },
    ]);
    // A refund is no payment: paid orders and success rates do not move.
    expect(channels.every((c) => c.succeeded === 0 && c.successRate === null)).toBe(true);
  });

  it('waits for a pre-sale balance after its deposit: due by the balance deadline, the deposit no longer owed', () => {
    const DAY = 24 * 60 * MIN;
    const presales = new Log()
      .placed(AT - 900, 'p1', [['tv', 'appliances', 1, 10_000]], AT + 1 * MIN)
      .placed(AT - 800, 'p2', [['tv', 'appliances', 1, 10_000]], AT + 2 * MIN)
      .placed(AT - 700, 'p3', [['tv', 'appliances', 1, 10_000]], AT + 3 * MIN)
      .placed(AT - 600, 'o9', [['cup', 'kitchen', 1, 1_000]], AT + 4 * MIN);
    for (const id of ['p1', 'p2', 'p3'])
      presales.add('DepositPaid', AT - 500, id, {
        deposit: 2_000,
        balance: 8_000,
        balanceEndsAt: AT + DAY,
        channel: 'alipay',
      });
    const waiting = boardOf(presales.events).snapshot(AT).unpaid;
    expect(waiting.count).toBe(4);
    expect(waiting.amount).toBe(3 * 8_000 + 1_000);
    expect(waiting.nextDeadlines.map((d) => [d.orderId, d.payable])).toEqual([
      ['o9', 1_000],
      ['p1', 8_000],
      ['p2', 8_000],
      ['p3', 8_000],
    ]);
    expect(waiting.nextDeadlines[1]!.deadlineAt).toBe('2026-11-12T20:05:00+08:00');

    presales
      .add('OrderPaid', AT - 400, 'p1', { payable: 10_000, channel: 'alipay', stock: [], deposit: 2_000 })
      .add('DepositForfeited', AT - 300, 'p2', { payable: 10_000, stock: [], forfeitedDeposit: 2_000 });
    const after = boardOf(presales.events).snapshot(AT);
    expect(after.orders).toMatchObject({ placed: 4, paid: 1, forfeited: 1 });
    expect(after.unpaid.count).toBe(2);
    expect(after.unpaid.amount).toBe(8_000 + 1_000);
    expect(after.unpaid.nextDeadlines.map((d) => d.orderId)).toEqual(['o9', 'p3']);
    expect(after.gmv.paid).toBe(10_000);
  });

  it('releases a held deposit for events of earlier versions that do not say it', () => {
    // Written before OrderPaid carried a balance's deposit and DepositPaid its balance deadline.
    const old = new Log()
      .placed(AT - 900, 'p1', [['tv', 'appliances', 1, 10_000]])
      .placed(AT - 800, 'p2', [['tv', 'appliances', 1, 10_000]])
      .add('DepositPaid', AT - 700, 'p1', { deposit: 2_000, balance: 8_000, channel: 'alipay' })
      .add('DepositPaid', AT - 600, 'p2', { deposit: 2_000, balance: 8_000, channel: 'alipay' })
      .add('OrderPaid', AT - 500, 'p1', { payable: 10_000, channel: 'alipay', stock: [] })
      .add('DepositForfeited', AT - 400, 'p2', { payable: 10_000, stock: [] });
    const { unpaid, orders } = boardOf(old.events).snapshot(AT);
    expect(orders).toMatchObject({ paid: 1, forfeited: 1 });
    expect(unpaid).toEqual({ count: 0, amount: 0, nextDeadlines: [] });
  });

  it('shows the unpaid orders and the nearest deadlines', () => {
    const extra = new Log();
    extra.events.push(...log.events);
    extra
      .placed(AT - 500, 'o6', [['mug', 'kitchen', 1, 2_500]], AT + 1 * MIN)
      .placed(AT - 400, 'o7', [['mug', 'kitchen', 2, 5_000]], AT + 2 * MIN);
    const { unpaid } = boardOf(extra.events).snapshot(AT);
    expect(unpaid).toEqual({
      count: 3,
      amount: 359_910 + 2_500 + 5_000,
      nextDeadlines: [
        { orderId: 'o6', deadlineAt: '2026-11-11T20:06:00+08:00', payable: 2_500 },
        { orderId: 'o7', deadlineAt: '2026-11-11T20:07:00+08:00', payable: 5_000 },
        { orderId: 'o4', deadlineAt: '2026-11-11T20:10:00+08:00', payable: 359_910 },
      ],
    });
  });

  it('counts the units an offer took, giving back those of closed orders', () => {
    const board = boardOf(log.events);
    expect(board.offerUnitsTaken('fs-cup')).toBe(1);
    expect(board.offerUnitsTaken('nothing')).toBe(0);
  });

  it('answers null rates and no pacing before anything happened or without a target', () => {
    const index = testIndex({ targets: { gmvFen: null, orders: null, categorySharePercent: {} } });
    const snap = boardOf([], index).snapshot(AT);
    expect(snap.gmv).toMatchObject({
      paid: 0,
      placed: 0,
      target: null,
      expectedByNow: null,
      pacingRatio: null,
      currentPhase: 'p2',
      phase: { id: 'p2', target: null, paid: 0, expectedByNow: null, pacingRatio: null },
    });
    expect(snap.gmv.curve.points.every((p) => p.expected === null)).toBe(true);
    expect(snap.paymentRate).toBeNull();
    expect(snap.averageOrderValue).toBeNull();
    expect(snap.topCategories).toEqual([]);
    expect(snap.unpaid).toEqual({ count: 0, amount: 0, nextDeadlines: [] });
  });

  it('skips an event it cannot read', () => {
    const board = boardOf(log.events);
    board.apply({ seq: 100, at: AT, type: 'OrderPlaced', orderId: 'x', buyerId: null, payload: '{oops' });
    board.apply({ seq: 101, at: AT, type: 'CompensationIssued', orderId: 'x', buyerId: null, payload: '{}' });
    expect(board.seq).toBe(101);
    expect(board.snapshot(AT).orders.placed).toBe(5);
  });

  it('folds an event committed late below its seq, keeping the highest seq and the latest time', () => {
    // On PostgreSQL a lower seq can commit after higher ones (event-tail.ts); the tail hands the
    // board each event once, in whatever order they became visible (never before an event that
    // committed before it began: o4 is placed late, before anything happened to it).
    const late = log.events.find((e) => e.type === 'OrderPlaced' && e.orderId === 'o4')!;
    const board = boardOf(log.events.filter((e) => e !== late));
    const { seq, lastEventAt } = board;
    board.apply(late);
    expect([board.seq, board.lastEventAt]).toEqual([seq, lastEventAt]);
    expect(board.snapshot(AT)).toEqual(boardOf(log.events).snapshot(AT));
  });
});

describe('restart catch-up', () => {
  it('a new board fed from seq 0 equals the one that watched the events arrive', async () => {
    const log = recordedLog();
    const live = boardOf([]);
    // Live: the events arrive in a few polls, snapshots are taken in between.
    for (const [i, event] of log.events.entries()) {
      live.apply(event);
      if (i % 3 === 0) live.snapshot(AT);
    }
    const store = {
      async readEvents(afterSeq: number, limit: number) {
        return log.events.filter((e) => e.seq > afterSeq).slice(0, limit);
      },
    };
    const rebuilt = boardOf([]);
    const tail = new EventTail(store, rebuilt, { pageSize: 2 });
    expect(await tail.catchUp()).toBe(log.events.length);
    expect(rebuilt.snapshot(AT)).toEqual(live.snapshot(AT));
    expect(rebuilt.snapshot(AT + 7_000)).toEqual(live.snapshot(AT + 7_000));
    expect(rebuilt.lastEventAt).toBe(live.lastEventAt);
  });
});

describe('EventTail', () => {
  it('polls until stopped, retries after a failed read and leaves no read behind', async () => {
    const log = recordedLog();
    let available = 3;
    let reads = 0;
    const errors: unknown[] = [];
    const store = {
      async readEvents(afterSeq: number, limit: number) {
        reads += 1;
        if (reads === 2) throw new Error('database is busy');
        return log.events.filter((e) => e.seq > afterSeq && e.seq <= available).slice(0, limit);
      },
    };
    const board = boardOf([]);
    const tail = new EventTail(store, board, { pollMs: 5, onError: (e) => errors.push(e) });
    tail.start();
    tail.start();
    await expect.poll(() => board.seq).toBe(3);
    available = log.events.length;
    await expect.poll(() => board.seq).toBe(log.events.length);
    expect(errors).toEqual([new Error('database is busy')]);
    await tail.stop();
    const readsAtStop = reads;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reads).toBe(readsAtStop);
  });
});

describe('pacing curve', () => {
  const phase = (startMs: number | null, endMs: number | null) => ({
    id: 'p',
    name: 'p',
    window: { startMs, endMs },
    gmvSharePercent: 100,
  });

  it.each([
    ['before the phase', phase(AT, AT + HOUR), AT - 1, 0],
    ['at its start', phase(AT, AT + HOUR), AT, 0],
    ['a quarter in', phase(AT, AT + HOUR), AT + HOUR / 4, 0.25],
    ['at its end', phase(AT, AT + HOUR), AT + HOUR, 1],
    ['after it', phase(AT, AT + HOUR), AT + 2 * HOUR, 1],
    ['open-ended, running', phase(AT, null), AT + HOUR, 0],
    ['no start, ended', phase(null, AT), AT, 1],
    ['no start, running', phase(null, AT), AT - 1, 0],
  ])('%s', (_name, p, now, fraction) => {
    expect(expectedFraction(p, now)).toBe(fraction);
  });

  it('expects nothing without phases', () => {
    expect(expectedGmvByNow(testIndex({ phases: [] }).campaign, AT)).toBeNull();
  });

  // A day's pace: 30% in the first hour (the midnight rush), 50% by noon, straight lines between.
  const paced = {
    ...phase(AT, AT + 24 * HOUR),
    pace: [
      { atMs: AT + HOUR, percent: 30 },
      { atMs: AT + 12 * HOUR, percent: 50 },
    ],
  };
  it.each([
    ['at the start', AT, 0],
    ['half the first hour', AT + HOUR / 2, 0.15],
    ['at a pace point', AT + HOUR, 0.3],
    ['between two points', AT + 6.5 * HOUR, 0.4],
    ['from the last point to the end', AT + 18 * HOUR, 0.75],
    ['at the end', AT + 24 * HOUR, 1],
  ])('along a pace: %s', (_name, now, fraction) => {
    expect(expectedFraction(paced, now)).toBeCloseTo(fraction, 12);
  });

  it('draws the phase along its pace, with a point at each pace point', () => {
    const index = testIndex({
      phases: [
        {
          id: 'p2',
          name: '爆发',
          window: { startMs: AT - HOUR, endMs: AT + HOUR },
          gmvSharePercent: 50,
          pace: [{ atMs: AT - HOUR + 10 * MIN, percent: 40 }],
        },
      ],
    });
    const { gmv } = boardOf([], index).snapshot(AT);
    // 40% of 500 000 in the first 10 minutes, the other 60% over the 110 after: by AT, 40% + 60% × 50/110.
    expect(gmv.phase?.expectedByNow).toBe(Math.round(500_000 * (0.4 + (0.6 * 50) / 110)));
    expect(gmv.expectedByNow).toBe(gmv.phase?.expectedByNow);
    const point = gmv.curve.points.find((p) => p.t === '2026-11-11T19:15:00+08:00');
    expect(point).toEqual({ t: '2026-11-11T19:15:00+08:00', expected: 200_000, paid: 0 });
  });
});

describe('bounded memory', () => {
  it('forgets the oldest unpaid orders past the bound; their payment still counts in GMV', () => {
    const open = new OpenOrders(2);
    for (const id of ['a', 'b', 'c'])
      open.add({ id, payableFen: 1, deadlineAt: AT, depositFen: 0, lines: [] });
    expect(open.size).toBe(2);
    expect(open.forgotten).toBe(1);
    expect(open.close('a')).toBeUndefined();
    expect(open.close('b')?.id).toBe('b');
    expect(new OpenOrders().nearestDeadlines(5)).toEqual([]);

    const log = new Log();
    const count = 11;
    for (let i = 0; i < count; i++) log.placed(AT, `o${i}`, [['cup', 'kitchen', 1, 1_000]]);
    log.paid(AT, 'o0', 1_000, 'alipay').paid(AT, `o${count - 1}`, 1_000, 'alipay');
    const board = boardOf(log.events, testIndex(), 10);
    expect(board.forgottenOrders).toBe(1);
    const snap = board.snapshot(AT);
    expect(snap.gmv.paid).toBe(2_000);
    expect(snap.topSkus).toEqual([{ sku: 'cup', title: '杯子', units: 1, gmv: 1_000 }]);
    expect(snap.unpaid.count).toBe(count - 2);
  });
});

describe('speed', () => {
  it(`folds a peak minute of events well within a poll (${liveLimits.tailPageSize} per page)`, () => {
    const log = new Log();
    for (let i = 0; i < 20_000; i++) log.placed(AT + i, `o${i}`, [['cup', 'kitchen', 1, 1_000]]);
    for (let i = 0; i < 20_000; i += 2) log.paid(AT + 20_000 + i, `o${i}`, 1_000, 'alipay');
    const started = performance.now();
    const board = boardOf(log.events);
    const foldMs = performance.now() - started;
    board.snapshot(AT + 40_000);
    expect(board.orders.paid).toBe(10_000);
    // Generous: about 1 µs an event on a laptop; the bound only catches an accidental O(n²).
    expect(foldMs).toBeLessThan(2_000);
  });
});
