/** Panels about restic repository checks and sample-restore tests, per repository. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { formatDuration } from '../../util/duration.js';
import type { ResolvedConfig } from '../../config/model.js';
import { metrics } from '../../schema/catalog.js';
import { SEVERITY_COLOURS, keyColumns, statusMappings, statusSteps, steps, tablePanel, timeseriesPanel } from '../common.js';
import { lockQueries, verificationQueries } from '../queries.js';
import { scopeOf } from '../variables.js';

/** Legend of a per-repository series. */
export const REPOSITORY_LEGEND = '{{hostname}} {{repository}}';

/** The verification table: one row per (host, repository) with check and restore-test status and age. */
export function verificationTable(config: ResolvedConfig, height = 7): cog.Builder<Panel> {
  const scope = scopeOf(config);
  const q = verificationQueries(scope);
  // Failures raise high-severity alerts (orange), staleness medium ones (yellow).
  const ageSteps = (threshold: number): ReturnType<typeof steps> => steps(SEVERITY_COLOURS.ok, [threshold, SEVERITY_COLOURS.medium]);
  const high = SEVERITY_COLOURS.high;
  return tablePanel(
    {
      title: 'Repository verification and restore tests',
      description: `One row per repository: whether the last restic check and the last sample-restore test passed, and how long ago each last passed (yellow past ${formatDuration(config.verification.staleThresholdSeconds)} and ${formatDuration(config.verification.restoreTesting.staleThresholdSeconds)}, the stale thresholds of the config).`,
      width: 24,
      height,
    },
    keyColumns(scope, [
      { label: 'hostname', title: 'Host' },
      { label: 'repository', title: 'Repository' },
    ]),
    [
      { title: 'Check', expr: q.verificationStatus, unit: 'none', thresholds: statusSteps(high), mappings: statusMappings('PASSED', 'FAILED', high) },
      { title: 'Last passed check', expr: q.verificationAge, unit: 's', thresholds: ageSteps(config.verification.staleThresholdSeconds) },
      { title: 'Restore test', expr: q.restoreStatus, unit: 'none', thresholds: statusSteps(high), mappings: statusMappings('PASSED', 'FAILED', high) },
      { title: 'Last passed restore test', expr: q.restoreAge, unit: 's', thresholds: ageSteps(config.verification.restoreTesting.staleThresholdSeconds) },
      { title: 'Files failed', expr: q.restoreFilesFailed, unit: 'short', thresholds: steps(SEVERITY_COLOURS.ok, [1, high]) },
    ],
  );
}

/** The per-job restore-test table: one row per (host, job, repository) whose latest snapshot `ubm verify --config` sampled. */
export function jobRestoreTestTable(config: ResolvedConfig, height = 7): cog.Builder<Panel> {
  const scope = scopeOf(config);
  const q = verificationQueries(scope);
  const stale = config.verification.restoreTesting.staleThresholdSeconds;
  const high = SEVERITY_COLOURS.high;
  return tablePanel(
    {
      title: 'Restore tests per job',
      description:
        `One row per backup job whose latest snapshot a restore test sampled (\`ubm verify --config\`): whether the job's sample restored and matched in the last test that covered it, ` +
        `and how long ago it last did (yellow past ${formatDuration(stale)}, the restore-test stale threshold). A job missing here was never restore-tested on its own.`,
      width: 24,
      height,
    },
    keyColumns(scope, [
      { label: 'hostname', title: 'Host' },
      { label: 'backup_job', title: 'Job' },
      { label: 'repository', title: 'Repository' },
    ]),
    [
      { title: 'Restore test', expr: q.jobRestoreStatus, unit: 'none', thresholds: statusSteps(high), mappings: statusMappings('PASSED', 'FAILED', high) },
      { title: 'Last passed restore test', expr: q.jobRestoreAge, unit: 's', thresholds: steps(SEVERITY_COLOURS.ok, [stale, SEVERITY_COLOURS.medium]) },
    ],
  );
}

/** The lock table: one row per (host, repository) with the locks `ubm locks` found at its last check. */
export function locksTable(config: ResolvedConfig, height = 6): cog.Builder<Panel> {
  const scope = scopeOf(config);
  const q = lockQueries(scope);
  const { maxAgeSeconds, checkStaleSeconds } = config.locks;
  return tablePanel(
    {
      title: 'Repository locks',
      description:
        `One row per repository whose locks \`ubm locks\` checks: the locks it held at the last check, how many of them exclusive (those block backups too), the oldest one's age at that check ` +
        `(orange past ${formatDuration(maxAgeSeconds)}, where the stale-lock alert fires; 0 without locks), and how long ago the check ran (yellow past ${formatDuration(checkStaleSeconds)}).`,
      width: 24,
      height,
    },
    keyColumns(scope, [
      { label: 'hostname', title: 'Host' },
      { label: 'repository', title: 'Repository' },
    ]),
    [
      { title: 'Locks', expr: q.locks, unit: 'short' },
      { title: 'Exclusive', expr: q.exclusiveLocks, unit: 'short' },
      { title: 'Oldest lock age at check', expr: q.oldestLockAge, unit: 's', thresholds: steps(SEVERITY_COLOURS.ok, [maxAgeSeconds, SEVERITY_COLOURS.high]) },
      { title: 'Last check', expr: q.checkAge, unit: 's', thresholds: steps(SEVERITY_COLOURS.ok, [checkStaleSeconds, SEVERITY_COLOURS.medium]) },
    ],
  );
}

/** How long checks and restore tests take, over time. */
export function verificationHistory(config: ResolvedConfig): cog.Builder<Panel>[] {
  const scope = scopeOf(config);
  const q = verificationQueries(scope);
  return [
    timeseriesPanel(
      { title: 'Check duration', description: `Wall time of the last restic check of each repository (${metrics.resticVerificationDurationSeconds.name}).`, unit: 's', width: 12, height: 7 },
      [{ expr: q.verificationDuration, legend: scope.legend(REPOSITORY_LEGEND) }],
    ),
    timeseriesPanel(
      { title: 'Restore test duration', description: `Wall time of the last sample-restore test of each repository (${metrics.resticRestoreTestDurationSeconds.name}).`, unit: 's', width: 12, height: 7 },
      [{ expr: q.restoreDuration, legend: scope.legend(REPOSITORY_LEGEND) }],
    ),
  ];
}
