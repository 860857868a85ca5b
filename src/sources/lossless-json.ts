/**
 * JSON parsing that never rounds integers: Node 20's JSON.parse has no access to a number's
 * source text, and pgBackRest prints 64-bit integers (`system-id`) that a double cannot hold.
 */

/**
 * Parses JSON like JSON.parse, except that integer literals outside Number's safe range come back
 * as their exact decimal strings instead of silently rounded numbers. Throws SyntaxError as JSON.parse does.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/** A JSON number literal, matched where it starts (sticky). */
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

/** Rewrites the JSON text so that every unsafe integer literal outside strings becomes a string literal. */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      const literal = m?.[0] ?? c;
      const isInteger = m !== null && m[1] === undefined && m[2] === undefined;
      if (isInteger && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(copied, i)}"${literal}"`;
        copied = i + literal.length;
      }
      i += literal.length;
      continue;
    }
    i++;
  }
  return out + text.slice(copied);
}

/** Returns the index just after the string literal that opens at `start` (or the end of the text if unterminated). */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
  }
  return text.length;
}
