/** Panels about PostgreSQL: pgBackRest repositories, the offsite copy and backup verification, per stanza. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { formatDuration } from '../../util/duration.js';
import type { ResolvedConfig } from '../../config/model.js';
import { SEVERITY_COLOURS, STATUS_STEPS, codeMappings, statusSteps, statPanel, statusMappings, steps, tablePanel } from '../common.js';
import { type JobKnobs, postgresQueries } from '../queries.js';

/** Legend of a per-stanza series. */
const STANZA_LEGEND = '{{hostname}} {{stanza}}';
/** Legend of a per-stanza-and-repository series. */
const STANZA_REPOSITORY_LEGEND = '{{hostname}} {{stanza}} {{repository}}';

/** Status and age of the offsite copy and of the backup verification, one stat per stanza. */
export function postgresStats(config: ResolvedConfig, knobs: JobKnobs): cog.Builder<Panel>[] {
  const q = postgresQueries();
  const ageSteps = (threshold: number, colour: string): ReturnType<typeof steps> => steps(SEVERITY_COLOURS.ok, [threshold, colour]);
  const high = SEVERITY_COLOURS.high;
  return [
    statPanel(
      {
        title: 'pgBackRest backup age',
        description: `Time since the newest backup (of any type) completed, per stanza and pgBackRest repository; orange past the daily stale threshold (${formatDuration(knobs.dailyStaleSeconds)}).`,
        unit: 's',
        width: 8,
        height: 6,
        thresholds: ageSteps(knobs.dailyStaleSeconds, high),
      },
      [{ expr: q.backupAge, legend: STANZA_REPOSITORY_LEGEND }],
    ),
    statPanel(
      { title: 'Offsite copy', description: 'Whether the offsite copy of the pgBackRest backups is present, recent and good, per stanza (PostgresOffsiteBackupFailed fires when not).', unit: 'none', width: 4, height: 6, thresholds: statusSteps(high), mappings: statusMappings('OK', 'FAILED', high) },
      [{ expr: q.offsiteStatus, legend: STANZA_REPOSITORY_LEGEND }],
    ),
    statPanel(
      {
        title: 'Offsite copy age',
        description: `Time since the offsite copy was last found good; orange past ${formatDuration(config.postgres.offsiteMaxAgeSeconds)}, where PostgresOffsiteBackupStale fires.`,
        unit: 's',
        width: 4,
        height: 6,
        thresholds: ageSteps(config.postgres.offsiteMaxAgeSeconds, high),
      },
      [{ expr: q.offsiteAge, legend: STANZA_REPOSITORY_LEGEND }],
    ),
    statPanel(
      { title: 'Backup verification', description: 'Whether the last PostgreSQL backup verification passed, per stanza (PostgresBackupVerificationFailed fires when not).', unit: 'none', width: 4, height: 6, thresholds: statusSteps(high), mappings: statusMappings('PASSED', 'FAILED', high) },
      [{ expr: q.verificationStatus, legend: STANZA_LEGEND }],
    ),
    statPanel(
      {
        title: 'Verification age',
        description: `Time since the last PostgreSQL backup verification passed; yellow past ${formatDuration(config.postgres.verification.staleThresholdSeconds)}, where PostgresBackupVerificationStale fires.`,
        unit: 's',
        width: 4,
        height: 6,
        thresholds: ageSteps(config.postgres.verification.staleThresholdSeconds, SEVERITY_COLOURS.medium),
      },
      [{ expr: q.verificationAge, legend: STANZA_LEGEND }],
    ),
  ];
}

/** The pgBackRest repository table and the stanza status. */
export function pgbackrestPanels(): cog.Builder<Panel>[] {
  const q = postgresQueries();
  return [
    tablePanel(
      { title: 'pgBackRest repositories', description: 'One row per stanza and pgBackRest repository: backups held, size of the newest full backup, whether a WAL archive is present.', width: 18, height: 6 },
      [
        { label: 'hostname', title: 'Host' },
        { label: 'stanza', title: 'Stanza' },
        { label: 'repository', title: 'Repository' },
      ],
      [
        { title: 'Backups', expr: q.repoBackups, unit: 'short', thresholds: steps(SEVERITY_COLOURS.critical, [1, SEVERITY_COLOURS.ok]) },
        { title: 'Newest full backup', expr: q.backupSize, unit: 'bytes' },
        { title: 'WAL archive', expr: q.walArchivePresent, unit: 'none', thresholds: STATUS_STEPS, mappings: statusMappings('PRESENT', 'MISSING') },
      ],
    ),
    statPanel(
      { title: 'Stanza status', description: "pgBackRest's status code of each stanza: 0 is OK, anything else an error (1 missing stanza path, 2 no valid backups, ...).", unit: 'none', width: 6, height: 6, thresholds: steps(SEVERITY_COLOURS.ok, [1, SEVERITY_COLOURS.critical]), mappings: codeMappings() },
      [{ expr: q.stanzaStatus, legend: STANZA_LEGEND }],
    ),
  ];
}
