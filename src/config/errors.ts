/**
 * Config problems as one line each, `FILE: path.to.field: message`, all at once.
 * Zod's issues are reworded here; unknown keys get a "did you mean" from the schema's own keys.
 */
import type { z } from 'zod';
import { suggestion } from './suggest.js';
import { oneLine } from '../util/quote.js';

/** One problem: where (a path into the config) and what. */
export interface ConfigProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** A config that cannot be used; `lines` are ready for stderr, one problem each. */
export class ConfigError extends Error {
  /** `FILE: path.to.field: message`, one per problem, in a stable order. */
  readonly lines: readonly string[];
  constructor(lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
    this.lines = lines;
  }
}

/** Renders `a.b["odd key"].c[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][\w-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${oneLine(JSON.stringify(String(key)))}]`;
  }
  return out;
}

/** Where a path sits in the document: the index of each key among its siblings (missing keys sort last). */
function documentPosition(raw: unknown, path: readonly PropertyKey[]): number[] {
  const out: number[] = [];
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') {
      out.push(Number.MAX_SAFE_INTEGER);
      continue;
    }
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    const i = keys.findIndex((k) => String(k) === String(key));
    out.push(i < 0 ? Number.MAX_SAFE_INTEGER : i);
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return out;
}

/** Sorts problems into the order their fields appear in the document (stable for equal positions). */
export function sortByDocument(raw: unknown, problems: readonly ConfigProblem[]): ConfigProblem[] {
  const keyed = problems.map((p, i) => ({ p, i, pos: documentPosition(raw, p.path) }));
  keyed.sort((a, b) => {
    const n = Math.min(a.pos.length, b.pos.length);
    for (let k = 0; k < n; k++) {
      const diff = (a.pos[k] ?? 0) - (b.pos[k] ?? 0);
      if (diff !== 0) return diff;
    }
    return a.pos.length - b.pos.length || a.i - b.i;
  });
  return keyed.map((k) => k.p);
}

/** Turns problems into the error's lines: `FILE: path: message` (or `FILE: message` at the root). */
export function problemLines(file: string, problems: readonly ConfigProblem[]): string[] {
  // One problem is one line: a file name or a message quoting the config must not break it.
  const name = oneLine(file);
  return problems.map((p) => (p.path.length === 0 ? `${name}: ${oneLine(p.message)}` : `${name}: ${formatPath(p.path)}: ${oneLine(p.message)}`));
}

/** A JSON Schema node, as far as navigation needs it. */
interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
}

/** The object keys the schema allows at `path` (through records, lists and nullables). */
export function knownKeysAt(schema: object, path: readonly PropertyKey[]): string[] {
  let node: SchemaNode | undefined = schema as SchemaNode;
  for (const key of path) {
    node = objectBranch(node);
    if (node === undefined) return [];
    if (typeof key === 'number') node = node.items;
    else if (node.properties !== undefined && typeof key === 'string' && key in node.properties) node = node.properties[key];
    else node = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  }
  return Object.keys(objectBranch(node)?.properties ?? {});
}

function objectBranch(node: SchemaNode | undefined): SchemaNode | undefined {
  if (node?.anyOf === undefined) return node;
  return node.anyOf.find((n) => n.properties !== undefined || n.additionalProperties !== undefined || n.items !== undefined) ?? node;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** What a YAML/JSON value is, in the words of an error message. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  null: 'null',
};

/** Rewords zod's issues into problems; `raw` is the parsed file, `schema` the config's JSON Schema. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, schema: object): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) out.push({ path: [...path, key], message: `unknown key; ${suggestion(key, known)}` });
        break;
      }
      case 'invalid_type': {
        const actual = valueAt(raw, path);
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        const got = kindOf(actual);
        // A fraction where an integer belongs: "got a number" would not say what is wrong.
        const message =
          actual === undefined
            ? 'required'
            : typeof actual === 'number' && !Number.isFinite(actual)
              ? `expected a finite number, got ${String(actual)}`
              : issue.expected === 'int' && got === 'a number'
                ? 'expected an integer'
                : `expected ${expected}, got ${got}`;
        out.push({ path, message });
        break;
      }
      case 'invalid_value':
        out.push({ path, message: `expected one of: ${issue.values.map((v) => String(v)).join(', ')}` });
        break;
      case 'too_small':
        out.push({ path, message: tooSmall(issue) });
        break;
      case 'too_big':
        out.push({ path, message: issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}` });
        break;
      case 'not_multiple_of':
        out.push({ path, message: 'expected an integer' });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return 'must not be empty';
  return issue.inclusive === true ? `must be at least ${String(issue.minimum)}` : `must be greater than ${String(issue.minimum)}`;
}
