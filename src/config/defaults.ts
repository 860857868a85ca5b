/**
 * Every knob's default, in one place, with the reason for it (node-mixin style).
 * The config schema, the resolver, the rules and docs/config.md read these; nothing else hard-codes them.
 */
import type { AlertName } from './alert-names.js';
import { SECONDS_PER_DAY } from '../util/duration.js';

/**
 * `monitoring.alerting.thresholds.backupStaleHours`: hours without a successful run after which a
 * *daily* job is stale. The design's 30 h is one daily interval plus a 6 h buffer for the timer's
 * randomized delay (30 min), a long run and a late reboot. Other frequencies scale by the same
 * factor (30/24 = 1.25): hourly 75 min, weekly 210 h.
 */
export const BACKUP_STALE_HOURS = 30;

/** The factor by which every job's stale threshold exceeds its interval: backupStaleHours over a day's 24 (30/24 = 1.25). */
export function staleScale(backupStaleHours: number): number {
  return backupStaleHours / 24;
}

/**
 * `monitoring.alerting.thresholds.slowBackupMultiplier`: a run slower than this multiple of its own
 * baseline (the moving average of earlier successful runs) is slow. 2x tolerates the normal spread
 * of incremental backups (a big change set now and then) without hiding a run that doubled.
 */
export const SLOW_BACKUP_MULTIPLIER = 2;

/**
 * `monitoring.alerting.thresholds.verificationStaleHours`: hours without a passing `restic check`
 * (and PostgreSQL backup verification) after which verification is stale. 168 h = the design's
 * weekly verification schedule; the alert's `for:` (VERIFICATION_STALE_FOR) covers the check's run time.
 */
export const VERIFICATION_STALE_HOURS = 168;

/**
 * `ubm.alerting.slowMinDurationSeconds`: runs shorter than this never count as slow. A job that
 * finishes within 5 minutes is not worth a notification for taking twice its usual 2 minutes;
 * small jobs' durations are noisy (cache warm-up, lock waits).
 */
export const SLOW_MIN_DURATION_SECONDS = 300;

/**
 * `ubm.alerting.slowMinBaselineRuns`: successful runs the baseline must average before slow-run
 * alerts start. One or two runs (often the first, full backup) say little about a job's normal time.
 */
export const SLOW_MIN_BASELINE_RUNS = 3;

/**
 * `ubm.alerting.healthStaleSeconds`: seconds after the last self-check (`backup_monitoring_last_check`)
 * at which the self-check counts as stopped. The design runs it every 5 minutes; 15 minutes is three
 * missed runs, so one slow or skipped run does not alert.
 */
export const HEALTH_STALE_SECONDS = 900;

/**
 * `ubm.alerting.nodeExporterJob`: the Prometheus scrape job of node_exporter, whose `up == 0` means a
 * host's textfiles are not collected. `node` is the name in Prometheus' and NixOS' examples.
 */
export const NODE_EXPORTER_JOB = 'node';

/**
 * `ubm.alerting.for.UnifiedBackupNeverReported` (formerly `ubm.alerting.neverReportedFor`): how long a
 * configured job may go without any metric before UnifiedBackupNeverReported fires. One daily stale
 * threshold (30 h): a new daily job has run by then. Raise it when you often add weekly or monthly
 * jobs (they first report after their first run).
 */
export const NEVER_REPORTED_FOR_SECONDS = BACKUP_STALE_HOURS * 3600;

/**
 * `ubm.runbookBaseUrl`: where docs/runbooks.md is published; an alert's runbook_url is this plus
 * `#` and the alert name in lower case (the heading's anchor).
 */
export const RUNBOOK_BASE_URL = 'https://github.com/unified-backup-monitoring/unified-backup-monitoring/blob/main/docs/runbooks.md';

/** `ubm.hostnames`: the fleet's hostnames; only example data (generated tests, dashboard defaults) uses them. */
export const HOSTNAMES: readonly string[] = ['localhost'];

/** `ubm.postgres.stanzas`: pgBackRest stanzas of the host. `main` is pgBackRest's and the design's usual name. */
export const PG_STANZAS: readonly string[] = ['main'];

/** `ubm.postgres.repos`: pgBackRest repositories (`repoN`) besides those marked offsite. pgBackRest's first is `repo1`. */
export const PG_REPOS: readonly string[] = ['repo1'];

