/**
 * The PromQL behind every panel, built from the catalog (never a metric name typed here) and
 * from the config's alerting knobs, so that a panel's colours agree with the alerts. Every query
 * follows the dashboard's variables and keys by its scope's labels (the identifying labels first).
 */
import type { ResolvedAlerting, ResolvedConfig } from '../config/model.js';
import { CHECK_KINDS, type MetricDef, externalMetrics, metrics } from '../schema/catalog.js';
import { neverReportedExpr } from '../promql/checks.js';
import { JOB_LABELS, REPOSITORY_LABELS, STANZA_LABELS, STANZA_REPOSITORY_LABELS, type Matchers, by, on, sel } from '../promql/selector.js';
import { rawSeriesForm, shrinkRatioExpr, slowMultiplierFloor, slowThresholdExpr, staleThresholdExpr } from '../promql/thresholds.js';
import { REPOSITORY_OPERATION_LABELS, pruneAgeExpr, pruneStaleThresholdExpr } from '../promql/maintenance.js';
import { STANZA_TYPE_LABELS, pgbackrestBackupAgeExpr, pgbackrestStaleThresholdExpr, walUnchangedExpr } from '../promql/pgbackrest.js';
import { ALERT_NAMES } from '../rules/alerts.js';
import { type DashboardScope, varRef } from './variables.js';

/** A regex matching exactly the alerts the rules generate. */
export const BACKUP_ALERT_PATTERN = ALERT_NAMES.join('|');

/** `max by (labels) (expr)`: one series per key without `__name__`, `job` or `instance`, so table queries merge. */
export function maxBy(labels: readonly string[], expr: string): string {
  return `max ${by(labels)} (${expr})`;
}

/** `count(expr) or vector(0)`: a count that shows 0 instead of "No data". */
export function countOrZero(expr: string): string {
  return `count(${expr}) or vector(0)`;
}

/** Seconds since a timestamp metric: `time() - metric{filter}`. */
export function ageOf(metric: MetricDef, filter: Matchers): string {
  return `time() - ${sel(metric, filter)}`;
}

/** The alerting knobs the job queries use, under the resolved config's names. */
export type JobKnobs = Pick<ResolvedAlerting, 'dailyStaleSeconds' | 'slowBackupMultiplier' | 'slowMinDurationSeconds' | 'slowMinBaselineRuns' | 'shrinkRatio'>;

/** Reads the job knobs from the config. */
export function jobKnobs(config: ResolvedConfig): JobKnobs {
  const { dailyStaleSeconds, slowMinDurationSeconds, slowMinBaselineRuns, shrinkRatio } = config.alerting;
  // The floor of slow thresholds, as the recording rule writes it.
  return { dailyStaleSeconds, slowBackupMultiplier: slowMultiplierFloor(config), slowMinDurationSeconds, slowMinBaselineRuns, shrinkRatio };
}

/** Queries about restic backup jobs. */
export function jobQueries(knobs: JobKnobs, scope: DashboardScope) {
  const filter = scope.job;
  const jobKeys = scope.id(JOB_LABELS);
  const onJob = on(jobKeys);
  const status = sel(metrics.resticBackupStatus, filter);
  // A job that never succeeded ages from its first recorded run, as the Stale alert counts it.
  const lastSuccessAge = `time() - (${sel(metrics.resticBackupLastSuccessTimestamp, filter)} or ${sel(metrics.resticBackupFirstRunTimestampSeconds, filter)})`;
  // Computed from the raw series as the recording rules compute it, so that dashboards need no rules loaded.
  const staleThreshold = staleThresholdExpr(rawSeriesForm(filter, jobKeys), knobs.dailyStaleSeconds);
  const ageRatio = `(${lastSuccessAge}) / ${onJob} (${staleThreshold})`;
  const duration = sel(metrics.resticBackupDurationSeconds, filter);
  const baseline = `${sel(metrics.resticBackupDurationBaselineSeconds, filter)} > 0`;
  const durationRatio = `${duration} / ${onJob} (${baseline})`;
  // The slow threshold (the larger of multiplier and spread factor x baseline, for baselines of enough runs), computed as its recording rule computes it.
  const slowThreshold = slowThresholdExpr(rawSeriesForm(filter, jobKeys), knobs.slowBackupMultiplier, knobs.slowMinBaselineRuns);
  // The UnifiedBackupSlow alert's conditions: a run longer than the minimum and the slow threshold, and successful.
  const slow = `${duration} > ${knobs.slowMinDurationSeconds} > ${onJob} (${slowThreshold}) and ${onJob} (${status} == 1)`;
  // UnifiedBackupSourceShrunk's thresholds: the shrink ratio (as its recording rule resolves it) times each source baseline.
  const shrinkRatio = shrinkRatioExpr(rawSeriesForm(filter, jobKeys), knobs.shrinkRatio);
  const filesBaseline = sel(metrics.resticBackupFilesProcessedBaseline, filter);
  const bytesBaseline = sel(metrics.resticBackupProcessedBaselineBytes, filter);
  return {
    status,
    lastSuccessAge,
    staleThreshold,
    ageRatio,
    duration,
    baseline,
    durationRatio,
    slowThreshold,
    failingCount: countOrZero(`${status} == 0`),
    staleCount: countOrZero(`(${ageRatio}) > 1`),
    slowCount: countOrZero(slow),
    exitCode: sel(metrics.resticBackupExitCode, filter),
    lastRunAge: ageOf(metrics.resticBackupLastRunTimestampSeconds, filter),
    dataAdded: sel(metrics.resticBackupDataAddedBytes, filter),
    processedBytes: sel(metrics.resticBackupProcessedBytes, filter),
    filesProcessed: sel(metrics.resticBackupFilesProcessed, filter),
    filesBaseline,
    bytesBaseline,
    filesShrinkThreshold: `(${shrinkRatio}) * ${onJob} ${filesBaseline}`,
    bytesShrinkThreshold: `(${shrinkRatio}) * ${onJob} ${bytesBaseline}`,
    filesNew: sel(metrics.resticBackupFilesNew, filter),
    filesChanged: sel(metrics.resticBackupFilesChanged, filter),
    filesUnmodified: sel(metrics.resticBackupFilesUnmodified, filter),
    expectedInterval: sel(metrics.resticBackupExpectedIntervalSeconds, filter),
  };
}

