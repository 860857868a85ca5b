/**
 * Every knob's default value, in one place. What each knob does and why its default is what it is
 * lives once, in the key's description in schema.ts (which `ubm schema` and docs/config.md show);
 * the comments here only point there. The schema, the resolver and the CLI read these; nothing
 * else hard-codes them.
 */
import type { AlertName } from './alert-names.js';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from '../util/duration.js';

/** Default of `monitoring.alerting.thresholds.backupStaleHours` (see schema.ts). */
export const BACKUP_STALE_HOURS = 30;

/** The daily stale threshold in seconds at the default backupStaleHours. */
export const DAILY_STALE_SECONDS = BACKUP_STALE_HOURS * SECONDS_PER_HOUR;

/**
 * The share of its interval that a schedule's derived stale threshold allows as grace: what the daily
 * stale threshold leaves over a day and the default randomized delay ((30 h - 24 h - 30 min) / 24 h = 22.9 %).
 */
export function graceShare(dailyStaleSeconds: number): number {
  return Math.max(0, dailyStaleSeconds - SECONDS_PER_DAY - RANDOMIZED_DELAY_SECONDS) / SECONDS_PER_DAY;
}

/** What a derived stale threshold adds to a schedule's interval (each a duration in seconds; absent ones take their defaults). */
export interface StaleAllowances {
  readonly randomizedDelay?: number | undefined;
  readonly expectedDuration?: number | undefined;
  readonly grace?: number | undefined;
}

/**
 * A schedule's derived stale threshold in seconds: its allowances added, not multiplied, so that a
 * timer's randomized delay counts in full however short the interval:
 * interval x (1 + graceShare) + randomizedDelay + expectedDuration + grace.
 * With the defaults, daily gives backupStaleHours itself.
 */
export function derivedStaleSeconds(intervalSeconds: number, dailyStaleSeconds: number, a: StaleAllowances = {}): number {
  return Math.round(
    intervalSeconds * (1 + graceShare(dailyStaleSeconds)) + (a.randomizedDelay ?? RANDOMIZED_DELAY_SECONDS) + (a.expectedDuration ?? EXPECTED_DURATION_SECONDS) + (a.grace ?? GRACE_SECONDS),
  );
}

/** Default of `monitoring.alerting.thresholds.slowBackupMultiplier` (see schema.ts). */
export const SLOW_BACKUP_MULTIPLIER = 2;

/** Default of `monitoring.alerting.thresholds.verificationStaleHours` (see schema.ts). */
export const VERIFICATION_STALE_HOURS = 168;

/** Default of `ubm.alerting.shrinkRatio` (see schema.ts). */
export const SHRINK_RATIO = 0.5;

/** Default of `ubm.alerting.slowMinDuration`, in seconds (see schema.ts). */
export const SLOW_MIN_DURATION_SECONDS = 300;

/** Default of `ubm.alerting.slowMinBaselineRuns` (see schema.ts). */
export const SLOW_MIN_BASELINE_RUNS = 3;

/** Default of `ubm.alerting.keepFiringFor`, in seconds (see schema.ts). */
export const KEEP_FIRING_FOR_SECONDS = 2 * SECONDS_PER_HOUR + 15 * 60;

/** Default of `ubm.alerting.healthStaleAfter`, in seconds (see schema.ts). */
export const HEALTH_STALE_SECONDS = 900;

/** Default of `ubm.alerting.nodeExporterJob` (see schema.ts). */
export const NODE_EXPORTER_JOB = 'node';

/** Default of `ubm.nodeExporterUser` (see schema.ts). */
export const NODE_EXPORTER_USER = 'prometheus';

/** Default of `ubm.runbookBaseUrl` (see schema.ts). */
export const RUNBOOK_BASE_URL = 'https://github.com/unified-backup-monitoring/unified-backup-monitoring/blob/main/docs/runbooks.md';

