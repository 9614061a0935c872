// ECharts options for the board, built from a snapshot: pure functions, so a new snapshot is a new
// option and nothing else.
import type { LiveSnapshot } from '../api/types.ts';
import { axisStyle, base, type EChartsOption, palette } from '../charts/echarts.ts';
import { formatCount, formatPercent, formatRatio, formatYuan, formatYuanCompact } from '../format/money.ts';
import { formatClock, formatDateTime, toMs } from '../format/time.ts';
import type { Lang, MessageKey } from '../i18n/dict.ts';
import { perSecond, perUnit, type RateUnit } from '../live/series-rates.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

const TITLE_LENGTH_MAX = 14;

function shorten(text: string): string {
  return text.length > TITLE_LENGTH_MAX ? `${text.slice(0, TITLE_LENGTH_MAX - 1)}…` : text;
}

/** A day or less reads as clock times; a longer span (the whole plan) as dates. */
const CLOCK_SPAN_MAX_MS = 36 * 3_600_000;

function timeAxis(s: LiveSnapshot, lang: Lang, min?: number, max?: number) {
  const dates = min !== undefined && max !== undefined && max - min > CLOCK_SPAN_MAX_MS;
  const tz = s.campaign.timezone;
  return {
    type: 'time',
    min,
    max,
    ...axisStyle,
    splitLine: { show: false },
    axisLabel: {
      color: palette.muted,
      hideOverlap: true,
      formatter: (value: number) =>
        (dates ? formatDateTime(value, tz, lang) : formatClock(value, tz, lang)).slice(0, 5),
    },
  };
}

export function gaugeOption(s: LiveSnapshot): EChartsOption {
  const target = s.gmv.target;
  const percent = target && target > 0 ? (s.gmv.paid / target) * 100 : 0;
  return {
    ...base,
    series: [
      {
        id: 'completion',
        type: 'gauge',
        startAngle: 210,
        endAngle: -30,
        min: 0,
        max: 100,
        radius: '96%',
        center: ['50%', '58%'],
        progress: { show: true, width: 14, itemStyle: { color: palette.red } },
        axisLine: { lineStyle: { width: 14, color: [[1, 'rgba(141,162,192,0.18)']] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: false },
        detail: {
          valueAnimation: true,
          offsetCenter: [0, '0%'],
          fontSize: 26,
          fontWeight: 700,
          color: palette.text,
          formatter: (v: number) => `${v.toFixed(v >= 10 ? 1 : 2)}%`,
        },
        data: [{ value: Math.min(percent, 100) }],
      },
    ],
  };
}

/** Paid GMV against the plan, over the span the server chose (the phase under way, else the plan). */
export function pacingOption(s: LiveSnapshot, t: T, lang: Lang): EChartsOption {
  const { curve } = s.gmv;
  const startMs = toMs(curve.start) ?? undefined;
  const endMs = toMs(curve.end) ?? undefined;
  const atMs = toMs(s.at) ?? Date.now();
  const expected: [number, number][] = [];
  const paid: [number, number][] = [];
  for (const point of curve.points) {
    const ms = toMs(point.t);
    if (ms === null) continue;
    if (point.expected !== null) expected.push([ms, point.expected]);
    if (point.paid !== null) paid.push([ms, point.paid]);
  }
  return {
    ...base,
    grid: { left: 64, right: 24, top: 52, bottom: 28 },
    legend: { top: 0, right: 8, itemGap: 16, textStyle: { color: palette.muted, fontSize: 13 } },
    tooltip: { ...base.tooltip, trigger: 'axis', valueFormatter: (v: number) => formatYuan(v) },
    xAxis: timeAxis(s, lang, startMs, endMs),
    yAxis: {
      type: 'value',
      ...axisStyle,
      axisLabel: { color: palette.muted, formatter: (v: number) => formatYuanCompact(v, lang) },
    },
    series: [
      {
        id: 'expected',
        name: t('chart.pacing.expected'),
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed', width: 2, color: palette.gold },
        itemStyle: { color: palette.gold },
        data: expected,
      },
      {
        id: 'paid',
        name: t('chart.pacing.actual'),
        type: 'line',
        showSymbol: false,
        lineStyle: { width: 3, color: palette.red },
        itemStyle: { color: palette.red },
        areaStyle: {
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: 'rgba(255,77,79,0.45)' },
              { offset: 1, color: 'rgba(255,77,79,0.02)' },
            ],
          },
        },
        data: paid,
        markLine: {
          symbol: 'none',
          silent: true,
          label: { color: palette.muted, formatter: t('chart.pacing.now') },
          lineStyle: { color: palette.muted, type: 'dotted' },
          data: [{ xAxis: atMs }],
        },
      },
    ],
  };
}

