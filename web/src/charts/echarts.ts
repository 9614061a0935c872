// Only the ECharts parts the cockpit draws, so the bundle stays small (echarts/core, not 'echarts').
import { BarChart, FunnelChart, GaugeChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  FunnelChart,
  GaugeChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;

/** The board's palette: Singles' Day red and gold on deep navy. */
export const palette = {
  red: '#ff4d4f',
  orange: '#ff7a45',
  gold: '#ffc53d',
  cyan: '#36cfc9',
  blue: '#4096ff',
  green: '#73d13d',
  purple: '#9254de',
  text: '#e6edf7',
  muted: '#8da2c0',
  grid: 'rgba(141, 162, 192, 0.16)',
};

/** Canvas text does not inherit CSS fonts: the same stack as styles.css, spelled out. */
export const FONT_FAMILY =
  '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif';

/** Shared pieces of every chart's option. */
export const base = {
  backgroundColor: 'transparent',
  textStyle: { color: palette.text, fontFamily: FONT_FAMILY, fontSize: 13 },
  animationDuration: 400,
  animationDurationUpdate: 300,
  tooltip: {
    backgroundColor: 'rgba(10, 18, 36, 0.95)',
    borderColor: 'rgba(64, 150, 255, 0.4)',
    textStyle: { color: palette.text },
  },
};

export const axisStyle = {
  axisLine: { lineStyle: { color: palette.grid } },
  axisLabel: { color: palette.muted },
  splitLine: { lineStyle: { color: palette.grid } },
};
