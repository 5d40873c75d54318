import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface UsagePoint {
  at: number; // epoch seconds
  costUsd: number;
  totalTokens: number;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Cost (bars, left axis) and tokens (line, right axis) per bucket, drawn by uPlot on a canvas. */
export function UsageChart({ points, theme }: { points: UsagePoint[]; theme: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const text = cssVar('--text-muted');
    const grid = cssVar('--border');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const options: uPlot.Options = {
      width: element.clientWidth || 600,
      height: 280,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, cost: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] }, tokens: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { ...axis },
        { ...axis, scale: 'cost', values: (_u, values) => values.map((v) => `$${v.toFixed(v < 1 ? 2 : 0)}`), size: 60 },
        { ...axis, scale: 'tokens', side: 1, grid: { show: false }, values: (_u, values) => values.map((v) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)}k` : String(v))), size: 60 },
      ],
      series: [
        {},
        { label: 'Cost (USD)', scale: 'cost', stroke: cssVar('--accent'), fill: `${cssVar('--accent')}55`, width: 1, paths: uPlot.paths.bars!({ size: [0.7, 60] }), value: (_u, v) => (v == null ? '–' : `$${v.toFixed(4)}`) },
        { label: 'Tokens', scale: 'tokens', stroke: cssVar('--active'), width: 2, points: { show: true, size: 5 }, value: (_u, v) => (v == null ? '–' : Math.round(v).toLocaleString('en-US')) },
      ],
      legend: { show: true },
    };
    const data: uPlot.AlignedData = [points.map((p) => p.at), points.map((p) => p.costUsd), points.map((p) => p.totalTokens)];
    const chart = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: 280 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [points, theme]);
  return <div ref={host} className="chart" role="img" aria-label="Cost and tokens over time" />;
}
