/** unified-backup-monitoring: the library's public face (re-exports only). */
export * from './schema/catalog.js';
export type * from './config/model.js';
export { parseDurationSeconds, formatDuration } from './util/duration.js';
// The recording API (also the light subpath `unified-backup-monitoring/record`).
export * from './record.js';
// Textfile groups: layout, members and typed builder of each; typed samples.
export { textfileGroups, type GroupKey, type GroupLayout, type TextfileGroup } from './groups/index.js';
export { resticBackupGroup, nextBaseline } from './groups/restic-backup.js';
export { resticVerificationGroup, type VerificationRun } from './groups/restic-verification.js';
export { resticRestoreTestGroup } from './groups/restic-restore-test.js';
export { postgresVerificationGroup, type PostgresVerificationRun } from './groups/postgres-verification.js';
export { postgresOffsiteGroup, type OffsiteRun } from './groups/postgres-offsite.js';
export { pgbackrestGroup, type PgbackrestRead, type PgbackrestRepoState, type PgbackrestLatestBackup } from './groups/pgbackrest.js';
export { monitoringHealthGroup } from './groups/monitoring-health.js';
export { monitoringExpectedJobsGroup, type ExpectedJob, type ExpectedJobs } from './groups/monitoring-expected-jobs.js';
export { sample, maybeSample, present, carried, type SeriesValue, type GroupSample, type ExactLabels } from './schema/series.js';
export {
  writeGroup,
  groupFilePath,
  parseExposition,
  isExporterTempFile,
  type WriteGroupRequest,
  type ParsedSample,
} from './exporter/textfile.js';
export { pushGroup, type PushGroupRequest } from './exporter/pushgateway.js';
export { encodeSeries } from './exporter/encode.js';
export { parseResticSummaryLine, findResticSummary, ResticSummaryScanner, type ResticSummary } from './sources/restic.js';
export { UsageError } from './util/errors.js';
// Sources: what pgBackRest and restic report, read as the commands read it.
export { parsePgbackrestInfo, type PgbackrestStanza } from './sources/pgbackrest.js';
export { summarizeStanza, evaluateOffsite, type StanzaSummary, type OffsiteVerdict } from './sources/pgbackrest-summary.js';
export { resticCheck, type ResticOutcome, type ReadData } from './sources/restic-check.js';
export { resticRestoreTest, type RestoreTestOutcome, type RestoreTestOptions } from './sources/restic-restore-test.js';
export { jobSelection, snapshotsArgs, type SnapshotSelection } from './sources/restic-snapshots.js';
export { restoreTestJobs, type JobsRestoreTestOutcome, type JobRestoreOutcome, type RestoreTestJob } from './hooks/restore-test-jobs.js';
// Config and generators (these load zod and the Grafana SDK; hooks that only record need none of them).
export { loadConfig, loadConfigText, configJsonSchema, type LoadedConfig } from './config/load.js';
export { ConfigError } from './config/errors.js';
export { generateOutputs, mergeOutputs, PRODUCERS } from './generate.js';
export { OUTPUT_FORMATS, type OutputFormat, RULE_ENGINES, type RuleEngine, type GenerateContext, type OutputProducer } from './config/output.js';
export { VMALERT_RULE_FILE, vmalertGroups } from './rules/vmalert.js';
export { generateRuleFiles, RULE_FILES } from './rules/files.js';
export { ALERT_NAMES, type AlertName } from './rules/alerts.js';
export { generateDashboards, lintDashboard, type LintOptions, DASHBOARDS_DIR } from './dashboards/index.js';
export { validateExpr } from './promql/validate.js';
