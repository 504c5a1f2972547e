import { escapeHtml, formatNumber } from './htmlText.ts';
import {
  axisColor,
  chartLabel,
  chartWidth,
  colorAt,
  framedChart,
  inkColor,
  linearScale,
  markerLine,
  plotFrame,
  px,
  svgText,
  textWidth,
} from './svgFrame.ts';

// How a load balancer spread requests over its targets: one horizontal bar per target, colored by
// its Availability Zone, with a dashed line at the even share. A target that got nothing still gets
// a row, so "everything went to one instance" is visible at a glance.

export interface TargetBar {
  target: string;
  zone: string | null;
  count: number;
}

export const maxTargetBars = 40;
const unknownZone = 'AZ not known';

export function targetDistributionChart(id: string, bars: readonly TargetBar[], unit: string): string {
  const shown = bars.slice(0, maxTargetBars);
  const total = bars.reduce((sum, bar) => sum + bar.count, 0);
  const evenShare = bars.length > 0 ? total / bars.length : 0;
  const zones = [...new Set(shown.map((bar) => bar.zone ?? unknownZone))].sort();
  const zoneColor = (zone: string | null) =>
    zone === null ? '#aaaaaa' : colorAt(zones.filter((z) => z !== unknownZone).indexOf(zone));

  const labels = shown.map((bar) => chartLabel(bar.target, 40));
  const labelWidth = Math.min(280, Math.max(80, ...labels.map((label) => textWidth(label)))) + 12;
  const legendItems = zones.map((zone) => ({
    label: `${zone}: ${formatNumber(
      shown.filter((bar) => (bar.zone ?? unknownZone) === zone).reduce((sum, bar) => sum + bar.count, 0),
    )}`,
    color: zone === unknownZone ? '#aaaaaa' : zoneColor(zone),
  }));
  legendItems.push({ label: `even share ${formatNumber(Math.round(evenShare * 10) / 10)}`, color: inkColor });
  const rowHeight = 24;
  const frame = plotFrame({
    left: labelWidth,
    right: chartWidth - 70,
    plotHeight: Math.max(1, shown.length) * rowHeight,
    legend: legendItems,
  });
  const { left, top } = frame;
  const maxCount = Math.max(evenShare, ...shown.map((bar) => bar.count));
  const x = linearScale(0, maxCount, left, frame.right, { zero: true });

  const rows = shown.map((bar, i) => {
    const y = top + i * rowHeight;
    const width = Math.max(0, x(bar.count) - left);
    const zone = bar.zone ?? unknownZone;
    return [
      `<g><title>${svgText(`${bar.target} (${zone}): ${formatNumber(bar.count)} ${unit}`, 200)}</title>`,
      `<text x="${left - 8}" y="${px(y + rowHeight / 2)}" dy="0.32em" text-anchor="end" fill="${inkColor}">${escapeHtml(labels[i]!)}</text>`,
      `<rect x="${left}" y="${px(y + 4)}" width="${px(width)}" height="${rowHeight - 8}" fill="${zoneColor(bar.zone)}"/>`,
      `<text x="${px(left + width + 5)}" y="${px(y + rowHeight / 2)}" dy="0.32em" fill="${inkColor}">${escapeHtml(formatNumber(bar.count))}</text>`,
      '</g>',
    ].join('');
  });
  const more =
    bars.length > shown.length
      ? `<text x="${left}" y="${px(frame.height - 4)}" fill="${axisColor}">${bars.length - shown.length} more targets not drawn</text>`
      : '';
  const description =
    `${formatNumber(total)} ${unit} over ${bars.length} targets in ${zones.length} zone(s); even share ` +
    `${formatNumber(Math.round(evenShare * 10) / 10)} per target. ` +
    shown.map((bar, i) => `${labels[i]} (${bar.zone ?? unknownZone}) ${bar.count}`).join('; ');
  return framedChart({
    id,
    title: 'Requests per target, colored by Availability Zone',
    description,
    frame,
    x: { scale: x, label: `${unit} served` },
    marks: [...rows, markerLine(x(evenShare), frame), more],
  });
}
