/** Renders the catalog as the README's metrics table, so the docs never drift from the code. */
import { type MetricDef, allMetrics } from './catalog.js';

function semantics(m: MetricDef): string {
  const notes: string[] = [];
  if (m.fixed === true) notes.push('fixed name');
  if (m.carryForward === true) notes.push('carried forward');
  return notes.join(', ');
}

/** The markdown table of every metric: name, type, unit, labels, group, notes, help. */
export function renderMetricsTable(metrics: readonly MetricDef[] = allMetrics): string {
  const rows = metrics.map(
    (m) => `| \`${m.name}\` | ${m.kind} | ${m.unit} | ${m.labels.join(', ')} | ${m.group} | ${semantics(m)} | ${m.help} |`,
  );
  return ['| metric | type | unit | labels | file group | notes | meaning |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
