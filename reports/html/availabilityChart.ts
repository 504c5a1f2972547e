import { evenlySpaced } from './downsample.ts';
import { cleanLine, formatNumber } from './htmlText.ts';
import { extent } from './sampleStatistics.ts';
import {
  badColor,
  chartWidth,
  framedChart,
  linearScale,
  markerLine,
  okColor,
  plotFrame,
  px,
  sideLabel,
  svgText,
  timeAxisTicks,
} from './svgFrame.ts';

// Up/down probes during a drill (writes, the app page, TCP connects) as lanes on a shared time axis:
// a tick per sample, green when it worked and red when it did not, and each run of failures shaded
// as an outage window from the first failure to the next success.

export interface AvailabilitySample {
  x: number;
  ok: boolean;
}

export interface AvailabilityLane {
  name: string;
  samples: readonly AvailabilitySample[];
}

export interface AvailabilityOptions {
  title: string;
  xLabel: string;
  /** A vertical mark at x = 0 with this label (e.g. "failover call"), or none. */
  zeroLabel: string | null;
}

export const maxTicksPerLane = 400;
export const maxLanes = 8;
const maxWindowsPerLane = 200;
const outageOpacity = 0.22;

export interface OutageWindow {
  from: number;
  /** The next success, or null when the lane never recovered. */
  to: number | null;
  samples: number;
}

/** Runs of failures in x order. */
export function outageWindows(samples: readonly AvailabilitySample[]): OutageWindow[] {
  const ordered = [...samples].sort((a, b) => a.x - b.x);
  const windows: OutageWindow[] = [];
  let open: OutageWindow | null = null;
  for (const sample of ordered) {
    if (!sample.ok) {
      if (open) open.samples += 1;
      else open = { from: sample.x, to: null, samples: 1 };
    } else if (open) {
      open.to = sample.x;
      windows.push(open);
      open = null;
    }
  }
  if (open) windows.push(open);
  return windows;
}

export function availabilityChart(
  id: string,
  lanes: readonly AvailabilityLane[],
  options: AvailabilityOptions,
): string {
  const shown = lanes.slice(0, maxLanes).map((lane) => ({
    name: cleanLine(lane.name, 200),
    samples: lane.samples.filter((s) => Number.isFinite(s.x)),
  }));
  const laneHeight = 30;
  const frame = plotFrame({
    left: 190,
    right: chartWidth - 20,
    plotHeight: shown.length * laneHeight + 4,
    legend: [
      { label: 'worked', color: okColor },
      { label: 'failed', color: badColor },
      { label: 'outage window', color: badColor, opacity: outageOpacity },
    ],
    // Room for the marker's label between the legend and the lanes.
    headroom: options.zeroLabel ? 20 : 6,
  });
  const { left, right, top } = frame;
  const span = extent(shown.flatMap((lane) => lane.samples.map((s) => s.x)));
  const lo = Math.min(0, span?.lo ?? 0);
  const hi = Math.max(0, span?.hi ?? 0);
  const x = linearScale(lo, hi, left, right, { ticks: timeAxisTicks });

  const descriptions: string[] = [];
  const drawn = shown.map((lane, i) => {
    const y = top + i * laneHeight + 4;
    const windows = outageWindows(lane.samples);
    const laneEnd = extent(lane.samples.map((s) => s.x))?.hi ?? 0;
    const failed = lane.samples.filter((s) => !s.ok).length;
    descriptions.push(
      `${lane.name}: ${lane.samples.length - failed} ok, ${failed} failed` +
        (windows.length
          ? `, down ${windows
              .slice(0, 5)
              .map((w) => `from ${formatNumber(w.from)} to ${w.to === null ? 'the end' : formatNumber(w.to)}`)
              .join(', ')}`
          : ''),
    );
    const bands = windows.slice(0, maxWindowsPerLane).map((w) => {
      const from = x(w.from);
      const to = w.to === null ? x(Math.max(w.from, laneEnd)) : x(w.to);
      return `<rect x="${px(from)}" y="${px(y)}" width="${px(Math.max(3, to - from))}" height="${laneHeight - 8}" fill="${badColor}" fill-opacity="${outageOpacity}"/>`;
    });
    // One path per color keeps a lane of hundreds of ticks small.
    const tickPaths = { ok: '', failed: '' };
    for (const sample of evenlySpaced(lane.samples, maxTicksPerLane)) {
      tickPaths[sample.ok ? 'ok' : 'failed'] += `M${px(x(sample.x))} ${px(y + 3)}V${px(y + laneHeight - 11)}`;
    }
    const ticks = (['ok', 'failed'] as const)
      .filter((kind) => tickPaths[kind])
      .map(
        (kind) =>
          `<path d="${tickPaths[kind]}" stroke="${kind === 'ok' ? okColor : badColor}" stroke-width="2" fill="none"/>`,
      )
      .join('');
    return [
      `<g><title>${svgText(lane.name, 200)}</title>${sideLabel(lane.name, left - 10, y + (laneHeight - 8) / 2, 26, 'end')}</g>`,
      `<rect x="${left}" y="${px(y)}" width="${right - left}" height="${laneHeight - 8}" fill="#f3f3f3"/>`,
      ...bands,
      ticks,
    ].join('');
  });
  // The axis always spans 0 (lo <= 0 <= hi), so the event's mark is always on it.
  const zero = options.zeroLabel ? markerLine(x(0), frame, options.zeroLabel) : '';
  return framedChart({
    id,
    title: options.title,
    description: `${descriptions.join('; ')}. Green ticks worked, red ticks failed; shaded spans are outage windows.`,
    frame,
    x: { scale: x, label: options.xLabel, ticks: timeAxisTicks },
    marks: [...drawn, zero],
  });
}