/** Queries of firing alerts. */
export function alertQueries(scope: DashboardScope) {
  const firing = sel(externalMetrics.alerts, { ...scope.host, alertname: { re: BACKUP_ALERT_PATTERN }, alertstate: 'firing' });
  return { firingCount: countOrZero(firing) };
}

/** Queries of restic verification (`restic check`) and restore tests, per repository. */
export function verificationQueries(scope: DashboardScope) {
  const filter = scope.repository;
  const repo = scope.id(REPOSITORY_LABELS);
  const job = scope.id(JOB_LABELS);
  return {
    verificationStatus: maxBy(repo, sel(metrics.resticVerificationStatus, filter)),
    verificationAge: maxBy(repo, ageOf(metrics.resticVerificationLastSuccessTimestampSeconds, filter)),
    verificationDuration: sel(metrics.resticVerificationDurationSeconds, filter),
    restoreStatus: maxBy(repo, sel(metrics.resticRestoreTestStatus, filter)),
    restoreAge: maxBy(repo, ageOf(metrics.resticRestoreTestLastSuccessTimestampSeconds, filter)),
    restoreFilesFailed: maxBy(repo, sel(metrics.resticRestoreTestFilesFailed, filter)),
    restoreDuration: sel(metrics.resticRestoreTestDurationSeconds, filter),
    jobRestoreStatus: maxBy(job, sel(metrics.resticRestoreTestJobStatus, filter)),
    jobRestoreAge: maxBy(job, ageOf(metrics.resticRestoreTestJobLastSuccessTimestampSeconds, filter)),
  };
}

/** Queries of restic repository locks, as `ubm locks` records them, per repository. */
export function lockQueries(scope: DashboardScope) {
  const filter = scope.repository;
  const repo = scope.id(REPOSITORY_LABELS);
  const checked = sel(metrics.resticRepositoryLocksLastCheckTimestampSeconds, filter);
  return {
    locks: maxBy(repo, sel(metrics.resticRepositoryLocks, filter)),
    exclusiveLocks: maxBy(repo, sel(metrics.resticRepositoryExclusiveLocks, filter)),
    // The oldest lock's age at the check, as ResticStaleLock measures it; 0 when there was none.
    oldestLockAge: maxBy(repo, `${checked} - (${sel(metrics.resticRepositoryOldestLockTimestampSeconds, filter)} or ${checked})`),
    checkAge: maxBy(repo, ageOf(metrics.resticRepositoryLocksLastCheckTimestampSeconds, filter)),
  };
}

/** Queries of repository maintenance (forget, prune, check), per repository and operation, as `ubm run --operation` records it. */
export function maintenanceQueries(config: ResolvedConfig, scope: DashboardScope) {
  const filter = scope.repository;
  const l = scope.id(REPOSITORY_OPERATION_LABELS);
  // As ResticMaintenanceStale computes it: the prune's own threshold, else the config's fallback; 1 (100 %) is where it fires.
  const threshold = pruneStaleThresholdExpr(config.maintenance.fallbackStaleThresholdSeconds, filter, ' ', scope.id);
  return {
    status: maxBy(l, sel(metrics.resticMaintenanceStatus, filter)),
    exitCode: maxBy(l, sel(metrics.resticMaintenanceExitCode, filter)),
    lastSuccessAge: maxBy(l, ageOf(metrics.resticMaintenanceLastSuccessTimestampSeconds, filter)),
    pruneAgeRatio: `(${pruneAgeExpr(filter, scope.id)}) / ${on(l)} (${threshold})`,
    duration: maxBy(l, sel(metrics.resticMaintenanceDurationSeconds, filter)),
  };
}

