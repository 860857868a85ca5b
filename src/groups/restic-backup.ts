/**
 * The `restic_backup` group: one file per job and repository, written by `ubm run` and
 * `ubm emit backup`. Carries forward the last success, the first run and the expected interval,
 * and keeps the duration baseline that the Slow alert compares with and the source baselines (files and
 * bytes processed) that the SourceShrunk alert compares with.
 */
import { metrics } from '../schema/catalog.js';
import { type SeriesValue, carried, maybeSample, present, sample } from '../schema/series.js';
import { lastSuccess } from './check.js';
import { type DurationBaseline, EMPTY_BASELINE, SLOW_SPREAD_SIGMAS, foldDuration, spreadFactor } from './duration-baseline.js';
import { monotonicSeconds, roundDuration, textfileGroup } from './group.js';

/** Weight of the newest run in the source baselines' exponential moving average. */
export const SOURCE_BASELINE_ALPHA = 0.3;

/**
 * A successful run that processed under this share of a source baseline (files or bytes) is held out
 * of both baselines, so an empty mount point does not drag them down. The default shrink ratio of the
 * alert; the emitter holds out at this share whatever ratio a job's alert uses.
 */
export const SOURCE_HOLD_RATIO = 0.5;

/** After this many held-out runs in a row the source baselines follow the smaller source: its data shrank for good. */
export const SOURCE_FOLLOW_RUNS = 3;

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
 * The duration baseline for judging the current run: the previous file's, with the previous run
 * folded in when it succeeded (see duration-baseline.ts). The current run is never part of it, so
 * the Slow alert compares the run with the runs before it.
 */
export function nextBaseline(previous: readonly SeriesValue[]): DurationBaseline {
  const factor = carried(previous, metrics.resticBackupDurationSpreadFactor);
  const state: DurationBaseline = {
    seconds: carried(previous, metrics.resticBackupDurationBaselineSeconds),
    // The file keeps the spread as the factor the rules read; a file of an older ubm has none.
    spread: factor !== undefined && factor >= 1 ? Math.log(factor) / SLOW_SPREAD_SIGMAS : EMPTY_BASELINE.spread,
    runs: carried(previous, metrics.resticBackupDurationBaselineRuns) ?? 0,
    heldRuns: carried(previous, metrics.resticBackupDurationHeldRuns) ?? 0,
  };
  const lastDuration = carried(previous, metrics.resticBackupDurationSeconds);
  if (carried(previous, metrics.resticBackupStatus) !== 1 || lastDuration === undefined) return state;
  return foldDuration(state, {
    durationSeconds: lastDuration,
    dataAddedBytes: carried(previous, metrics.resticBackupDataAddedBytes),
    totalBytesProcessed: carried(previous, metrics.resticBackupProcessedBytes),
  });
}

/** The source baselines of a job: what its successful runs usually process. */
export interface SourceBaseline {
  readonly files: number | undefined;
  readonly bytes: number | undefined;
  /** Held-out runs in a row (see SOURCE_HOLD_RATIO). */
  readonly heldRuns: number;
}

/** Whether `value` is under SOURCE_HOLD_RATIO of a positive baseline. */
function under(value: number | undefined, baseline: number | undefined): boolean {
  return value !== undefined && baseline !== undefined && baseline > 0 && value < SOURCE_HOLD_RATIO * baseline;
}

/** The EWMA of `baseline` with `value` folded in (the value alone when there is no baseline yet). */
function fold(baseline: number | undefined, value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return baseline;
  return Math.round(baseline === undefined ? value : SOURCE_BASELINE_ALPHA * value + (1 - SOURCE_BASELINE_ALPHA) * baseline);
}

/**
 * The source baselines after one successful run's figures are folded in: an exponential moving
 * average (alpha SOURCE_BASELINE_ALPHA) of files and of bytes processed. A run under
 * SOURCE_HOLD_RATIO of either baseline is held out of both; the SOURCE_FOLLOW_RUNS-th held-out run
 * in a row becomes the baselines itself (the source shrank for good) and the count starts over.
 */
