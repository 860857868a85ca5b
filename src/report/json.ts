/** The report as JSON for machines (docs/report.schema.json): sorted keys, two-space indent, a final newline. */
import type { Report } from './model.js';

/** Orders object keys, so the same report prints byte for byte the same. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** Renders the report as JSON. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(sortKeys(report), null, 2)}\n`;
}
