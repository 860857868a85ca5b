/** Panels about the monitoring itself: the self-check, the textfile collector, scraping, silent jobs. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { formatDuration } from '../../util/duration.js';
import type { ResolvedConfig } from '../../config/model.js';
import { metrics } from '../../schema/catalog.js';
import { type ValueColumn, SEVERITY_COLOURS, cellValue, drillDownUrl, keyColumns, scopeParams, statPanel, statusMappings, statusSteps, steps, tablePanel, timeseriesPanel } from '../common.js';
import { healthQueries } from '../queries.js';
import { VARIABLES, scopeOf } from '../variables.js';

const HOST_LEGEND = '{{hostname}}';
/** Monitoring problems raise BackupMonitoringUnhealthy (high): orange from the first problem. */
const PROBLEM_STEPS = steps(SEVERITY_COLOURS.ok, [1, SEVERITY_COLOURS.high]);

function healthColumns(config: ResolvedConfig): ValueColumn[] {
  const q = healthQueries(scopeOf(config));
  const high = SEVERITY_COLOURS.high;
  return [
    { title: 'Self-check', expr: q.healthy, unit: 'none', thresholds: statusSteps(high), mappings: statusMappings('HEALTHY', 'UNHEALTHY', high) },
    { title: 'Last self-check', expr: q.lastCheckAge, unit: 's', thresholds: steps(SEVERITY_COLOURS.ok, [config.alerting.healthStaleSeconds, SEVERITY_COLOURS.high]) },
    { title: 'Invalid textfiles', expr: q.invalidTextfiles, unit: 'short', thresholds: PROBLEM_STEPS },
    { title: 'Textfile scrape errors', expr: q.scrapeErrors, unit: 'short', thresholds: PROBLEM_STEPS },
    { title: 'Scraped', expr: q.scraped, unit: 'none', thresholds: statusSteps(high), mappings: statusMappings('UP', 'DOWN', high) },
    { title: 'Silent jobs', expr: q.silentJobs, unit: 'short', thresholds: PROBLEM_STEPS },
    { title: 'Silent checks', expr: q.silentChecks, unit: 'short', thresholds: PROBLEM_STEPS },
  ];
}

/** What each health column means, for the panels' descriptions. */
function healthDescription(config: ResolvedConfig): string {
  return `Per host: whether the last self-check passed, how long ago it ran (orange past ${formatDuration(config.alerting.healthStaleSeconds)}), .prom files that failed to parse, node_exporter's textfile scrape error, whether Prometheus scrapes the host's node_exporter, configured jobs that never reported, and configured checks (verification, restore tests, prune, pgBackRest, PostgreSQL verification and offsite copy) that never reported within their thresholds (the NeverReported alerts).`;
}

/** The health table of the overview: one row per host, linked to the host dashboard. */
export function healthTable(config: ResolvedConfig, hostUid: string): cog.Builder<Panel> {
  const scope = scopeOf(config);
  const url = drillDownUrl(hostUid, { ...scopeParams(scope), [VARIABLES.hostname]: cellValue('hostname') });
  const keys = keyColumns(scope, [{ label: 'hostname', title: 'Host', links: [{ title: 'Host details', url }] }]);
  return tablePanel({ title: 'Monitoring health', description: healthDescription(config), width: 24, height: 6 }, keys, healthColumns(config));
}

/** The same figures as stats, one panel each, for the host dashboard. */
export function healthStats(config: ResolvedConfig): cog.Builder<Panel>[] {
  const columns = healthColumns(config);
  // One row of stats filling the 24-column grid: the first ones a column wider when it does not divide evenly.
  const base = Math.floor(24 / columns.length);
  const wider = 24 % columns.length;
  return columns.map((c, i) =>
    statPanel(
      { title: c.title, description: healthDescription(config), unit: c.unit, width: base + (i < wider ? 1 : 0), height: 5, thresholds: c.thresholds, mappings: c.mappings },
      [{ expr: c.expr, legend: scopeOf(config).legend(HOST_LEGEND) }],
    ),
  );
}

/** The self-check over time. */
export function healthHistory(config: ResolvedConfig): cog.Builder<Panel> {
  const scope = scopeOf(config);
  return timeseriesPanel(
    { title: 'Self-check history', description: `The self-check result (${metrics.backupMonitoringHealthy.name}) over time: 1 healthy, 0 unhealthy.`, unit: 'none', width: 24, height: 6, thresholds: statusSteps(SEVERITY_COLOURS.high), mappings: statusMappings('HEALTHY', 'UNHEALTHY', SEVERITY_COLOURS.high) },
    [{ expr: healthQueries(scope).healthyHistory, legend: scope.legend(HOST_LEGEND) }],
  );
}
