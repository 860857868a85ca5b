/** The overview dashboard: a row per concern, linking to the job and host dashboards. */
import type { ResolvedConfig } from '../config/model.js';
import type { DashboardSpec, RowSpec } from './dashboard.js';
import { DASHBOARD_NAMES, DRILL_DOWN_UIDS } from './dashboard.js';
import { healthTable } from './panels/health.js';
import { jobCounters, jobHistory, jobTable } from './panels/jobs.js';
import { maintenanceTable } from './panels/maintenance.js';
import { pgbackrestPanels, postgresStats } from './panels/postgres.js';
import { jobRestoreTestTable, locksTable, verificationHistory, verificationTable } from './panels/verification.js';
import { jobKnobs } from './queries.js';
import { scopeOf } from './variables.js';

/** The overview: restic jobs, PostgreSQL/pgBackRest, verification and restore tests, monitoring health. */
export function overviewDashboard(config: ResolvedConfig): DashboardSpec {
  const knobs = jobKnobs(config);
  const links = DRILL_DOWN_UIDS;
  const scope = scopeOf(config);
  const rows: RowSpec[] = [{ title: 'Restic backup jobs', panels: [...jobCounters(knobs, scope), jobTable(knobs, scope, links), ...jobHistory(knobs, scope)] }];
  if (config.postgres.enabled) rows.push({ title: 'PostgreSQL and pgBackRest', panels: [...postgresStats(config, knobs), ...pgbackrestPanels(config)] });
  if (config.verification.enabled) rows.push({ title: 'Verification and restore tests', panels: [verificationTable(config), jobRestoreTestTable(config), locksTable(config), ...verificationHistory(config)] });
  if (config.repositories.length > 0) rows.push({ title: 'Repository maintenance', panels: [maintenanceTable(config)] });
  rows.push({ title: 'Monitoring health', panels: [healthTable(config, links.hostUid)] });
  return {
    name: DASHBOARD_NAMES.overview,
    title: 'Backups: overview',
    description: 'Status of every restic backup job, PostgreSQL backup (pgBackRest), repository verification, maintenance (prune) and restore test, and of the backup monitoring itself.',
    tags: ['backup', 'overview'],
    rows,
  };
}
