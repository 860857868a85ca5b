/**
 * The `restic_backup` group: one file per job and repository, written by `ubm run` and
 * `ubm emit backup`. Carries forward the last success, the first run and the expected interval,
 * and keeps the duration baseline that the Slow alert compares with.
 */
import { metrics } from '../schema/catalog.js';
import { type SeriesValue, carried, maybeSample, present, sample } from '../schema/series.js';
import { lastSuccess } from './check.js';
import { roundDuration, textfileGroup, unixSeconds } from './group.js';

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
  readonly exitCode?: number | undefined;
  /** The schedule's interval; carried forward from the previous run when absent. */
  readonly expectedIntervalSeconds?: number | undefined;
  /** restic's summary; written only for a successful run. */
  readonly summary?: BackupSummaryFigures | undefined;
  /** When the run ended, in milliseconds since the epoch. */
  readonly endedAtMs: number;
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

/** The restic_backup group. */
export const resticBackupGroup = textfileGroup({
  id: 'restic_backup',
  filePrefix: 'ubm_restic_backup',
  keyLabels: ['backup_job', 'repository'],
  key: (run: BackupRun) => ({ backup_job: run.job, repository: run.repository }),
  build: (previous, run) => {
    const now = unixSeconds(run.endedAtMs);
    const l = { hostname: run.hostname, backup_job: run.job, repository: run.repository };
    const { baseline, runs } = nextBaseline(previous);
    // restic's figures describe what a successful run saved; a failed run's are not comparable.
    const s = run.success ? run.summary : undefined;
    return present([
      sample(metrics.resticBackupStatus, l, run.success ? 1 : 0),
      sample(metrics.resticBackupDurationSeconds, l, roundDuration(run.durationSeconds)),
      sample(metrics.resticBackupExitCode, l, run.exitCode ?? (run.success ? 0 : 1)),
      sample(metrics.resticBackupLastRunTimestampSeconds, l, now),
      maybeSample(metrics.resticBackupLastSuccessTimestamp, l, lastSuccess(previous, metrics.resticBackupLastSuccessTimestamp, run.success, now)),
      sample(metrics.resticBackupFirstRunTimestampSeconds, l, carried(previous, metrics.resticBackupFirstRunTimestampSeconds) ?? now),
      maybeSample(metrics.resticBackupExpectedIntervalSeconds, l, run.expectedIntervalSeconds ?? carried(previous, metrics.resticBackupExpectedIntervalSeconds)),
      maybeSample(metrics.resticBackupDurationBaselineSeconds, l, baseline),
      sample(metrics.resticBackupDurationBaselineRuns, l, runs),
      maybeSample(metrics.resticBackupFilesNew, l, s?.filesNew),
      maybeSample(metrics.resticBackupFilesChanged, l, s?.filesChanged),
      maybeSample(metrics.resticBackupFilesUnmodified, l, s?.filesUnmodified),
      maybeSample(metrics.resticBackupFilesProcessed, l, s?.totalFilesProcessed),
      maybeSample(metrics.resticBackupDataAddedBytes, l, s?.dataAddedBytes),
      maybeSample(metrics.resticBackupProcessedBytes, l, s?.totalBytesProcessed),
    ]);
  },
});
