/**
 * Each backup job's stale threshold and slow threshold as PromQL, with their fallbacks written
 * once: the recording rules aggregate them per job, and the dashboards compute them from the raw
 * series (so that they need no rules loaded). Both read the same metrics in the same order.
 */
import { RANDOMIZED_DELAY_SECONDS, graceShare } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/model.js';
import { metrics } from '../schema/catalog.js';
import { JOB_LABELS, type Matchers, type SelectableMetric, by, num, on, sel, selAny } from './selector.js';

/** How a threshold expression reads a job's series. */
export interface JobSeriesForm {
  /** A metric's value per job. */
  readonly value: (metric: SelectableMetric) => string;
  /** The largest of several metrics' values per job (a job without any of them has none). */
  readonly maxOf: (list: readonly SelectableMetric[]) => string;
  /** `value` for every job that has a series of `like`. */
  readonly constant: (like: SelectableMetric, value: number) => string;
  /** What joins the fallbacks: a line break in rule files, a space in panel queries. */
  readonly separator: string;
  /** The labels that identify a job: JOB_LABELS, led by the config's identifying labels. */
  readonly keys: readonly string[];
}

/** Aggregated to `keys` (a job's labels), one fallback a line: the recording rules' form. */
export function perJobForm(keys: readonly string[]): JobSeriesForm {
  return {
    value: (metric) => `max ${by(keys)} (${sel(metric)})`,
    maxOf: (list) => `max ${by(keys)} (${selAny(list)})`,
    constant: (like, value) => `group ${by(keys)} (${sel(like)}) * ${num(value)}`,
    separator: '\n',
    keys,
  };
}

/** The recording rules' form without identifying labels. */
export const PER_JOB_FORM: JobSeriesForm = perJobForm(JOB_LABELS);

/** The raw series that `filter` matches, scrape labels kept, on one line: the dashboards' form. */
export function rawSeriesForm(filter: Matchers, keys: readonly string[] = JOB_LABELS): JobSeriesForm {
  return {
    keys,
    value: (metric) => sel(metric, filter),
    // `without ()` keeps every label but the name, so the metrics of one job and scrape meet.
    maxOf: (list) => `max without () (${selAny(list, filter)})`,
    // `x * 0 + value` keeps x's labels, so the constant lines up with the other fallbacks' series.
    constant: (like, value) => `${sel(like, filter)} * 0 + ${num(value)}`,
    separator: ' ',
  };
}

/**
 * A job's stale threshold in seconds:
 * 1. the threshold `ubm health --config` writes (per-job and per-class overrides included);
 * 2. else derived from the interval `ubm run`/`ubm emit` record as the config derives it, with the
 *    default allowances: interval x (1 + grace share) + the default randomized delay;
 * 3. else the daily stale threshold, for jobs whose emitter records no interval.
 */
export function staleThresholdExpr(form: JobSeriesForm, dailyStaleSeconds: number): string {
  return [
    form.value(metrics.backupMonitoringJobStaleThresholdSeconds),
    'or',
    `${form.value(metrics.resticBackupExpectedIntervalSeconds)} * ${num(1 + graceShare(dailyStaleSeconds))} + ${num(RANDOMIZED_DELAY_SECONDS)}`,
    'or',
    form.constant(metrics.resticBackupStatus, dailyStaleSeconds),
  ].join(form.separator);
}

/** The config's smallest slow multiplier (global or per job): the floor of slow thresholds, which jobs without ubm health get. */
export function slowMultiplierFloor(config: ResolvedConfig): number {
  return Math.min(config.alerting.slowBackupMultiplier, ...config.jobs.map((j) => j.slowMultiplier));
}

/**
 * A job's slow threshold in seconds: its duration baseline times the largest of its slow multiplier
 * (the one `ubm health --config` writes), its spread factor (what its own run-time spread allows a
 * normal run; the emitter writes it) and `floorMultiplier` (the config's smallest slow multiplier,
 * which jobs without ubm health get), only for jobs whose baseline averages at least
 * `minBaselineRuns` runs (fewer say little about a job's normal time). A run longer than this (and
 * than slowMinDuration) is slow. One selector reads both multipliers, so this costs what a plain
 * multiplier did.
 */
export function slowThresholdExpr(form: JobSeriesForm, floorMultiplier: number, minBaselineRuns: number): string {
  const onJob = on(form.keys);
  return [
    // A job with a baseline but neither multiplier (a file of an older ubm, no ubm health) gets the floor.
    `clamp_min(${form.maxOf([metrics.resticBackupDurationSpreadFactor, metrics.backupMonitoringJobSlowMultiplier])} or ${onJob} ${form.constant(metrics.resticBackupDurationBaselineSeconds, floorMultiplier)}, ${num(floorMultiplier)})`,
    `* ${onJob} ${form.value(metrics.resticBackupDurationBaselineSeconds)}`,
    `and ${onJob} ${form.value(metrics.resticBackupDurationBaselineRuns)} >= ${num(minBaselineRuns)}`,
  ].join(form.separator);
}

/**
 * A job's shrink ratio: the one `ubm health --config` writes (per-job and per-class overrides
 * included), else `ubm.alerting.shrinkRatio` for every job that reports. A successful run that
 * processed under this share of its source baselines has a shrunk source.
 */
export function shrinkRatioExpr(form: JobSeriesForm, shrinkRatio: number): string {
  return [form.value(metrics.backupMonitoringJobShrinkRatio), 'or', form.constant(metrics.resticBackupStatus, shrinkRatio)].join(form.separator);
}
