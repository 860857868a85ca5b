/**
 * unified-backup-monitoring/record: the light entry point for backup hooks written in Node. It
 * carries only the recording API (no config, generators or Grafana SDK), so a hook pays the
 * exporter's import cost and nothing else. Re-exports only.
 */
export {
  record,
  recordBackup,
  recordVerification,
  recordRestoreTest,
  recordMaintenance,
  recordPostgresVerification,
  recordPostgresOffsite,
  recordHealth,
  recordGroup,
  type RecordTarget,
  type BackupRecord,
  type CheckRecord,
  type RestoreTestRecord,
  type MaintenanceRecord,
  type HealthRecord,
} from './exporter/record.js';
export { MONITORING_FAILED_EXIT_CODE, runBackup, runExitCode, type RunBackupOptions, type RunBackupResult } from './hooks/run-backup.js';
export { runMaintenance, type RunMaintenanceOptions } from './hooks/run-maintenance.js';
export { runCommand, type CommandResult, type RunCommandOptions } from './hooks/run-command.js';
export { type BackupRun, type BackupSummaryFigures } from './groups/restic-backup.js';
export { type DurationBaseline, foldDuration, spreadFactor } from './groups/duration-baseline.js';
export type { CheckRun } from './groups/check.js';
export type { JobRestoreResult, RestoreTestRun } from './groups/restic-restore-test.js';
export type { MaintenanceRun } from './groups/restic-maintenance.js';
export { MAINTENANCE_OPERATIONS, type MaintenanceOperation } from './schema/catalog.js';
export type { HealthRun } from './groups/monitoring-health.js';
export { DEFAULT_TEXTFILE_DIR, resolveHostname, resolveTextfileDir } from './exporter/dirs.js';
