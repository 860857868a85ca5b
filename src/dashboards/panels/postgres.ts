/** Panels about PostgreSQL: pgBackRest repositories, the offsite copy and backup verification, per stanza. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { formatDuration } from '../../util/duration.js';
import type { ResolvedConfig } from '../../config/model.js';
import { SEVERITY_COLOURS, STATUS_STEPS, codeMappings, keyColumns, statusSteps, statPanel, statusMappings, steps, tablePanel } from '../common.js';
import { type JobKnobs, postgresQueries } from '../queries.js';
import { scopeOf } from '../variables.js';
import { AGE_RATIO_STEPS } from './jobs.js';

/** Legend of a per-stanza series. */
const STANZA_LEGEND = '{{hostname}} {{stanza}}';
/** Legend of a per-stanza-and-repository series. */
const STANZA_REPOSITORY_LEGEND = '{{hostname}} {{stanza}} {{repository}}';

/** Status and age of the offsite copy and of the backup verification, one stat per stanza. */
export function postgresStats(config: ResolvedConfig, knobs: JobKnobs): cog.Builder<Panel>[] {
  const scope = scopeOf(config);
  const q = postgresQueries(config, scope);
  const stanzaLegend = scope.legend(STANZA_LEGEND);
  const stanzaRepositoryLegend = scope.legend(STANZA_REPOSITORY_LEGEND);
  const ageSteps = (threshold: number, colour: string): ReturnType<typeof steps> => steps(SEVERITY_COLOURS.ok, [threshold, colour]);
  const high = SEVERITY_COLOURS.high;
  // Any backup counts for the incr schedule: its threshold is where PgbackrestBackupStale fires for this age.
  const incr = config.postgres.backupStaleThresholds.incr;
  const anyBackup =
    incr === undefined
      ? { seconds: knobs.dailyStaleSeconds, says: `the daily stale threshold (${formatDuration(knobs.dailyStaleSeconds)}; no incr schedule is set, so no alert watches this age alone)` }
      : { seconds: incr, says: `${formatDuration(incr)}, where PgbackrestBackupStale fires for the incr schedule` };
  return [
    statPanel(
      {
        title: 'pgBackRest backup age',
        description: `Time since the newest backup (of any type) completed, per stanza and pgBackRest repository; orange past ${anyBackup.says}.`,
        unit: 's',
        width: 8,
        height: 6,
        thresholds: ageSteps(anyBackup.seconds, high),
      },
      [{ expr: q.backupAge, legend: stanzaRepositoryLegend }],
    ),
    statPanel(
      { title: 'Offsite copy', description: 'Whether the offsite copy of the pgBackRest backups is present, recent and good, per stanza (PostgresOffsiteBackupFailed fires when not).', unit: 'none', width: 4, height: 6, thresholds: statusSteps(high), mappings: statusMappings('OK', 'FAILED', high) },
      [{ expr: q.offsiteStatus, legend: stanzaRepositoryLegend }],
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
      [{ expr: q.offsiteAge, legend: stanzaRepositoryLegend }],
    ),
    statPanel(
      { title: 'Backup verification', description: 'Whether the last PostgreSQL backup verification passed, per stanza (PostgresBackupVerificationFailed fires when not).', unit: 'none', width: 4, height: 6, thresholds: statusSteps(high), mappings: statusMappings('PASSED', 'FAILED', high) },
      [{ expr: q.verificationStatus, legend: stanzaLegend }],
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
      [{ expr: q.verificationAge, legend: stanzaLegend }],
    ),
  ];
}

/** The pgBackRest repository table and the stanza status. */
export function pgbackrestPanels(config: ResolvedConfig): cog.Builder<Panel>[] {
  const scope = scopeOf(config);
  const q = postgresQueries(config, scope);
  const { high, critical } = SEVERITY_COLOURS;
  const stuck = config.postgres.walArchiveStuckSeconds;
  return [
    tablePanel(
      {
        title: 'pgBackRest repositories',
        description:
          'One row per stanza and pgBackRest repository: its status code (orange where PgbackrestStanzaError fires), backups held, size of the newest full backup, ' +
          'the age of its newest backup over what the schedule allows (the worst of the scheduled types; orange from 100 %, where PgbackrestBackupStale fires), ' +
          `whether a WAL archive is present, and how long its newest archived WAL segment has stayed the same as of the last read (red past ${formatDuration(stuck)}, where PgbackrestWalArchivingStuck fires).`,
        width: 18,
        height: 6,
      },
      keyColumns(scope, [
        { label: 'hostname', title: 'Host' },
        { label: 'stanza', title: 'Stanza' },
        { label: 'repository', title: 'Repository' },
      ]),
      [
        { title: 'Status', expr: q.repoStatus, unit: 'none', thresholds: steps(SEVERITY_COLOURS.ok, [1, high]), mappings: codeMappings(high) },
        { title: 'Backups', expr: q.repoBackups, unit: 'short', thresholds: steps(SEVERITY_COLOURS.critical, [1, SEVERITY_COLOURS.ok]) },
        { title: 'Newest full backup', expr: q.backupSize, unit: 'bytes' },
        { title: 'Backup age / schedule', expr: q.backupAgeRatio, unit: 'percentunit', thresholds: AGE_RATIO_STEPS },
        { title: 'WAL archive', expr: q.walArchivePresent, unit: 'none', thresholds: STATUS_STEPS, mappings: statusMappings('PRESENT', 'MISSING') },
        { title: 'WAL unchanged for', expr: q.walUnchanged, unit: 's', thresholds: steps(SEVERITY_COLOURS.ok, [stuck, critical]) },
      ],
    ),
    statPanel(
      {
        title: 'Stanza status',
        description: "pgBackRest's status code of each stanza: 0 is OK, anything else an error (1 missing stanza path, 2 no valid backups, ...); orange where PgbackrestStanzaError fires.",
        unit: 'none',
        width: 6,
        height: 6,
        thresholds: steps(SEVERITY_COLOURS.ok, [1, high]),
        mappings: codeMappings(high),
      },
      [{ expr: q.stanzaStatus, legend: scope.legend(STANZA_LEGEND) }],
    ),
  ];
}
