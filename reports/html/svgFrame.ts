import { type ScaleLinear, scaleLinear } from 'd3-scale';
import { cleanLine, escapeHtml, formatNumber } from './htmlText.ts';

// The frame every chart is drawn in, so no chart lays out its own: the <svg> with its accessible title
// and description, a legend, linear scales with round ticks (d3-scale), axes with grid and labels, and
// a palette that stays apart for color-blind readers and in grayscale print. Every text that reaches a chart goes through `svgText`, which cleans and escapes it.

export const chartWidth = 900;
export const fontSize = 12;
/** Okabe–Ito colors, in an order where neighbours differ in lightness too. */
export const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#666666'] as const;
export const okColor = '#1a9850';
export const badColor = '#d73027';
export const axisColor = '#888888';
export const inkColor = '#222222';

export function colorAt(index: number): string {
  return palette[index % palette.length]!;
}

/** Untrusted text for an SVG text node or attribute: one line, cut, escaped. */
export function svgText(value: unknown, max = 80): string {
  return escapeHtml(cleanLine(value, max));
}

/** A label for a chart: cleaned, and shortened with an ellipsis (the full text goes in a <title>). */
export function chartLabel(value: unknown, maxChars: number): string {
  const text = cleanLine(value, 400);
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1)).trimEnd()}…`;
}

/** A label broken at spaces into at most `maxLines` lines of about `maxChars`; the last one may be cut. */
export function wrapLabel(value: unknown, maxChars: number, maxLines: number): string[] {
  const words = cleanLine(value, 400).split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && `${line} ${word}`.length > maxChars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => chartLabel(l, maxChars));
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = chartLabel(`${kept[maxLines - 1]} ${lines.slice(maxLines).join(' ')}`, maxChars);
  return kept.map((l) => chartLabel(l, maxChars));
}

/** A right-aligned (or left-aligned) label of one or two lines, centred on y. */
export function sideLabel(
  value: unknown,
  x: number,
  y: number,
  maxChars: number,
  anchor: 'start' | 'end',
): string {
  const lines = wrapLabel(value, maxChars, 2);
  const first = lines.length === 1 ? 0.32 : -0.28;
  const spans = lines
    .map(
      (line, i) => `<tspan x="${px(x)}" dy="${i === 0 ? `${first}em` : '1.2em'}">${escapeHtml(line)}</tspan>`,
    )
    .join('');
  return `<text x="${px(x)}" y="${px(y)}" text-anchor="${anchor}" fill="${inkColor}">${spans}</text>`;
}

/** Rough width of a label at the chart font size; good enough to keep labels from overlapping. */
export function textWidth(text: string, size = fontSize): number {
  return text.length * size * 0.58;
}

/** A coordinate with at most one decimal, so paths stay short. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export interface ChartFrame {
  /** Unique within the page: ties <title>/<desc> to the chart for screen readers. */
  id: string;
  width?: number;
  height: number;
  title: string;
  description: string;
  content: string;
}

export function svgChart(frame: ChartFrame): string {
  const width = frame.width ?? chartWidth;
  const titleId = `${frame.id}-title`;
  const descId = `${frame.id}-desc`;
  return [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${px(frame.height)}"`,
    ` width="${width}" height="${px(frame.height)}" role="img" aria-labelledby="${titleId} ${descId}">`,
    `<title id="${titleId}">${svgText(frame.title, 200)}</title>`,
    `<desc id="${descId}">${svgText(frame.description, 600)}</desc>`,
    frame.content,
    '</svg>',
  ].join('');
}

/** A linear scale from data to pixels (d3-scale): a pure function, so the chart is drawn on the server. */
export type LinearScale = ScaleLinear<number, number>;

/**
 * A scale from a data extent to pixels, its domain widened to round ticks (d3's `nice`). A flat
 * extent gets a little room so a constant series still shows as a line; a missing one becomes 0..1.
 * `ticks` is the tick count the axis asks for: give the axis the same number, so its ends are ticks.
 */
