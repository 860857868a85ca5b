/**
 * The alerts: name, design severity, `for:`, expression built from catalog entries, and the
 * annotations as template data. Expressions aggregate to the labels that identify what failed
 * (hostname, backup_job, repository, stanza), so alerts route per host and job and never carry
 * scrape labels that change with the setup.
 */
import type { AlertName } from '../config/alert-names.js';
import type { ResolvedConfig, Severity } from '../config/model.js';
import { REPOSITORY_OPERATION_LABELS, pruneStaleExpr } from '../promql/maintenance.js';
import { STANZA_REPOSITORY_TYPE_LABELS, STANZA_TYPE_LABELS, pgbackrestBackupAgeExpr, pgbackrestErrorExpr, walUnchangedExpr } from '../promql/pgbackrest.js';
import { JOB_LABELS, REPOSITORY_LABELS, STANZA_LABELS, STANZA_REPOSITORY_LABELS, by, num, on, quote, sel } from '../promql/selector.js';
import { type CheckKind, MONITORING_PROBLEMS, type MonitoringProblem, externalMetrics, metrics } from '../schema/catalog.js';
import { CHECK_REPORTS, neverReportedExpr } from '../promql/checks.js';
import { type Identify, identify } from '../promql/identity.js';
import { formatDuration } from '../util/duration.js';
import { PGBACKREST_STALE_THRESHOLD_RECORD, SHRINK_RATIO_RECORD, SLOW_THRESHOLD_RECORD, STALE_THRESHOLD_RECORD } from './records.js';
import { type TemplatePart, type ValueFormat, humanizeDuration } from './template.js';

export { ALERT_NAMES, type AlertName } from '../config/alert-names.js';

/** Rule groups, in file order. The recording rules lead the backup-job group so its alerts read fresh thresholds. */
export const GROUP_NAMES = ['ubm-backup-jobs', 'ubm-verification', 'ubm-postgres', 'ubm-monitoring'] as const;

/** A rule group's name. */
export type GroupName = (typeof GROUP_NAMES)[number];

/** Ids of the queries descriptions run, so that tests can give their answers. */
export type QueryId = 'exitCode' | 'lastSuccessAge' | 'staleThreshold' | 'slowThreshold' | 'slowMultiplier' | 'baseline' | 'lastReadAge'
  | 'filesProcessed' | 'filesBaseline' | 'bytesProcessed' | 'bytesBaseline' | 'shrinkRatio' | 'lastRunAge'
  | 'lockCheckAge' | 'locks' | 'exclusiveLocks';

