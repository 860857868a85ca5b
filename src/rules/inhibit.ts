/**
 * Alertmanager inhibit rules: a broken monitoring path mutes the alerts it makes unreliable, and a
 * failure mutes the staleness it causes (one page per problem, not two).
 */
import type { AlertName } from './alerts.js';
import { REPOSITORY_OPERATION_LABELS } from '../promql/maintenance.js';
import { identify } from '../promql/identity.js';
import { JOB_LABELS, REPOSITORY_LABELS, STANZA_LABELS, STANZA_REPOSITORY_LABELS } from '../promql/selector.js';

/** One inhibit rule in Alertmanager's format (0.22+ matchers). */
export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

interface Inhibition {
  readonly source: AlertName;
  readonly targets: readonly AlertName[];
  readonly equal: readonly string[];
}

/** Which alert mutes which, and on which labels they must agree. */
export const INHIBITIONS: readonly Inhibition[] = [
  // Unhealthy monitoring makes a host's staleness, slowness and silence meaningless.
  {
    source: 'BackupMonitoringUnhealthy',
    targets: [
      'UnifiedBackupStale',
      'UnifiedBackupSlow',
      'UnifiedBackupNeverReported',
      'ResticVerificationNeverReported',
      'ResticRestoreTestNeverReported',
      'ResticMaintenanceNeverReported',
      'PostgresBackupVerificationNeverReported',
      'PostgresOffsiteBackupNeverReported',
      'PgbackrestNeverReported',
    ],
    equal: ['hostname'],
  },
  // A job the config does not list has no configured schedule to be stale or slow against (a retired
  // job's file ages out); a failed run of it still pages.
  { source: 'UnifiedBackupUnexpectedJob', targets: ['UnifiedBackupStale', 'UnifiedBackupSlow'], equal: JOB_LABELS },
  // A job that keeps failing goes stale too, and a failed run may have been slow: the failure is the page.
  { source: 'UnifiedBackupFailed', targets: ['UnifiedBackupStale', 'UnifiedBackupSlow'], equal: JOB_LABELS },
  { source: 'ResticVerificationFailed', targets: ['ResticVerificationStale'], equal: REPOSITORY_LABELS },
  { source: 'ResticRestoreTestFailed', targets: ['ResticRestoreTestStale'], equal: REPOSITORY_LABELS },
  { source: 'ResticMaintenanceFailed', targets: ['ResticMaintenanceStale'], equal: REPOSITORY_OPERATION_LABELS },
  { source: 'PostgresBackupVerificationFailed', targets: ['PostgresBackupVerificationStale'], equal: STANZA_LABELS },
  { source: 'PostgresOffsiteBackupFailed', targets: ['PostgresOffsiteBackupStale', 'PgbackrestBackupStale'], equal: STANZA_REPOSITORY_LABELS },
  // A repository in error (unreachable, stanza missing) takes no backups and fails the offsite check: the error is the page.
  // WAL archiving stuck stays loud: it is critical whatever the cause, as pg_wal fills the database's disk.
  { source: 'PgbackrestStanzaError', targets: ['PgbackrestBackupStale', 'PostgresOffsiteBackupFailed', 'PostgresOffsiteBackupStale'], equal: STANZA_REPOSITORY_LABELS },
  // Backups wait for their WAL to be archived: while archiving is stuck they fail, and that is not a second problem.
  { source: 'PgbackrestWalArchivingStuck', targets: ['PgbackrestBackupStale'], equal: STANZA_REPOSITORY_LABELS },
];

/** The inhibit rules among the generated alerts; the identifying labels (`ubm.labels.identifying`) lead each `equal`. */
export function inhibitRules(alerts: readonly string[], identifying: readonly string[] = []): InhibitRule[] {
  const id = identify(identifying);
  return INHIBITIONS.filter((i) => alerts.includes(i.source))
    .map((i) => ({ ...i, targets: i.targets.filter((t) => alerts.includes(t)) }))
    .filter((i) => i.targets.length > 0)
    .map((i) => ({
      source_matchers: [`alertname="${i.source}"`],
      target_matchers: [i.targets.length === 1 ? `alertname="${i.targets[0] ?? ''}"` : `alertname=~"${i.targets.join('|')}"`],
      equal: id(i.equal),
    }));
}