/**
 * `monitoring.textfileCollector.directory`: where node_exporter's textfile collector reads `.prom`
 * files: the path Debian's and NixOS's node_exporter use.
 */
export const TEXTFILE_DIRECTORY = '/var/lib/node_exporter/textfile_collector';

/** `monitoring.textfileCollector.retentionDays`: the design's default; a week covers a weekly job's files. */
export const TEXTFILE_RETENTION_DAYS = 7;

/** `verification.checkDataSubset` when `checkData` is on: the design's 10 %, a full read every ten weeks of weekly checks. */
export const CHECK_DATA_SUBSET = '10%';

/** `verification.restoreTesting.sampleFiles`: the design's 5 files a restore test restores and compares. */
export const RESTORE_TEST_SAMPLE_FILES = 5;

/** A job's frequency when the config names none (the design's default). */
export const DEFAULT_FREQUENCY = 'daily';

/**
 * Per-job and per-class additions to a job's stale threshold, all 0 by default: backupStaleHours'
 * 25 % buffer already covers the design's 30-minute RandomizedDelaySec and normal run times.
 * Set them for a job whose delay or duration is a large part of its interval (an hourly job that runs 40 minutes).
 */
export const RANDOMIZED_DELAY_SECONDS = 0;
/** See RANDOMIZED_DELAY_SECONDS. */
export const EXPECTED_DURATION_SECONDS = 0;
/** See RANDOMIZED_DELAY_SECONDS. */
export const GRACE_SECONDS = 0;

/**
 * `ubm.postgres.offsiteMaxAge` default: the offsite copy of the pgBackRest backups is carried by a
 * daily restic job (the design's `postgres-pgbackrest`), so it is stale after one daily threshold.
 */
export const OFFSITE_MAX_AGE_SECONDS = BACKUP_STALE_HOURS * 3600;

/** `for:` of alerts on a status gauge (Failed): rides out a systemd retry that succeeds within minutes. */
export const FAILED_FOR_SECONDS = 5 * 60;
/** `for:` of UnifiedBackupStale and the offsite Stale: a run finishing right at the threshold lands at the next scrapes. */
export const STALE_FOR_SECONDS = 10 * 60;
/** `for:` of the verification and restore-test Stale alerts: the weekly check runs right as a 168 h threshold expires. */
export const VERIFICATION_STALE_FOR_SECONDS = 3600;
/** `for:` of UnifiedBackupSlow: the duration gauge changes once per run; a short wait avoids alerting on a half-scraped update. */
export const SLOW_FOR_SECONDS = 5 * 60;
/** `for:` of BackupMonitoringUnhealthy: one failed scrape or self-check is not yet a broken monitoring path. */
export const UNHEALTHY_FOR_SECONDS = 5 * 60;

/**
 * Every alert's default `for:` in seconds; `ubm.alerting.for.<Alert>` replaces it. UnifiedBackupNeverReported
 * waits one daily stale threshold (NEVER_REPORTED_FOR_SECONDS at the default backupStaleHours).
 */
export function defaultForSeconds(backupStaleHours: number): Record<AlertName, number> {
  return {
    UnifiedBackupFailed: FAILED_FOR_SECONDS,
    UnifiedBackupStale: STALE_FOR_SECONDS,
    UnifiedBackupSlow: SLOW_FOR_SECONDS,
    UnifiedBackupNeverReported: Math.round(SECONDS_PER_DAY * staleScale(backupStaleHours)),
    ResticVerificationFailed: FAILED_FOR_SECONDS,
    ResticVerificationStale: VERIFICATION_STALE_FOR_SECONDS,
    ResticRestoreTestFailed: FAILED_FOR_SECONDS,
    ResticRestoreTestStale: VERIFICATION_STALE_FOR_SECONDS,
    PostgresBackupVerificationFailed: FAILED_FOR_SECONDS,
    PostgresBackupVerificationStale: VERIFICATION_STALE_FOR_SECONDS,
    PostgresOffsiteBackupFailed: FAILED_FOR_SECONDS,
    PostgresOffsiteBackupStale: STALE_FOR_SECONDS,
    BackupMonitoringUnhealthy: UNHEALTHY_FOR_SECONDS,
  };
}
