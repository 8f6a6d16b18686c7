import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Indicator, Totals } from '../../../shared';
import { t } from '../../i18n';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const PALETTE = ['#000091', '#6a6af4', '#e4794a', '#8fb1e3', '#b34000', '#18753c', '#a558a0', '#666666'];

/** Department totals by period: one stacked bar per indicator, and the communes that answered (ECharts). */
export function TotalsChart({ totals, indicators }: { totals: Totals; indicators: Indicator[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    const dates = totals.periods.map((p) => p.date.slice(5).split('-').reverse().join('/'));
    chart.setOption({
      animation: false,
      color: PALETTE,
      grid: { left: 40, right: 40, top: 56, bottom: 28 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, type: 'scroll', textStyle: { fontSize: 11 } },
      xAxis: { type: 'category', data: dates, axisLabel: { fontSize: 11 } },
      yAxis: [
        { type: 'value', minInterval: 1, name: t('collecte.totals.count'), nameTextStyle: { fontSize: 11 } },
        { type: 'value', minInterval: 1, name: t('collecte.totals.answered'), nameTextStyle: { fontSize: 11 }, splitLine: { show: false }, max: totals.periods[0]?.asked || undefined },
      ],
      series: [
        ...indicators.map((i) => ({ name: i.label, type: 'bar', stack: 'total', data: totals.periods.map((p) => p.values[i.key] ?? 0), barMaxWidth: 18 })),
        {
          name: t('collecte.totals.answered'),
          type: 'line',
          yAxisIndex: 1,
          data: totals.periods.map((p) => p.answered),
          symbol: 'none',
          lineStyle: { type: 'dashed', width: 1.5, color: '#18753c' },
          itemStyle: { color: '#18753c' },
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [totals, indicators]);
  return <div ref={el} className="totals-chart" role="img" aria-label={t('collecte.totals.title')} data-testid="totals-chart" />;
}