/** Default of `ubm.hostnames` (see schema.ts). */
export const HOSTNAMES: readonly string[] = ['localhost'];

/** Default of `ubm.postgres.stanzas` (see schema.ts). */
export const PG_STANZAS: readonly string[] = ['main'];

/** Default of `ubm.postgres.repos` (see schema.ts). */
export const PG_REPOS: readonly string[] = ['repo1'];

/** Defaults of `ubm.postgres.schedule.<type>` (see schema.ts): a frequency, or false for a type that is not scheduled. */
export const PG_BACKUP_SCHEDULE: Readonly<Record<'full' | 'diff' | 'incr', string | false>> = { full: 'weekly', diff: false, incr: 'daily' };

/** Default of `ubm.postgres.walArchiveStuckAfter`, in seconds (see schema.ts). */
export const WAL_ARCHIVE_STUCK_SECONDS = 3600;

/** Default of `ubm.locks.maxAge`, in seconds (see schema.ts). */
export const LOCK_MAX_AGE_SECONDS = 2 * SECONDS_PER_HOUR;

/** Default of `ubm.locks.checkStaleAfter`, in seconds (see schema.ts). */
export const LOCK_CHECK_STALE_SECONDS = 3 * SECONDS_PER_HOUR;

/** Default of `monitoring.textfileCollector.directory` (see schema.ts). */
export const TEXTFILE_DIRECTORY = '/var/lib/node_exporter/textfile_collector';

/** Default of `monitoring.textfileCollector.retentionDays` (see schema.ts). */
export const TEXTFILE_RETENTION_DAYS = 7;

/** Default of `verification.checkDataSubset` (see schema.ts). */
export const CHECK_DATA_SUBSET = '10%';

/** Default of `verification.restoreTesting.sampleFiles` (see schema.ts). */
export const RESTORE_TEST_SAMPLE_FILES = 5;

/** Default of a job's `frequency` (see schema.ts). */
export const DEFAULT_FREQUENCY = 'daily';

/** Default of `verification.schedule` (see schema.ts). */
export const VERIFICATION_SCHEDULE = 'weekly';

/** The prune schedule of a repository whose `pruneSchedule` is absent or empty (see `repositories.<name>.pruneSchedule` in schema.ts). */
export const PRUNE_SCHEDULE = 'weekly';

/** Default of `verification.restoreTesting.schedule` (see schema.ts). */
export const RESTORE_TEST_SCHEDULE = 'monthly';

/** Default of `postgres.verification.schedule` (see schema.ts). */
export const PG_VERIFICATION_SCHEDULE = 'weekly';

/** Default of `ubm.jobs.<job>.randomizedDelay` and `ubm.classes.<tag>.randomizedDelay`, in seconds (see schema.ts): the design's timers' RandomizedDelaySec. */
export const RANDOMIZED_DELAY_SECONDS = 30 * 60;
/** Default of `ubm.jobs.<job>.expectedDuration` and `ubm.classes.<tag>.expectedDuration`, in seconds (see schema.ts). */
export const EXPECTED_DURATION_SECONDS = 0;
/** Default of `ubm.jobs.<job>.grace` and `ubm.classes.<tag>.grace`, in seconds (see schema.ts). */
export const GRACE_SECONDS = 0;

