/**
 * The alerts: name, design severity, `for:`, expression built from catalog entries, and the
 * annotations as template data. Expressions aggregate to the labels that identify what failed
 * (hostname, backup_job, repository, stanza), so alerts route per host and job and never carry
 * scrape labels that change with the setup.
 */
import * as d from '../config/defaults.js';
import type { ResolvedConfig, Severity } from '../config/model.js';
import { JOB_LABELS, REPOSITORY_LABELS, STANZA_LABELS, STANZA_REPOSITORY_LABELS, by, num, on, quote, sel } from '../promql/selector.js';
import { externalMetrics, metrics } from '../schema/catalog.js';
import { formatDuration } from '../util/duration.js';
import { SLOW_MULTIPLIER_RECORD, STALE_THRESHOLD_RECORD } from './records.js';
import { type TemplatePart, humanizeDuration } from './template.js';

/** Every alert the generator writes. */
export const ALERT_NAMES = [
  'UnifiedBackupFailed',
  'UnifiedBackupStale',
  'UnifiedBackupSlow',
  'UnifiedBackupNeverReported',
  'ResticVerificationFailed',
  'ResticVerificationStale',
  'ResticRestoreTestFailed',
  'ResticRestoreTestStale',
  'PostgresBackupVerificationFailed',
  'PostgresBackupVerificationStale',
  'PostgresOffsiteBackupFailed',
  'PostgresOffsiteBackupStale',
  'BackupMonitoringUnhealthy',
] as const;

/** An alert's name. */
export type AlertName = (typeof ALERT_NAMES)[number];

/** Rule groups, in file order. The recording rules lead the backup-job group so its alerts read fresh thresholds. */
export const GROUP_NAMES = ['ubm-backup-jobs', 'ubm-verification', 'ubm-postgres', 'ubm-monitoring'] as const;

/** A rule group's name. */
export type GroupName = (typeof GROUP_NAMES)[number];

/** Ids of the queries descriptions run, so that tests can give their answers. */
export type QueryId = 'exitCode' | 'lastSuccessAge' | 'staleThreshold' | 'slowMultiplier' | 'baseline';

/** A query part with an id. */
export interface AlertQuery {
  readonly id: QueryId;
  readonly query: string;
  readonly args: readonly string[];
  readonly format: 'duration' | 'integer' | 'decimal1';
  readonly prefix?: string;
  readonly suffix?: string;
  readonly otherwise?: string;
}

/** A description part: text, label, value or an identified query. */
export type AlertPart = Exclude<TemplatePart, { readonly query: string }> | AlertQuery;

/** One alerting rule, before severity mapping and rendering. */
export interface AlertDef {
  readonly name: AlertName;
  readonly group: GroupName;
  /** The design's severity; `ubm.severities` maps it to the label written. */
  readonly severity: Severity;
  /** Prometheus duration of the `for:` clause. */
  readonly for: string;
  readonly expr: string;
  /** The labels the alert carries besides severity: what identifies the failing thing. */
  readonly labels: readonly string[];
  /** Labels the expression makes itself (label_replace), allowed in validation. */
  readonly madeLabels?: readonly string[];
  /** One static sentence. */
  readonly summary: string;
  readonly description: readonly AlertPart[];
}

const L = (label: string): { label: string } => ({ label });
const J = JOB_LABELS;

/** The selector of one job's series inside a description query: `metric{hostname=%q,...}`. */
function jobQuery(metric: string): string {
  return `${metric}{${J.map((l) => `${l}=%q`).join(',')}}`;
}

const jobIs: readonly AlertPart[] = ['backup job ', L('backup_job'), ' on ', L('hostname'), ' (repository ', L('repository'), ')'];

/** The age of a carried-forward success timestamp, as a description query. */
function lastSuccessAge(metric: string, labels: readonly string[]): AlertQuery {
  return {
    id: 'lastSuccessAge',
    query: `time() - max(${metric}{${labels.map((l) => `${l}=%q`).join(',')}})`,
    args: labels,
    format: 'duration',
    suffix: ' ago',
    otherwise: 'never',
  };
}

