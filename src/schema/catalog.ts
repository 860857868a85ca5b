/**
 * THE metric catalog: every metric name this project writes or reads is spelled here once.
 * Rules, dashboards, tests and the exporter refer to these entries, never to string literals.
 */

/** Prometheus metric type of a catalog entry. */
export type MetricKind = 'gauge' | 'counter';

/** What a sample's value means; drives naming checks and dashboard units. */
export type MetricUnit =
  | 'boolean' // 1 = good, 0 = bad
  | 'seconds'
  | 'timestamp_seconds' // Unix time in seconds
  | 'bytes'
  | 'files'
  | 'count'
  | 'code' // an exit or status code
  | 'ratio'; // a plain multiplier

/** Labels the exporter may put on a metric. Never `job` or `instance`: the scrape owns those. */
export type LabelName = 'hostname' | 'backup_job' | 'repository' | 'stanza' | 'backup_type' | 'reason' | 'operation' | 'check';

/**
 * The kinds of check besides backup jobs that a config can turn on: the values of `check` on the
 * expected-check series `ubm health --config` writes (a fixed set, so the label stays bounded).
 */
export const CHECK_KINDS = ['restic_verification', 'restic_restore_test', 'restic_prune', 'pgbackrest', 'postgres_verification', 'postgres_offsite'] as const;

/** A kind of check. */
export type CheckKind = (typeof CHECK_KINDS)[number];

/**
 * The problems the self-check (`ubm health`) can find: the values of `reason` on
 * backup_monitoring_problem, a fixed set (so the label stays bounded), each with the sentence
 * alerts show for it.
 */
export const MONITORING_PROBLEMS = {
  config_invalid: 'the backup config is invalid',
  textfile_unreadable: 'node_exporter cannot read a textfile or the textfile directory',
  textfile_invalid: 'a textfile does not parse as node_exporter parses it',
  textfile_conflict: 'node_exporter silently drops series that two textfiles both declare',
  textfile_writable_by_others: 'others may write the textfile directory or a textfile',
} as const;

/** A problem the self-check can find (the `reason` label of backup_monitoring_problem). */
export type MonitoringProblem = keyof typeof MONITORING_PROBLEMS;

/** Every problem the self-check can find, in a fixed order. */
export const MONITORING_PROBLEM_REASONS = Object.keys(MONITORING_PROBLEMS) as MonitoringProblem[];

/**
 * The repository maintenance operations `ubm run --operation` and `ubm emit maintenance` record: the
 * values of `operation` on the restic_maintenance metrics, a fixed set (so the label stays bounded).
 * `prune` is any run that frees space (`restic forget --prune`, `restic prune`); `forget` one that only
 * removes snapshots; `check` a `restic check` run after the backup.
 */
export const MAINTENANCE_OPERATIONS = ['forget', 'prune', 'check'] as const;

/** A repository maintenance operation (the `operation` label of the restic_maintenance metrics). */
export type MaintenanceOperation = (typeof MAINTENANCE_OPERATIONS)[number];

/**
 * A family group: the metrics written together into one textfile per key
 * (one file per group and key-label values, so HELP/TYPE never conflict across files).
 */
export type GroupId =
  | 'restic_backup'
  | 'restic_verification'
  | 'restic_restore_test'
  | 'restic_locks'
  | 'restic_maintenance'
  | 'postgres_verification'
  | 'postgres_offsite'
  | 'pgbackrest'
  | 'monitoring_health'
  | 'monitoring_expected_jobs';

/** One metric family of the catalog; `L`, `G` and `N` keep its labels, group and name exact in the type. */
export interface MetricDef<L extends LabelName = LabelName, G extends GroupId = GroupId, N extends string = string> {
  /** The exposition name. */
  readonly name: N;
  readonly kind: MetricKind;
  /** HELP text, one sentence. */
  readonly help: string;
  readonly unit: MetricUnit;
  /** Label names every sample carries, in exposition order. */
  readonly labels: readonly L[];
  /** The textfile group the metric is written in. */
  readonly group: G;
  /** True when the exporter keeps the previous value across runs that do not set it (e.g. last success). */
  readonly carryForward?: boolean;
  /** True when ../shared/SPEC.md fixes the name: it may never change. */
  readonly fixed?: boolean;
}

