import { describe, expect, it } from 'vitest';
import { lineChart } from '../../reports/html/lineChart.ts';
import { framedChart, linearScale, markerLine, plotFrame } from '../../reports/html/svgFrame.ts';

// The one frame every report chart is drawn in: scales with round ends, axes whose ticks match them,
// a legend that pushes the plot down as it wraps, and every text from a stack escaped.

/** The tick labels of an axis, read back from the markup (they are the only centred or end-anchored numbers). */
function tickLabels(svg: string, anchor: 'middle' | 'end'): string[] {
  return [...svg.matchAll(new RegExp(`text-anchor="${anchor}" fill="#222222">([-0-9.,]+)</text>`, 'g'))].map(
    (m) => m[1]!,
  );
}

describe('linearScale', () => {
  it('widens the data extent to round ticks and maps it onto the pixel range', () => {
    const x = linearScale(3, 97, 100, 600);
    expect(x.domain()).toEqual([0, 100]);
    expect(x.ticks(5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(x(0)).toBe(100);
    expect(x(100)).toBe(600);
    expect(x(50)).toBe(350);
  });

  it('includes zero when asked, and gives a flat or missing extent room to draw', () => {
    expect(linearScale(40, 90, 0, 1, { zero: true }).domain()).toEqual([0, 100]);
    const flat = linearScale(5, 5, 0, 100).domain();
    expect(flat[0]).toBeLessThan(5);
    expect(flat[1]).toBeGreaterThan(5);
    expect(linearScale(0, 0, 0, 100).domain()).toEqual([0, 1]);
    expect(linearScale(Number.NaN, Number.POSITIVE_INFINITY, 0, 100).domain()).toEqual([0, 1]);
  });

  it('ends on a tick for the tick count it was made with', () => {
    const x = linearScale(0, 63.2, 0, 100, { ticks: 8 });
    const ticks = x.ticks(8);
    expect(ticks[0]).toBe(x.domain()[0]);
    expect(ticks.at(-1)).toBe(x.domain()[1]);
  });
});

describe('framedChart', () => {
  const frame = plotFrame({ left: 60, right: 500, plotHeight: 100 });

  it('draws both axes with the scales’ ticks, and only whole ticks for counts of things', () => {
    const x = linearScale(0, 100, frame.left, frame.right);
    const y = linearScale(0, 3, frame.bottom, frame.top, { zero: true });
    expect(y.ticks(5).some((tick) => !Number.isInteger(tick))).toBe(true);
    const svg = framedChart({
      id: 'c',
      title: 't',
      description: 'd',
      frame,
      x: { scale: x, label: 'score' },
      y: { scale: y, label: 'students', wholeTicks: true },
      marks: [],
    });
    expect(tickLabels(svg, 'middle')).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(tickLabels(svg, 'end')).toEqual(['0', '1', '2', '3']);
    expect(svg).toContain(`height="${frame.height}"`);
  });

  it('moves the plot down for each row the legend wraps onto', () => {
    const one = plotFrame({ left: 60, right: 500, plotHeight: 100, legend: [{ label: 'a', color: '#000' }] });
    const many = plotFrame({
      left: 60,
      right: 500,
      plotHeight: 100,
      legend: Array.from({ length: 12 }, (_, i) => ({
        label: `a fairly long series name ${i}`,
        color: '#000',
      })),
    });
    expect(one.top).toBeGreaterThan(frame.top);
    expect(many.top).toBeGreaterThan(one.top + 18 * 3);
    expect(many.height - many.top).toBe(one.height - one.top);
  });

  it('escapes every text it is given: title, description, legend, axis labels and marker labels', () => {
    const hostile = '</text></svg><script>alert(1)</script>';
    const withLegend = plotFrame({
      left: 60,
      right: 500,
      plotHeight: 100,
      legend: [{ label: hostile, color: '#000' }],
    });
    const x = linearScale(0, 1, withLegend.left, withLegend.right);
    const svg = framedChart({
      id: 'c',
      title: hostile,
      description: hostile,
      frame: withLegend,
      x: { scale: x, label: hostile },
      y: { scale: x, label: hostile },
      marks: [markerLine(x(0.5), withLegend, hostile)],
    });
    expect(svg).not.toContain('<script');
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
    expect(svg).toContain('&lt;script&gt;');
  });
});

describe('lineChart paths (d3-shape)', () => {
  const points = [
    { x: 0, y: 0 },
    { x: 10, y: 5 },
    { x: 20, y: 5 },
  ];
  const pathsOf = (svg: string) => [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]!);
  const corners = (path: string) =>
    [...path.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);

  it('draws a polyline through the points, or steps that hold each value until the next sample', () => {
    const straight = corners(pathsOf(lineChart('l', [{ name: 's', points }], opts(false)))[0]!);
    const stepped = corners(pathsOf(lineChart('l', [{ name: 's', points }], opts(true)))[0]!);
    expect(straight).toHaveLength(3);
    expect(stepped).toHaveLength(5);
    // The step's corner is at the next sample's x and the previous sample's y.
    expect(stepped[1]![0]).toBe(straight[1]![0]);
    expect(stepped[1]![1]).toBe(straight[0]![1]);
  });

  it('keeps one decimal in coordinates and draws the same markup for the same data', () => {
    const wiggly = Array.from({ length: 50 }, (_, i) => ({ x: i / 3, y: Math.sin(i) * 7.123456 }));
    const svg = lineChart('l', [{ name: 's', points: wiggly }], opts(false));
    for (const [x, y] of corners(pathsOf(svg)[0]!)) {
      expect(Math.round(x * 10) / 10).toBe(x);
      expect(Math.round(y * 10) / 10).toBe(y);
    }
    expect(lineChart('l', [{ name: 's', points: wiggly }], opts(false))).toBe(svg);
  });

  function opts(step: boolean) {
    return { title: 't', xLabel: 'x', yLabel: 'y', step };
  }
});
