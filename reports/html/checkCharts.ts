import type { CheckResult, Json, SampleSeries } from '../evidence.ts';
import { type AvailabilityLane, availabilityChart } from './availabilityChart.ts';
import { distributionChart } from './distributionChart.ts';
import { cleanLine, formatNumber } from './htmlText.ts';
import { lineChart } from './lineChart.ts';
import { type TargetBar, targetDistributionChart } from './targetDistributionChart.ts';
import { timelineChart } from './timelineChart.ts';

// Which pictures a check gets, read from the shape of its evidence rather than from its id, so a new
// check with the same kinds of evidence gets the same charts:
// - data.distribution as { target: count } (with data.zoneOfInstance, data.targetHealth): bar chart;
// - a "<x> time from <event>" series with a 0/1 series about <x>: up/down lanes around that event;
// - other 0/1 series: up/down lanes in sample order;
// - latency-like samples (ms, s) of a probe: distribution per series, grouped by unit;
// - everything else (a drill's series, counts, capacities): line charts, grouped by unit;
// - a drill's timeline (or any long one): events on a time axis.

export interface CheckChart {
  caption: string;
  svg: string;
}

export const maxChartsPerCheck = 8;
/** Untrusted series longer than this are cut before any work is done on them. */
const maxSeriesValues = 200_000;
const maxSeries = 60;

const durationUnits = new Set(['ms', 's', 'µs', 'us', 'ns', 'min']);
const stepUnits = new Set(['instances', 'status', 'bool', 'count']);

/**
 * How a check's time series are sampled, where the series themselves cannot say: the scale-out drill
 * records one row per second of load.
 */
const sampleAxes: Record<string, { xLabel: string; secondsPerSample: number }> = {
  'asg.scale-out.drill': { xLabel: 'seconds since the load started', secondsPerSample: 1 },
};

interface CleanSeries {
  name: string;
  unit: string;
  values: number[];
}

function cleanSeries(samples: readonly SampleSeries[]): CleanSeries[] {
  if (!Array.isArray(samples)) return [];
  return samples.slice(0, maxSeries).flatMap((s) => {
    if (!s || typeof s !== 'object' || !Array.isArray(s.values)) return [];
    const raw: readonly unknown[] = s.values;
    const values = raw
      .slice(0, maxSeriesValues)
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length === 0) return [];
    return [{ name: cleanLine(s.name, 120), unit: cleanLine(s.unit, 24), values }];
  });
}

