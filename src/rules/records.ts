/**
 * Recording rules: each backup job's thresholds and each pgBackRest stanza's, resolved once per
 * evaluation from the metrics that carry them. Rule count and cost stay flat however many jobs a fleet has.
 */
import type { ResolvedConfig } from '../config/model.js';
import { STANZA_TYPE_LABELS, pgbackrestStaleThresholdExpr } from '../promql/pgbackrest.js';
import { JOB_LABELS, type SelectableMetric } from '../promql/selector.js';
import { identify } from '../promql/identity.js';
import { perJobForm, shrinkRatioExpr, slowMultiplierFloor, slowThresholdExpr, staleThresholdExpr } from '../promql/thresholds.js';

/** A recording rule: its output series (name and labels, selectable by other rules) and expression. */
export interface RecordDef {
  readonly record: string;
  readonly labels: readonly string[];
  readonly expr: string;
  /** The rule group it leads (rules in a group run in order, so that group's alerts read it fresh); the backup-job group when absent. */
  readonly group?: 'ubm-postgres';
}

/** The stale threshold of each job in seconds. */
export const STALE_THRESHOLD_RECORD: SelectableMetric = { name: 'backup_job:ubm_stale_threshold_seconds:resolved', labels: JOB_LABELS };
/** The slow threshold of each job in seconds (multiplier x baseline), for jobs whose baseline has enough runs. */
export const SLOW_THRESHOLD_RECORD: SelectableMetric = { name: 'backup_job:ubm_slow_threshold_seconds:resolved', labels: JOB_LABELS };
/** The shrink ratio of each job: the share of its source baselines under which a successful run has a shrunk source. */
export const SHRINK_RATIO_RECORD: SelectableMetric = { name: 'backup_job:ubm_shrink_ratio:resolved', labels: JOB_LABELS };

/** The stale threshold of each pgBackRest stanza per backup type in seconds. */
export const PGBACKREST_STALE_THRESHOLD_RECORD: SelectableMetric = { name: 'stanza_backup_type:ubm_pgbackrest_stale_threshold_seconds:resolved', labels: STANZA_TYPE_LABELS };

/** The recording rules' outputs, in rule order, for validating the alerts that select them. */
export const RECORDED_METRICS: readonly SelectableMetric[] = [STALE_THRESHOLD_RECORD, SLOW_THRESHOLD_RECORD, SHRINK_RATIO_RECORD, PGBACKREST_STALE_THRESHOLD_RECORD];

/** The recording rules for a config. */
export function recordDefs(config: ResolvedConfig): RecordDef[] {
  const a = config.alerting;
  // The config's identifying labels lead the job's and the stanza's labels: the records keep two clusters apart.
  const id = identify(config.labels.identifying);
  const job = id(JOB_LABELS);
  const form = perJobForm(job);
  return [
    { record: STALE_THRESHOLD_RECORD.name, labels: job, expr: staleThresholdExpr(form, a.dailyStaleSeconds) },
    { record: SLOW_THRESHOLD_RECORD.name, labels: job, expr: slowThresholdExpr(form, slowMultiplierFloor(config), a.slowMinBaselineRuns) },
    { record: SHRINK_RATIO_RECORD.name, labels: job, expr: shrinkRatioExpr(form, a.shrinkRatio) },
    { record: PGBACKREST_STALE_THRESHOLD_RECORD.name, labels: id(STANZA_TYPE_LABELS), expr: pgbackrestStaleThresholdExpr(config.postgres.backupStaleThresholds, {}, '\n', id), group: 'ubm-postgres' },
  ];
}
