/**
 * Pure builders of each family group's series: given what the previous file held and what just
 * happened, the new file's series. Carry-forward and the duration baseline live here.
 */
import { type LabelName, type MetricDef, metrics } from '../schema/catalog.js';
import type { SeriesValue } from './encode.js';

/** Weight of the newest run in the duration baseline's exponential moving average. */
export const BASELINE_ALPHA = 0.3;

/** restic's backup summary figures (any may be unknown). */
export interface BackupSummaryFigures {
  readonly filesNew?: number | undefined;
  readonly filesChanged?: number | undefined;
  readonly filesUnmodified?: number | undefined;
  readonly dataAddedBytes?: number | undefined;
  readonly totalFilesProcessed?: number | undefined;
  readonly totalBytesProcessed?: number | undefined;
}

/** One run of a restic backup job, as `ubm run` or `ubm emit backup` saw it. */
export interface BackupRun {
  readonly job: string;
  readonly repository: string;
  readonly hostname: string;
  readonly success: boolean;
  readonly durationSeconds: number;
  /** The command's exit code; defaults to 0 on success and 1 on failure. */
  readonly exitCode?: number;
  /** The schedule's interval; carried forward from the previous run when absent. */
  readonly expectedIntervalSeconds?: number;
  /** restic's summary; written only for a successful run. */
  readonly summary?: BackupSummaryFigures;
  /** When the run ended, in milliseconds since the epoch. */
  readonly endedAtMs: number;
}

/** One run of a check that passes or fails (verification, restore test, PostgreSQL verification, offsite status). */
export interface CheckRun {
  readonly hostname: string;
  readonly success: boolean;
  readonly durationSeconds?: number;
  readonly endedAtMs: number;
}

/** The previous value of a metric among the series read back from its file (the first match), if any. */
export function carried(previous: readonly SeriesValue[], metric: MetricDef): number | undefined {
  return previous.find((s) => s.metric.name === metric.name)?.value;
}

