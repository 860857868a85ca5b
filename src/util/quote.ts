/**
 * Values inside error messages: one error is one line, whatever the user typed. Every value an
 * error quotes goes through `quote`; text that is not quoted (a path in a sentence) through `oneLine`.
 */

/** Longest part of a value an error shows; the rest is summarised (a megabyte flag must not flood a journal). */
const MAX_SHOWN = 200;

/**
 * Characters that would break a line or fool a reader: C0 and C1 controls, DEL, the Unicode line
 * and paragraph separators, bidirectional overrides and isolates, and lone surrogates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The escape of one unsafe character: `\n`, `\r`, `\t`, `\xHH` below U+0100, else `\u{HHHH}`. */
function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * A value as an error message quotes it: in single quotes, with backslashes, quotes and every
 * unsafe character escaped (`'a\nb'`), cut after 200 characters. Always one line.
 */
export function quote(value: string): string {
  const head = value.length > MAX_SHOWN ? value.slice(0, MAX_SHOWN) : value;
  const escaped = head.replace(/[\\']/g, (c) => `\\${c}`).replace(UNSAFE, escapeChar);
  return value.length > MAX_SHOWN ? `'${escaped}'... (${value.length - MAX_SHOWN} more characters)` : `'${escaped}'`;
}

/**
 * Text made safe for one line without quoting it (a path inside a sentence, a whole message as a
 * last line of defence): unsafe characters are escaped, everything else is left as it is.
 */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}
