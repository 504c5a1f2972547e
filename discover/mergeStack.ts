import type { Stack } from '../config/schema.ts';
import type { DiscoveryNote, StackSection } from './discoveryNotes.ts';

// `--merge FILE`: the user's stack file wins field by field, discovery fills in the rest. Hand-set
// fields (data-plane URLs behind a tunnel, SQL settings, thresholds, chaos) survive a re-discovery, and
// where the user's value differs from what AWS shows, a note says so.

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

export interface MergeResult {
  stack: Stack;
  /** Where the user's value differs from the discovered one. */
  notes: DiscoveryNote[];
}

export function mergeStacks(discovered: Stack, kept: Stack, keptLabel: string): MergeResult {
  const notes: DiscoveryNote[] = [];
  const merge = (found: unknown, own: unknown, path: string[]): unknown => {
    if (own === undefined) return found;
    if (found === undefined) return own;
    // exec is one of two shapes: the user's choice is taken whole, never mixed with the other shape.
    if (isPlain(found) && isPlain(own) && path.join('.') !== 'exec') {
      const result: Plain = {};
      for (const key of new Set([...Object.keys(found), ...Object.keys(own)])) {
        const value = merge(found[key], own[key], [...path, key]);
        if (value !== undefined) result[key] = value;
      }
      return result;
    }
    // The stack's name is the user's to choose; a different default is no news.
    if (JSON.stringify(found) !== JSON.stringify(own) && path.join('.') !== 'name') {
      notes.push({
        section: path[0] as StackSection,
        text: `${path.join('.')}: kept ${show(own)} from ${keptLabel}; discovery found ${show(found)}`,
      });
    }
    return own;
  };
  const { $schema: _ignored, ...own } = kept;
  return { stack: merge(discovered, own, []) as Stack, notes };
}