export function ordersOption(s: LiveSnapshot, t: T, lang: Lang, unit: RateUnit): EChartsOption {
  const scale = perUnit(unit);
  const rates = perSecond(s.series).map((r) => ({ t: r.t, placed: r.placed * scale, paid: r.paid * scale }));
  const area = (color: string) => ({
    color: {
      type: 'linear',
      x: 0,
      y: 0,
      x2: 0,
      y2: 1,
      colorStops: [
        { offset: 0, color },
        { offset: 1, color: 'rgba(0,0,0,0)' },
      ],
    },
  });
  return {
    ...base,
    grid: { left: 48, right: 20, top: 36, bottom: 28 },
    legend: { top: 0, right: 8, itemGap: 16, textStyle: { color: palette.muted, fontSize: 13 } },
    tooltip: { ...base.tooltip, trigger: 'axis', valueFormatter: (v: number) => v.toFixed(2) },
    xAxis: timeAxis(s, lang),
    yAxis: { type: 'value', minInterval: 1, ...axisStyle },
    series: [
      {
        id: 'placed',
        name: t('chart.orders.placed'),
        type: 'line',
        smooth: true,
        showSymbol: false,
        lineStyle: { width: 2, color: palette.cyan },
        itemStyle: { color: palette.cyan },
        areaStyle: area('rgba(54,207,201,0.35)'),
        data: rates.map((r) => [r.t, r.placed]),
      },
      {
        id: 'paid',
        name: t('chart.orders.paid'),
        type: 'line',
        smooth: true,
        showSymbol: false,
        lineStyle: { width: 2, color: palette.orange },
        itemStyle: { color: palette.orange },
        areaStyle: area('rgba(255,122,69,0.3)'),
        data: rates.map((r) => [r.t, r.paid]),
      },
    ],
  };
}

export function funnelOption(s: LiveSnapshot, t: T): EChartsOption {
  const steps = [
    { key: 'funnel.visited', value: s.funnel.visited, color: palette.blue },
    { key: 'funnel.priced', value: s.funnel.priced, color: palette.cyan },
    { key: 'funnel.ordered', value: s.funnel.ordered, color: palette.gold },
    { key: 'funnel.paid', value: s.funnel.paid, color: palette.red },
  ] as const;
  const max = Math.max(1, ...steps.map((step) => step.value));
  return {
    ...base,
    tooltip: { ...base.tooltip, trigger: 'item', valueFormatter: (v: number) => formatCount(v) },
    series: [
      {
        id: 'funnel',
        type: 'funnel',
        sort: 'none',
        left: '6%',
        right: '6%',
        top: 8,
        bottom: 8,
        min: 0,
        max,
        minSize: '18%',
        gap: 3,
        label: {
          show: true,
          position: 'inside',
          color: '#fff',
          fontSize: 14,
          fontWeight: 600,
          textShadowColor: 'rgba(0,0,0,0.45)',
          textShadowBlur: 3,
          formatter: (p: { name: string; value: number; dataIndex: number }) => {
            const previous = p.dataIndex > 0 ? steps[p.dataIndex - 1]!.value : null;
            const rate = previous ? ` · ${formatRatio(p.value / previous)}` : '';
            return `${p.name} ${formatCount(p.value)}${rate}`;
          },
        },
        itemStyle: { borderWidth: 0 },
        data: steps.map((step) => ({
          name: t(step.key),
          value: step.value,
          itemStyle: { color: step.color },
        })),
      },
    ],
  };
}

export function topSkusOption(s: LiveSnapshot, lang: Lang): EChartsOption {
  const rows = [...s.topSkus].reverse();
  return {
    ...base,
    grid: { left: 8, right: 72, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...base.tooltip,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: { dataIndex: number }[]) => {
        const row = rows[params[0]?.dataIndex ?? 0];
        return row ? `${row.title}<br/>${formatYuan(row.gmv)} · ×${formatCount(row.units)}` : '';
      },
    },
    xAxis: { type: 'value', show: false },
    yAxis: {
      type: 'category',
      data: rows.map((r) => shorten(r.title)),
      ...axisStyle,
      axisTick: { show: false },
      axisLabel: { color: palette.text },
    },
    series: [
      {
        id: 'top-skus',
        type: 'bar',
        barMaxWidth: 16,
        itemStyle: {
          borderRadius: [0, 8, 8, 0],
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 1,
            y2: 0,
            colorStops: [
              { offset: 0, color: palette.orange },
              { offset: 1, color: palette.red },
            ],
          },
        },
        label: {
          show: true,
          position: 'right',
          color: palette.muted,
          formatter: (p: { value: number }) => formatYuanCompact(p.value, lang),
        },
        data: rows.map((r) => r.gmv),
      },
    ],
  };
}

export function categoriesOption(s: LiveSnapshot, t: T): EChartsOption {
  const rows = [...s.topCategories].reverse();
  return {
    ...base,
    grid: { left: 8, right: 40, top: 30, bottom: 8, containLabel: true },
    legend: { top: 0, right: 8, itemGap: 16, textStyle: { color: palette.muted, fontSize: 13 } },
    tooltip: {
      ...base.tooltip,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: number | null) => formatPercent(v),
    },
    xAxis: { type: 'value', show: false, max: (v: { max: number }) => Math.max(10, Math.ceil(v.max * 1.15)) },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.category),
      ...axisStyle,
      axisTick: { show: false },
      axisLabel: { color: palette.text },
    },
    series: [
      {
        id: 'actual',
        name: t('chart.categories.actual'),
        type: 'bar',
        barMaxWidth: 12,
        itemStyle: { color: palette.gold, borderRadius: [0, 6, 6, 0] },
        label: {
          show: true,
          position: 'right',
          color: palette.muted,
          formatter: (p: { value: number }) => formatPercent(p.value, 0),
        },
        data: rows.map((r) => r.sharePercent),
      },
      {
        id: 'target',
        name: t('chart.categories.target'),
        type: 'bar',
        barMaxWidth: 12,
        itemStyle: { color: 'rgba(141,162,192,0.45)', borderRadius: [0, 6, 6, 0] },
        data: rows.map((r) => r.targetSharePercent),
      },
    ],
  };
}