export function linearScale(
  dataLo: number,
  dataHi: number,
  rangeStart: number,
  rangeEnd: number,
  options: { zero?: boolean; ticks?: number } = {},
): LinearScale {
  let lo = options.zero ? Math.min(0, dataLo) : dataLo;
  let hi = options.zero ? Math.max(0, dataHi) : dataHi;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi === lo) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  return scaleLinear()
    .domain([lo, hi])
    .range([rangeStart, rangeEnd])
    .nice(options.ticks ?? defaultTicks);
}

const defaultTicks = 5;
/** A time axis gets more ticks than a value axis: the reader places events on it. */
export const timeAxisTicks = 8;

export interface Axis {
  scale: LinearScale;
  label: string;
  /** How many ticks to aim for: the number given to `linearScale`, so the axis ends on ticks. */
  ticks?: number;
  /** Counts of whole things (students): no tick between two whole numbers. */
  wholeTicks?: boolean;
  /** Grid lines across the plot at each tick (default: yes). */
  grid?: boolean;
}

function tickValues(axis: Axis): readonly number[] {
  const ticks = axis.scale.ticks(axis.ticks ?? defaultTicks);
  return axis.wholeTicks ? ticks.filter((tick) => Number.isInteger(tick)) : ticks;
}

export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const gridColor = '#e4e4e4';

/** Ticks and grid lines of the bottom axis, with its label; the axis line itself is drawn over the marks. */
function bottomAxis(axis: Axis, area: PlotArea): string {
  const parts: string[] = [];
  for (const tick of tickValues(axis)) {
    const x = px(axis.scale(tick));
    if (axis.grid !== false) {
      parts.push(
        `<line x1="${x}" y1="${px(area.top)}" x2="${x}" y2="${px(area.bottom)}" stroke="${gridColor}"/>`,
      );
    }
    parts.push(
      `<line x1="${x}" y1="${px(area.bottom)}" x2="${x}" y2="${px(area.bottom + 4)}" stroke="${axisColor}"/>`,
      `<text x="${x}" y="${px(area.bottom + 17)}" text-anchor="middle" fill="${inkColor}">${escapeHtml(formatNumber(tick))}</text>`,
    );
  }
  parts.push(
    `<text x="${px((area.left + area.right) / 2)}" y="${px(area.bottom + 34)}" text-anchor="middle" fill="${inkColor}" font-weight="600">${svgText(axis.label, 120)}</text>`,
  );
  return parts.join('');
}

/** A left axis with ticks, horizontal grid lines, and a rotated label with its unit. */
function leftAxis(axis: Axis, area: PlotArea): string {
  const parts = [
    `<line x1="${area.left}" y1="${px(area.top)}" x2="${area.left}" y2="${px(area.bottom)}" stroke="${axisColor}"/>`,
  ];
  for (const tick of tickValues(axis)) {
    const y = px(axis.scale(tick));
    if (axis.grid !== false) {
      parts.push(`<line x1="${area.left}" y1="${y}" x2="${area.right}" y2="${y}" stroke="${gridColor}"/>`);
    }
    parts.push(
      `<text x="${area.left - 6}" y="${y}" dy="0.32em" text-anchor="end" fill="${inkColor}">${escapeHtml(formatNumber(tick))}</text>`,
    );
  }
  const middle = px((area.top + area.bottom) / 2);
  parts.push(
    `<text transform="translate(14 ${middle}) rotate(-90)" text-anchor="middle" fill="${inkColor}" font-weight="600">${svgText(axis.label, 60)}</text>`,
  );
  return parts.join('');
}

export interface LegendItem {
  label: string;
  color: string;
  /** For a swatch of a shaded mark (an outage window); solid when absent. */
  opacity?: number;
}

/** Where the legend's first row sits, and how far apart its rows are. */
const legendY = 14;
const legendRowHeight = 18;
/** Room under the plot for the bottom axis: tick labels and the axis label. */
const bottomAxisRoom = 44;

