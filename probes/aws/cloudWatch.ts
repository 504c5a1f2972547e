// Read-only CloudWatch metric reads: GetMetricStatistics for one metric, GetMetricData for several.

import {
  type CloudWatchClient,
  type Datapoint,
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
