// Text from a stack (page bodies, headers, names) shown in a terminal or written into XML: control
// characters could steer a terminal or make the XML invalid, so views drop them.

const isControl = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);
// XML 1.0 forbids C0 controls except tab, newline and carriage return.
const isXmlForbidden = (code: number) => code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d;

function mapCharacters(text: string, drop: (code: number) => boolean, replacement: string): string {
  let out = '';
  for (const char of text) out += drop(char.codePointAt(0)!) ? replacement : char;
  return out;
}

/** One line for a terminal: every control character becomes a space. */
export function safeForTerminal(text: string): string {
  return mapCharacters(text, isControl, ' ');
}

/** Text for XML: characters XML cannot carry are dropped. */
export function withoutXmlForbidden(text: string): string {
  return mapCharacters(text, isXmlForbidden, '');
}
