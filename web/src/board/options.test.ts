// The board's charts are updated in place at every snapshot (EChart.tsx: setOption with
// replaceMerge on series). ECharts keeps a series across updates only when the new option names it
// by the same id; a series without one is made anew each time and animates from nothing, so the
// completion gauge read 0% and the per-second lines were redrawn from the left and never seen
// whole while the sale ran. Every chart's series therefore carries an id of its own.
import { describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../api/types.ts';
import { translate } from '../i18n/dict.ts';
import {
  categoriesOption,
  funnelOption,
  gaugeOption,
  ordersOption,
  pacingOption,
  topSkusOption,
} from './options.ts';

const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
  translate('zh-CN', key, vars);

const snapshot: LiveSnapshot = {
  seq: 12,
  at: '2026-11-11T00:10:00+08:00',
  campaign: {
    id: 'd11',
    name: '双十一',
    timezone: 'Asia/Shanghai',
    targetGmv: 1_000_000,
    targetOrders: 100,
    phases: [],
  },
  gmv: {
    paid: 180_000,
    placed: 200_000,
    target: 1_000_000,
    expectedByNow: 150_000,
    pacingRatio: 1.2,
    currentPhase: null,
    phase: null,
    curve: {
      scope: 'day',
      start: '2026-11-11T00:00:00+08:00',
      end: '2026-11-12T00:00:00+08:00',
      points: [
        { t: '2026-11-11T00:00:00+08:00', expected: 0, paid: 0 },
        { t: '2026-11-11T00:10:00+08:00', expected: 150_000, paid: 180_000 },
      ],
    },
  },
  orders: { placed: 5, paid: 4, cancelled: 0, expired: 0, forfeited: 0, perSecond: 0.5 },
  series: [
    { t: '2026-11-11T00:09:50+08:00', placed: 2, paid: 1, gmvPaid: 40_000 },
    { t: '2026-11-11T00:10:00+08:00', placed: 3, paid: 3, gmvPaid: 140_000 },
  ],
  paymentRate: 0.8,
  averageOrderValue: 45_000,
  funnel: { visited: 10, priced: 8, ordered: 5, paid: 4 },
  topSkus: [{ sku: 'tv', title: '电视', units: 2, gmv: 120_000 }],
  topCategories: [{ category: 'digital', gmv: 120_000, sharePercent: 66.7, targetSharePercent: 50 }],
  stockAlerts: [],
  channels: [],
  unpaid: { count: 1, amount: 20_000, nextDeadlines: [] },
};

const charts = {
  gauge: gaugeOption(snapshot),
  pacing: pacingOption(snapshot, t, 'zh-CN'),
  orders: ordersOption(snapshot, t, 'zh-CN', 'second'),
  funnel: funnelOption(snapshot, t),
  topSkus: topSkusOption(snapshot, 'zh-CN'),
  categories: categoriesOption(snapshot, t),
};

describe('the board charts, updated in place', () => {
  it.each(Object.entries(charts))(
    'names each series of the %s chart by an id of its own',
    (_name, option) => {
      const series = option.series as { id?: unknown }[];
      expect(series.length).toBeGreaterThan(0);
      const ids = series.map((s) => s.id);
      for (const id of ids) expect(typeof id).toBe('string');
      expect(new Set(ids).size).toBe(ids.length);
    },
  );

  it('builds the same ids from the next snapshot, so the update finds its series', () => {
    const next = { ...snapshot, seq: 13, gmv: { ...snapshot.gmv, paid: 260_000 } };
    const idsOf = (option: object) => (option as { series: { id: string }[] }).series.map((s) => s.id);
    expect(idsOf(gaugeOption(next))).toEqual(idsOf(charts.gauge));
    expect(idsOf(pacingOption(next, t, 'en'))).toEqual(idsOf(charts.pacing));
  });
});
