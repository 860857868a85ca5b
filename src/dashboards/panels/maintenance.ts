/** Panels about repository maintenance after the backups (forget, prune, check), per repository and operation. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedConfig } from '../../config/model.js';
import { formatDuration } from '../../util/duration.js';
import { SEVERITY_COLOURS, keyColumns, statusMappings, statusSteps, steps, tablePanel } from '../common.js';
import { maintenanceQueries } from '../queries.js';
import { scopeOf } from '../variables.js';

/** The maintenance table: one row per (host, repository, operation) with status, exit code, last success and, for prunes, the age against the threshold. */
export function maintenanceTable(config: ResolvedConfig, height = 6): cog.Builder<Panel> {
  const scope = scopeOf(config);
  const q = maintenanceQueries(config, scope);
  const high = SEVERITY_COLOURS.high;
  return tablePanel(
    {
      title: 'Repository maintenance',
      description:
        'One row per repository and maintenance operation that `ubm run --operation` or `ubm emit maintenance` records (forget, prune, check): whether the last run succeeded (orange when not, as ResticMaintenanceFailed), its exit code, how long ago it last succeeded and took, ' +
        `and for prunes that age as a share of the repository's prune stale threshold (yellow from 100 %, where ResticMaintenanceStale fires; the threshold the prune recorded from its pruneSchedule, else ${formatDuration(config.maintenance.fallbackStaleThresholdSeconds)}).`,
      width: 24,
      height,
    },
    keyColumns(scope, [
      { label: 'hostname', title: 'Host' },
      { label: 'repository', title: 'Repository' },
      { label: 'operation', title: 'Operation' },
    ]),
    [
      { title: 'Last run', expr: q.status, unit: 'none', thresholds: statusSteps(high), mappings: statusMappings('OK', 'FAILED', high) },
      { title: 'Exit code', expr: q.exitCode, unit: 'none' },
      { title: 'Last success', expr: q.lastSuccessAge, unit: 's' },
      { title: 'Of prune threshold', expr: q.pruneAgeRatio, unit: 'percentunit', thresholds: steps(SEVERITY_COLOURS.ok, [1, SEVERITY_COLOURS.medium]) },
      { title: 'Duration', expr: q.duration, unit: 's' },
    ],
  );
}
