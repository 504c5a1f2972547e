import { downsampleMinMax, type Point } from './downsample.ts';
import { formatNumber } from './htmlText.ts';
import { extent } from './sampleStatistics.ts';
import {
  bottomAxis,
  chartLabel,
  chartWidth,
  colorAt,
  leftAxis,
  legend,
  legendRows,
  linearScale,
  px,
  svgChart,
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

function pathOf(points: readonly Point[], x: (v: number) => number, y: (v: number) => number, step: boolean) {
  let path = '';
  let previousY: string | null = null;
  for (const point of points) {
    const px1 = px(x(point.x));
    const py1 = px(y(point.y));
    if (previousY === null) path += `M${px1} ${py1}`;
    else if (step) path += `H${px1}V${py1}`;
    else path += `L${px1} ${py1}`;
    previousY = py1;
  }
  return path;
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
  const left = 64;
  const right = chartWidth - 16;
  const legendItems = lines.map((line) => ({ label: line.name, color: line.color }));
  const top =
    14 +
    legendRows(
      legendItems.map((item) => item.label),
      left,
      right,
    ) *
      18 +
    10;
  const bottom = top + 170;
  const height = bottom + 44;
  const xs = extent(lines.flatMap((line) => line.points.map((p) => p.x))) ?? { lo: 0, hi: 1 };
  const ys = extent(lines.flatMap((line) => line.points.map((p) => p.y))) ?? { lo: 0, hi: 1 };
  const x = linearScale(xs.lo, xs.hi, left, right);
  const y = linearScale(ys.lo, ys.hi, bottom, top, { zero: ys.lo >= 0 });
  const area = { left, right, top, bottom };

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
  return svgChart({
    id,
    height,
    title: options.title,
    description,
    content: [
      legend(legendItems, left, 14, right).svg,
      leftAxis(y, area, options.yLabel),
      bottomAxis(x, area, options.xLabel, false),
      ...drawn,
    ].join(''),
  });
}
