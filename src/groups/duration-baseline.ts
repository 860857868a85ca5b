/**
 * A backup job's duration baseline: what its normal run takes and how much its runs spread, kept
 * by the emitter in the job's textfile and folded one run at a time. Pure: the group carries the
 * state from the previous file.
 *
 * Why it is built this way (each point answers a way a plain moving average failed):
 * - The centre is a geometric mean (a moving average of ln(duration)): durations are skewed, and
 *   one long run must not drag a log-normal job's centre far.
 * - The first runs are averaged plainly (weight 1/n) until the moving average's weight takes over,
 *   so the baseline is a mean of the job's real runs, not its first run's echo.
 * - Full-looking runs (restic added at least half of what it processed: a first backup, a new
 *   repository) are held out, so the first full backups cannot hold the baseline hostage.
 * - Slow runs (over the hold bound) are held out, so a lasting slowdown keeps alerting instead of
 *   being folded in; after SLOW_FOLLOW_RUNS of them in a row the job's new pace becomes its
 *   baseline (a data set that grew for good).
 * - The spread is a robust standard deviation of ln(duration) (mean absolute deviation x 1.2533,
 *   each deviation capped), so a noisy job gets a wider threshold than a steady one.
 */

/** Weight of the newest run in the centre's moving average, once the warm-up is over. */
export const BASELINE_ALPHA = 0.1;

/** Weight of the newest run in the spread's moving average, once the warm-up is over. */
export const SPREAD_BETA = 0.05;

/** The spread a job starts with, counted as SPREAD_PRIOR_RUNS runs: a noisy job's, so that a new job's first runs raise nothing until it has shown how steady it is. */
export const SPREAD_PRIOR = 0.3;

/** How many runs the prior spread weighs as. */
export const SPREAD_PRIOR_RUNS = 2;

/** How many robust standard deviations of ln(duration) above the centre a run must be to be unusual for its job. */
export const SLOW_SPREAD_SIGMAS = 5.5;

/** A run at least this multiple of the centre is held out of the baseline even for the steadiest job (the default slow multiplier). */
export const HOLD_MIN_MULTIPLIER = 2;

/** Restic added at least this share of the bytes it processed: a full-looking run, held out. */
export const FULL_RUN_ADDED_SHARE = 0.5;

/** After this many held-out slow runs in a row, the next slow run becomes the baseline: the job is slower for good. */
export const SLOW_FOLLOW_RUNS = 10;

/** After this many held-out full-looking runs in a row, full-looking runs count: the job is one that rewrites its data (a dump). */
export const FULL_FOLLOW_RUNS = 3;

/** Converts a robust mean absolute deviation to a standard deviation for normal data (sqrt(pi/2)). */
const MAD_TO_SD = 1.2533;

/** A deviation counts at most this many spreads, so one outlier cannot blow the spread up. */
const DEVIATION_CAP_SPREADS = 2.5;

/** What the emitter carries from run to run. */
export interface DurationBaseline {
  /** The centre in seconds (geometric mean of baseline runs); undefined until a run is folded. */
  readonly seconds: number | undefined;
  /** Robust standard deviation of ln(duration) over baseline runs. */
  readonly spread: number;
  /** Successful runs folded into the centre. */
  readonly runs: number;
  /** Successful runs held out in a row, just before now (slow or full-looking). */
  readonly heldRuns: number;
}

/** A successful run as the baseline sees it. */
export interface BaselineRun {
  readonly durationSeconds: number;
  readonly dataAddedBytes?: number | undefined;
  readonly totalBytesProcessed?: number | undefined;
}

/** The state of a job with no runs yet. */
export const EMPTY_BASELINE: DurationBaseline = { seconds: undefined, spread: SPREAD_PRIOR, runs: 0, heldRuns: 0 };

/** The multiple of its centre that the job's own spread allows a normal run: e^(SLOW_SPREAD_SIGMAS x spread). */
export function spreadFactor(spread: number): number {
  return Math.exp(SLOW_SPREAD_SIGMAS * spread);
}

/** Whether restic added most of what it processed (a first or otherwise full backup). */
export function looksFull(run: BaselineRun): boolean {
  const added = run.dataAddedBytes;
  const processed = run.totalBytesProcessed;
  return added !== undefined && processed !== undefined && processed > 0 && added >= FULL_RUN_ADDED_SHARE * processed;
}

/** The baseline after one successful run; failed runs are never passed in. */
export function foldDuration(b: DurationBaseline, run: BaselineRun): DurationBaseline {
  const x = run.durationSeconds;
  if (!Number.isFinite(x) || x < 0) return b;
  const lx = Math.log(Math.max(x, 0.001));
  if (looksFull(run) && b.heldRuns < FULL_FOLLOW_RUNS) return { ...b, heldRuns: b.heldRuns + 1 };
  if (b.seconds === undefined || b.runs <= 0) return { seconds: x, spread: b.spread, runs: 1, heldRuns: 0 };
  const lc = Math.log(Math.max(b.seconds, 0.001));
  const bound = b.seconds * Math.max(HOLD_MIN_MULTIPLIER, spreadFactor(b.spread));
  if (x > bound) {
    // Held out; the SLOW_FOLLOW_RUNS-th slow run in a row starts the baseline over at the new pace.
    if (b.heldRuns + 1 < SLOW_FOLLOW_RUNS) return { ...b, heldRuns: b.heldRuns + 1 };
    return { seconds: x, spread: b.spread, runs: 1, heldRuns: 0 };
  }
  const n = b.runs + 1;
  const alpha = Math.max(BASELINE_ALPHA, 1 / n);
  const beta = Math.max(SPREAD_BETA, 1 / (SPREAD_PRIOR_RUNS + b.runs));
  const centre = lc + alpha * (lx - lc);
  // Measured from the new centre: in the warm-up, an unusual first run then widens the spread by half as much.
  const deviation = Math.min(Math.abs(lx - centre) * MAD_TO_SD, DEVIATION_CAP_SPREADS * b.spread);
  return {
    seconds: Math.exp(centre),
    spread: b.spread + beta * (deviation - b.spread),
    runs: n,
    heldRuns: 0,
  };
}
