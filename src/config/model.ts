/**
 * The resolved config: what every generator and command reads after loading and validation.
 * Secrets and repository URLs never reach this model (only names), so nothing downstream can leak them.
 */

import type { AlertName } from './alert-names.js';
import type { ResolvedKubernetes } from './kubernetes.js';

/** Where a job came from in the design's option tree. */
export type JobSource = 'allJobs' | 'restic.jobs' | 'service' | 'pgbackrest-offsite';

/** Alert severity levels of the design (SPEC: critical, high, medium), before any mapping. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** A restic backup job with its thresholds resolved. */
export interface ResolvedJob {
  readonly name: string;
  /** Name of its repository (a key of `repositories`). */
  readonly repository: string;
  /** The frequency as configured (`daily`, `*-*-* 02:00:00`, `6h`). */
  readonly frequency: string;
  readonly intervalSeconds: number;
  /** Seconds without a successful run after which the job is stale. */
  readonly staleThresholdSeconds: number;
  /** A run slower than this multiple of its baseline is slow. */
  readonly slowMultiplier: number;
  /** A successful run that processed under this share of its source baselines (files or bytes) is a shrunk source; 0: never. */
  readonly shrinkRatio: number;
  readonly tags: readonly string[];
  /** The design's `paths` of the job, when it lists any: the restore test selects a job without tags by them. */
  readonly paths?: readonly string[];
  readonly source: JobSource;
}

/** A restic repository, by name only (never its URL). */
export interface ResolvedRepository {
  readonly name: string;
  readonly type?: string;
  readonly primary: boolean;
  /** The design's `repositoryName` (a display name such as `R2`). */
  readonly displayName?: string;
  readonly location?: string;
  /** The design's `pruneSchedule` when it names one (it is empty for a repository the design does not prune). */
  readonly pruneSchedule?: string;
  /** Seconds without a successful prune after which the repository is unpruned: `ubm.maintenance.staleAfter`, else derived from pruneSchedule (weekly when it names none). */
  readonly pruneStaleThresholdSeconds: number;
}

/** A pgBackRest repository of a stanza (`repo1`, `repo2`, ...). */
export interface ResolvedPgbackrestRepo {
  /** The label value: pgBackRest's `repoN` name. */
  readonly name: string;
  readonly offsite: boolean;
}

/** The PostgreSQL part: stanzas, pgBackRest repositories, offsite copy and verification. */
export interface ResolvedPostgres {
  readonly enabled: boolean;
  readonly stanzas: readonly string[];
  readonly pgbackrestRepos: readonly ResolvedPgbackrestRepo[];
  /** The restic job that carries the pgBackRest archives offsite, when `enableOffsite` is true. */
  readonly offsiteJob?: string;
  /** The restic repository that job writes to (`offsiteRepository`). */
  readonly offsiteRepository?: string;
  /** Age in seconds beyond which the offsite copy is no longer "recent". */
  readonly offsiteMaxAgeSeconds: number;
  readonly verification: { readonly enabled: boolean; readonly intervalSeconds: number; readonly staleThresholdSeconds: number };
  /** `ubm.postgres.schedule`: the stale threshold in seconds of each scheduled backup type (unscheduled types absent). */
  readonly backupStaleThresholds: Readonly<Partial<Record<PgBackupType, number>>>;
  /** `ubm.postgres.walArchiveStuckAfter` in seconds. */
  readonly walArchiveStuckSeconds: number;
}

/** pgBackRest's backup types, most complete first: a backup of a type also counts for the types after it. */
export const PG_BACKUP_TYPES = ['full', 'diff', 'incr'] as const;

/** A pgBackRest backup type. */
export type PgBackupType = (typeof PG_BACKUP_TYPES)[number];

/** Restic verification (`restic check`) and restore testing. */
export interface ResolvedVerification {
  readonly enabled: boolean;
  readonly intervalSeconds: number;
  readonly staleThresholdSeconds: number;
  readonly checkData: boolean;
  /** `restic check --read-data-subset` value when checkData is true (e.g. `10%`). */
  readonly checkDataSubset?: string;
  readonly restoreTesting: {
    readonly enabled: boolean;
    readonly intervalSeconds: number;
    readonly staleThresholdSeconds: number;
    readonly sampleFiles: number;
  };
}

