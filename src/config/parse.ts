/** Config text -> plain data: JSON for `.json` files, YAML (a superset) for everything else. */
import { load } from 'js-yaml';
import { ConfigError, problemLines } from './errors.js';
import { duplicateJsonKeys } from './json-keys.js';

/** Parses the text of a config file; a syntax error becomes a one-line ConfigError. */
export function parseConfigText(text: string, file: string): unknown {
  if (text.trim() === '') throw new ConfigError(problemLines(file, [{ path: [], message: 'the file is empty' }]));
  if (file.toLowerCase().endsWith('.json')) {
    let data: unknown;
    try {
      data = JSON.parse(text) as unknown;
    } catch (err) {
      throw new ConfigError(problemLines(file, [{ path: [], message: jsonMessage(text, err instanceof Error ? err.message : String(err)) }]));
    }
    // As YAML does: a repeated key is an error, never a block silently dropped.
    const duplicates = duplicateJsonKeys(text);
    if (duplicates.length > 0) throw new ConfigError(problemLines(file, duplicates));
    return data;
  }
  try {
    return load(text);
  } catch (err) {
    throw new ConfigError(problemLines(file, [{ path: [], message: yamlMessage(err) }]));
  }
}

/** js-yaml's messages carry a code snippet over several lines; keep the reason and the position. */
function yamlMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'reason' in err) {
    const reason = String((err as { reason: unknown }).reason);
    const mark = (err as { mark?: { line?: unknown; column?: unknown } }).mark;
    if (typeof mark?.line === 'number' && typeof mark.column === 'number') {
      return `line ${mark.line + 1}, column ${mark.column + 1}: invalid YAML: ${reason}`;
    }
    return `invalid YAML: ${reason}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `invalid YAML: ${message.split('\n')[0] ?? message}`;
}

/** JSON.parse reports a character offset; say line and column like the YAML errors do. */
function jsonMessage(text: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  const at = /at position (\d+)/.exec(first);
  const reason = first.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
  if (at === null) return `invalid JSON: ${reason}`;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: invalid JSON: ${reason}`;
}
