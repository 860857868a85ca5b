/** Deterministic JSON of a dashboard model: keys sorted at every level, two-space indent, trailing newline. */
import type { Json } from './json.js';

/** Copies a value into plain JSON with sorted keys, dropping undefined values and functions (as JSON.stringify would). */
export function canonical(value: unknown): Json | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`dashboard holds a non-finite number (${value}), which JSON cannot carry`);
      return value;
    case 'object': {
      if (Array.isArray(value)) return value.map((v) => canonical(v) ?? null);
      const out: { [key: string]: Json } = {};
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record).sort()) {
        const v = canonical(record[key]);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Renders a dashboard model as the file content Grafana's file provisioning reads. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(canonical(value) ?? null, null, 2)}\n`;
}
