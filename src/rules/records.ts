/**
 * Recording rules: each backup job's thresholds, resolved once per evaluation from the metrics
 * that carry them. Rule count and cost stay flat however many jobs a fleet has.
 */
import type { ResolvedConfig } from '../config/model.js';
import { JOB_LABELS, type SelectableMetric, by, sel } from '../promql/selector.js';
import { metrics } from '../schema/catalog.js';

/** A recording rule: its output series (name and labels, selectable by other rules) and expression. */
export interface RecordDef {
  readonly record: string;
  readonly labels: readonly string[];
  readonly expr: string;
}

/** The stale threshold of each job in seconds. */
export const STALE_THRESHOLD_RECORD: SelectableMetric = { name: 'backup_job:ubm_stale_threshold_seconds:resolved', labels: JOB_LABELS };
/** The slow-run multiplier of each job. */
export const SLOW_MULTIPLIER_RECORD: SelectableMetric = { name: 'backup_job:ubm_slow_multiplier:resolved', labels: JOB_LABELS };

/** The recording rules' outputs, for validating the alerts that select them. */
export const RECORDED_METRICS: readonly SelectableMetric[] = [STALE_THRESHOLD_RECORD, SLOW_MULTIPLIER_RECORD];

/** A number as PromQL writes it (no exponent for the values thresholds take). */
export function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}

/** The recording rules for a config. */
export function recordDefs(config: ResolvedConfig): RecordDef[] {
  const a = config.alerting;
  const J = JOB_LABELS;
  const staleFactor = a.backupStaleHours / 24;
  return [
    {
      record: STALE_THRESHOLD_RECORD.name,
      labels: J,
      // 1. the threshold `ubm health --config` writes (per-job and per-class overrides included);
      // 2. else the interval `ubm run`/`ubm emit` record, scaled like a daily job's backupStaleHours;
      // 3. else a daily job's threshold, for jobs whose emitter records no interval.
      expr: [
        `max ${by(J)} (${sel(metrics.backupMonitoringJobStaleThresholdSeconds)})`,
        'or',
        `max ${by(J)} (${sel(metrics.resticBackupExpectedIntervalSeconds)}) * ${num(staleFactor)}`,
        'or',
        `group ${by(J)} (${sel(metrics.resticBackupStatus)}) * ${num(a.backupStaleHours * 3600)}`,
      ].join('\n'),
    },
    {
      record: SLOW_MULTIPLIER_RECORD.name,
      labels: J,
      // The multiplier `ubm health --config` writes, else slowBackupMultiplier for every job with a baseline.
      expr: [
        `max ${by(J)} (${sel(metrics.backupMonitoringJobSlowMultiplier)})`,
        'or',
        `group ${by(J)} (${sel(metrics.resticBackupDurationBaselineSeconds)}) * ${num(a.slowBackupMultiplier)}`,
      ].join('\n'),
    },
  ];
}
