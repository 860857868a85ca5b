/**
 * The resolved config: what every generator and command reads after loading and validation.
 * Secrets and repository URLs never reach this model (only names), so nothing downstream can leak them.
 */

import type { AlertName } from './alert-names.js';

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
  readonly tags: readonly string[];
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
}

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

/** Alerting knobs after defaults; each documented where the config schema declares it. */
export interface ResolvedAlerting {
  readonly enabled: boolean;
  readonly backupStaleHours: number;
  readonly slowBackupMultiplier: number;
  /** Runs shorter than this never count as slow (avoids noise on tiny jobs). */
  readonly slowMinDurationSeconds: number;
  /** Successful runs the baseline needs before slow-run alerts start. */
  readonly slowMinBaselineRuns: number;
  readonly verificationStaleHours: number;
  /** Seconds after which a silent self-check counts as stopped. */
  readonly healthStaleSeconds: number;
  /** Prometheus scrape job of node_exporter, for the "host not scraped" alert. */
  readonly nodeExporterJob: string;
  /** Maps the design's severities to the labels written on alerts (e.g. high -> warning). */
  readonly severityMap: Readonly<Record<Severity, string>>;
  /** Base URL of the runbooks; an alert's runbook_url is this plus `#alertname-lowercase`. */
  readonly runbookBaseUrl: string;
  /**
   * Each alert's `for:` in seconds: `ubm.alerting.for.<Alert>`, else its default (UnifiedBackupNeverReported:
   * `ubm.alerting.neverReportedFor`, else one daily stale threshold).
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
  readonly monitoring: {
    readonly enabled: boolean;
    readonly textfileDirectory: string;
    readonly retentionDays: number;
    readonly dashboardsEnabled: boolean;
  };
  readonly alerting: ResolvedAlerting;
}
