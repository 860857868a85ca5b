/** The per-host drill-down: the monitoring's health on the host and everything backed up there. */
import type { ResolvedConfig } from '../config/model.js';
import type { DashboardSpec, RowSpec } from './dashboard.js';
import { DASHBOARD_NAMES, DRILL_DOWN_UIDS } from './dashboard.js';
import { healthHistory, healthStats } from './panels/health.js';
import { jobCounters, jobTable } from './panels/jobs.js';
import { maintenanceTable } from './panels/maintenance.js';
import { pgbackrestPanels, postgresStats } from './panels/postgres.js';
import { locksTable, verificationTable } from './panels/verification.js';
import { jobKnobs } from './queries.js';
import { scopeOf } from './variables.js';

/** The host dashboard: pick a host with the variable, or arrive from the overview. */
export function hostDashboard(config: ResolvedConfig): DashboardSpec {
  const knobs = jobKnobs(config);
  const links = DRILL_DOWN_UIDS;
  const scope = scopeOf(config);
  const rows: RowSpec[] = [
    { title: 'Monitoring health', panels: [...healthStats(config), healthHistory(config)] },
    { title: 'Restic backup jobs', panels: [...jobCounters(knobs, scope), jobTable(knobs, scope, links, 8)] },
  ];
  if (config.verification.enabled) rows.push({ title: 'Verification and restore tests', panels: [verificationTable(config), locksTable(config)] });
  if (config.repositories.length > 0) rows.push({ title: 'Repository maintenance', panels: [maintenanceTable(config)] });
  if (config.postgres.enabled) rows.push({ title: 'PostgreSQL and pgBackRest', panels: [...postgresStats(config, knobs), ...pgbackrestPanels(config)] });
  return {
    name: DASHBOARD_NAMES.host,
    title: 'Backups: host',
    description: "One host: the backup monitoring's own health there, its backup jobs, repository checks, maintenance (prune) and restore tests, and PostgreSQL backups.",
    tags: ['backup', 'host'],
    rows,
  };
}
