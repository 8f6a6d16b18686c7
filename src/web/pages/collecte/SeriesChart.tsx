import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Detection } from '../../../shared';
import { t } from '../../i18n';

echarts.use([LineChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Observed, expected and upper bound of the last periods, alarms marked (ECharts). */
export function SeriesChart({ detection }: { detection: Detection }) {
  const el = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    const pts = detection.points;
    const dates = pts.map((p) => p.date.slice(5).split('-').reverse().join('/'));
    chart.setOption({
      animation: false,
      grid: { left: 36, right: 12, top: 36, bottom: 28 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { fontSize: 12 } },
      xAxis: { type: 'category', data: dates, axisLabel: { fontSize: 11 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('collecte.dash.observed'), type: 'line', data: pts.map((p) => p.observed), connectNulls: false, lineStyle: { width: 2, color: '#1e3a8a' }, itemStyle: { color: '#1e3a8a' } },
        { name: t('collecte.dash.expected'), type: 'line', data: pts.map((p) => p.expected), symbol: 'none', lineStyle: { type: 'dashed', color: '#64748b' }, itemStyle: { color: '#64748b' } },
        { name: t('collecte.dash.upper'), type: 'line', data: pts.map((p) => p.upperbound), symbol: 'none', lineStyle: { type: 'dotted', width: 2, color: '#c2410c' }, itemStyle: { color: '#c2410c' } },
        {
          name: t('collecte.dash.alarm'),
          type: 'scatter',
          symbol: 'triangle',
          symbolSize: 14,
          itemStyle: { color: '#b91c1c' },
          data: pts.map((p) => (p.alarm ? p.observed : null)),
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [detection]);

  return <div ref={el} className="series-chart" role="img" aria-label={t('collecte.dash.series')} data-testid="series-chart" />;
}
