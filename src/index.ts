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
export { UsageError } from './util/errors.js';
// Sources: what pgBackRest and restic report, read as the commands read it.
export { parsePgbackrestInfo, type PgbackrestStanza } from './sources/pgbackrest.js';
export { summarizeStanza, evaluateOffsite, type StanzaSummary, type OffsiteVerdict } from './sources/pgbackrest-summary.js';
export { resticCheck, type ResticOutcome, type ReadData } from './sources/restic-check.js';
export { resticRestoreTest, type RestoreTestOutcome, type RestoreTestOptions } from './sources/restic-restore-test.js';
// Config and generators (these load zod and the Grafana SDK; hooks that only record need none of them).
export { loadConfig, loadConfigText, configJsonSchema, type LoadedConfig } from './config/load.js';
export { ConfigError } from './config/errors.js';
export { generateRuleFiles, RULE_FILES } from './rules/files.js';
export { ALERT_NAMES, type AlertName } from './rules/alerts.js';
export { generateDashboards, lintDashboard } from './dashboards/index.js';
export { validateExpr } from './promql/validate.js';
