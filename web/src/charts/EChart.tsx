// One ECharts instance in a div: created once, updated when the option changes, resized with its
// box, disposed with the component.
import { useEffect, useRef } from 'react';
import { type EChartsOption, echarts } from './echarts.ts';

export function EChart({
  option,
  height = 260,
  testId,
}: {
  option: EChartsOption;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  // replaceMerge keeps a series whose id the new option names again and drops the others: give every
  // series an id (board/options.ts), or it is made anew at each update and animates from nothing.
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: false, lazyUpdate: true, replaceMerge: ['series'] });
  }, [option]);

  return <div ref={box} className="chart" style={{ height }} data-testid={testId} />;
}
