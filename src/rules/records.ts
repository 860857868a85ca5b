/**
 * Recording rules: each backup job's thresholds, resolved once per evaluation from the metrics
 * that carry them. Rule count and cost stay flat however many jobs a fleet has.
 */
import type { ResolvedConfig } from '../config/model.js';
import { JOB_LABELS, type SelectableMetric } from '../promql/selector.js';
import { PER_JOB_FORM, slowThresholdExpr, staleThresholdExpr } from '../promql/thresholds.js';

/** A recording rule: its output series (name and labels, selectable by other rules) and expression. */
export interface RecordDef {
  readonly record: string;
  readonly labels: readonly string[];
  readonly expr: string;
}

/** The stale threshold of each job in seconds. */
export const STALE_THRESHOLD_RECORD: SelectableMetric = { name: 'backup_job:ubm_stale_threshold_seconds:resolved', labels: JOB_LABELS };
/** The slow threshold of each job in seconds (multiplier x baseline), for jobs whose baseline has enough runs. */
export const SLOW_THRESHOLD_RECORD: SelectableMetric = { name: 'backup_job:ubm_slow_threshold_seconds:resolved', labels: JOB_LABELS };

/** The recording rules' outputs, in rule order, for validating the alerts that select them. */
export const RECORDED_METRICS: readonly SelectableMetric[] = [STALE_THRESHOLD_RECORD, SLOW_THRESHOLD_RECORD];

/** The recording rules for a config. */
export function recordDefs(config: ResolvedConfig): RecordDef[] {
  const a = config.alerting;
  return [
    { record: STALE_THRESHOLD_RECORD.name, labels: JOB_LABELS, expr: staleThresholdExpr(PER_JOB_FORM, a.dailyStaleSeconds) },
    { record: SLOW_THRESHOLD_RECORD.name, labels: JOB_LABELS, expr: slowThresholdExpr(PER_JOB_FORM, a.slowBackupMultiplier, a.slowMinBaselineRuns) },
  ];
}
