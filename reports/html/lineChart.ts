import { curveLinear, curveStepAfter, line as linePath } from 'd3-shape';
import { downsampleMinMax, type Point } from './downsample.ts';
import { formatNumber } from './htmlText.ts';
import { extent } from './sampleStatistics.ts';
import {
  chartLabel,
  chartWidth,
  colorAt,
  framedChart,
  type LinearScale,
  linearScale,
  plotFrame,
  px,
} from './svgFrame.ts';

// Time series of one unit on one chart (requests per second; desired, InService and healthy
// capacity; average CPU). Long series are thinned to a few hundred points, keeping spikes and dips.

export interface LineSeries {
  name: string;
  points: readonly Point[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Draw steps (the value holds until the next sample): capacities, up/down states. */
  step?: boolean;
}

export const maxPointsPerLine = 400;
export const maxLinesPerChart = 8;

/** A step path (each value holds until the next sample) or a polyline; coordinates keep one decimal. */
function pathOf(points: readonly Point[], x: LinearScale, y: LinearScale, step: boolean): string {
  return (
    linePath<Point>(
      (p) => x(p.x),
      (p) => y(p.y),
    )
      .curve(step ? curveStepAfter : curveLinear)
      .digits(1)(points) ?? ''
  );
}

export function lineChart(id: string, series: readonly LineSeries[], options: LineChartOptions): string {
  const lines = series.slice(0, maxLinesPerChart).map((s, i) => ({
    name: chartLabel(s.name, 48),
    color: colorAt(i),
    points: downsampleMinMax(
      s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
      maxPointsPerLine,
    ),
    count: s.points.length,
  }));
  const frame = plotFrame({
    left: 64,
    right: chartWidth - 16,
    plotHeight: 170,
    legend: lines.map((line) => ({ label: line.name, color: line.color })),
  });
  const xs = extent(lines.flatMap((line) => line.points.map((p) => p.x))) ?? { lo: 0, hi: 1 };
  const ys = extent(lines.flatMap((line) => line.points.map((p) => p.y))) ?? { lo: 0, hi: 1 };
  const x = linearScale(xs.lo, xs.hi, frame.left, frame.right);
  const y = linearScale(ys.lo, ys.hi, frame.bottom, frame.top, { zero: ys.lo >= 0 });

  const drawn = lines.map((line, index) => {
    const path = pathOf(line.points, x, y, options.step === true);
    const dots =
      line.points.length <= 60
        ? line.points.map((p) => `<circle cx="${px(x(p.x))}" cy="${px(y(p.y))}" r="2.5"/>`).join('')
        : '';
    // Lines that coincide (desired and InService capacity) stay visible: later ones are thinner and dashed.
    const width = Math.max(1.5, 4 - index * 1.2);
    const dash = index === 0 ? '' : ` stroke-dasharray="${['7 4', '2 3', '9 3 2 3'][(index - 1) % 3]}"`;
    return `<g fill="${line.color}"><path d="${path}" fill="none" stroke="${line.color}" stroke-width="${width}"${dash} stroke-linejoin="round"/>${dots}</g>`;
  });
  const description = lines
    .map((line) => {
      const range = extent(line.points.map((p) => p.y));
      if (!range) return `${line.name}: no samples`;
      return `${line.name}: ${formatNumber(line.count)} samples from ${formatNumber(range.lo)} to ${formatNumber(range.hi)}`;
    })
    .join('; ');
  return framedChart({
    id,
    title: options.title,
    description,
    frame,
    x: { scale: x, label: options.xLabel, grid: false },
    y: { scale: y, label: options.yLabel },
    marks: drawn,
  });
}