export function foldSourceBaseline(baseline: SourceBaseline, run: { readonly files?: number | undefined; readonly bytes?: number | undefined }): SourceBaseline {
  if (run.files === undefined && run.bytes === undefined) return baseline;
  if (under(run.files, baseline.files) || under(run.bytes, baseline.bytes)) {
    const heldRuns = baseline.heldRuns + 1;
    if (heldRuns < SOURCE_FOLLOW_RUNS) return { ...baseline, heldRuns };
    return { files: run.files ?? baseline.files, bytes: run.bytes ?? baseline.bytes, heldRuns: 0 };
  }
  return { files: fold(baseline.files, run.files), bytes: fold(baseline.bytes, run.bytes), heldRuns: 0 };
}

/**
 * The source baselines for judging the current run: the previous file's, with the previous run folded
 * in when it succeeded. As with the duration baseline, the current run is never part of them.
 */
export function nextSourceBaseline(previous: readonly SeriesValue[]): SourceBaseline {
  const carriedBaseline: SourceBaseline = {
    files: carried(previous, metrics.resticBackupFilesProcessedBaseline),
    bytes: carried(previous, metrics.resticBackupProcessedBaselineBytes),
    heldRuns: carried(previous, metrics.resticBackupSourceShrunkRuns) ?? 0,
  };
  if (carried(previous, metrics.resticBackupStatus) !== 1) return carriedBaseline;
  return foldSourceBaseline(carriedBaseline, {
    files: carried(previous, metrics.resticBackupFilesProcessed),
    bytes: carried(previous, metrics.resticBackupProcessedBytes),
  });
}

/**
 * What a successful run processed as a share of its source baselines: the smaller of files and bytes,
 * each only against a positive baseline (undefined when there is none). The emitter works it out once
 * per run so that UnifiedBackupSourceShrunk reads one series per job at every evaluation.
 */
export function sourceShare(baseline: SourceBaseline, run: { readonly files?: number | undefined; readonly bytes?: number | undefined }): number | undefined {
  const shares = [
    run.files !== undefined && baseline.files !== undefined && baseline.files > 0 ? run.files / baseline.files : undefined,
    run.bytes !== undefined && baseline.bytes !== undefined && baseline.bytes > 0 ? run.bytes / baseline.bytes : undefined,
  ].filter((x): x is number => x !== undefined && Number.isFinite(x));
  return shares.length === 0 ? undefined : Number(Math.min(...shares).toFixed(6));
}

/** The restic_backup group. */
export const resticBackupGroup = textfileGroup({
  id: 'restic_backup',
  filePrefix: 'ubm_restic_backup',
  keyLabels: ['backup_job', 'repository'],
  key: (run: BackupRun) => ({ backup_job: run.job, repository: run.repository }),
  build: (previous, run) => {
    // Never before the previous run's time: a writer that waited for the lock may hold an older clock reading.
    const now = monotonicSeconds(run.endedAtMs, carried(previous, metrics.resticBackupLastRunTimestampSeconds));
    const l = { hostname: run.hostname, backup_job: run.job, repository: run.repository };
    const duration = nextBaseline(previous);
    const source = nextSourceBaseline(previous);
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
      maybeSample(metrics.resticBackupDurationBaselineSeconds, l, duration.seconds === undefined ? undefined : roundDuration(duration.seconds)),
      sample(metrics.resticBackupDurationBaselineRuns, l, duration.runs),
      sample(metrics.resticBackupDurationSpreadFactor, l, Number(spreadFactor(duration.spread).toFixed(4))),
      sample(metrics.resticBackupDurationHeldRuns, l, duration.heldRuns),
      maybeSample(metrics.resticBackupFilesNew, l, s?.filesNew),
      maybeSample(metrics.resticBackupFilesChanged, l, s?.filesChanged),
      maybeSample(metrics.resticBackupFilesUnmodified, l, s?.filesUnmodified),
      maybeSample(metrics.resticBackupFilesProcessed, l, s?.totalFilesProcessed),
      maybeSample(metrics.resticBackupDataAddedBytes, l, s?.dataAddedBytes),
      maybeSample(metrics.resticBackupProcessedBytes, l, s?.totalBytesProcessed),
      maybeSample(metrics.resticBackupFilesProcessedBaseline, l, source.files),
      maybeSample(metrics.resticBackupProcessedBaselineBytes, l, source.bytes),
      maybeSample(metrics.resticBackupSourceShare, l, s === undefined ? undefined : sourceShare(source, { files: s.totalFilesProcessed, bytes: s.totalBytesProcessed })),
      sample(metrics.resticBackupSourceShrunkRuns, l, source.heldRuns),
    ]);
  },
});
