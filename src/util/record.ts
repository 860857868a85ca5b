/** Reading untyped data (a parsed config before validation) one level at a time. */

/** The value when it is a plain object (not null, not an array), else undefined. */
export function asRecord(v: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