/** Default `for:` of the Failed alerts, PgbackrestWalArchivingStuck and PgbackrestStanzaError, in seconds (see `ubm.alerting.for` in schema.ts). */
export const FAILED_FOR_SECONDS = 5 * 60;
/** Default `for:` of UnifiedBackupStale, PostgresOffsiteBackupStale and PgbackrestBackupStale, in seconds (see schema.ts). */
export const STALE_FOR_SECONDS = 10 * 60;
/** Default `for:` of the verification and restore-test Stale alerts, in seconds (see schema.ts). */
export const VERIFICATION_STALE_FOR_SECONDS = 3600;
/** Default `for:` of UnifiedBackupSlow, in seconds (see schema.ts). */
export const SLOW_FOR_SECONDS = 5 * 60;
/** Default `for:` of UnifiedBackupSourceShrunk, in seconds (see schema.ts). */
export const SHRUNK_FOR_SECONDS = 5 * 60;
/** Default `for:` of UnifiedBackupUnexpectedJob, in seconds (see schema.ts). */
export const UNEXPECTED_JOB_FOR_SECONDS = 0;
/** Default `for:` of ResticStaleLock and ResticLockCheckStale, in seconds (see schema.ts). */
export const LOCK_FOR_SECONDS = 0;
/** Default `for:` of the NeverReported alerts of checks (their threshold already is the wait), in seconds (see schema.ts). */
export const CHECK_NEVER_REPORTED_FOR_SECONDS = 10 * 60;
/** Default `for:` of BackupMonitoringUnhealthy, in seconds (see schema.ts). */
export const UNHEALTHY_FOR_SECONDS = 5 * 60;

/** Every alert's default `for:` in seconds; UnifiedBackupNeverReported's is the daily stale threshold. */
export function defaultForSeconds(dailyStaleSeconds: number): Record<AlertName, number> {
  return {
    UnifiedBackupFailed: FAILED_FOR_SECONDS,
    UnifiedBackupStale: STALE_FOR_SECONDS,
    UnifiedBackupSlow: SLOW_FOR_SECONDS,
    UnifiedBackupNeverReported: Math.round(dailyStaleSeconds),
    UnifiedBackupUnexpectedJob: UNEXPECTED_JOB_FOR_SECONDS,
    UnifiedBackupSourceShrunk: SHRUNK_FOR_SECONDS,
    ResticVerificationFailed: FAILED_FOR_SECONDS,
    ResticVerificationStale: VERIFICATION_STALE_FOR_SECONDS,
    ResticRestoreTestFailed: FAILED_FOR_SECONDS,
    ResticRestoreTestStale: VERIFICATION_STALE_FOR_SECONDS,
    PostgresBackupVerificationFailed: FAILED_FOR_SECONDS,
    PostgresBackupVerificationStale: VERIFICATION_STALE_FOR_SECONDS,
    PostgresOffsiteBackupFailed: FAILED_FOR_SECONDS,
    PostgresOffsiteBackupStale: STALE_FOR_SECONDS,
    PgbackrestBackupStale: STALE_FOR_SECONDS,
    PgbackrestWalArchivingStuck: FAILED_FOR_SECONDS,
    PgbackrestStanzaError: FAILED_FOR_SECONDS,
    ResticStaleLock: LOCK_FOR_SECONDS,
    ResticLockCheckStale: LOCK_FOR_SECONDS,
    ResticMaintenanceFailed: FAILED_FOR_SECONDS,
    ResticMaintenanceStale: STALE_FOR_SECONDS,
    ResticVerificationNeverReported: CHECK_NEVER_REPORTED_FOR_SECONDS,
    ResticMaintenanceNeverReported: CHECK_NEVER_REPORTED_FOR_SECONDS,
    ResticRestoreTestNeverReported: CHECK_NEVER_REPORTED_FOR_SECONDS,
    PostgresBackupVerificationNeverReported: CHECK_NEVER_REPORTED_FOR_SECONDS,
    PostgresOffsiteBackupNeverReported: CHECK_NEVER_REPORTED_FOR_SECONDS,
    PgbackrestNeverReported: CHECK_NEVER_REPORTED_FOR_SECONDS,
    BackupMonitoringUnhealthy: UNHEALTHY_FOR_SECONDS,
  };
}

/** The label Grafana's dashboard sidecar looks for on ConfigMaps: kube-prometheus-stack's `grafana.sidecar.dashboards.label` and `labelValue`. */
export const DASHBOARD_CONFIGMAP_LABEL = { name: 'grafana_dashboard', value: '1' } as const;
