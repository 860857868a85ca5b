/**
 * The compliance report's model: what `ubm report` computes from Prometheus' answers, and what the
 * JSON, Markdown and HTML renderers print. Times are Unix seconds; docs/report.schema.json describes it.
 */

/** A verdict of an item or of the whole report, worst last. */
export type Verdict = 'compliant' | 'at_risk' | 'not_compliant';

/** The verdicts in order of severity. */
export const VERDICTS: readonly Verdict[] = ['compliant', 'at_risk', 'not_compliant'];

/** The worse of verdicts (compliant for none). */
export function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((w, v) => (VERDICTS.indexOf(v) > VERDICTS.indexOf(w) ? v : w), 'compliant');
}

/** The period a report covers: [from, to), sampled every stepSeconds. */
export interface ReportPeriod {
  readonly from: number;
  readonly to: number;
  readonly stepSeconds: number;
}

/** The state of a job at a sample: its last success within the stale threshold, outside it, or no data. */
export type RpoState = 'within' | 'outside' | 'no_data';

/** A stretch of one state: [start, end). */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly state: RpoState;
}

/** An interval [start, end) of `seconds` during which something was not as it should be. */
export interface Breach {
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
}

/** A least-squares trend of per-run values. */
export interface Trend {
  readonly first: number;
  readonly last: number;
  readonly mean: number;
  /** Change per day (units per 86,400 s) of the fitted line; 0 with fewer than two runs. */
  readonly slopePerDay: number;
}

/** One backup run seen in the period. */
export interface Run {
  readonly at: number;
  readonly success: boolean;
  readonly durationSeconds: number | null;
  readonly dataAddedBytes: number | null;
  readonly processedBytes: number | null;
}

/** A backup job's part of the report. */
export interface JobReport {
  readonly hostname: string;
  readonly job: string;
  readonly repository: string;
  /** True when the config lists the job and Prometheus has none of its series. */
  readonly missing: boolean;
  readonly staleThresholdSeconds: number;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly rpo: {
    /** Share (0..1) of the period's samples whose last success was within the stale threshold. */
    readonly attainment: number;
    readonly withinSeconds: number;
    readonly outsideSeconds: number;
    readonly noDataSeconds: number;
    readonly breaches: readonly Breach[];
  };
  readonly runs: { readonly total: number; readonly failures: number; readonly successRate: number | null };
  /** The longest time without a new successful run, counting up to the period's end. */
  readonly longestGapSeconds: number;
  readonly duration: { readonly p50: number | null; readonly p95: number | null; readonly baseline: number | null; readonly slowMultiplier: number };
  readonly dataAdded: Trend | null;
  readonly sourceSize: Trend | null;
  readonly timeline: readonly Segment[];
  readonly runList: readonly Run[];
}

/** One verification, restore test or PostgreSQL check seen in the period. */
export interface CheckEvent {
  readonly at: number;
  readonly success: boolean;
}

/** A check's history: restic check, restore test, PostgreSQL verification or offsite copy. */
export interface CheckReport {
  readonly missing: boolean;
  readonly staleThresholdSeconds: number;
  readonly events: readonly CheckEvent[];
  readonly lastPass: number | null;
  /** Whole and fractional days from the last pass to the period's end; null when it never passed. */
  readonly daysSinceLastPass: number | null;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
}

/** A restic repository's checks. */
export interface RepositoryReport {
  readonly hostname: string;
  readonly repository: string;
  readonly verification: CheckReport | null;
  readonly restoreTest: CheckReport | null;
  readonly verdict: Verdict;
}

/** The offsite copy of a stanza in one repository. */
export interface OffsiteReport extends CheckReport {
  readonly repository: string;
  /** Share (0..1) of the samples at which the offsite status was 1. */
  readonly attainment: number;
  readonly outages: readonly Breach[];
}

/** The newest local backup of a type in a pgBackRest repository. */
export interface PgBackupReport {
  readonly repository: string;
  readonly type: string;
  readonly lastCompletion: number | null;
  /** Backups of this type that completed in the period. */
  readonly completedInPeriod: number;
}

/** A PostgreSQL stanza's part of the report. */
export interface StanzaReport {
  readonly hostname: string;
  readonly stanza: string;
  readonly backups: readonly PgBackupReport[];
  /** pgbackrest_wal_archive_present at the period's end, per repository (null: not reported). */
  readonly walArchive: ReadonlyArray<{ readonly repository: string; readonly present: boolean | null }>;
  readonly verification: CheckReport | null;
  readonly offsite: readonly OffsiteReport[];
  readonly verdict: Verdict;
}

/** The whole report. */
export interface Report {
  readonly period: ReportPeriod;
  readonly verdict: Verdict;
  /** The rules behind the verdicts, as sentences. */
  readonly rules: readonly string[];
  readonly summary: { readonly compliant: number; readonly atRisk: number; readonly notCompliant: number };
  readonly jobs: readonly JobReport[];
  readonly repositories: readonly RepositoryReport[];
  readonly stanzas: readonly StanzaReport[];
}
