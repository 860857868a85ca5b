/**
 * The alerts' names (SPEC: fixed). They live with the config because `ubm.alerting.for` is keyed by
 * them; the rules re-export them.
 */

/** Every alert the generator writes. */
export const ALERT_NAMES = [
  'UnifiedBackupFailed',
  'UnifiedBackupStale',
  'UnifiedBackupSlow',
  'UnifiedBackupNeverReported',
  'UnifiedBackupUnexpectedJob',
  'UnifiedBackupSourceShrunk',
  'ResticVerificationFailed',
  'ResticVerificationStale',
  'ResticVerificationNeverReported',
  'ResticRestoreTestFailed',
  'ResticRestoreTestStale',
  'ResticRestoreTestNeverReported',
  'ResticStaleLock',
  'ResticLockCheckStale',
  'ResticMaintenanceFailed',
  'ResticMaintenanceStale',
  'ResticMaintenanceNeverReported',
  'PostgresBackupVerificationFailed',
  'PostgresBackupVerificationStale',
  'PostgresBackupVerificationNeverReported',
  'PostgresOffsiteBackupFailed',
  'PostgresOffsiteBackupStale',
  'PostgresOffsiteBackupNeverReported',
  'PgbackrestBackupStale',
  'PgbackrestWalArchivingStuck',
  'PgbackrestStanzaError',
  'PgbackrestNeverReported',
  'BackupMonitoringUnhealthy',
] as const;

/** An alert's name. */
export type AlertName = (typeof ALERT_NAMES)[number];
