/** Renders the alerts as the README's table, so the docs never drift from the generator. */
import type { ResolvedConfig } from '../config/model.js';
import { alertDefs } from './alerts.js';

/** The markdown table of every alert: name, severity, `for:`, summary and a link to its runbook. */
export function renderAlertsTable(config: ResolvedConfig): string {
  const rows = alertDefs(config).map(
    (a) => `| [\`${a.name}\`](docs/runbooks.md#${a.name.toLowerCase()}) | ${a.severity} | ${a.for} | ${a.labels.join(', ')} | ${a.summary} |`,
  );
  return ['| alert | severity | for | labels | fires when |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
