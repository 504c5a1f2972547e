import { cleanLine, escapeHtml, formatNumber } from './htmlText.ts';

// The pieces every chart shares: the <svg> frame with its accessible title and description, linear
// scales with round tick values, axes, and a palette that stays apart for color-blind readers and in
// grayscale print. Every text that reaches a chart goes through `svgText`, which cleans and escapes it.

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

export interface LinearScale {
  (value: number): number;
  readonly lo: number;
  readonly hi: number;
  readonly ticks: number[];
}

/** Round tick values (1, 2, 5 × 10^n) covering lo..hi. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const rough = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9 && ticks.length < 50; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return ticks;
}

/**
 * A scale from a data extent to pixels. The extent is widened to round ticks; a flat extent gets a
 * little room so a constant series still shows as a line.
 */
export function linearScale(
  dataLo: number,
  dataHi: number,
  rangeStart: number,
  rangeEnd: number,
  options: { zero?: boolean; target?: number } = {},
): LinearScale {
  let lo = options.zero ? Math.min(0, dataLo) : dataLo;
  let hi = options.zero ? Math.max(0, dataHi) : dataHi;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi === lo) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  const rough = niceTicks(lo, hi, options.target ?? 5);
  const step = rough.length > 1 ? rough[1]! - rough[0]! : hi - lo;
  const niceLo = Math.min(lo, Math.floor(lo / step) * step);
  const niceHi = Math.max(hi, Math.ceil(hi / step) * step);
  const ticks = niceTicks(niceLo, niceHi, options.target ?? 5);
  const span = niceHi - niceLo;
  const scale = (value: number) => rangeStart + ((value - niceLo) / span) * (rangeEnd - rangeStart);
  return Object.assign(scale, { lo: niceLo, hi: niceHi, ticks });
}

export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A bottom axis with ticks, grid lines up to the top of the plot, and a label with its unit. */
export function bottomAxis(scale: LinearScale, area: PlotArea, label: string, grid = true): string {
  const parts = [
    `<line x1="${area.left}" y1="${px(area.bottom)}" x2="${area.right}" y2="${px(area.bottom)}" stroke="${axisColor}"/>`,
  ];
  for (const tick of scale.ticks) {
    const x = px(scale(tick));
    if (grid) {
      parts.push(`<line x1="${x}" y1="${px(area.top)}" x2="${x}" y2="${px(area.bottom)}" stroke="#e4e4e4"/>`);
    }
    parts.push(
      `<line x1="${x}" y1="${px(area.bottom)}" x2="${x}" y2="${px(area.bottom + 4)}" stroke="${axisColor}"/>`,
      `<text x="${x}" y="${px(area.bottom + 17)}" text-anchor="middle" fill="${inkColor}">${escapeHtml(formatNumber(tick))}</text>`,
    );
  }
  parts.push(
    `<text x="${px((area.left + area.right) / 2)}" y="${px(area.bottom + 34)}" text-anchor="middle" fill="${inkColor}" font-weight="600">${svgText(label, 120)}</text>`,
  );
  return parts.join('');
}

/** A left axis with ticks, horizontal grid lines, and a rotated label with its unit. */
export function leftAxis(scale: LinearScale, area: PlotArea, label: string): string {
  const parts = [
    `<line x1="${area.left}" y1="${px(area.top)}" x2="${area.left}" y2="${px(area.bottom)}" stroke="${axisColor}"/>`,
  ];
  for (const tick of scale.ticks) {
    const y = px(scale(tick));
    parts.push(
      `<line x1="${area.left}" y1="${y}" x2="${area.right}" y2="${y}" stroke="#e4e4e4"/>`,
      `<text x="${area.left - 6}" y="${y}" dy="0.32em" text-anchor="end" fill="${inkColor}">${escapeHtml(formatNumber(tick))}</text>`,
    );
  }
  const middle = px((area.top + area.bottom) / 2);
  parts.push(
    `<text transform="translate(14 ${middle}) rotate(-90)" text-anchor="middle" fill="${inkColor}" font-weight="600">${svgText(label, 60)}</text>`,
  );
  return parts.join('');
}

/** A legend row of colored swatches; wraps onto more rows when it runs out of width. */
export function legend(items: { label: string; color: string }[], x: number, y: number, maxX: number) {
  const parts: string[] = [];
  let cx = x;
  let cy = y;
  for (const item of items) {
    const text = chartLabel(item.label, 48);
    const width = 18 + textWidth(text) + 16;
    if (cx + width > maxX && cx > x) {
      cx = x;
      cy += 18;
    }
    parts.push(
      `<rect x="${px(cx)}" y="${px(cy - 9)}" width="12" height="12" rx="2" fill="${item.color}"/>`,
      `<text x="${px(cx + 17)}" y="${px(cy + 1)}" fill="${inkColor}">${escapeHtml(text)}</text>`,
    );
    cx += width;
  }
  return { svg: parts.join(''), bottom: cy + 8 };
}

/** The rows a legend of these labels takes, to size a chart before drawing it. */
export function legendRows(labels: string[], x: number, maxX: number): number {
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
