/**
 * An error as the drill's evidence and reasons quote it: the first line of its message, bounded. With
 * `name`, a name other than plain Error leads (AccessDeniedException: …), as the restore report says which
 * kind of failure left a change in place.
 */
export function errorLine(error: unknown, options: { name?: boolean } = {}): string {
  const named = options.name === true && error instanceof Error && error.name !== 'Error';
  const text = error instanceof Error ? `${named ? `${error.name}: ` : ''}${error.message}` : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 500);
}
