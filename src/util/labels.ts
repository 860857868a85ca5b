/**
 * What a label value (job, repository, stanza, hostname) may not be, for every command and the
 * library alike: text that is not UTF-8, and URL credentials (a label is never a secret).
 */

/** A lone UTF-16 surrogate: a string that no UTF-8 byte sequence produces. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `scheme://user:password@` anywhere in the value (restic's `rest:https://u:p@host/` included). */
const URL_CREDENTIALS = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@\s]*:[^/?#@\s]*@/;

/**
 * Why `value` cannot be a label value, or undefined when it can. The reasons never repeat the
 * value: it may hold a password.
 */
export function labelValueProblem(value: string): string | undefined {
  // Node decodes bytes that are not UTF-8 in argv as U+FFFD: two different names would share a file.
  if (value.includes('\ufffd')) return 'is not valid UTF-8 (it holds U+FFFD, which bytes that are not UTF-8 become)';
  if (LONE_SURROGATE.test(value)) return 'is not valid UTF-8 (it holds a lone surrogate)';
  if (URL_CREDENTIALS.test(value)) return "holds URL credentials (user:password@): give the repository's name, never its URL";
  return undefined;
}