/** Queries of PostgreSQL: pgBackRest repositories, the offsite copy and backup verification, per stanza. */
export function postgresQueries(config: ResolvedConfig, scope: DashboardScope) {
  const filter = scope.host;
  const stanza = scope.id(STANZA_LABELS);
  const stanzaRepo = scope.id(STANZA_REPOSITORY_LABELS);
  // As the pgBackRest rules compute them, from the raw series, so that dashboards need no rules loaded.
  const threshold = pgbackrestStaleThresholdExpr(config.postgres.backupStaleThresholds, filter, ' ', scope.id);
  return {
    // Per repository, the worst of its scheduled types: 1 (100 %) is where PgbackrestBackupStale fires.
    backupAgeRatio: maxBy(stanzaRepo, `(${pgbackrestBackupAgeExpr(filter, ' ', scope.id)}) / ${on(scope.id(STANZA_TYPE_LABELS))} group_left () (${threshold})`),
    walUnchanged: maxBy(stanzaRepo, walUnchangedExpr(filter, scope.id)),
    repoStatus: maxBy(stanzaRepo, sel(metrics.pgbackrestRepoStatus, filter)),
    backupAge: `time() - ${maxBy(stanzaRepo, sel(metrics.pgbackrestBackupLastCompletionTimestampSeconds, filter))}`,
    backupSize: maxBy(stanzaRepo, sel(metrics.pgbackrestBackupLastSizeBytes, { ...filter, backup_type: 'full' })),
    repoBackups: maxBy(stanzaRepo, sel(metrics.pgbackrestRepoBackups, filter)),
    stanzaStatus: maxBy(stanza, sel(metrics.pgbackrestStanzaStatus, filter)),
    walArchivePresent: maxBy(stanzaRepo, sel(metrics.pgbackrestWalArchivePresent, filter)),
    offsiteStatus: maxBy(stanzaRepo, sel(metrics.postgresPgbackrestOffsiteBackupStatus, filter)),
    offsiteAge: maxBy(stanzaRepo, ageOf(metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds, filter)),
    verificationStatus: maxBy(stanza, sel(metrics.postgresBackupVerificationStatus, filter)),
    verificationAge: maxBy(stanza, ageOf(metrics.postgresBackupVerificationLastSuccessTimestampSeconds, filter)),
  };
}

/** Queries of the monitoring itself, per host. */
export function healthQueries(scope: DashboardScope) {
  const filter = scope.host;
  const host = scope.id(['hostname']);
  // A target is its job and instance, led by the identifying labels (two clusters may scrape the same instance name).
  const scrapeKey = scope.id(['job', 'instance']);
  // Scrape-level series carry job/instance, not hostname: join them to the host through its self-check series,
  // remembered over the dashboard's range so that a host that stopped being scraped still shows.
  const hostOfTarget = `group ${by([...scrapeKey, 'hostname'])} (last_over_time(${sel(metrics.backupMonitoringLastCheck, filter)}[${varRef('__range')}]))`;
  const joinHost = (expr: string): string => maxBy(host, `${expr} * ${on(scrapeKey)} group_left (hostname) ${hostOfTarget}`);
  const expected = sel(metrics.backupMonitoringExpectedJob, filter);
  return {
    healthy: maxBy(host, sel(metrics.backupMonitoringHealthy, filter)),
    lastCheckAge: maxBy(host, ageOf(metrics.backupMonitoringLastCheck, filter)),
    invalidTextfiles: maxBy(host, sel(metrics.backupMonitoringInvalidTextfiles, filter)),
    scrapeErrors: joinHost(sel(externalMetrics.nodeTextfileScrapeError)),
    scraped: joinHost(sel(externalMetrics.up)),
    // Configured jobs that never reported; 0 for a host whose jobs all report.
    silentJobs: `count ${by(host)} (${expected} unless ${on(scope.id(JOB_LABELS))} ${sel(metrics.resticBackupStatus, filter)}) or ${maxBy(host, `${expected} * 0`)}`,
    // Configured checks (verification, restore tests, prune, PostgreSQL) that never reported within their thresholds.
    silentChecks: `count ${by(host)} (${CHECK_KINDS.map((k) => `(${neverReportedExpr(k, filter, ' ', scope.id)})`).join(' or ')}) or ${maxBy(host, `${sel(metrics.backupMonitoringExpectedCheckStaleThresholdSeconds, filter)} * 0`)}`,
    healthyHistory: sel(metrics.backupMonitoringHealthy, filter),
  };
}
