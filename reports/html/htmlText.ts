// Text from a report on its way into HTML (and SVG inside HTML). Everything in a report may come from
// a stack, so every string is cut to a bounded size, loses the characters that could hide or reorder
// what a reader sees (control and bidi-override characters), and is escaped for text and attributes.

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes for HTML text and quoted attribute values alike (also inside inline SVG). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

// C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates (which can make text read
// differently from what it is). Tab and newline are kept only where text keeps its lines (<pre>).
// Finding control characters is the point.
const alwaysDropped = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const lineBreaks = /[\t\n]/g;

/** Cuts text to at most `max` UTF-16 units without splitting a surrogate pair, saying how much was cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… [${text.length - end} more characters cut]`;
}

/** One line of untrusted text, cut and cleaned, not yet escaped. */
export function cleanLine(value: unknown, max: number): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  // Cut first, so cleaning only ever walks a bounded string.
  return cutText(text, max).replace(alwaysDropped, '\ufffd').replace(lineBreaks, ' ');
}

/** Multi-line untrusted text (a body) for a <pre>, cut and cleaned, not yet escaped. */
export function cleanBlock(value: unknown, max: number): string {
  const text = typeof value === 'string' ? value : '';
  return cutText(text, max).replace(/\r\n?/g, '\n').replace(alwaysDropped, '\ufffd');
}

/** Untrusted text as escaped HTML on one line. */
export function safeText(value: unknown, max: number): string {
  return escapeHtml(cleanLine(value, max));
}

/** Untrusted text as escaped HTML for a <pre>. */
export function safeBlock(value: unknown, max: number): string {
  return escapeHtml(cleanBlock(value, max));
}

/** A finite number from untrusted data, or null. */
export function finiteNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

// Made once: toLocaleString builds a formatter on every call, and a report formats thousands of numbers.
const wholeNumbers = new Intl.NumberFormat('en-US');
const withDecimals = new Map(
  [1, 2, 3].map((digits) => [digits, new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })]),
);

/** A number for people: at most 3 significant decimals, no exponent for everyday sizes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return value.toExponential(2);
  if (Number.isInteger(value)) return wholeNumbers.format(value);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return withDecimals.get(digits)!.format(Number(value.toFixed(digits)));
}

/** Milliseconds as a short duration: 850 ms, 12.3 s, 4 min 05 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (Math.abs(seconds) < 120) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')} s`;
}