/** Repository maintenance, as `ubm run --operation` and `ubm emit maintenance` record it. */
export interface ResolvedMaintenance {
  /**
   * The prune stale threshold of a repository that writes none with its metrics: `ubm.maintenance.staleAfter`,
   * else the weekly schedule's derived threshold. Each repository's own is `pruneStaleThresholdSeconds`.
   */
  readonly fallbackStaleThresholdSeconds: number;
}

/** Restic repository locks, as `ubm locks` records them. */
export interface ResolvedLocks {
  /** `ubm.locks.maxAge` in seconds: a lock this old at a check is stale. */
  readonly maxAgeSeconds: number;
  /** `ubm.locks.checkStaleAfter` in seconds: the lock check counts as stopped after this long without one. */
  readonly checkStaleSeconds: number;
}

/**
 * Alerting knobs after defaults, each once and under one name; what each does is described where
 * the config schema declares its key (named here). Verification thresholds are resolved into
 * `verification` and `postgres.verification`.
 */
export interface ResolvedAlerting {
  readonly enabled: boolean;
  /** The daily stale threshold in seconds (`backupStaleHours` x 3600); every job's derived threshold scales with it. */
  readonly dailyStaleSeconds: number;
  /** `slowBackupMultiplier`: the slow multiplier of jobs without one of their own. */
  readonly slowBackupMultiplier: number;
  /** `ubm.alerting.shrinkRatio`: the shrink ratio of jobs without one of their own. */
  readonly shrinkRatio: number;
  /** `ubm.alerting.slowMinDuration` in seconds. */
  readonly slowMinDurationSeconds: number;
  /** `ubm.alerting.slowMinBaselineRuns`. */
  readonly slowMinBaselineRuns: number;
  /** `ubm.alerting.keepFiringFor` in whole seconds (0: off). */
  readonly keepFiringForSeconds: number;
  /** `ubm.alerting.healthStaleAfter` in seconds. */
  readonly healthStaleSeconds: number;
  /** `ubm.alerting.nodeExporterJob`. */
  readonly nodeExporterJob: string;
  /** `ubm.severities` over the identity: the design's severity -> the label written on alerts. */
  readonly severityMap: Readonly<Record<Severity, string>>;
  /** `ubm.runbookBaseUrl`. */
  readonly runbookBaseUrl: string;
  /**
   * Each alert's `for:` in seconds: `ubm.alerting.for.<Alert>`, else its default (UnifiedBackupNeverReported:
   * `ubm.alerting.neverReportedFor`, else the daily stale threshold).
   */
  readonly forSeconds: Readonly<Record<AlertName, number>>;
}

/** The whole resolved config. */
export interface ResolvedConfig {
  /** Hostnames of the fleet (at least one); used for example data and dashboards' defaults. */
  readonly hostnames: readonly string[];
  readonly repositories: readonly ResolvedRepository[];
  readonly jobs: readonly ResolvedJob[];
  readonly postgres: ResolvedPostgres;
  readonly verification: ResolvedVerification;
  readonly locks: ResolvedLocks;
  /** Repository maintenance (forget, prune, check) as `ubm run --operation` records it. */
  readonly maintenance: ResolvedMaintenance;
  readonly monitoring: {
    readonly enabled: boolean;
    readonly textfileDirectory: string;
    readonly retentionDays: number;
    /** `ubm.nodeExporterUser`: whose view of the textfiles `ubm health` judges. */
    readonly nodeExporterUser: string;
    /** `ubm.pushgateway.hostname`: the hostname label of pushes without `--hostname` (absent: such a push is refused). */
    readonly pushgatewayHostname?: string;
    readonly dashboardsEnabled: boolean;
  };
  readonly alerting: ResolvedAlerting;
  /** `ubm.kubernetes`: metadata of the Kubernetes objects `--format prometheus-operator` writes. */
  readonly kubernetes: ResolvedKubernetes;
  /** `ubm.labels`: labels of the user's that the generated rules, tests and dashboards key things by. */
  readonly labels: {
    /** `ubm.labels.identifying`: they lead every aggregation, join, alert label list and inhibit `equal` (empty: none). */
    readonly identifying: readonly string[];
  };
}
