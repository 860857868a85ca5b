/**
 * The alerts: name, design severity, `for:`, expression built from catalog entries, and the
 * annotations as template data. Expressions aggregate to the labels that identify what failed
 * (hostname, backup_job, repository, stanza), so alerts route per host and job and never carry
 * scrape labels that change with the setup.
 */
import type { AlertName } from '../config/alert-names.js';
import type { ResolvedConfig, Severity } from '../config/model.js';
import { JOB_LABELS, REPOSITORY_LABELS, STANZA_LABELS, STANZA_REPOSITORY_LABELS, by, num, on, quote, sel } from '../promql/selector.js';
import { externalMetrics, metrics } from '../schema/catalog.js';
import { formatDuration } from '../util/duration.js';
import { SLOW_THRESHOLD_RECORD, STALE_THRESHOLD_RECORD } from './records.js';
import { type TemplatePart, humanizeDuration } from './template.js';

export { ALERT_NAMES, type AlertName } from '../config/alert-names.js';

/** Rule groups, in file order. The recording rules lead the backup-job group so its alerts read fresh thresholds. */
export const GROUP_NAMES = ['ubm-backup-jobs', 'ubm-verification', 'ubm-postgres', 'ubm-monitoring'] as const;

/** A rule group's name. */
export type GroupName = (typeof GROUP_NAMES)[number];

/** Ids of the queries descriptions run, so that tests can give their answers. */
export type QueryId = 'exitCode' | 'lastSuccessAge' | 'staleThreshold' | 'slowThreshold' | 'slowMultiplier' | 'baseline';

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
  /** The `for:` clause in seconds: the config's `ubm.alerting.for` entry, else the alert's default. */
  readonly forSeconds: number;
  /** The `for:` clause as the rule file writes it (`forSeconds` as a Prometheus duration, `0s` for none). */
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

/** The alert definitions for a config, each with its `for:` from the config. */
export function alertDefs(config: ResolvedConfig): AlertDef[] {
  const forSeconds = config.alerting.forSeconds;
  return definitions(config).map((def) => ({ ...def, forSeconds: forSeconds[def.name], for: formatDuration(forSeconds[def.name]) }));
}

function definitions(config: ResolvedConfig): Array<Omit<AlertDef, 'forSeconds' | 'for'>> {
  const a = config.alerting;
  const pg = config.postgres;
  const v = config.verification;
  const stale = STALE_THRESHOLD_RECORD.name;
  const slowThreshold = SLOW_THRESHOLD_RECORD.name;
  const H = ['hostname'];
  const neverFor = a.forSeconds.UnifiedBackupNeverReported;
  return [
    {
      name: 'UnifiedBackupFailed',
      group: 'ubm-backup-jobs',
      severity: 'critical',
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
      // The last success, or for a job that never succeeded its first run, older than the threshold.
      // `or` after aggregating: the first run counts only for a job without any success series.
      expr: [
        `time() - (max ${by(J)} (${sel(metrics.resticBackupLastSuccessTimestamp)}) or max ${by(J)} (${sel(metrics.resticBackupFirstRunTimestampSeconds)}))`,
        `  > ${on(J)} ${stale}`,
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
      // Reads one sample per job and series: the baseline is an average the emitter keeps, not days of history.
      // Chained comparisons filter and keep the left-hand value: $value is the run's duration.
      expr: [
        `max ${by(J)} (${sel(metrics.resticBackupDurationSeconds)}) > ${num(a.slowMinDurationSeconds)}`,
        `  > ${on(J)} ${slowThreshold}`,
        `and ${on(J)} min ${by(J)} (${sel(metrics.resticBackupStatus)}) == 1`,
      ].join('\n'),
      labels: J,
      summary: 'A backup run took much longer than its baseline.',
      description: [
        'The last run of ', ...jobIs, ' took ', { value: 'duration' }, ', more than its slow threshold of ',
        { id: 'slowThreshold', query: `max(${jobQuery(slowThreshold)})`, args: J, format: 'duration', otherwise: 'unknown' },
        // The multiplier as the threshold holds it: from ubm health, else slowBackupMultiplier.
        ' (',
        { id: 'slowMultiplier', query: `max(${jobQuery(slowThreshold)}) / max(${jobQuery(metrics.resticBackupDurationBaselineSeconds.name)} > 0)`, args: [...J, ...J], format: 'decimal1', suffix: ' times', otherwise: 'a multiple of' },
        ' its baseline of ',
        { id: 'baseline', query: `max(${jobQuery(metrics.resticBackupDurationBaselineSeconds.name)})`, args: J, format: 'duration' },
        ').',
      ],
    },
    {
      name: 'UnifiedBackupNeverReported',
      group: 'ubm-backup-jobs',
      severity: 'high',
      expr: `max ${by(J)} (${sel(metrics.backupMonitoringExpectedJob)})\n  unless ${on(J)} ${sel(metrics.resticBackupStatus)}`,
      labels: J,
      summary: 'A configured backup job has never reported.',
      description: [
        'The ', ...jobIs, ` is configured but has written no backup metrics${neverFor > 0 ? ` for ${humanizeDuration(neverFor)}` : ''}: its unit may not run, may not call ubm, or may report another job or repository name.`,
      ],
    },
    {
      name: 'ResticVerificationFailed',
      group: 'ubm-verification',
      severity: 'high',
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
