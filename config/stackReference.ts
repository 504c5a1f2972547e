import { z } from 'zod';
import { builtInDefaultsTable, defaultRows, defaults, stackFileDefaultsTable } from './defaults.ts';
import { stackSchema } from './schema.ts';

// The stack file's reference, made from the schema (keys, types, ranges, descriptions) and the defaults table
// (values, and why each is what it is): the JSON Schema that editors read, with the defaults in it, and the
// README's reference tables between two markers. `npm run stack-reference` writes the README's; a test
// fails when it differs.

/** The part of JSON Schema that z.toJSONSchema writes for the stack file. */
export interface JsonNode {
  type?: string;
  description?: string;
  properties?: Record<string, JsonNode>;
  oneOf?: JsonNode[];
  items?: JsonNode;
  additionalProperties?: JsonNode | boolean;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
  not?: unknown;
}

/** One key of the stack file, as the reference lists it. */
export interface StackField {
  /** Dotted, e.g. thresholds.failoverRtoS. */
  path: string;
  /** The key's schema in every variant that has it (exec's `via: ssm` and `via: ssh`). */
  nodes: JsonNode[];
  /** A section: its keys follow it. */
  section: boolean;
  /** Set when only some variants of a union have the key, e.g. 'via: ssh'. */
  onlyWhen: string | null;
}

/** Stack-file keys whose default is computed from another key's value. */
const computedDefaults: Readonly<Record<string, { text: string; why: string }>> = {
  'thresholds.failoverWindowS': {
    text: `max(${defaults.failoverWindow.rtoMultiple} × failoverRtoS, ${defaults.failoverWindow.minS})`,
    why: [
      builtInDefaultsTable.failoverWindow.rtoMultiple.why,
      builtInDefaultsTable.failoverWindow.minS.why,
    ].join(' '),
  },
};

export const referenceStart =
  '<!-- stack-reference: start (generated from config/schema.ts and config/defaults.ts by npm run stack-reference) -->';
export const referenceEnd = '<!-- stack-reference: end -->';

function isObjectNode(node: JsonNode): boolean {
  return node.properties !== undefined || (node.oneOf ?? []).some((variant) => variant.properties);
}

/** The discriminator of a union variant: its one key with a constant value, as `key: value`. */
function variantLabel(variant: JsonNode): string {
  const tag = Object.entries(variant.properties ?? {}).find(([, node]) => node.const !== undefined);
  return tag ? `${tag[0]}: ${String(tag[1].const)}` : 'one variant';
}

/** The keys of an object node, or of every variant of a union of objects, in order of first appearance. */
function keysOf(node: JsonNode): { key: string; nodes: JsonNode[]; onlyWhen: string | null }[] {
  const variants = node.oneOf ?? [node];
  const keys = [...new Set(variants.flatMap((variant) => Object.keys(variant.properties ?? {})))];
  return keys.map((key) => {
    const holders = variants.filter((variant) => variant.properties?.[key] !== undefined);
    return {
      key,
      nodes: holders.map((variant) => variant.properties![key]!),
      onlyWhen: holders.length === variants.length ? null : holders.map(variantLabel).join(' or '),
    };
  });
}

/** Every key of `schema` (the stack file's JSON Schema), sections before their keys. */
export function stackFields(schema: JsonNode, prefix = ''): StackField[] {
  return keysOf(schema).flatMap(({ key, nodes, onlyWhen }) => {
    const path = `${prefix}${key}`;
    const first = nodes[0]!;
    if (!isObjectNode(first)) return [{ path, nodes, section: false, onlyWhen }];
    return [{ path, nodes, section: true, onlyWhen }, ...stackFields(first, `${path}.`)];
  });
}

/** The stack file's JSON Schema, with the defaults table's values as `default` annotations. */
export function stackJsonSchemaDocument(): JsonNode & Record<string, unknown> {
  const document = z.toJSONSchema(stackSchema, { io: 'input', target: 'draft-2020-12' }) as JsonNode &
    Record<string, unknown>;
  const fields = new Map(stackFields(document).map((field) => [field.path, field]));
  for (const row of defaultRows(stackFileDefaultsTable)) {
    const field = fields.get(row.path);
    if (!field || field.section) throw new Error(`config/defaults.ts: ${row.path} is no stack file key`);
    for (const node of field.nodes) node.default = row.value;
  }
  return document;
}

/** zod writes the safe-integer limits as the bounds of every whole number: no bound a reader needs. */
function bound(value: number | undefined): number | undefined {
  return value === undefined || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value;
}

