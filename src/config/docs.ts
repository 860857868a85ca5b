/**
 * Renders docs/config.md's key tables from the config's JSON Schema (the one `ubm schema` prints),
 * so that each key is described once, in schema.ts, and the docs cannot drift from it.
 */
import { type JsonSchema, configJsonSchema } from './load.js';
import { IGNORED_DESCRIPTION } from './schema.js';

/** A JSON Schema node, as far as the tables need it. */
interface SchemaNode {
  readonly description?: string;
  readonly title?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly items?: SchemaNode;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly propertyNames?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly required?: readonly string[];
  readonly default?: unknown;
  readonly defaultDescription?: string;
}

/** One row of a key table. */
export interface ConfigKeyRow {
  /** The key's path as a user writes it, map keys as placeholders: `restic.jobs.<job>.frequency`. */
  readonly key: string;
  readonly type: string;
  /** `required`, the default value, or the default in words; empty when there is none. */
  readonly default: string;
  readonly description: string;
}

/** An accepted-but-ignored key and what it is. */
export interface IgnoredKey {
  readonly key: string;
  readonly what: string;
}

/** Where a table starts, and the subtrees it leaves out (`omit`) or shows as one row (`collapse`). */
interface TableSpec {
  readonly root: readonly string[];
  readonly omit: readonly (readonly string[])[];
  readonly collapse: readonly (readonly string[])[];
}

/** The generated sections of docs/config.md, by marker name. */
const TABLES: Readonly<Record<string, TableSpec>> = {
  'config-design': { root: [], omit: [['ubm']], collapse: [] },
  'config-ubm': { root: ['ubm'], omit: [], collapse: [['ubm', 'alerting', 'for']] },
  'config-alert-for': { root: ['ubm', 'alerting', 'for'], omit: [], collapse: [] },
};

/** The marker name of the list of ignored keys. */
const IGNORED_SECTION = 'config-ignored';

/** A nullable node as its non-null branch, keeping the outer node's annotations. */
function unwrapNullable(node: SchemaNode): { node: SchemaNode; nullable: boolean } {
  const branches = node.anyOf ?? [];
  const other = branches.filter((b) => b.type !== 'null');
  if (branches.length !== 2 || other.length !== 1 || other[0] === undefined) return { node, nullable: false };
  const { anyOf: _anyOf, ...annotations } = node;
  return { node: { ...other[0], ...annotations }, nullable: true };
}

/** A record's value schema and its key's placeholder name (the key schema's title), or undefined for other nodes. */
function mapValue(node: SchemaNode): { value: SchemaNode; keyName: string } | undefined {
  const value = node.additionalProperties;
  if (typeof value !== 'object' || node.properties !== undefined) return undefined;
  return { value, keyName: node.propertyNames?.title ?? 'key' };
}

