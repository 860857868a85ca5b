/**
 * Each backup job's stale threshold and slow threshold as PromQL, with their fallbacks written
 * once: the recording rules aggregate them per job, and the dashboards compute them from the raw
 * series (so that they need no rules loaded). Both read the same metrics in the same order.
 */
import { staleScale } from '../config/defaults.js';
import { metrics } from '../schema/catalog.js';
import { JOB_LABELS, type Matchers, type SelectableMetric, by, num, on, sel } from './selector.js';

/** How a threshold expression reads a job's series. */
export interface JobSeriesForm {
  /** A metric's value per job. */
  readonly value: (metric: SelectableMetric) => string;
  /** `value` for every job that has a series of `like`. */
  readonly constant: (like: SelectableMetric, value: number) => string;
  /** What joins the fallbacks: a line break in rule files, a space in panel queries. */
  readonly separator: string;
}

/** Aggregated to the job labels, one fallback a line: the recording rules' form. */
export const PER_JOB_FORM: JobSeriesForm = {
  value: (metric) => `max ${by(JOB_LABELS)} (${sel(metric)})`,
  constant: (like, value) => `group ${by(JOB_LABELS)} (${sel(like)}) * ${num(value)}`,
  separator: '\n',
};

/** The raw series that `filter` matches, scrape labels kept, on one line: the dashboards' form. */
export function rawSeriesForm(filter: Matchers): JobSeriesForm {
  return {
    value: (metric) => sel(metric, filter),
    // `x * 0 + value` keeps x's labels, so the constant lines up with the other fallbacks' series.
    constant: (like, value) => `${sel(like, filter)} * 0 + ${num(value)}`,
    separator: ' ',
  };
}

/**
 * A job's stale threshold in seconds:
 * 1. the threshold `ubm health --config` writes (per-job and per-class overrides included);
 * 2. else the interval `ubm run`/`ubm emit` record, scaled by the daily stale threshold (interval x backupStaleHours/24);
 * 3. else the daily stale threshold, for jobs whose emitter records no interval.
 */
export function staleThresholdExpr(form: JobSeriesForm, dailyStaleSeconds: number): string {
  return [
    form.value(metrics.backupMonitoringJobStaleThresholdSeconds),
    'or',
    `${form.value(metrics.resticBackupExpectedIntervalSeconds)} * ${num(staleScale(dailyStaleSeconds))}`,
    'or',
    form.constant(metrics.resticBackupStatus, dailyStaleSeconds),
  ].join(form.separator);
}

/** A job's slow multiplier: the one `ubm health --config` writes, else slowBackupMultiplier for every job with a duration baseline. */
export function slowMultiplierExpr(form: JobSeriesForm, slowBackupMultiplier: number): string {
  return [
    form.value(metrics.backupMonitoringJobSlowMultiplier),
    'or',
    form.constant(metrics.resticBackupDurationBaselineSeconds, slowBackupMultiplier),
  ].join(form.separator);
}

/**
 * A job's slow threshold in seconds: its slow multiplier times its duration baseline, only for jobs
 * whose baseline averages at least `minBaselineRuns` runs (fewer say little about a job's normal time).
 * A run longer than this (and than slowMinDuration) is slow.
 */
export function slowThresholdExpr(form: JobSeriesForm, slowBackupMultiplier: number, minBaselineRuns: number): string {
  const onJob = on(JOB_LABELS);
  return [
    `(${slowMultiplierExpr(form, slowBackupMultiplier)})`,
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