function isRecord(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Per-target counts when the evidence has them; targets that served nothing get a 0 bar. */
export function targetBars(data: Record<string, Json>): TargetBar[] | null {
  const distribution = data.distribution;
  if (!isRecord(distribution)) return null;
  const entries = Object.entries(distribution).slice(0, 500);
  if (
    entries.length === 0 ||
    !entries.every(([, count]) => typeof count === 'number' && Number.isFinite(count))
  ) {
    return null;
  }
  const counts = new Map(entries as [string, number][]);
  const health = Array.isArray(data.targetHealth) ? data.targetHealth.slice(0, 500) : [];
  for (const target of health) {
    if (isRecord(target) && typeof target.id === 'string' && !counts.has(target.id)) counts.set(target.id, 0);
  }
  const zones = isRecord(data.zoneOfInstance) ? data.zoneOfInstance : {};
  return [...counts].map(([target, count]) => {
    const zone = Object.hasOwn(zones, target) ? zones[target] : undefined;
    return { target, zone: typeof zone === 'string' ? zone : null, count };
  });
}

const timeFrom = /^(.+?) time from (.+)$/i;

function toSeconds(value: number, unit: string): number {
  if (unit === 'ms') return value / 1000;
  if (unit === 'min') return value * 60;
  return value;
}

interface PairedLanes {
  reference: string;
  lanes: AvailabilityLane[];
}

/** 0/1 series paired with the "<subject> time from <event>" series of the same length. */
function pairUpDownSeries(series: CleanSeries[]): { paired: PairedLanes[]; used: Set<CleanSeries> } {
  const used = new Set<CleanSeries>();
  const byReference = new Map<string, AvailabilityLane[]>();
  for (const time of series) {
    const match = timeFrom.exec(time.name);
    if (!match || !durationUnits.has(time.unit)) continue;
    const subject = match[1]!.toLowerCase();
    const updown = series.find(
      (s) =>
        s.unit === 'bool' &&
        !used.has(s) &&
        s.values.length === time.values.length &&
        s.name.toLowerCase().startsWith(`${subject} `),
    );
    if (!updown) continue;
    used.add(updown).add(time);
    const reference = match[2]!;
    const lanes = byReference.get(reference) ?? [];
    lanes.push({
      name: match[1]!,
      samples: updown.values.map((v, i) => ({ x: toSeconds(time.values[i]!, time.unit), ok: v !== 0 })),
    });
    byReference.set(reference, lanes);
  }
  return { paired: [...byReference].map(([reference, lanes]) => ({ reference, lanes })), used };
}

function groupByUnit(series: CleanSeries[]): Map<string, CleanSeries[]> {
  const groups = new Map<string, CleanSeries[]>();
  for (const s of series) groups.set(s.unit, [...(groups.get(s.unit) ?? []), s]);
  return groups;
}

/** The one value every series of the group holds throughout, or null. */
function flatValue(group: readonly CleanSeries[]): number | null {
  const first = group[0]?.values[0];
  if (first === undefined) return null;
  return group.every((s) => s.values.every((v) => v === first)) ? first : null;
}

/** What the series measure, for an axis: "TTFB" for "S3 website TTFB" and "CloudFront TTFB". */
function commonSubject(names: readonly string[]): string {
  if (names.length === 1) return names[0]!;
  const lastWords = names.map((name) => name.split(' ').at(-1) ?? '');
  return lastWords.every((word) => word && word === lastWords[0]) ? lastWords[0]! : 'value';
}

const shortName = (name: string) => name.replace(/ ok \(1\).*$| \(1\).*$/i, '');

export function chartsForCheck(check: CheckResult, nextId: () => string): CheckChart[] {
  const charts: CheckChart[] = [];
  const evidence = check.evidence;
  const timeline = Array.isArray(evidence?.timeline) ? evidence.timeline : [];
  if ((check.kind === 'drill' && timeline.length >= 2) || timeline.length >= 6) {
    charts.push({
      caption: 'What happened when: each event on the check’s time axis (hover a dot for its detail).',
      svg: timelineChart(nextId(), timeline, check.durationMs),
    });
  }

  const bars = targetBars(evidence?.data ?? {});
  if (bars) {
    charts.push({
      caption:
        'Requests served per target; bar colors are Availability Zones, the dashed line is an even share.',
      svg: targetDistributionChart(nextId(), bars, 'requests'),
    });
  }

  const series = cleanSeries(evidence?.samples ?? []);
  const { paired, used } = pairUpDownSeries(series);
  for (const { reference, lanes } of paired) {
    const event = reference.replace(/^the /i, '');
    charts.push({
      caption: `Up/down probes around the ${cleanLine(event, 60)}: red spans are outage windows.`,
      svg: availabilityChart(nextId(), lanes, {
        title: `Probe results relative to the ${event}`,
        xLabel: `seconds from the ${event}`,
        zeroLabel: event,
      }),
    });
  }
  const unpairedUpDown = series.filter((s) => s.unit === 'bool' && !used.has(s));
  if (unpairedUpDown.length > 0) {
    charts.push({
      caption: 'Up/down probes in the order they were taken.',
      svg: availabilityChart(
        nextId(),
        unpairedUpDown.map((s) => ({
          name: shortName(s.name),
          samples: s.values.map((v, i) => ({ x: i + 1, ok: v !== 0 })),
        })),
        { title: 'Probe results in sample order', xLabel: 'sample number', zeroLabel: null },
      ),
    });
  }

  const rest = series.filter((s) => !used.has(s) && s.unit !== 'bool');
  const axis = sampleAxes[check.id];
  for (const [unit, group] of groupByUnit(rest)) {
    if (charts.length >= maxChartsPerCheck) break;
    const names = group.map((s) => s.name).join(', ');
    const unitLabel = unit || 'value';
    const flat = flatValue(group);
    if (flat !== null) {
      // A chart of a flat line says less than one sentence.
      charts.push({
        caption: `${names}: ${formatNumber(flat)} ${unit} throughout (${group[0]!.values.length} samples), not charted.`,
        svg: '',
      });
    } else if (check.kind === 'probe' && durationUnits.has(unit)) {
      charts.push({
        caption: `Distribution of ${names}: every sample is a dot; the box spans p25–p75 with the median, whiskers p5–p95.`,
        svg: distributionChart(nextId(), group, unit, `${commonSubject(group.map((s) => s.name))} (${unit})`),
      });
    } else {
      const perSample = axis?.secondsPerSample ?? 1;
      charts.push({
        caption: `${names} over the course of the check.`,
        svg: lineChart(
          nextId(),
          group.map((s) => ({
            name: s.name,
            points: s.values.map((y, i) => ({ x: axis ? i * perSample : i + 1, y })),
          })),
          {
            title: `${names} (${unitLabel})`,
            xLabel: axis?.xLabel ?? 'sample number',
            yLabel: unitLabel,
            step: stepUnits.has(unit),
          },
        ),
      });
    }
  }

  return charts.slice(0, maxChartsPerCheck);
}
