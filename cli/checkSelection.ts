import { closest } from 'fastest-levenshtein';
import { checkIds } from '../suites/catalog.ts';
import { UsageError } from './usageError.ts';

/** Parses --only: comma-separated check ids, each one exactly as in the catalog. */
export function parseOnly(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0)
    throw new UsageError('--only: give one or more check ids, e.g. --only alb.round-robin');
  for (const id of ids) {
    if (!checkIds.includes(id)) {
      throw new UsageError(
        `--only: unknown check id '${id}' (did you mean '${closest(id, [...checkIds])}'? see labdrill checks)`,
      );
    }
  }
  return ids;
}