/** `min by (labels) (status) == 0`: the last run of something failed. */
function failedExpr(status: { name: string; labels: readonly string[] }, labels: readonly string[]): string {
  return `min ${by(labels)} (${sel(status)}) == 0`;
}

/** `time() - max by (labels) (last_success) > threshold`: nothing good within the threshold. */
function staleExpr(lastSuccess: { name: string; labels: readonly string[] }, labels: readonly string[], thresholdSeconds: number): string {
  return `time() - max ${by(labels)} (${sel(lastSuccess)}) > ${num(thresholdSeconds)}`;
}

/**
 * Where a node_exporter series (which has job and instance but no hostname) gets its hostname:
 * from the ubm metrics scraped from the same target, else from the instance's host part.
 */
function withHostname(expr: string): string {
  const fromTarget = `topk by (job, instance) (1, group by (job, instance, hostname) (${sel(metrics.backupMonitoringLastCheck)}))`;
  return `(${expr} * on (job, instance) group_left (hostname) ${fromTarget} or on (job, instance) label_replace(${expr}, "hostname", "$1", "instance", "(.+?)(?::[0-9]+)?"))`;
}

/** `label_replace(expr, "reason", text, "", "")`: tags one branch of an `or` with why it fired. */
function reason(expr: string, text: string): string {
  return `label_replace(${expr}, "reason", ${quote(text)}, "", "")`;
}

