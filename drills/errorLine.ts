/** An error as the drill's evidence and reasons quote it: the first line of its message, bounded. */
export function errorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 500);
}