/** Seconds since the epoch, whole: textfile timestamps need no sub-second precision. */
function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Durations keep millisecond precision and no float noise. */
function roundDuration(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Collects series with one label set, skipping undefined values. */
function collector(labels: Readonly<Partial<Record<LabelName, string>>>): {
  add: (metric: MetricDef, value: number | undefined) => void;
  series: SeriesValue[];
} {
  const series: SeriesValue[] = [];
  return {
    series,
    add: (metric, value) => {
      if (value !== undefined) series.push({ metric, labels, value });
    },
  };
}

/** The last-success timestamp after a run: now when it succeeded, else carried forward from the previous file. */
function lastSuccess(previous: readonly SeriesValue[], metric: MetricDef, success: boolean, now: number): number | undefined {
  return success ? now : carried(previous, metric);
}

/** The metrics of a pass/fail check's group; the offsite status has no duration. */
interface CheckMetrics {
  readonly status: MetricDef;
  readonly duration?: MetricDef;
  readonly lastRun: MetricDef;
  readonly lastSuccess: MetricDef;
}

/** Adds what every pass/fail check writes: its status, duration, when it last ran and when it last passed. */
function addCheck(add: (metric: MetricDef, value: number | undefined) => void, previous: readonly SeriesValue[], m: CheckMetrics, run: CheckRun): void {
  const now = unixSeconds(run.endedAtMs);
  add(m.status, run.success ? 1 : 0);
  if (m.duration !== undefined) add(m.duration, run.durationSeconds === undefined ? undefined : roundDuration(run.durationSeconds));
  add(m.lastRun, now);
  add(m.lastSuccess, lastSuccess(previous, m.lastSuccess, run.success, now));
}

/**
 * The duration baseline after the previous run is folded in: an exponential moving average
 * (alpha 0.3) of earlier successful runs' durations. The current run is never part of it, so the
 * Slow alert compares the run with the runs before it; the previous file's status and duration
 * say whether and what to fold.
 */
export function nextBaseline(previous: readonly SeriesValue[]): { baseline: number | undefined; runs: number } {
  const runs = carried(previous, metrics.resticBackupDurationBaselineRuns) ?? 0;
  const baseline = carried(previous, metrics.resticBackupDurationBaselineSeconds);
  const lastStatus = carried(previous, metrics.resticBackupStatus);
  const lastDuration = carried(previous, metrics.resticBackupDurationSeconds);
  if (lastStatus !== 1 || lastDuration === undefined || !Number.isFinite(lastDuration)) return { baseline, runs };
  const folded = baseline === undefined || runs <= 0 ? lastDuration : BASELINE_ALPHA * lastDuration + (1 - BASELINE_ALPHA) * baseline;
  return { baseline: roundDuration(folded), runs: runs + 1 };
}

/** The restic_backup group's series after one run. */
export function backupSeries(previous: readonly SeriesValue[], run: BackupRun): SeriesValue[] {
  const now = unixSeconds(run.endedAtMs);
  const { add, series } = collector({ hostname: run.hostname, backup_job: run.job, repository: run.repository });
  add(metrics.resticBackupStatus, run.success ? 1 : 0);
  add(metrics.resticBackupDurationSeconds, roundDuration(run.durationSeconds));
  add(metrics.resticBackupExitCode, run.exitCode ?? (run.success ? 0 : 1));
  add(metrics.resticBackupLastRunTimestampSeconds, now);
  add(metrics.resticBackupLastSuccessTimestamp, lastSuccess(previous, metrics.resticBackupLastSuccessTimestamp, run.success, now));
  add(metrics.resticBackupFirstRunTimestampSeconds, carried(previous, metrics.resticBackupFirstRunTimestampSeconds) ?? now);
  add(metrics.resticBackupExpectedIntervalSeconds, run.expectedIntervalSeconds ?? carried(previous, metrics.resticBackupExpectedIntervalSeconds));
  const { baseline, runs } = nextBaseline(previous);
  add(metrics.resticBackupDurationBaselineSeconds, baseline);
  add(metrics.resticBackupDurationBaselineRuns, runs);
  if (run.success && run.summary !== undefined) {
    const s = run.summary;
    add(metrics.resticBackupFilesNew, s.filesNew);
    add(metrics.resticBackupFilesChanged, s.filesChanged);
    add(metrics.resticBackupFilesUnmodified, s.filesUnmodified);
    add(metrics.resticBackupFilesProcessed, s.totalFilesProcessed);
    add(metrics.resticBackupDataAddedBytes, s.dataAddedBytes);
    add(metrics.resticBackupProcessedBytes, s.totalBytesProcessed);
  }
  return series;
}

/** The restic_verification group's series after one `restic check`. */
export function verificationSeries(previous: readonly SeriesValue[], repository: string, run: CheckRun): SeriesValue[] {
  const { add, series } = collector({ hostname: run.hostname, repository });
  addCheck(add, previous, {
    status: metrics.resticVerificationStatus,
    duration: metrics.resticVerificationDurationSeconds,
    lastRun: metrics.resticVerificationLastRunTimestampSeconds,
    lastSuccess: metrics.resticVerificationLastSuccessTimestampSeconds,
  }, run);
  return series;
}

/** A restore test's run: a check plus how many sample files came back right and wrong. */
export interface RestoreTestRun extends CheckRun {
  readonly filesRestored?: number;
  readonly filesFailed?: number;
}

/** The restic_restore_test group's series after one sample-restore test. */
export function restoreTestSeries(previous: readonly SeriesValue[], repository: string, run: RestoreTestRun): SeriesValue[] {
  const { add, series } = collector({ hostname: run.hostname, repository });
  addCheck(add, previous, {
    status: metrics.resticRestoreTestStatus,
    duration: metrics.resticRestoreTestDurationSeconds,
    lastRun: metrics.resticRestoreTestLastRunTimestampSeconds,
    lastSuccess: metrics.resticRestoreTestLastSuccessTimestampSeconds,
  }, run);
  add(metrics.resticRestoreTestFilesRestored, run.filesRestored);
  add(metrics.resticRestoreTestFilesFailed, run.filesFailed);
  return series;
}

/** The postgres_verification group's series after one PostgreSQL backup verification. */
export function postgresVerificationSeries(previous: readonly SeriesValue[], stanza: string, run: CheckRun): SeriesValue[] {
  const { add, series } = collector({ hostname: run.hostname, stanza });
  addCheck(add, previous, {
    status: metrics.postgresBackupVerificationStatus,
    duration: metrics.postgresBackupVerificationDurationSeconds,
    lastRun: metrics.postgresBackupVerificationLastRunTimestampSeconds,
    lastSuccess: metrics.postgresBackupVerificationLastSuccessTimestampSeconds,
  }, run);
  return series;
}

/** The postgres_offsite group's series after one evaluation of the offsite copy (its check time is its last run). */
export function postgresOffsiteSeries(previous: readonly SeriesValue[], stanza: string, repository: string, run: CheckRun): SeriesValue[] {
  const { add, series } = collector({ hostname: run.hostname, stanza, repository });
  addCheck(add, previous, {
    status: metrics.postgresPgbackrestOffsiteBackupStatus,
    lastRun: metrics.postgresPgbackrestOffsiteLastCheckTimestampSeconds,
    lastSuccess: metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds,
  }, run);
  return series;
}

/** A monitoring self-check's result. */
export interface HealthRun {
  readonly hostname: string;
  readonly healthy: boolean;
  /** How many `.prom` files failed to parse, when the check counted them. */
  readonly invalidTextfiles?: number;
  readonly endedAtMs: number;
}

/** The monitoring_health group's series after one self-check. */
export function healthSeries(run: HealthRun): SeriesValue[] {
  const { add, series } = collector({ hostname: run.hostname });
  add(metrics.backupMonitoringHealthy, run.healthy ? 1 : 0);
  add(metrics.backupMonitoringLastCheck, unixSeconds(run.endedAtMs));
  add(metrics.backupMonitoringInvalidTextfiles, run.invalidTextfiles);
  return series;
}