function rangeText(node: JsonNode): string {
  const [minimum, maximum, exclusiveMinimum] = [node.minimum, node.maximum, node.exclusiveMinimum].map(bound);
  if (minimum !== undefined && maximum !== undefined) return ` ${minimum}–${maximum}`;
  const bounds = [
    minimum !== undefined ? `≥ ${minimum}` : null,
    exclusiveMinimum !== undefined ? `> ${exclusiveMinimum}` : null,
    maximum !== undefined ? `≤ ${maximum}` : null,
  ].filter((bound) => bound !== null);
  return bounds.length === 0 ? '' : ` ${bounds.join(', ')}`;
}

function typeText(nodes: JsonNode[]): string {
  const consts = nodes.map((node) => node.const).filter((value) => value !== undefined);
  if (consts.length === nodes.length) return consts.map((value) => `\`${String(value)}\``).join(' or ');
  const node = nodes[0]!;
  if (node.not !== undefined) return 'none (moved)';
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(' or ');
  switch (node.type) {
    case 'string':
      return node.format === 'uri' ? 'URL' : 'text';
    case 'integer':
      return `whole number${rangeText(node)}`;
    case 'number':
      return `number${rangeText(node)}`;
    case 'boolean':
      return '`true` or `false`';
    case 'array': {
      const most = node.maxItems !== undefined ? `, at most ${node.maxItems}` : '';
      return `list of ${node.items ? typeText([node.items]) : 'values'}${most}`;
    }
    case 'object':
      return typeof node.additionalProperties === 'object'
        ? `map to ${typeText([node.additionalProperties])}`
        : 'section';
    default:
      return 'value';
  }
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  if (typeof value === 'object' && value !== null) {
    const { min, max } = value as { min?: number; max?: number };
    if (min !== undefined && max !== undefined) return `${min}–${max}`;
    if (max !== undefined) return `at most ${max}`;
  }
  return String(value);
}

/** A table cell: one line, no column breaks. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

function referenceRow(field: StackField, whyByPath: ReadonlyMap<string, string>): string {
  const node = field.nodes[0]!;
  const description = field.nodes.map((n) => n.description).find((text) => text !== undefined) ?? '';
  const what = field.onlyWhen ? `${description} (with ${field.onlyWhen})` : description;
  if (field.section) return `| **${code(field.path)}** | section | | ${cell(what)} | |`;
  const computed = computedDefaults[field.path];
  const defaultText = computed
    ? computed.text
    : node.default !== undefined
      ? code(valueText(node.default))
      : '';
  const why = computed?.why ?? whyByPath.get(field.path) ?? '';
  const cells = [code(field.path), typeText(field.nodes), defaultText, what, why].map(cell);
  return `| ${cells.join(' | ')} |`;
}

/** The README's reference: the stack file's keys, then the values no stack file sets. */
export function stackReferenceMarkdown(): string {
  const document = stackJsonSchemaDocument();
  const whyByPath = new Map(defaultRows(stackFileDefaultsTable).map((row) => [row.path, row.why]));
  const keys = stackFields(document).map((field) => referenceRow(field, whyByPath));
  const builtIn = defaultRows(builtInDefaultsTable).map(
    (row) => `| ${code(row.path)} | ${code(valueText(row.value))} | ${cell(row.why)} |`,
  );
  return [
    '### Stack file reference',
    '',
    'Every key of the stack file. Units are in the names (`Ms`, `S`, `Bytes`); a key left out takes its',
    'default, and the reports state the values used.',
    '',
    '| key | type | default | what it is | why the default |',
    '|---|---|---|---|---|',
    ...keys,
    '',
    '### Built-in values',
    '',
    'What the checks, drills and load generator use that no stack file sets (`config/defaults.ts`).',
    '',
    '| name | value | why |',
    '|---|---|---|',
    ...builtIn,
  ].join('\n');
}

/** `readme` with the text between the reference markers replaced by `reference`. */
export function withStackReference(readme: string, reference: string): string {
  const start = readme.indexOf(referenceStart);
  const end = readme.indexOf(referenceEnd);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no stack-file reference between ${referenceStart} and ${referenceEnd}`);
  }
  return `${readme.slice(0, start + referenceStart.length)}\n\n${reference}\n\n${readme.slice(end)}`;
}

/** The reference as it stands in `readme`, or null without the markers. */
export function stackReferenceIn(readme: string): string | null {
  const start = readme.indexOf(referenceStart);
  const end = readme.indexOf(referenceEnd);
  if (start < 0 || end < start) return null;
  return readme.slice(start + referenceStart.length, end).trim();
}