/** A query part with an id. */
export interface AlertQuery {
  readonly id: QueryId;
  readonly query: string;
  readonly args: readonly string[];
  readonly format: ValueFormat;
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
  /** The `keep_firing_for:` clause in seconds (0: none): how long the alert outlives its condition, so a scrape gap does not resolve it. */
  readonly keepFiringForSeconds: number;
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

/** The selector of one thing's series inside a description query: `metric{hostname=%q,...}`. */
function thingQuery(metric: string, labels: readonly string[]): string {
  return `${metric}{${labels.map((l) => `${l}=%q`).join(',')}}`;
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

/** The description query of a never-reported check's threshold. */
function checkThreshold(check: CheckKind, labels: readonly string[]): AlertQuery {
  return {
    id: 'staleThreshold',
    query: `max(${metrics.backupMonitoringExpectedCheckStaleThresholdSeconds.name}{check="${check}",${labels.map((l) => `${l}=%q`).join(',')}})`,
    args: labels,
    format: 'duration',
    otherwise: 'unknown',
  };
}

/**
 * Where a node_exporter series (which has job and instance but no hostname) gets its hostname:
 * from the ubm metrics scraped from the same target, else from the instance's host part. A target
 * is its job and instance, led by the identifying labels (two clusters may scrape the same instance name).
 */
function withHostname(expr: string, id: Identify): string {
  const target = id(['job', 'instance']);
  const fromTarget = `topk ${by(target)} (1, group ${by([...target, 'hostname'])} (${sel(metrics.backupMonitoringLastCheck)}))`;
  return `(${expr} * ${on(target)} group_left (hostname) ${fromTarget} or ${on(target)} label_replace(${expr}, "hostname", "$1", "instance", "(.+?)(?::[0-9]+)?"))`;
}

/** `label_replace(expr, "reason", text, "", "")`: tags one branch of an `or` with why it fired. */
function reason(expr: string, text: string): string {
  return `label_replace(${expr}, "reason", ${quote(text)}, "", "")`;
}

/**
 * The problems the self-check found, one series per host and problem, each reason turned into its
 * sentence (label_replace keeps a value it does not match, so a newer ubm's reason shows as written).
 */
function selfCheckProblems(host: readonly string[]): string {
  // `== 1` filters inside the max, not after it: MetricsQL (vmalert) keeps a filtered-out series as a gap
  // that the `or on (hostname)` after it fills from the right side, so every reason would fire on a host whose self-check failed.
  let expr = `max ${by([...host, 'reason'])} (${sel(metrics.backupMonitoringProblem)} == 1)`;
  for (const [code, sentence] of Object.entries(MONITORING_PROBLEMS) as Array<[MonitoringProblem, string]>) {
    expr = `label_replace(${expr}, "reason", ${quote(sentence)}, "reason", ${quote(code)})`;
  }
  return expr;
}

/** The label lists that identify each kind of thing, led by the identifying labels that `id` adds. */
function keyLabels(id: Identify) {
  return {
    J: id(JOB_LABELS),
    H: id(['hostname']),
    REPOSITORY_LABELS: id(REPOSITORY_LABELS),
    STANZA_LABELS: id(STANZA_LABELS),
    STANZA_REPOSITORY_LABELS: id(STANZA_REPOSITORY_LABELS),
    STANZA_TYPE_LABELS: id(STANZA_TYPE_LABELS),
    STANZA_REPOSITORY_TYPE_LABELS: id(STANZA_REPOSITORY_TYPE_LABELS),
    REPOSITORY_OPERATION_LABELS: id(REPOSITORY_OPERATION_LABELS),
  };
}

/** The alert definitions for a config, each with its `for:` from the config. */
export function alertDefs(config: ResolvedConfig): AlertDef[] {
  const forSeconds = config.alerting.forSeconds;
  return definitions(config).map((def) => ({
    ...def,
    forSeconds: forSeconds[def.name],
    for: formatDuration(forSeconds[def.name]),
    // BackupMonitoringUnhealthy is about the gap itself: it resolves the moment monitoring works again.
    keepFiringForSeconds: def.name === 'BackupMonitoringUnhealthy' ? 0 : config.alerting.keepFiringForSeconds,
  }));
}

function definitions(config: ResolvedConfig): Array<Omit<AlertDef, 'forSeconds' | 'for' | 'keepFiringForSeconds'>> {
  const a = config.alerting;
  const pg = config.postgres;
  const v = config.verification;
  const stale = STALE_THRESHOLD_RECORD.name;
  const slowThreshold = SLOW_THRESHOLD_RECORD.name;
  const shrinkRatio = SHRINK_RATIO_RECORD.name;
  // The config's identifying labels lead every label list below (these locals shadow the plain lists), so
  // that alerts, their joins and their description queries keep two clusters with the same hostname apart.
  const id = identify(config.labels.identifying);
  const { J, H, REPOSITORY_LABELS, STANZA_LABELS, STANZA_REPOSITORY_LABELS, STANZA_TYPE_LABELS, STANZA_REPOSITORY_TYPE_LABELS, REPOSITORY_OPERATION_LABELS } = keyLabels(id);
  const jobQuery = (metric: string, labels: readonly string[] = J): string => thingQuery(metric, labels);
  const neverFor = a.forSeconds.UnifiedBackupNeverReported;
  /** A configured check's NeverReported alert: its labels are the check's own; `subject` names it, `cause` says what to look at. */
  const neverReported = (c: { name: AlertName; group: GroupName; severity: Severity; check: CheckKind; summary: string; subject: readonly AlertPart[]; cause: string }): Omit<AlertDef, 'forSeconds' | 'for' | 'keepFiringForSeconds'> => {
    const labels = id(CHECK_REPORTS[c.check].labels);
    return {
      name: c.name,
      group: c.group,
      severity: c.severity,
      expr: neverReportedExpr(c.check, {}, '\n', id),
      labels,
      summary: c.summary,
      description: [
        ...c.subject,
        ' is turned on in the config but has not reported for ', { value: 'duration' }, ' since ubm health first expected it (its threshold is ',
        checkThreshold(c.check, labels),
        `): ${c.cause}`,
      ],
    };
  };
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
      // Chained comparisons filter and keep the left-hand value: $value is the run's duration. A failed
      // run that was slow is UnifiedBackupFailed's page: the inhibit rules mute this alert for it.
      expr: [`max ${by(J)} (${sel(metrics.resticBackupDurationSeconds)}) > ${num(a.slowMinDurationSeconds)}`, `  > ${on(J)} ${slowThreshold}`].join('\n'),
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
      name: 'UnifiedBackupUnexpectedJob',
      group: 'ubm-backup-jobs',
      // Medium: the job's runs keep their own alerts (Failed; NeverReported for the name the config
      // does list); this one names the mismatch, a self-check after it appears.
      severity: 'medium',
      expr: `max ${by(J)} (${sel(metrics.backupMonitoringUnexpectedJob)}) == 1`,
      labels: J,
      summary: 'A backup job reports metrics but is not in the config.',
      description: [
        'The ', ...jobIs, ' writes backup metrics but is not in the config',
        { id: 'lastRunAge', query: `time() - max(${jobQuery(metrics.resticBackupLastRunTimestampSeconds.name)})`, args: J, format: 'duration', prefix: ' (last run ', suffix: ' ago)' },
        `: its unit may report a mistyped job or repository name, or the job was removed from the config or recorded by hand. ubm health keeps its file until its last write is ${config.monitoring.retentionDays} days old, then removes it.`,
      ],
    },
    {
      name: 'UnifiedBackupSourceShrunk',
      group: 'ubm-backup-jobs',
      // High, as Stale: restic reported success for a backup of (almost) nothing, so no other alert
      // fires, while retention goes on pruning the snapshots that still hold the data.
      severity: 'high',
      // One sample per job: the emitter works out the run's share of its source baselines (the smaller of
      // files and bytes) once per run. It exists only in the file of a successful run with a positive
      // baseline, so a failed run is never judged; $value is that share.
      expr: `max ${by(J)} (${sel(metrics.resticBackupSourceShare)})\n  < ${on(J)} ${shrinkRatio}`,
      labels: J,
      summary: 'A backup run succeeded but processed far less than its job usually does.',
      description: [
        'The last run of ', ...jobIs, ' succeeded but processed ',
        { id: 'filesProcessed', query: `max(${jobQuery(metrics.resticBackupFilesProcessed.name)})`, args: J, format: 'integer', suffix: ' files', otherwise: 'an unknown number of files' },
        ' and ',
        { id: 'bytesProcessed', query: `max(${jobQuery(metrics.resticBackupProcessedBytes.name)})`, args: J, format: 'bytes', otherwise: 'an unknown number of bytes' },
        ' against a baseline of ',
        { id: 'filesBaseline', query: `max(${jobQuery(metrics.resticBackupFilesProcessedBaseline.name)})`, args: J, format: 'integer', suffix: ' files', otherwise: 'unknown files' },
        ' and ',
        { id: 'bytesBaseline', query: `max(${jobQuery(metrics.resticBackupProcessedBaselineBytes.name)})`, args: J, format: 'bytes', otherwise: 'unknown bytes' },
        ' (',
        { value: 'percent' },
        ' of it; the threshold is ',
        { id: 'shrinkRatio', query: `max(${jobQuery(shrinkRatio)})`, args: J, format: 'percent', otherwise: 'unknown' },
        '). Is the source mounted, its snapshot present and the path right?',
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
    neverReported({
      name: 'ResticVerificationNeverReported',
      group: 'ubm-verification',
      severity: 'medium',
      check: 'restic_verification',
      summary: 'A restic check the config turns on has never reported.',
      subject: ['The restic check of repository ', L('repository'), ' on ', L('hostname')],
      cause: 'its timer may not be installed or may not call ubm verify (or ubm emit verification), or may report another repository name.',
    }),
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
    neverReported({
      name: 'ResticRestoreTestNeverReported',
      group: 'ubm-verification',
      severity: 'medium',
      check: 'restic_restore_test',
      summary: 'A restore test the config turns on has never reported.',
      subject: ['The sample-restore test of repository ', L('repository'), ' on ', L('hostname')],
      cause: 'its timer may not be installed or may not call ubm verify --restore-test (or ubm emit restore-test), or may report another repository name.',
    }),
    {
      name: 'ResticStaleLock',
      group: 'ubm-verification',
      // High: the lock never clears by itself, and blocks prune and check (an exclusive one every backup too).
      severity: 'high',
      // The age at the last check, not time() minus the lock's time: a live lock seen by a sparse check
      // must not age in Prometheus' eyes past the threshold before the next check looks again.
      expr: `max ${by(REPOSITORY_LABELS)} (${sel(metrics.resticRepositoryLocksLastCheckTimestampSeconds)} - ${sel(metrics.resticRepositoryOldestLockTimestampSeconds)}) > ${num(config.locks.maxAgeSeconds)}`,
      labels: REPOSITORY_LABELS,
      summary: 'A restic repository holds a lock that no running restic has refreshed for too long.',
      description: [
        'Restic repository ', L('repository'), ' on ', L('hostname'), ' held a lock ', { value: 'duration' },
        ` old at the last lock check (threshold ${humanizeDuration(config.locks.maxAgeSeconds)})`,
        { id: 'lockCheckAge', query: `time() - max(${jobQuery(metrics.resticRepositoryLocksLastCheckTimestampSeconds.name, REPOSITORY_LABELS)})`, args: REPOSITORY_LABELS, format: 'duration', prefix: ', ', suffix: ' ago' },
        ': the restic process that took it was killed or hangs, and it blocks prune and check until someone removes it. Locks: ',
        { id: 'locks', query: `max(${jobQuery(metrics.resticRepositoryLocks.name, REPOSITORY_LABELS)})`, args: REPOSITORY_LABELS, format: 'integer', otherwise: 'unknown' },
        ', of which exclusive (blocking backups too): ',
        { id: 'exclusiveLocks', query: `max(${jobQuery(metrics.resticRepositoryExclusiveLocks.name, REPOSITORY_LABELS)})`, args: REPOSITORY_LABELS, format: 'integer', otherwise: 'unknown' },
        '.',
      ],
    },
    {
      name: 'ResticLockCheckStale',
      group: 'ubm-verification',
      severity: 'medium',
      expr: staleExpr(metrics.resticRepositoryLocksLastCheckTimestampSeconds, REPOSITORY_LABELS, config.locks.checkStaleSeconds),
      labels: REPOSITORY_LABELS,
      summary: 'The locks of a restic repository have not been checked within the threshold.',
      description: [
        'The locks of restic repository ', L('repository'), ' on ', L('hostname'), ' were last checked ', { value: 'duration' },
        ` ago; the threshold is ${humanizeDuration(config.locks.checkStaleSeconds)}. ubm locks cannot read them (its log names why: a wrong password, an unreachable repository) or no longer runs, so a stale lock would go unseen.`,
      ],
    },
    {
      name: 'ResticMaintenanceFailed',
      group: 'ubm-verification',
      // High: nothing is lost yet, but a repository whose prune keeps failing grows until its disk is full.
      severity: 'high',
      expr: failedExpr(metrics.resticMaintenanceStatus, REPOSITORY_OPERATION_LABELS),
      labels: REPOSITORY_OPERATION_LABELS,
      summary: 'The last maintenance operation (forget, prune or check) of a restic repository failed.',
      description: [
        'The last ', L('operation'), ' of restic repository ', L('repository'), ' on ', L('hostname'), ' failed',
        { id: 'exitCode', query: `max(${jobQuery(metrics.resticMaintenanceExitCode.name, REPOSITORY_OPERATION_LABELS)})`, args: REPOSITORY_OPERATION_LABELS, format: 'integer', prefix: ' with exit code ' },
        '. Last success: ',
        lastSuccessAge(metrics.resticMaintenanceLastSuccessTimestampSeconds.name, REPOSITORY_OPERATION_LABELS),
        '.',
      ],
    },
    {
      name: 'ResticMaintenanceStale',
      group: 'ubm-verification',
      // Medium: the repository only grows for now; a prune that keeps failing pages as ResticMaintenanceFailed.
      severity: 'medium',
      // One threshold per repository from its pruneSchedule, written with the prune's metrics: one rule for any number.
      expr: pruneStaleExpr(config.maintenance.fallbackStaleThresholdSeconds, {}, '\n', id),
      labels: REPOSITORY_OPERATION_LABELS,
      summary: 'No prune of a restic repository has succeeded within its threshold.',
      description: [
        'No prune of restic repository ', L('repository'), ' on ', L('hostname'), ' has succeeded for ', { value: 'duration' }, '; its threshold is ',
        {
          id: 'staleThreshold',
          query: `max(${jobQuery(metrics.resticMaintenanceStaleThresholdSeconds.name, REPOSITORY_OPERATION_LABELS)})`,
          args: REPOSITORY_OPERATION_LABELS,
          format: 'duration',
          otherwise: humanizeDuration(config.maintenance.fallbackStaleThresholdSeconds),
        },
        '. Forgotten snapshots keep their data until a prune removes it: the repository grows.',
      ],
    },
    neverReported({
      name: 'ResticMaintenanceNeverReported',
      group: 'ubm-verification',
      severity: 'medium',
      check: 'restic_prune',
      summary: 'A prune the config schedules for a restic repository has never reported.',
      subject: ['The prune of restic repository ', L('repository'), ' on ', L('hostname'), ' (its pruneSchedule)'],
      cause: 'its timer may not be installed or may not record the prune (ubm run --operation prune, or ubm emit maintenance), so the repository may grow unseen.',
    }),
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
    neverReported({
      name: 'PostgresBackupVerificationNeverReported',
      group: 'ubm-postgres',
      severity: 'medium',
      check: 'postgres_verification',
      summary: 'A PostgreSQL backup verification the config turns on has never reported.',
      subject: ['The backup verification of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname')],
      cause: 'its timer may not be installed or may not call ubm (ubm emit postgres-verification), or may report another stanza name.',
    }),
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
    neverReported({
      name: 'PostgresOffsiteBackupNeverReported',
      group: 'ubm-postgres',
      severity: 'high',
      check: 'postgres_offsite',
      summary: 'The offsite copy of the PostgreSQL backups that the config turns on has never reported.',
      subject: ['The offsite copy of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' in repository ', L('repository')],
      cause: 'ubm pgbackrest may not run with this repository marked offsite (or ubm emit postgres-offsite may not run), so nobody knows whether an offsite copy exists.',
    }),
    {
      name: 'PgbackrestBackupStale',
      group: 'ubm-postgres',
      // High, as UnifiedBackupStale: the recovery point is older than the schedule allows; nothing is lost yet.
      severity: 'high',
      // Per level: full counts only fulls, diff also fulls, incr any backup; the threshold comes per stanza and type.
      expr: `(\n${pgbackrestBackupAgeExpr({}, '\n', id)}\n)\n  > ${on(STANZA_TYPE_LABELS)} group_left () ${PGBACKREST_STALE_THRESHOLD_RECORD.name}`,
      labels: STANZA_REPOSITORY_TYPE_LABELS,
      summary: 'A pgBackRest repository has no backup as recent as its schedule requires.',
      description: [
        'The newest backup of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' in pgBackRest repository ', L('repository'), ' that counts for its ', L('backup_type'),
        ' schedule (a backup of that type or a more complete one: full > diff > incr) completed ', { value: 'duration' }, ' ago; that schedule allows ',
        { id: 'staleThreshold', query: `max(${jobQuery(PGBACKREST_STALE_THRESHOLD_RECORD.name, STANZA_TYPE_LABELS)})`, args: STANZA_TYPE_LABELS, format: 'duration', otherwise: 'unknown' },
        '.',
      ],
    },
    {
      name: 'PgbackrestWalArchivingStuck',
      group: 'ubm-postgres',
      // Critical: no point-in-time recovery past the last archived segment, and PostgreSQL keeps every
      // unarchived segment in pg_wal until its disk fills and the database stops.
      severity: 'critical',
      expr: `${walUnchangedExpr({}, id)}\n  > ${num(pg.walArchiveStuckSeconds)}`,
      labels: STANZA_REPOSITORY_LABELS,
      summary: 'WAL archiving of a PostgreSQL stanza into a pgBackRest repository has stopped advancing.',
      description: [
        'The newest WAL segment archived for PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' in pgBackRest repository ', L('repository'), ' has not changed for ', { value: 'duration' },
        ` (threshold ${humanizeDuration(pg.walArchiveStuckSeconds)}) as of the last read of pgbackrest info`,
        { id: 'lastReadAge', query: `time() - max(${jobQuery(metrics.pgbackrestInfoLastRunTimestampSeconds.name, STANZA_LABELS)})`, args: STANZA_LABELS, format: 'duration', prefix: ', ', suffix: ' ago' },
        ': archive_command may be failing, point-in-time recovery past that segment is impossible, and pg_wal grows until it is archived.',
      ],
    },
    {
      name: 'PgbackrestStanzaError',
      group: 'ubm-postgres',
      // High: the repository cannot take or keep backups (or cannot be read) until fixed; backups already made may still restore.
      severity: 'high',
      expr: pgbackrestErrorExpr({}, '\n', id),
      labels: STANZA_REPOSITORY_LABELS,
      summary: 'A pgBackRest repository reports an error status for a stanza.',
      description: [
        'pgBackRest reports status code ', { value: 'integer' }, ' for PostgreSQL stanza ', L('stanza'), ' on ', L('hostname'), ' in repository ', L('repository'),
        ' (1 missing stanza path, 2 no valid backups, 3 missing stanza data, 4 different across repositories, 99 other error such as an unreachable repository); pgbackrest info prints its message.',
      ],
    },
    neverReported({
      name: 'PgbackrestNeverReported',
      group: 'ubm-postgres',
      severity: 'high',
      check: 'pgbackrest',
      summary: 'The pgBackRest state of a PostgreSQL stanza that the config turns on has never been read.',
      subject: ['The pgBackRest state (pgbackrest info) of PostgreSQL stanza ', L('stanza'), ' on ', L('hostname')],
      cause: 'ubm pgbackrest may not run (no timer, or pgbackrest cannot read the stanza), so neither the local backups nor WAL archiving are watched.',
    }),
    {
      name: 'BackupMonitoringUnhealthy',
      group: 'ubm-monitoring',
      severity: 'high',
      // Four ways the monitoring path breaks, each tagged with a reason label; a failed self-check
      // says which problems it found (a check that names none, such as ubm emit health, just failed).
      expr: [
        selfCheckProblems(H),
        `or ${on(H)}`,
        reason(`max ${by(H)} (${sel(metrics.backupMonitoringHealthy)}) == 0`, 'the self-check failed'),
        'or',
        reason(`time() - max ${by(H)} (${sel(metrics.backupMonitoringLastCheck)}) > ${num(a.healthStaleSeconds)}`, 'the self-check stopped reporting'),
        'or',
        reason(`max ${by(H)} ${withHostname(sel(externalMetrics.nodeTextfileScrapeError, { job: a.nodeExporterJob }), id)} == 1`, 'node_exporter cannot parse a textfile'),
        'or',
        reason(`max ${by(H)} ${withHostname(sel(externalMetrics.up, { job: a.nodeExporterJob }), id)} == 0`, 'node_exporter is not scraped'),
      ].join('\n'),
      labels: [...H, 'reason'],
      madeLabels: ['hostname', 'reason'],
      summary: 'Backup monitoring of a host is broken.',
      description: ['Backup monitoring on ', L('hostname'), ' is unhealthy: ', L('reason'), '. Until it is fixed, backup alerts for this host may be missing.'],
    },
  ];
}
