import { basename } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { StackFileError } from '../config/loadStack.ts';
import type { Settings } from '../config/settings.ts';
import { unknownBudgetIds } from '../suites/budgets.ts';
import { checkIds } from '../suites/catalog.ts';

/** A stack file whose `budgets:` names a check that does not exist is bad input: one line, nothing run. */
export function checkBudgetIds(stackFile: string, settings: Settings): void {
  const [unknown] = unknownBudgetIds(settings);
  if (unknown === undefined) return;
  throw new StackFileError(
    `${basename(stackFile)}: budgets.${unknown}: no such check (did you mean ${closest(unknown, [...checkIds])}?)`,
  );
}