/** The type as the docs name it: a title (duration, frequency) wins over the JSON type. */
function typeName(node: SchemaNode): string {
  if (node.title !== undefined) return node.title;
  if (node.enum !== undefined) return `one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (node.anyOf !== undefined) return node.anyOf.map(typeName).join(' or ');
  if (Array.isArray(node.type)) return node.type.join(' or ');
  if (node.type === 'array') return `${node.items === undefined ? 'any' : typeName(node.items)}[]`;
  if (node.type === 'string' && node.format === 'uri') return 'URL';
  return typeof node.type === 'string' ? node.type : 'any';
}

/** A default value as YAML would write it. */
function yamlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(yamlValue).join(', ')}]`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function defaultCell(node: SchemaNode, required: boolean): string {
  if (required) return 'required';
  if (node.default !== undefined) return `\`${yamlValue(node.default)}\``;
  return node.defaultDescription ?? '';
}

function isIgnored(node: SchemaNode): boolean {
  return node.description?.startsWith(IGNORED_DESCRIPTION) === true;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** The node at a path of plain object keys. */
function nodeAt(schema: SchemaNode, path: readonly string[]): SchemaNode {
  let node = schema;
  for (const key of path) {
    const child = unwrapNullable(node).node.properties?.[key];
    if (child === undefined) throw new Error(`the config schema has no key ${path.join('.')}`);
    node = child;
  }
  return node;
}

/** What one walk over a table's subtree collects. */
interface Walk {
  readonly spec: TableSpec;
  readonly rows: ConfigKeyRow[];
  readonly ignored: IgnoredKey[];
  /** Objects already listed key by key, by their JSON, with the path they were listed under. */
  readonly listed: Map<string, string>;
}

function walk(original: SchemaNode, path: readonly string[], required: boolean, w: Walk): void {
  if (w.spec.omit.some((p) => samePath(p, path))) return;
  if (isIgnored(original)) {
    w.ignored.push({ key: path.join('.'), what: (original.description ?? '').slice(IGNORED_DESCRIPTION.length).replace(/^: /, '').replace(/\.$/, '') });
    return;
  }
  const { node, nullable } = unwrapNullable(original);
  const map = mapValue(node);
  const keyPath = map === undefined ? path : [...path, `<${map.keyName}>`];
  const fields = map?.value ?? node;
  const hasFields = fields.properties !== undefined;
  const key = keyPath.join('.');
  const type = `${typeName(hasFields ? { type: 'object' } : fields)}${nullable ? ' or null' : ''}`;
  const listedAt = hasFields ? w.listed.get(JSON.stringify(fields)) : undefined;
  const sentences = [node.description ?? fields.description, listedAt === undefined ? undefined : `The same keys as \`${listedAt}\`.`].filter((s) => s !== undefined);
  if (!hasFields || sentences.length > 0) w.rows.push({ key, type, default: defaultCell(node, required), description: sentences.join(' ') });
  if (!hasFields || listedAt !== undefined || w.spec.collapse.some((p) => samePath(p, path))) return;
  w.listed.set(JSON.stringify(fields), key);
  for (const [name, child] of Object.entries(fields.properties ?? {})) walk(child, [...keyPath, name], fields.required?.includes(name) === true, w);
}

function walkTable(schema: SchemaNode, spec: TableSpec): Walk {
  const w: Walk = { spec, rows: [], ignored: [], listed: new Map() };
  const root = unwrapNullable(nodeAt(schema, spec.root)).node;
  for (const [name, child] of Object.entries(root.properties ?? {})) walk(child, [...spec.root, name], root.required?.includes(name) === true, w);
  return w;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function renderRows(rows: readonly ConfigKeyRow[]): string {
  return [
    '| key | type | default | what it does, and why the default |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`),
  ].join('\n');
}

/** Every key of the config with its type, default and description, table by table (marker name -> rows). */
export function configKeyRows(schema: JsonSchema = configJsonSchema()): Readonly<Record<string, readonly ConfigKeyRow[]>> {
  return Object.fromEntries(Object.entries(TABLES).map(([name, spec]) => [name, walkTable(schema as SchemaNode, spec).rows]));
}

/** The keys the config accepts and ignores, with what each is. */
export function ignoredConfigKeys(schema: JsonSchema = configJsonSchema()): readonly IgnoredKey[] {
  return Object.values(TABLES).flatMap((spec) => walkTable(schema as SchemaNode, spec).ignored);
}

/** docs/config.md's generated sections (marker name -> markdown): the key tables and the list of ignored keys. */
export function renderConfigTables(schema: JsonSchema = configJsonSchema()): Readonly<Record<string, string>> {
  const tables = Object.entries(configKeyRows(schema)).map(([name, rows]) => [name, renderRows(rows)]);
  const ignored = ignoredConfigKeys(schema).map((k) => `- \`${k.key}\`: ${k.what}`);
  return Object.fromEntries([...tables, [IGNORED_SECTION, ignored.join('\n')]]);
}
