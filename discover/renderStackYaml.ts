import { stringify } from 'yaml';
import type { Stack } from '../config/schema.ts';
import { type DiscoveryNote, sectionOrder } from './discoveryNotes.ts';

// Writes a stack file as YAML with comments: a header, then each section in the usual order with the
// notes about it as `#` lines right above it (also where a section could not be filled at all).
// Sections are rendered one by one so that comments land between them without hand-written YAML.

const lineWidth = 110;

function commentLines(text: string): string[] {
  return text.split('\n').map((line) => (line.trim() === '' ? '#' : `# ${line}`));
}

export function renderStackYaml(
  stack: Stack,
  notes: readonly DiscoveryNote[],
  header: readonly string[],
): string {
  const out: string[] = header.flatMap(commentLines);
  if (out.length > 0) out.push('');
  for (const section of sectionOrder) {
    const about = notes.filter((note) => note.section === section);
    const value = stack[section];
    if (about.length === 0 && value === undefined) continue;
    for (const note of about) out.push(...commentLines(note.text));
    if (value !== undefined) {
      out.push(stringify({ [section]: value }, { lineWidth, minContentWidth: 20 }).trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}
