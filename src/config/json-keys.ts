/**
 * Duplicate keys in JSON text. JSON.parse keeps the last of two equal keys and drops the first
 * without a word (a whole `repositories` block can vanish); YAML refuses them, and so do we.
 */
import type { ConfigProblem } from './errors.js';

/** An open object or array while scanning, with the path that leads to it. */
type Frame =
  | { readonly kind: 'object'; readonly path: readonly PropertyKey[]; readonly keys: Set<string>; key: string | undefined; awaitingKey: boolean }
  | { readonly kind: 'array'; readonly path: readonly PropertyKey[]; index: number };

/** Line and column (1-based) of an offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** The index after the string literal that opens at `start`. */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Where a value inside the innermost open container sits. */
function childPath(top: Frame | undefined): PropertyKey[] {
  if (top === undefined) return [];
  if (top.kind === 'array') return [...top.path, top.index];
  return [...top.path, top.key ?? ''];
}

/**
 * Every key that appears twice in the same object of `text`, which must be valid JSON (JSON.parse
 * has accepted it): one problem per repeated key, at its path, naming where the repeat is.
 */
export function duplicateJsonKeys(text: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = skipString(text, i);
      if (top?.kind === 'object' && top.awaitingKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) {
          problems.push({ path: [...top.path, key], message: `duplicate key at ${position(text, i)} (JSON would keep only the last value and drop the first without a word)` });
        }
        top.keys.add(key);
        top.key = key;
        top.awaitingKey = false;
      }
      i = end;
      continue;
    }
    if (c === '{') stack.push({ kind: 'object', path: childPath(top), keys: new Set(), key: undefined, awaitingKey: true });
    else if (c === '[') stack.push({ kind: 'array', path: childPath(top), index: 0 });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top !== undefined) {
      if (top.kind === 'array') top.index++;
      else top.awaitingKey = true;
    }
    i++;
  }
  return problems;
}
