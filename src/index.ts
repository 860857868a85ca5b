/** unified-backup-monitoring: the library's public face (re-exports only). */
export * from './schema/catalog.js';
export * from './schema/groups.js';
export type * from './config/model.js';
export { parseDurationSeconds, formatDuration } from './util/duration.js';
// The exporter's library API (issue #2): record what `ubm emit` and `ubm run` record, from TypeScript hooks.
export {
  recordBackup,
  recordVerification,
  recordRestoreTest,
  recordPostgresVerification,
  recordPostgresOffsite,
  recordHealth,
  recordGroup,
  type RecordTarget,
  type BackupRecord,
  type CheckRecord,
  type RestoreTestRecord,
  type HealthRecord,
} from './exporter/record.js';
export { runBackup, type RunBackupOptions, type RunBackupResult } from './exporter/run-backup.js';
export { runCommand, type CommandResult, type RunCommandOptions } from './exporter/run-command.js';
export {
  writeGroup,
  groupFilePath,
  parseExposition,
  isExporterTempFile,
  carried,
  resolveTextfileDir,
  resolveHostname,
  DEFAULT_TEXTFILE_DIR,
  type WriteGroupRequest,
  type SeriesValue,
  type ParsedSample,
} from './exporter/textfile.js';
export { pushGroup, type PushGroupRequest } from './exporter/pushgateway.js';
export { encodeSeries } from './exporter/encode.js';
export { BASELINE_ALPHA, type BackupRun, type BackupSummaryFigures, type CheckRun, type RestoreTestRun, type HealthRun } from './exporter/families.js';
export { parseResticSummaryLine, findResticSummary, ResticSummaryScanner, type ResticSummary } from './sources/restic.js';
