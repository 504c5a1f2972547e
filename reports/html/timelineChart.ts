import type { TimelineEvent } from '../evidence.ts';
import { cleanLine, escapeHtml, formatDuration } from './htmlText.ts';
import {
  axisColor,
  badColor,
  chartLabel,
  chartWidth,
  framedChart,
  inkColor,
  linearScale,
  plotFrame,
  px,
  svgText,
  textWidth,
  timeAxisTicks,
} from './svgFrame.ts';

// What happened during a drill, on one time axis: one row per event in time order, a dot where it
// happened and its label beside it. Drill steps (steady state, change, verify, rollback) are gray,
// observations blue, and trouble (down, failed, denied, terminated) red, so the outage stands out.

export const maxTimelineRows = 60;

export type EventKind = 'step' | 'observation' | 'trouble';

const stepLabel = /^(steady state|change|changed|method|verify|rollback|rolled back|put back|finished)\b/i;
const troubleLabel =
  /\b(fail|fails|failed|failure|down|denies|denied|lost|error|errors|terminated|timeout|refused)\b/i;

export function eventKind(label: string): EventKind {
  if (stepLabel.test(label)) return 'step';
  if (troubleLabel.test(label)) return 'trouble';
  return 'observation';
}

const kindColor: Record<EventKind, string> = { step: '#8c8c8c', observation: '#0072B2', trouble: badColor };

export const maxTimelineEvents = 5_000;

/** Events in time order (stable for equal times), cleaned: odd times become 0, texts are cut. */
export function sortedEvents(events: readonly TimelineEvent[]): TimelineEvent[] {
  if (!Array.isArray(events)) return [];
  return events
    .slice(0, maxTimelineEvents)
    .filter((event) => typeof event === 'object' && event !== null)
    .map((event, index) => ({
      index,
      event: {
        atMs: typeof event.atMs === 'number' && Number.isFinite(event.atMs) ? Math.max(0, event.atMs) : 0,
        label: cleanLine(event.label, 200),
        ...(event.detail ? { detail: cleanLine(event.detail, 600) } : {}),
      },
    }))
    .sort((a, b) => a.event.atMs - b.event.atMs || a.index - b.index)
    .map(({ event }) => event);
}

export function timelineChart(id: string, events: readonly TimelineEvent[], durationMs: number): string {
  const all = sortedEvents(events);
  const shown = all.slice(0, maxTimelineRows);
  const lastAt = Math.max(
    durationMs > 0 && Number.isFinite(durationMs) ? durationMs : 0,
    ...shown.map((e) => e.atMs),
  );
  const inSeconds = lastAt >= 2000;
  const toUnit = (ms: number) => (inSeconds ? ms / 1000 : ms);
  const rowHeight = 18;
  const frame = plotFrame({
    left: 16,
    right: chartWidth - 16,
    plotHeight: shown.length * rowHeight + 6,
    legend: (['step', 'observation', 'trouble'] as const).map((kind) => ({
      label: { step: 'drill step', observation: 'observation', trouble: 'fault or outage' }[kind],
      color: kindColor[kind],
    })),
  });
  const { left, right, top, bottom } = frame;
  const x = linearScale(0, toUnit(lastAt), left, right, { zero: true, ticks: timeAxisTicks });

  const rows = shown.map((event, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    const cx = x(toUnit(event.atMs));
    const kind = eventKind(event.label);
    const label = chartLabel(event.label, 70);
    // Labels go right of their dot, unless they would run off the chart.
    const toRight = cx + 8 + textWidth(label) <= right || cx < (left + right) / 2;
    const tip = `+${formatDuration(event.atMs)} ${event.label}${event.detail ? ` — ${event.detail}` : ''}`;
    return [
      `<g><title>${svgText(tip, 300)}</title>`,
      `<line x1="${px(cx)}" y1="${px(y)}" x2="${px(cx)}" y2="${px(bottom)}" stroke="${kindColor[kind]}" stroke-opacity="0.35" stroke-dasharray="2 3"/>`,
      `<circle cx="${px(cx)}" cy="${px(y)}" r="4.5" fill="${kindColor[kind]}"/>`,
      `<text x="${px(toRight ? cx + 9 : cx - 9)}" y="${px(y)}" dy="0.32em" text-anchor="${toRight ? 'start' : 'end'}" fill="${kind === 'step' ? '#555555' : inkColor}">${escapeHtml(label)}</text>`,
      '</g>',
    ].join('');
  });
  const more =
    all.length > shown.length
      ? `<text x="${right}" y="${px(frame.height - 4)}" text-anchor="end" fill="${axisColor}">${all.length - shown.length} later events not drawn (see the table)</text>`
      : '';
  const description = shown
    .map((event) => `+${formatDuration(event.atMs)} ${chartLabel(event.label, 70)}`)
    .join('; ');
  return framedChart({
    id,
    title: `Timeline of ${all.length} events since the check started`,
    description,
    frame,
    x: {
      scale: x,
      label: `time since the check started (${inSeconds ? 's' : 'ms'})`,
      ticks: timeAxisTicks,
    },
    marks: [...rows, more],
  });
}
