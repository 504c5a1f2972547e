import { evenlySpaced } from './downsample.ts';
import { cleanLine, escapeHtml, formatNumber } from './htmlText.ts';
import { extent, summarize } from './sampleStatistics.ts';
import {
  axisColor,
  chartWidth,
  colorAt,
  framedChart,
  inkColor,
  linearScale,
  plotFrame,
  px,
  sideLabel,
  svgText,
} from './svgFrame.ts';

// Sample series of one unit side by side (S3 vs CloudFront TTFB, serving latency): each series is a
// row with every sample as a dot (a strip plot), a box from p25 to p75 with the median, whiskers
// from p5 to p95, and its median and p95 written out.

export interface DistributionSeries {
  name: string;
  values: readonly number[];
}

export const maxDotsPerSeries = 400;
export const maxDistributionRows = 12;

/** A repeatable spread in -0.5..0.5, so the same report always draws the same picture. */
function jitter(index: number): number {
  const h = Math.sin(index * 12.9898 + 78.233) * 43758.5453;
  return h - Math.floor(h) - 0.5;
}

export function distributionChart(
  id: string,
  series: readonly DistributionSeries[],
  unit: string,
  axisLabel: string = unit,
): string {
  const rows = series
    .slice(0, maxDistributionRows)
    .map((s) => ({ name: cleanLine(s.name, 200), values: s.values, summary: summarize(s.values) }));
  const span = extent(rows.flatMap((row) => (row.summary ? [row.summary.min, row.summary.max] : [])));
  const lo = span?.lo ?? 0;
  const hi = span?.hi ?? 1;
  const rowHeight = 58;
  const frame = plotFrame({ left: 170, right: chartWidth - 150, plotHeight: rows.length * rowHeight });
  const { left, right, top } = frame;
  const x = linearScale(lo, hi, left, right, { zero: lo >= 0 });

  const drawn = rows.map((row, i) => {
    const color = colorAt(i);
    const middle = top + i * rowHeight + rowHeight / 2;
    const s = row.summary;
    const label = `<g><title>${svgText(row.name, 200)}</title>${sideLabel(row.name, left - 10, middle, 24, 'end')}</g>`;
    if (!s) {
      return `${label}<text x="${left}" y="${px(middle)}" dy="0.32em" fill="${axisColor}">no samples</text>`;
    }
    const dots = evenlySpaced(row.values, maxDotsPerSeries)
      .map(
        (v, k) =>
          `<circle cx="${px(x(v))}" cy="${px(middle + jitter(k + i * 7919) * (rowHeight - 16))}" r="2.8"/>`,
      )
      .join('');
    const boxTop = middle - 9;
    return [
      label,
      `<g fill="${color}" fill-opacity="0.6">${dots}</g>`,
      `<line x1="${px(x(s.p5))}" y1="${px(middle)}" x2="${px(x(s.p25))}" y2="${px(middle)}" stroke="${inkColor}"/>`,
      `<line x1="${px(x(s.p75))}" y1="${px(middle)}" x2="${px(x(s.p95))}" y2="${px(middle)}" stroke="${inkColor}"/>`,
      `<line x1="${px(x(s.p5))}" y1="${px(middle - 5)}" x2="${px(x(s.p5))}" y2="${px(middle + 5)}" stroke="${inkColor}"/>`,
      `<line x1="${px(x(s.p95))}" y1="${px(middle - 5)}" x2="${px(x(s.p95))}" y2="${px(middle + 5)}" stroke="${inkColor}"/>`,
      `<rect x="${px(x(s.p25))}" y="${px(boxTop)}" width="${px(Math.max(1, x(s.p75) - x(s.p25)))}" height="18" fill="#ffffff" fill-opacity="0.35" stroke="${inkColor}" stroke-width="1.4"/>`,
      `<line x1="${px(x(s.median))}" y1="${px(boxTop - 3)}" x2="${px(x(s.median))}" y2="${px(boxTop + 21)}" stroke="${inkColor}" stroke-width="2.5"/>`,
      `<text x="${right + 10}" y="${px(middle - 7)}" dy="0.32em" fill="${inkColor}">median ${escapeHtml(formatNumber(s.median))} ${svgText(unit, 12)}</text>`,
      `<text x="${right + 10}" y="${px(middle + 8)}" dy="0.32em" fill="${axisColor}">p95 ${escapeHtml(formatNumber(s.p95))} · n ${escapeHtml(formatNumber(s.n))}</text>`,
    ].join('');
  });
  const description = rows
    .map((row) => {
      const s = row.summary;
      return s
        ? `${row.name}: ${s.n} samples, min ${formatNumber(s.min)}, median ${formatNumber(s.median)}, p95 ${formatNumber(s.p95)}, max ${formatNumber(s.max)} ${cleanLine(unit, 12)}`
        : `${row.name}: no samples`;
    })
    .join('; ');
  return framedChart({
    id,
    title: `Distribution of ${rows.map((row) => row.name).join(' vs ')} (${cleanLine(unit, 12)}); box p25–p75, whiskers p5–p95`,
    description,
    frame,
    x: { scale: x, label: axisLabel },
    marks: drawn,
  });
}
