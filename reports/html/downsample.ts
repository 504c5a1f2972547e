// Charts draw at most a few hundred marks however long a series is, so the page stays small and
// quick to open. Line charts keep each bucket's lowest and highest point, so a spike or a dip is never
// smoothed away; strip plots take evenly spaced samples.

export interface Point {
  x: number;
  y: number;
}

/** At most `maxPoints` points (at least 4), keeping each bucket's min and max in x order. */
export function downsampleMinMax(points: readonly Point[], maxPoints: number): Point[] {
  const limit = Math.max(4, Math.floor(maxPoints));
  if (points.length <= limit) return [...points];
  const buckets = Math.floor(limit / 2);
  const size = points.length / buckets;
  const kept: Point[] = [];
  for (let b = 0; b < buckets; b += 1) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i += 1) {
      if (points[i]!.y < points[low]!.y) low = i;
      if (points[i]!.y > points[high]!.y) high = i;
    }
    if (low === high) kept.push(points[low]!);
    else if (low < high) kept.push(points[low]!, points[high]!);
    else kept.push(points[high]!, points[low]!);
  }
  return kept;
}

/** At most `max` values, evenly spaced through the input (first and last kept). */
export function evenlySpaced<T>(values: readonly T[], max: number): T[] {
  const limit = Math.max(2, Math.floor(max));
  if (values.length <= limit) return [...values];
  const step = (values.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, i) => values[Math.round(i * step)]!);
}
