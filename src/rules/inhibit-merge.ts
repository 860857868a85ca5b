/**
 * Merging the generated inhibit rules into an existing `alertmanager.yml` as text, so that its
 * comments, order and the user's own inhibit rules stay as they were. The generated rules live in
 * one marked block inside `inhibit_rules:`; a later merge replaces that block and nothing else.
 * Pure: text in, text out; the result is parsed back and compared before anyone writes it.
 */
import { dump, load } from 'js-yaml';

/** First line of the block (after its indentation). */
export const MERGE_BEGIN = '# >>> ubm inhibit rules: written by `ubm merge-inhibit`, replaced on every run; keep your own rules outside this block';
/** Last line of the block. */
export const MERGE_END = '# <<< ubm inhibit rules';

const BEGIN_RE = /^([ \t]*)# >>> ubm inhibit rules\b/;
const END_RE = /^[ \t]*# <<< ubm inhibit rules\b/;

/** What a merge did. */
export interface MergeResult {
  /** The new file text (equal to the input when nothing changed). */
  readonly text: string;
  /** The user's own inhibit rules, kept. */
  readonly kept: number;
  /** Whether an earlier ubm block was replaced. */
  readonly replaced: boolean;
}

/** A YAML document's top-level mapping; throws naming the problem when it is not one. */
function topMapping(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = load(text);
  } catch (err) {
    throw new Error(`${what} is not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''}`);
  }
  if (doc === undefined || doc === null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what} is not a YAML mapping`);
  return doc as Record<string, unknown>;
}

/** The inhibit rules of a parsed config (none when the key is absent or empty). */
function rulesOf(doc: Record<string, unknown>, what: string): unknown[] {
  const rules = doc.inhibit_rules;
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) throw new Error(`${what}: inhibit_rules is not a list`);
  return rules;
}

/** Reads the generated inhibit rules file (`ubm generate`'s `rules/alertmanager-inhibit-rules.yml`). */
export function parseInhibitRulesFile(text: string, what: string): unknown[] {
  const doc = topMapping(text, what);
  if (!Array.isArray(doc.inhibit_rules)) throw new Error(`${what} has no inhibit_rules list (is it ubm generate's alertmanager-inhibit-rules.yml?)`);
  return doc.inhibit_rules;
}

/** The lines of the marked block at an indentation. */
function block(rules: readonly unknown[], indent: string): string[] {
  const body = rules.length === 0 ? [] : dump(rules, { lineWidth: -1, noRefs: true }).trimEnd().split('\n');
  return [MERGE_BEGIN, ...body, MERGE_END].map((line) => indent + line);
}

/** Where the block goes in a file that has none: after `inhibit_rules:`, or a new key at the end. */
function insertBlock(lines: string[], rules: readonly unknown[], what: string): string[] {
  const key = lines.findIndex((l) => /^inhibit_rules[ \t]*:/.test(l));
  if (key === -1) {
    const body = [...lines];
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    return [...body, '', 'inhibit_rules:', ...block(rules, '  '), ''];
  }
  const rest = (lines[key] ?? '').replace(/^inhibit_rules[ \t]*:/, '').trim();
  if (rest !== '' && !rest.startsWith('#') && !/^\[\s*\](\s+#.*)?$/.test(rest)) {
    throw new Error(`${what}: inhibit_rules is written inline (${rest.slice(0, 20)}...): write it as a block list ("- ..." lines), then run again`);
  }
  // Match the indentation of the existing items (Debian's file writes them at column 0).
  const next = lines.slice(key + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const indent = next !== undefined && /^[ \t]*- /.test(next) ? (/^[ \t]*/.exec(next)?.[0] ?? '') : '  ';
  return [...lines.slice(0, key), 'inhibit_rules:', ...block(rules, indent), ...lines.slice(key + 1)];
}

/**
 * Puts `rules` into `alertmanagerYaml`'s inhibit_rules: replaces an earlier ubm block where it is,
 * else adds the block after the `inhibit_rules:` key, else adds the key at the end. Throws a one-line
 * Error when the file cannot be merged safely.
 */
export function mergeInhibitRules(alertmanagerYaml: string, rules: readonly unknown[], what = 'alertmanager.yml'): MergeResult {
  const original = topMapping(alertmanagerYaml, what);
  const lines = alertmanagerYaml.split('\n');
  const begin = lines.findIndex((l) => BEGIN_RE.test(l));
  let merged: string[];
  let withoutBlock: string[];
  if (begin !== -1) {
    const end = lines.findIndex((l, i) => i > begin && END_RE.test(l));
    if (end === -1) throw new Error(`${what}: the ubm inhibit rules block has no end line ('${MERGE_END}'): restore it or remove the block, then run again`);
    if (lines.slice(end + 1).some((l) => BEGIN_RE.test(l))) throw new Error(`${what}: more than one ubm inhibit rules block: keep one, then run again`);
    const indent = BEGIN_RE.exec(lines[begin] ?? '')?.[1] ?? '';
    withoutBlock = [...lines.slice(0, begin), ...lines.slice(end + 1)];
    merged = [...lines.slice(0, begin), ...block(rules, indent), ...lines.slice(end + 1)];
  } else {
    withoutBlock = lines;
    merged = insertBlock(lines, rules, what);
  }
  const own = rulesOf(topMapping(withoutBlock.join('\n'), what), what);
  const text = merged.join('\n');

  // Prove the merge: the same config, with the user's rules and then ours as its inhibit rules.
  const result = topMapping(text, `the merged ${what}`);
  const expected = { ...original, inhibit_rules: [...own, ...rules] };
  const sameKeys = Object.keys(expected).every((k) => Object.hasOwn(result, k)) && Object.keys(result).every((k) => Object.hasOwn(expected, k));
  const sameRules = JSON.stringify(sortedRules(rulesOf(result, what))) === JSON.stringify(sortedRules(expected.inhibit_rules));
  const sameRest = Object.keys(original).every((k) => k === 'inhibit_rules' || JSON.stringify(original[k]) === JSON.stringify(result[k]));
  if (!sameKeys || !sameRules || !sameRest) throw new Error(`${what}: could not merge the inhibit rules without changing something else; merge them by hand`);
  return { text, kept: own.length, replaced: begin !== -1 };
}

/** Rules in a stable order, for comparing sets (the block's place among the user's rules may vary). */
function sortedRules(rules: readonly unknown[]): string[] {
  return rules.map((r) => JSON.stringify(r)).sort();
}