export interface PlotLayout {
  left: number;
  right: number;
  /** Height of the plot itself, between the legend and the bottom axis. */
  plotHeight: number;
  legend?: readonly LegendItem[];
  /** The least room above the plot (the default leaves a little air at the top). */
  minTop?: number;
  /** Room between the legend and the plot, for labels drawn above it (a marker's label). */
  headroom?: number;
}

/** A chart's plot area under its legend, and the height of the whole chart with its bottom axis. */
export interface PlotFrame extends PlotArea {
  height: number;
  legend: readonly LegendItem[];
}

export function plotFrame(layout: PlotLayout): PlotFrame {
  const legendItems = layout.legend ?? [];
  const rows = legendRows(
    legendItems.map((item) => item.label),
    layout.left,
    layout.right,
  );
  const underLegend = rows > 0 ? legendY + rows * legendRowHeight + (layout.headroom ?? 6) : 0;
  const top = Math.max(layout.minTop ?? 12, underLegend);
  const bottom = top + layout.plotHeight;
  return {
    left: layout.left,
    right: layout.right,
    top,
    bottom,
    height: bottom + bottomAxisRoom,
    legend: legendItems,
  };
}

export interface FramedChart {
  id: string;
  title: string;
  description: string;
  frame: PlotFrame;
  x: Axis;
  y?: Axis;
  /** The chart's own marks, drawn over the grid and under the bottom axis line. */
  marks: readonly string[];
}

/** The one frame every chart is drawn in: legend, axes with ticks, grid and labels, then the marks. */
export function framedChart(chart: FramedChart): string {
  const { frame } = chart;
  return svgChart({
    id: chart.id,
    height: frame.height,
    title: chart.title,
    description: chart.description,
    content: [
      frame.legend.length > 0 ? legend(frame.legend, frame.left, legendY, frame.right) : '',
      chart.y ? leftAxis(chart.y, frame) : '',
      bottomAxis(chart.x, frame),
      ...chart.marks,
      `<line x1="${frame.left}" y1="${px(frame.bottom)}" x2="${frame.right}" y2="${px(frame.bottom)}" stroke="${axisColor}"/>`,
    ].join(''),
  });
}

/** A dashed vertical line across the plot at x (an event, an even share), with an optional label above. */
export function markerLine(x: number, frame: PlotArea, label: string | null = null): string {
  const line = `<line x1="${px(x)}" y1="${px(frame.top - 6)}" x2="${px(x)}" y2="${px(frame.bottom)}" stroke="${inkColor}" stroke-width="1.5" stroke-dasharray="5 4"/>`;
  if (!label) return line;
  return `${line}<text x="${px(x)}" y="${px(frame.top - 10)}" text-anchor="middle" fill="${inkColor}">${svgText(label, 60)}</text>`;
}

/** A legend row of colored swatches; wraps onto more rows when it runs out of width. */
function legend(items: readonly LegendItem[], x: number, y: number, maxX: number): string {
  const parts: string[] = [];
  let cx = x;
  let cy = y;
  for (const item of items) {
    const text = chartLabel(item.label, 48);
    const width = 18 + textWidth(text) + 16;
    if (cx + width > maxX && cx > x) {
      cx = x;
      cy += legendRowHeight;
    }
    const opacity = item.opacity === undefined ? '' : ` fill-opacity="${item.opacity}"`;
    parts.push(
      `<rect x="${px(cx)}" y="${px(cy - 9)}" width="12" height="12" rx="2" fill="${item.color}"${opacity}/>`,
      `<text x="${px(cx + 17)}" y="${px(cy + 1)}" fill="${inkColor}">${escapeHtml(text)}</text>`,
    );
    cx += width;
  }
  return parts.join('');
}

/** The rows a legend of these labels takes, to size a chart before drawing it. */
function legendRows(labels: readonly string[], x: number, maxX: number): number {
  let rows = labels.length > 0 ? 1 : 0;
  let cx = x;
  for (const label of labels) {
    const width = 18 + textWidth(chartLabel(label, 48)) + 16;
    if (cx + width > maxX && cx > x) {
      rows += 1;
      cx = x;
    }
    cx += width;
  }
  return rows;
}
