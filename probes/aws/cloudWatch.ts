// Read-only CloudWatch reads: GetMetricStatistics for one metric, GetMetricData for several, and the state
// of named alarms.

import {
  type CloudWatchClient,
  type Datapoint,
  DescribeAlarmsCommand,
  type Dimension,
  GetMetricStatisticsCommand,
  type MetricDataQuery,
  paginateGetMetricData,
  type Statistic,
} from '@aws-sdk/client-cloudwatch';
import { awsCall, awsPaged } from './awsCall.ts';

export interface MetricStatisticsQuery {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  start: Date;
  end: Date;
  periodS: number;
  statistics: Statistic[];
}

/** Datapoints of one metric, oldest first. */
export async function getMetricStatistics(
  cloudWatch: CloudWatchClient,
  query: MetricStatisticsQuery,
): Promise<Datapoint[]> {
  const output = await awsCall(
    cloudWatch,
    new GetMetricStatisticsCommand({
      Namespace: query.namespace,
      MetricName: query.metricName,
      Dimensions: query.dimensions,
      StartTime: query.start,
      EndTime: query.end,
      Period: query.periodS,
      Statistics: query.statistics,
    }),
    { subject: `metric ${query.namespace}/${query.metricName}` },
  );
  return [...(output.Datapoints ?? [])].sort(
    (a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0),
  );
}

export interface MetricSeries {
  id: string;
  label: string;
  statusCode: string;
  /** Oldest first. */
  points: { at: Date; value: number }[];
}

/** Several metrics at once; pages of the same query id are joined into one series. */
export async function getMetricData(
  cloudWatch: CloudWatchClient,
  queries: MetricDataQuery[],
  start: Date,
  end: Date,
): Promise<MetricSeries[]> {
  const results = await awsPaged(
    cloudWatch,
    paginateGetMetricData,
    { MetricDataQueries: queries, StartTime: start, EndTime: end, ScanBy: 'TimestampAscending' },
    (page) => page.MetricDataResults,
  );
  const byId = new Map<string, MetricSeries>();
  for (const result of results) {
    const id = result.Id ?? '';
    const series = byId.get(id) ?? {
      id,
      label: result.Label ?? id,
      statusCode: result.StatusCode ?? 'Complete',
      points: [],
    };
    if (result.StatusCode && result.StatusCode !== 'Complete') series.statusCode = result.StatusCode;
    const timestamps = result.Timestamps ?? [];
    const values = result.Values ?? [];
    for (let i = 0; i < Math.min(timestamps.length, values.length); i += 1) {
      series.points.push({ at: timestamps[i] as Date, value: values[i] as number });
    }
    byId.set(id, series);
  }
  for (const series of byId.values()) series.points.sort((a, b) => a.at.getTime() - b.at.getTime());
  return [...byId.values()];
}

/** The state (ALARM, OK, INSUFFICIENT_DATA) of each named alarm that exists. */
export async function alarmStates(
  cloudWatch: CloudWatchClient,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const output = await awsCall(cloudWatch, new DescribeAlarmsCommand({ AlarmNames: names.slice(0, 100) }), {
    subject: `alarm ${names[0] ?? ''}${names.length > 1 ? ` and ${names.length - 1} more` : ''}`,
    ...(signal ? { signal } : {}),
  });
  return new Map((output.MetricAlarms ?? []).map((a) => [a.AlarmName ?? '', a.StateValue ?? 'unknown']));
}