/** The alert definitions for a config. */
export function alertDefs(config: ResolvedConfig): AlertDef[] {
  const a = config.alerting;
  const pg = config.postgres;
  const v = config.verification;
  const stale = STALE_THRESHOLD_RECORD.name;
  const H = ['hostname'];
  const neverFor = a.neverReportedForSeconds ?? d.NEVER_REPORTED_FOR_SECONDS;
  return [
    {
      name: 'UnifiedBackupFailed',
      group: 'ubm-backup-jobs',
      severity: 'critical',
      for: d.FAILED_FOR,
      expr: failedExpr(metrics.resticBackupStatus, J),
      labels: J,
      summary: 'The last run of a backup job failed.',
      description: [
        'The last run of ', ...jobIs, ' failed',
        { id: 'exitCode', query: `max(${jobQuery(metrics.resticBackupExitCode.name)})`, args: J, format: 'integer', prefix: ' with exit code ' },
        '. Last success: ',
        lastSuccessAge(metrics.resticBackupLastSuccessTimestamp.name, J),
        '.',
      ],
    },
    {
      name: 'UnifiedBackupStale',
      group: 'ubm-backup-jobs',
      severity: 'high',
      for: d.STALE_FOR,
      // A success older than the threshold; or, for a job that never succeeded, a first run older than it.
      expr: [
        `(time() - max ${by(J)} (${sel(metrics.resticBackupLastSuccessTimestamp)}) > ${on(J)} ${stale})`,
        'or',
        `(time() - max ${by(J)} (${sel(metrics.resticBackupFirstRunTimestampSeconds)}) > ${on(J)} ${stale}`,
        `  unless ${on(J)} ${sel(metrics.resticBackupLastSuccessTimestamp)})`,
      ].join('\n'),
      labels: J,
      summary: 'A backup job has not succeeded within its threshold.',
      description: [
        'The ', ...jobIs, ' has not succeeded for ', { value: 'duration' }, '; its stale threshold is ',
        { id: 'staleThreshold', query: `max(${jobQuery(stale)})`, args: J, format: 'duration', otherwise: 'unknown' },
        '.',
      ],
    },
    {
      name: 'UnifiedBackupSlow',
      group: 'ubm-backup-jobs',
      severity: 'medium',
      for: d.SLOW_FOR,
      // Reads one sample per job and series: the baseline is an average the emitter keeps, not days of history.
      expr: [
        `max ${by(J)} (${sel(metrics.resticBackupDurationSeconds)})`,
        `  > ${on(J)} (${SLOW_MULTIPLIER_RECORD.name} * ${on(J)} max ${by(J)} (${sel(metrics.resticBackupDurationBaselineSeconds)}))`,
        `and ${on(J)} max ${by(J)} (${sel(metrics.resticBackupDurationBaselineRuns)}) >= ${num(a.slowMinBaselineRuns)}`,
        `and ${on(J)} max ${by(J)} (${sel(metrics.resticBackupDurationSeconds)}) > ${num(a.slowMinDurationSeconds)}`,
        `and ${on(J)} min ${by(J)} (${sel(metrics.resticBackupStatus)}) == 1`,
      ].join('\n'),
      labels: J,
      summary: 'A backup run took much longer than its baseline.',
      description: [
        'The last run of ', ...jobIs, ' took ', { value: 'duration' }, ', more than ',
        { id: 'slowMultiplier', query: `max(${jobQuery(SLOW_MULTIPLIER_RECORD.name)})`, args: J, format: 'decimal1' },
        ' times its baseline of ',
        { id: 'baseline', query: `max(${jobQuery(metrics.resticBackupDurationBaselineSeconds.name)})`, args: J, format: 'duration' },
        '.',
      ],
    },
    {
      name: 'UnifiedBackupNeverReported',
      group: 'ubm-backup-jobs',
      severity: 'high',
      for: formatDuration(neverFor),
      expr: `max ${by(J)} (${sel(metrics.backupMonitoringExpectedJob)})\n  unless ${on(J)} ${sel(metrics.resticBackupStatus)}`,
      labels: J,
      summary: 'A configured backup job has never reported.',
      description: [
        'The ', ...jobIs, ` is configured but has written no backup metrics for ${humanizeDuration(neverFor)}: its unit may not run, may not call ubm, or may report another job or repository name.`,
      ],
    },
    {
      name: 'ResticVerificationFailed',
      group: 'ubm-verification',
      severity: 'high',
      for: d.FAILED_FOR,
      expr: failedExpr(metrics.resticVerificationStatus, REPOSITORY_LABELS),
      labels: REPOSITORY_LABELS,
      summary: 'The last restic check of a repository failed.',
      description: [
        'The last restic check of repository ', L('repository'), ' on ', L('hostname'), ' failed. Last pass: ',
        lastSuccessAge(metrics.resticVerificationLastSuccessTimestampSeconds.name, REPOSITORY_LABELS), '.',
      ],
    },
    {
      name: 'ResticVerificationStale',
      group: 'ubm-verification',
      severity: 'medium',
      for: d.VERIFICATION_STALE_FOR,
      expr: staleExpr(metrics.resticVerificationLastSuccessTimestampSeconds, REPOSITORY_LABELS, v.staleThresholdSeconds),
      labels: REPOSITORY_LABELS,
      summary: 'No restic check of a repository has passed within its threshold.',
      description: [
        'No restic check of repository ', L('repository'), ' on ', L('hostname'), ' has passed for ', { value: 'duration' },
        `; the threshold is ${humanizeDuration(v.staleThresholdSeconds)}.`,
      ],
    },
    {
      name: 'ResticRestoreTestFailed',
      group: 'ubm-verification',
      severity: 'high',
      for: d.FAILED_FOR,
      expr: failedExpr(metrics.resticRestoreTestStatus, REPOSITORY_LABELS),
      labels: REPOSITORY_LABELS,
      summary: 'The last sample-restore test of a repository failed.',
      description: [
        'The last sample-restore test of repository ', L('repository'), ' on ', L('hostname'), ' failed. Last pass: ',
        lastSuccessAge(metrics.resticRestoreTestLastSuccessTimestampSeconds.name, REPOSITORY_LABELS), '.',
      ],
    },
    {
      name: 'ResticRestoreTestStale',
      group: 'ubm-verification',
      severity: 'medium',
      for: d.VERIFICATION_STALE_FOR,
      expr: staleExpr(metrics.resticRestoreTestLastSuccessTimestampSeconds, REPOSITORY_LABELS, v.restoreTesting.staleThresholdSeconds),
      labels: REPOSITORY_LABELS,
      summary: 'No sample-restore test of a repository has passed within its threshold.',
      description: [
        'No sample-restore test of repository ', L('repository'), ' on ', L('hostname'), ' has passed for ', { value: 'duration' },
        `; the threshold is ${humanizeDuration(v.restoreTesting.staleThresholdSeconds)}.`,
      ],
    },
    {
      name: 'PostgresBackupVerificationFailed',
      group: 'ubm-postgres',
      severity: 'high',
      for: d.FAILED_FOR,
      expr: failedExpr(metrics.postgresBackupVerificationStatus, STANZA_LABELS),
      labels: STANZA_LABELS,
      summary: 'The last PostgreSQL backup verification failed.',
      description: [
        'The last backup verification of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' failed. Last pass: ',
        lastSuccessAge(metrics.postgresBackupVerificationLastSuccessTimestampSeconds.name, STANZA_LABELS), '.',
      ],
    },
    {
      name: 'PostgresBackupVerificationStale',
      group: 'ubm-postgres',
      severity: 'medium',
      for: d.VERIFICATION_STALE_FOR,
      expr: staleExpr(metrics.postgresBackupVerificationLastSuccessTimestampSeconds, STANZA_LABELS, pg.verification.staleThresholdSeconds),
      labels: STANZA_LABELS,
      summary: 'No PostgreSQL backup verification has passed within its threshold.',
      description: [
        'No backup verification of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' has passed for ', { value: 'duration' },
        `; the threshold is ${humanizeDuration(pg.verification.staleThresholdSeconds)}.`,
      ],
    },
    {
      name: 'PostgresOffsiteBackupFailed',
      group: 'ubm-postgres',
      severity: 'high',
      for: d.FAILED_FOR,
      expr: failedExpr(metrics.postgresPgbackrestOffsiteBackupStatus, STANZA_REPOSITORY_LABELS),
      labels: STANZA_REPOSITORY_LABELS,
      summary: 'The offsite copy of the PostgreSQL backups is missing, old or bad.',
      description: [
        'The offsite copy of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' in repository ', L('repository'),
        ' is missing, old or bad. Last good: ',
        lastSuccessAge(metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds.name, STANZA_REPOSITORY_LABELS), '.',
      ],
    },
    {
      name: 'PostgresOffsiteBackupStale',
      group: 'ubm-postgres',
      severity: 'high',
      for: d.STALE_FOR,
      expr: staleExpr(metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds, STANZA_REPOSITORY_LABELS, pg.offsiteMaxAgeSeconds),
      labels: STANZA_REPOSITORY_LABELS,
      summary: 'The offsite copy of the PostgreSQL backups has not been good within its threshold.',
      description: [
        'The offsite copy of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' in repository ', L('repository'),
        ' has not been found good for ', { value: 'duration' }, `; the threshold is ${humanizeDuration(pg.offsiteMaxAgeSeconds)}.`,
      ],
    },
    {
      name: 'BackupMonitoringUnhealthy',
      group: 'ubm-monitoring',
      severity: 'high',
      for: d.UNHEALTHY_FOR,
      // Four ways the monitoring path breaks, each tagged with a reason label.
      expr: [
        reason(`max ${by(H)} (${sel(metrics.backupMonitoringHealthy)}) == 0`, 'the self-check failed'),
        'or',
        reason(`time() - max ${by(H)} (${sel(metrics.backupMonitoringLastCheck)}) > ${num(a.healthStaleSeconds)}`, 'the self-check stopped reporting'),
        'or',
        reason(`max ${by(H)} ${withHostname(sel(externalMetrics.nodeTextfileScrapeError, { job: a.nodeExporterJob }))} == 1`, 'node_exporter cannot parse a textfile'),
        'or',
        reason(`max ${by(H)} ${withHostname(sel(externalMetrics.up, { job: a.nodeExporterJob }))} == 0`, 'node_exporter is not scraped'),
      ].join('\n'),
      labels: ['hostname', 'reason'],
      madeLabels: ['hostname', 'reason'],
      summary: 'Backup monitoring of a host is broken.',
      description: ['Backup monitoring on ', L('hostname'), ' is unhealthy: ', L('reason'), '. Until it is fixed, backup alerts for this host may be missing.'],
    },
  ];
}