const JOB = ['hostname', 'backup_job', 'repository'] as const;
const REPO = ['hostname', 'repository'] as const;
const REPO_OPERATION = ['hostname', 'repository', 'operation'] as const;
const STANZA = ['hostname', 'stanza'] as const;
const STANZA_REPO = ['hostname', 'stanza', 'repository'] as const;
const STANZA_REPO_TYPE = ['hostname', 'stanza', 'repository', 'backup_type'] as const;
const STANZA_TYPE = ['hostname', 'stanza', 'backup_type'] as const;
const HOST = ['hostname'] as const;
const CHECK = ['hostname', 'check', 'stanza', 'repository'] as const;
const HOST_REASON = ['hostname', 'reason'] as const;

/** Keeps an entry's name, labels and group as literal types, so samples can be checked against them. */
function def<const L extends LabelName, const G extends GroupId, const N extends string>(m: MetricDef<L, G, N>): MetricDef<L, G, N> {
  return m;
}

/** Every metric family the exporter writes, keyed by a camelCase id. */
export const metrics = {
  // --- restic backup jobs (ubm run / ubm emit backup) ---
  resticBackupStatus: def({ name: 'restic_backup_status', kind: 'gauge', unit: 'boolean', labels: JOB, group: 'restic_backup', fixed: true,
    help: 'Whether the last run of the backup job succeeded (1) or failed (0).' }),
  resticBackupDurationSeconds: def({ name: 'restic_backup_duration_seconds', kind: 'gauge', unit: 'seconds', labels: JOB, group: 'restic_backup', fixed: true,
    help: 'Wall time of the last run of the backup job in seconds.' }),
  resticBackupLastSuccessTimestamp: def({ name: 'restic_backup_last_success_timestamp', kind: 'gauge', unit: 'timestamp_seconds', labels: JOB, group: 'restic_backup', fixed: true, carryForward: true,
    help: 'Unix time in seconds of the last successful run of the backup job, carried forward across failed runs.' }),
  resticBackupFirstRunTimestampSeconds: def({ name: 'restic_backup_first_run_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Unix time in seconds of the first run of the backup job that was recorded, so that a job that never succeeds goes stale.' }),
  resticBackupLastRunTimestampSeconds: def({ name: 'restic_backup_last_run_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: JOB, group: 'restic_backup',
    help: 'Unix time in seconds at which the last run of the backup job ended.' }),
  resticBackupExitCode: def({ name: 'restic_backup_exit_code', kind: 'gauge', unit: 'code', labels: JOB, group: 'restic_backup',
    help: 'Exit code of the last run of the backup command (0 = success, 3 = some source files unreadable, 128+N = killed by signal N).' }),
  resticBackupExpectedIntervalSeconds: def({ name: 'restic_backup_expected_interval_seconds', kind: 'gauge', unit: 'seconds', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Expected interval between runs of the backup job in seconds, from its schedule.' }),
  resticBackupDurationBaselineSeconds: def({ name: 'restic_backup_duration_baseline_seconds', kind: 'gauge', unit: 'seconds', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Geometric moving average of the durations of earlier successful runs of the backup job in seconds (full-looking and slow runs held out), the baseline for slow-run alerts.' }),
  resticBackupDurationBaselineRuns: def({ name: 'restic_backup_duration_baseline_runs', kind: 'gauge', unit: 'count', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Number of successful runs that the duration baseline averages.' }),
  resticBackupDurationSpreadFactor: def({ name: 'restic_backup_duration_spread_factor', kind: 'gauge', unit: 'ratio', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'The multiple of the duration baseline that the job\'s own run-time spread allows a normal run: e^(5.5 x the robust standard deviation of ln(duration)). The slow threshold is the baseline times the larger of this and the slow multiplier.' }),
  resticBackupDurationHeldRuns: def({ name: 'restic_backup_duration_held_runs', kind: 'gauge', unit: 'count', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Successful runs in a row, before the last run, held out of the duration baseline as slow or full-looking; the tenth slow one makes the baseline follow the new pace.' }),
  resticBackupFilesNew: def({ name: 'restic_backup_files_new', kind: 'gauge', unit: 'files', labels: JOB, group: 'restic_backup',
    help: 'Number of new files in the last successful run of the backup job.' }),
  resticBackupFilesChanged: def({ name: 'restic_backup_files_changed', kind: 'gauge', unit: 'files', labels: JOB, group: 'restic_backup',
    help: 'Number of changed files in the last successful run of the backup job.' }),
  resticBackupFilesUnmodified: def({ name: 'restic_backup_files_unmodified', kind: 'gauge', unit: 'files', labels: JOB, group: 'restic_backup',
    help: 'Number of unmodified files in the last successful run of the backup job.' }),
  resticBackupFilesProcessed: def({ name: 'restic_backup_files_processed', kind: 'gauge', unit: 'files', labels: JOB, group: 'restic_backup',
    help: 'Number of files processed by the last successful run of the backup job.' }),
  resticBackupDataAddedBytes: def({ name: 'restic_backup_data_added_bytes', kind: 'gauge', unit: 'bytes', labels: JOB, group: 'restic_backup',
    help: 'Bytes of new data added to the repository by the last successful run of the backup job.' }),
  resticBackupProcessedBytes: def({ name: 'restic_backup_processed_bytes', kind: 'gauge', unit: 'bytes', labels: JOB, group: 'restic_backup',
    help: 'Bytes of source data processed by the last successful run of the backup job.' }),
  resticBackupFilesProcessedBaseline: def({ name: 'restic_backup_files_processed_baseline', kind: 'gauge', unit: 'files', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Moving average of the files processed by earlier successful runs of the backup job (runs that processed under half of it held out), the baseline for source-shrink alerts.' }),
  resticBackupProcessedBaselineBytes: def({ name: 'restic_backup_processed_baseline_bytes', kind: 'gauge', unit: 'bytes', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Moving average of the bytes of source data processed by earlier successful runs of the backup job (runs that processed under half of it held out), the baseline for source-shrink alerts.' }),
  resticBackupSourceShare: def({ name: 'restic_backup_source_share', kind: 'gauge', unit: 'ratio', labels: JOB, group: 'restic_backup',
    help: 'The smaller of the last successful run\'s files and bytes processed, each as a share of its source baseline (earlier runs only); absent without a positive baseline. Under the job\'s shrink ratio, UnifiedBackupSourceShrunk fires.' }),
  resticBackupSourceShrunkRuns: def({ name: 'restic_backup_source_shrunk_runs', kind: 'gauge', unit: 'count', labels: JOB, group: 'restic_backup', carryForward: true,
    help: 'Successful runs in a row, before the last run, that were held out of the source baselines for processing under half of them; the third makes the baselines follow the smaller source.' }),

  // --- restic repository verification (ubm verify / ubm emit verification) ---
  resticVerificationStatus: def({ name: 'restic_verification_status', kind: 'gauge', unit: 'boolean', labels: REPO, group: 'restic_verification', fixed: true,
    help: 'Whether the last restic check of the repository passed (1) or failed (0).' }),
  resticVerificationDurationSeconds: def({ name: 'restic_verification_duration_seconds', kind: 'gauge', unit: 'seconds', labels: REPO, group: 'restic_verification',
    help: 'Wall time of the last restic check of the repository in seconds.' }),
  resticVerificationLastRunTimestampSeconds: def({ name: 'restic_verification_last_run_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO, group: 'restic_verification',
    help: 'Unix time in seconds at which the last restic check of the repository ended.' }),
  resticVerificationLastSuccessTimestampSeconds: def({ name: 'restic_verification_last_success_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO, group: 'restic_verification', carryForward: true,
    help: 'Unix time in seconds of the last restic check of the repository that passed, carried forward across failures.' }),

  // --- restic restore tests (ubm verify / ubm emit restore-test) ---
  resticRestoreTestStatus: def({ name: 'restic_restore_test_status', kind: 'gauge', unit: 'boolean', labels: REPO, group: 'restic_restore_test', fixed: true,
    help: 'Whether the last sample-restore test of the repository passed (1) or failed (0).' }),
  resticRestoreTestDurationSeconds: def({ name: 'restic_restore_test_duration_seconds', kind: 'gauge', unit: 'seconds', labels: REPO, group: 'restic_restore_test',
    help: 'Wall time of the last sample-restore test of the repository in seconds.' }),
  resticRestoreTestLastRunTimestampSeconds: def({ name: 'restic_restore_test_last_run_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO, group: 'restic_restore_test',
    help: 'Unix time in seconds at which the last sample-restore test of the repository ended.' }),
  resticRestoreTestLastSuccessTimestampSeconds: def({ name: 'restic_restore_test_last_success_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO, group: 'restic_restore_test', carryForward: true,
    help: 'Unix time in seconds of the last sample-restore test of the repository that passed, carried forward across failures.' }),
  resticRestoreTestFilesRestored: def({ name: 'restic_restore_test_files_restored', kind: 'gauge', unit: 'files', labels: REPO, group: 'restic_restore_test',
    help: 'Number of sample files restored and matched by the last restore test.' }),
  resticRestoreTestFilesFailed: def({ name: 'restic_restore_test_files_failed', kind: 'gauge', unit: 'files', labels: REPO, group: 'restic_restore_test',
    help: 'Number of sample files that failed to restore or did not match in the last restore test.' }),
  resticRestoreTestJobStatus: def({ name: 'restic_restore_test_job_status', kind: 'gauge', unit: 'boolean', labels: JOB, group: 'restic_restore_test', carryForward: true,
    help: 'Whether the sample of the backup job\'s latest snapshot restored and matched (1) or failed or had no snapshot (0) in the last restore test that covered the job.' }),
  resticRestoreTestJobLastSuccessTimestampSeconds: def({ name: 'restic_restore_test_job_last_success_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: JOB, group: 'restic_restore_test', carryForward: true,
    help: 'Unix time in seconds of the last restore test in which the sample of the backup job\'s latest snapshot restored and matched, carried forward across failures and tests that did not cover the job.' }),

  // --- restic repository locks (ubm locks) ---
  resticRepositoryLocks: def({ name: 'restic_repository_locks', kind: 'gauge', unit: 'count', labels: REPO, group: 'restic_locks',
    help: 'Number of locks in the restic repository at the last lock check (a lock left by a killed restic blocks prune and check).' }),
  resticRepositoryExclusiveLocks: def({ name: 'restic_repository_exclusive_locks', kind: 'gauge', unit: 'count', labels: REPO, group: 'restic_locks',
    help: 'Number of exclusive locks in the restic repository at the last lock check (an exclusive lock blocks backups too).' }),
  resticRepositoryOldestLockTimestampSeconds: def({ name: 'restic_repository_oldest_lock_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO, group: 'restic_locks',
    help: 'Unix time in seconds written in the oldest lock of the restic repository at the last lock check (its restic process refreshes it while it runs); absent when there was none.' }),
  resticRepositoryLocksLastCheckTimestampSeconds: def({ name: 'restic_repository_locks_last_check_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO, group: 'restic_locks',
    help: 'Unix time in seconds at which the locks of the restic repository were last checked.' }),

  // --- restic repository maintenance after the backups: forget, prune, check (ubm run --operation / ubm emit maintenance) ---
  resticMaintenanceStatus: def({ name: 'restic_maintenance_status', kind: 'gauge', unit: 'boolean', labels: REPO_OPERATION, group: 'restic_maintenance',
    help: 'Whether the last run of the maintenance operation (forget, prune or check) on the repository succeeded (1) or failed (0).' }),
  resticMaintenanceDurationSeconds: def({ name: 'restic_maintenance_duration_seconds', kind: 'gauge', unit: 'seconds', labels: REPO_OPERATION, group: 'restic_maintenance',
    help: 'Wall time of the last run of the maintenance operation on the repository in seconds.' }),
  resticMaintenanceExitCode: def({ name: 'restic_maintenance_exit_code', kind: 'gauge', unit: 'code', labels: REPO_OPERATION, group: 'restic_maintenance',
    help: 'Exit code of the last run of the maintenance command on the repository (0 = success, 128+N = killed by signal N).' }),
  resticMaintenanceLastRunTimestampSeconds: def({ name: 'restic_maintenance_last_run_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO_OPERATION, group: 'restic_maintenance',
    help: 'Unix time in seconds at which the last run of the maintenance operation on the repository ended.' }),
  resticMaintenanceLastSuccessTimestampSeconds: def({ name: 'restic_maintenance_last_success_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: REPO_OPERATION, group: 'restic_maintenance', carryForward: true,
    help: 'Unix time in seconds of the last successful run of the maintenance operation on the repository, carried forward across failed runs.' }),
  resticMaintenanceStaleThresholdSeconds: def({ name: 'restic_maintenance_stale_threshold_seconds', kind: 'gauge', unit: 'seconds', labels: REPO_OPERATION, group: 'restic_maintenance', carryForward: true,
    help: 'Seconds without a successful prune after which the repository counts as unpruned, from the repository\'s pruneSchedule in the config the recorder was given; carried forward across runs without one.' }),

  // --- PostgreSQL backup verification (ubm pgbackrest --verify / ubm emit postgres-verification) ---
  postgresBackupVerificationStatus: def({ name: 'postgres_backup_verification_status', kind: 'gauge', unit: 'boolean', labels: STANZA, group: 'postgres_verification', fixed: true,
    help: 'Whether the last PostgreSQL backup verification of the stanza passed (1) or failed (0).' }),
  postgresBackupVerificationDurationSeconds: def({ name: 'postgres_backup_verification_duration_seconds', kind: 'gauge', unit: 'seconds', labels: STANZA, group: 'postgres_verification',
    help: 'Wall time of the last PostgreSQL backup verification of the stanza in seconds.' }),
  postgresBackupVerificationLastRunTimestampSeconds: def({ name: 'postgres_backup_verification_last_run_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: STANZA, group: 'postgres_verification',
    help: 'Unix time in seconds at which the last PostgreSQL backup verification of the stanza ended.' }),
  postgresBackupVerificationLastSuccessTimestampSeconds: def({ name: 'postgres_backup_verification_last_success_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: STANZA, group: 'postgres_verification', carryForward: true,
    help: 'Unix time in seconds of the last PostgreSQL backup verification of the stanza that passed, carried forward across failures.' }),

  // --- pgBackRest offsite copy (ubm pgbackrest / ubm emit postgres-offsite) ---
  postgresPgbackrestOffsiteBackupStatus: def({ name: 'postgres_pgbackrest_offsite_backup_status', kind: 'gauge', unit: 'boolean', labels: STANZA_REPO, group: 'postgres_offsite', fixed: true,
    help: 'Whether the offsite copy of the pgBackRest backups is present, recent and good (1) or not (0).' }),
  postgresPgbackrestOffsiteLastCheckTimestampSeconds: def({ name: 'postgres_pgbackrest_offsite_last_check_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: STANZA_REPO, group: 'postgres_offsite',
    help: 'Unix time in seconds at which the offsite status of the pgBackRest backups was last evaluated.' }),
  postgresPgbackrestOffsiteLastSuccessTimestampSeconds: def({ name: 'postgres_pgbackrest_offsite_last_success_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: STANZA_REPO, group: 'postgres_offsite', carryForward: true,
    help: 'Unix time in seconds at which the offsite copy of the pgBackRest backups was last found good, carried forward across failures.' }),

  // --- pgBackRest repositories (ubm pgbackrest) ---
  pgbackrestStanzaStatus: def({ name: 'pgbackrest_stanza_status', kind: 'gauge', unit: 'code', labels: STANZA, group: 'pgbackrest',
    help: 'pgBackRest status code of the stanza (0 = ok, 1 = missing stanza path, 2 = no valid backups, ...).' }),
  pgbackrestInfoLastRunTimestampSeconds: def({ name: 'pgbackrest_info_last_run_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: STANZA, group: 'pgbackrest',
    help: 'Unix time in seconds at which pgbackrest info was last read for the stanza.' }),
  pgbackrestRepoStatus: def({ name: 'pgbackrest_repo_status', kind: 'gauge', unit: 'code', labels: STANZA_REPO, group: 'pgbackrest',
    help: 'pgBackRest status code of the stanza in the repository (0 = ok).' }),
  pgbackrestRepoBackups: def({ name: 'pgbackrest_repo_backups', kind: 'gauge', unit: 'count', labels: STANZA_REPO, group: 'pgbackrest',
    help: 'Number of backups of the stanza held in the repository.' }),
  pgbackrestBackupLastCompletionTimestampSeconds: def({ name: 'pgbackrest_backup_last_completion_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: STANZA_REPO_TYPE, group: 'pgbackrest',
    help: 'Unix time in seconds at which the newest backup of the type (full, diff, incr) completed in the repository.' }),
  pgbackrestBackupLastDurationSeconds: def({ name: 'pgbackrest_backup_last_duration_seconds', kind: 'gauge', unit: 'seconds', labels: STANZA_REPO_TYPE, group: 'pgbackrest',
    help: 'Wall time in seconds of the newest backup of the type in the repository.' }),
  pgbackrestBackupLastSizeBytes: def({ name: 'pgbackrest_backup_last_size_bytes', kind: 'gauge', unit: 'bytes', labels: STANZA_REPO_TYPE, group: 'pgbackrest',
    help: 'Database size in bytes covered by the newest backup of the type in the repository.' }),
  pgbackrestBackupLastRepoSizeBytes: def({ name: 'pgbackrest_backup_last_repo_size_bytes', kind: 'gauge', unit: 'bytes', labels: STANZA_REPO_TYPE, group: 'pgbackrest',
    help: 'Bytes the newest backup of the type occupies in the repository.' }),
  pgbackrestWalArchivePresent: def({ name: 'pgbackrest_wal_archive_present', kind: 'gauge', unit: 'boolean', labels: STANZA_REPO, group: 'pgbackrest',
    help: 'Whether the repository holds a WAL archive range for the current database of the stanza (1) or none (0).' }),
  pgbackrestWalArchiveMaxSegment: def({ name: 'pgbackrest_wal_archive_max_segment', kind: 'gauge', unit: 'count', labels: STANZA_REPO, group: 'pgbackrest',
    help: 'Position of the newest archived WAL segment of the current database (log number * segments per log + segment number); it rises as WAL is archived.' }),
  pgbackrestWalArchiveLastAdvanceTimestampSeconds: def({ name: 'pgbackrest_wal_archive_last_advance_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: STANZA_REPO, group: 'pgbackrest', carryForward: true,
    help: 'Unix time in seconds at which ubm pgbackrest first saw the newest archived WAL segment of the repository change, carried forward while it stays the same.' }),
  pgbackrestBackupStaleThresholdSeconds: def({ name: 'pgbackrest_backup_stale_threshold_seconds', kind: 'gauge', unit: 'seconds', labels: STANZA_TYPE, group: 'pgbackrest',
    help: 'Seconds after which the stanza counts as missing a scheduled backup of the type (a backup of that type or a more complete one), from the config ubm pgbackrest was given.' }),

  // --- monitoring self-check (ubm health / ubm emit health) ---
  backupMonitoringHealthy: def({ name: 'backup_monitoring_healthy', kind: 'gauge', unit: 'boolean', labels: HOST, group: 'monitoring_health', fixed: true,
    help: 'Whether the last backup-monitoring self-check passed (1) or failed (0).' }),
  backupMonitoringLastCheck: def({ name: 'backup_monitoring_last_check', kind: 'gauge', unit: 'timestamp_seconds', labels: HOST, group: 'monitoring_health', fixed: true,
    help: 'Unix time in seconds of the last backup-monitoring self-check.' }),
  backupMonitoringInvalidTextfiles: def({ name: 'backup_monitoring_invalid_textfiles', kind: 'gauge', unit: 'files', labels: HOST, group: 'monitoring_health',
    help: 'Number of .prom files in the textfile directory that the last self-check found a problem with (unreadable, malformed, or in conflict with another file).' }),
  backupMonitoringProblem: def({ name: 'backup_monitoring_problem', kind: 'gauge', unit: 'boolean', labels: HOST_REASON, group: 'monitoring_health',
    help: 'Whether the last self-check found the problem named by reason (1) or not (0); reason is one of a fixed set.' }),

  // --- the host's expected job set, with the thresholds the config gives each job (ubm health --config) ---
  backupMonitoringExpectedJob: def({ name: 'backup_monitoring_expected_job', kind: 'gauge', unit: 'boolean', labels: JOB, group: 'monitoring_expected_jobs',
    help: 'A backup job the host is configured to run (always 1); a job listed here that never reports raises an alert.' }),
  backupMonitoringExpectedCheckStaleThresholdSeconds: def({ name: 'backup_monitoring_expected_check_stale_threshold_seconds', kind: 'gauge', unit: 'seconds', labels: CHECK, group: 'monitoring_expected_jobs',
    help: 'A check the config turns on (check: restic_verification, restic_restore_test, restic_prune, pgbackrest, postgres_verification, postgres_offsite; stanza and repository empty where they do not apply), with the seconds after which it is stale: also how long it may go without ever reporting.' }),
  backupMonitoringExpectedCheckSinceTimestampSeconds: def({ name: 'backup_monitoring_expected_check_since_timestamp_seconds', kind: 'gauge', unit: 'timestamp_seconds', labels: CHECK, group: 'monitoring_expected_jobs', carryForward: true,
    help: 'Unix time in seconds at which ubm health first expected the check on this host, carried forward: a check that has not reported by this time plus its threshold never reported.' }),
  backupMonitoringJobStaleThresholdSeconds: def({ name: 'backup_monitoring_job_stale_threshold_seconds', kind: 'gauge', unit: 'seconds', labels: JOB, group: 'monitoring_expected_jobs',
    help: 'Seconds without a successful run after which the configured backup job counts as stale.' }),
  backupMonitoringJobSlowMultiplier: def({ name: 'backup_monitoring_job_slow_multiplier', kind: 'gauge', unit: 'ratio', labels: JOB, group: 'monitoring_expected_jobs',
    help: 'Multiple of its duration baseline above which a run of the configured backup job counts as slow.' }),
  backupMonitoringJobShrinkRatio: def({ name: 'backup_monitoring_job_shrink_ratio', kind: 'gauge', unit: 'ratio', labels: JOB, group: 'monitoring_expected_jobs',
    help: 'Share of its source baselines (files and bytes processed) below which a successful run of the configured backup job counts as a shrunk source; 0 turns the check off.' }),
  backupMonitoringUnexpectedJob: def({ name: 'backup_monitoring_unexpected_job', kind: 'gauge', unit: 'boolean', labels: JOB, group: 'monitoring_expected_jobs',
    help: 'A backup job whose metrics file is on the host but which the config does not list (always 1); the file is kept until it is older than the retention.' }),
} as const;

/** The id of a catalog entry. */
export type MetricId = keyof typeof metrics;

/** Metrics that other programs write and our rules and dashboards read. */
export const externalMetrics = {
  /** Prometheus' own scrape health series. */
  up: { name: 'up', labels: ['job', 'instance'] },
  /** node_exporter's textfile collector: 1 when a .prom file failed to parse. */
  nodeTextfileScrapeError: { name: 'node_textfile_scrape_error', labels: ['job', 'instance'] },
  /** node_exporter's textfile collector: modification time of each file read. */
  nodeTextfileMtimeSeconds: { name: 'node_textfile_mtime_seconds', labels: ['job', 'instance', 'file'] },
  /** Prometheus' synthetic series of pending and firing alerts. */
  alerts: { name: 'ALERTS', labels: ['alertname', 'alertstate', 'severity', 'hostname', 'backup_job', 'repository', 'stanza'] },
} as const satisfies Record<string, { name: string; labels: readonly string[] }>;

/** All catalog entries as a list, in declaration order. */
export const allMetrics: readonly MetricDef[] = Object.values(metrics);

/** The catalog entries of one textfile group. */
export function metricsOfGroup(group: GroupId): readonly MetricDef[] {
  return allMetrics.filter((m) => m.group === group);
}

/** Looks a metric up by exposition name (catalog first, then external metrics). */
export function findMetric(name: string): { name: string; labels: readonly string[] } | undefined {
  return allMetrics.find((m) => m.name === name) ?? Object.values(externalMetrics).find((m) => m.name === name);
}
