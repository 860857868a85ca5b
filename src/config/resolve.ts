/**
 * Validated config -> ResolvedConfig: cross-field rules (repositories exist, override targets
 * exist), then defaults and thresholds. Pure: no IO, no clock.
 */
import { ALERT_NAMES, type AlertName } from './alert-names.js';
import * as d from './defaults.js';
import type { ConfigProblem } from './errors.js';
import { frequencyInterval } from './frequency.js';
import { namedPruneSchedule, pruneStaleThresholdSeconds } from './maintenance.js';
import { type DeclaredJob, PGBACKREST_OFFSITE_JOB, declaredJobs, effectiveJobs, jobPaths, offsiteRepositoryName, pgbackrestOffsiteEnabled, postgresEnabled } from './jobs.js';
import { PG_BACKUP_TYPES, type PgBackupType, type ResolvedConfig, type ResolvedJob, type ResolvedPgbackrestRepo, type ResolvedRepository, type Severity } from './model.js';
import { type ConfigInput, type OverridesInput, durationSeconds } from './schema.js';
import { resolveKubernetes } from './kubernetes.js';
import { closest } from './suggest.js';
import { SECONDS_PER_HOUR } from '../util/duration.js';
import { oneLine, quote } from '../util/quote.js';
import { asRecord } from '../util/record.js';

/** `a, b, c` (at most `max` names, then how many more). */
function listNames(names: readonly string[], max = 10): string {
  const sorted = [...names].sort();
  const shown = sorted.slice(0, max).map(oneLine).join(', ');
  return sorted.length > max ? `${shown}, and ${sorted.length - max} more` : shown;
}

function unknownName(kind: string, name: string, known: readonly string[], plural: string, note = ''): string {
  const near = closest(name, known);
  const hint = near === undefined ? '' : `; did you mean ${quote(near)}?`;
  const list = known.length === 0 ? `no ${plural} are defined` : `${plural}: ${listNames(known)}`;
  return `${kind} ${quote(name)}${note} is not defined${hint} (${list})`;
}

/**
 * Cross-field rules, checked on the raw data so that they are reported together with the
 * schema's problems: every job's repository and the offsite repository exist, and every
 * `ubm.jobs` / `ubm.classes` key names a job / a job tag.
 */
export function crossCheck(raw: unknown): ConfigProblem[] {
  const root = asRecord(raw);
  if (root === undefined) return [];
  const problems: ConfigProblem[] = [];
  const repositories = Object.keys(asRecord(root.repositories) ?? {});
  const declared = declaredJobs(raw);
  for (const job of declared) {
    if (job.source === 'pgbackrest-offsite') continue;
    const repo = job.spec.repository;
    if (typeof repo === 'string' && repo !== '' && !repositories.includes(repo)) {
      problems.push({ path: [...job.path, 'repository'], message: unknownName('repository', repo, repositories, 'repositories') });
    }
  }
  if (pgbackrestOffsiteEnabled(raw)) {
    const repo = offsiteRepositoryName(raw);
    const written = typeof asRecord(asRecord(root.postgres)?.pgbackrest)?.offsiteRepository === 'string';
    if (!repositories.includes(repo)) {
      const note = written ? ' (the restic repository of the offsite copy)' : " (the default offsiteRepository, used while enableOffsite is not false)";
      problems.push({ path: ['postgres', 'pgbackrest', 'offsiteRepository'], message: unknownName('repository', repo, repositories, 'repositories', note) });
    }
  }
  const ubm = asRecord(root.ubm);
  const jobNames = [...new Set(declared.map((j) => j.name))];
  for (const name of Object.keys(asRecord(ubm?.jobs) ?? {})) {
    if (!jobNames.includes(name)) problems.push({ path: ['ubm', 'jobs', name], message: unknownName('job', name, jobNames, 'jobs') });
  }
  const alerting = asRecord(ubm?.alerting);
  if (alerting?.neverReportedFor !== undefined && asRecord(alerting.for)?.UnifiedBackupNeverReported !== undefined) {
    problems.push({ path: ['ubm', 'alerting', 'neverReportedFor'], message: 'also set as ubm.alerting.for.UnifiedBackupNeverReported; keep only that one' });
  }
  const tags = [...new Set(declared.flatMap((j) => j.tags))];
  for (const tag of Object.keys(asRecord(ubm?.classes) ?? {})) {
    if (!tags.includes(tag)) {
      const near = closest(tag, tags);
      problems.push({ path: ['ubm', 'classes', tag], message: `no job has the tag ${quote(tag)}${near === undefined ? '' : `; did you mean ${quote(near)}?`} (tags: ${listNames(tags)})` });
    }
  }
  return problems;
}

/** `{ [key]: value }`, or nothing when the value is undefined (optional properties stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function intervalOf(frequency: string | undefined, fallback: string): number {
  const r = frequencyInterval(frequency ?? fallback);
  // The schema has already rejected frequencies without an interval.
  return 'seconds' in r ? r.seconds : 0;
}

/** The first value a knob has: the job's own override, then its classes in tag order. */
function knob<K extends keyof OverridesInput>(key: K, job: DeclaredJob, input: ConfigInput): OverridesInput[K] | undefined {
  const own = input.ubm?.jobs?.[job.name]?.[key];
  if (own !== undefined) return own;
  for (const tag of job.tags) {
    const v = input.ubm?.classes?.[tag]?.[key];
    if (v !== undefined) return v;
  }
  return undefined;
}

function resolveJob(job: DeclaredJob, input: ConfigInput, dailyStaleSeconds: number, slowMultiplier: number, shrinkRatio: number): ResolvedJob {
  const frequency = typeof job.spec.frequency === 'string' ? job.spec.frequency : d.DEFAULT_FREQUENCY;
  const intervalSeconds = intervalOf(frequency, d.DEFAULT_FREQUENCY);
  const seconds = (key: 'randomizedDelay' | 'expectedDuration' | 'grace'): number | undefined => {
    const v = knob(key, job, input);
    return v === undefined ? undefined : durationSeconds(v);
  };
  const staleAfter = knob('staleAfter', job, input);
  const derived = d.derivedStaleSeconds(intervalSeconds, dailyStaleSeconds, {
    randomizedDelay: seconds('randomizedDelay'),
    expectedDuration: seconds('expectedDuration'),
    grace: seconds('grace'),
  });
  return {
    name: job.name,
    repository: typeof job.spec.repository === 'string' ? job.spec.repository : '',
    frequency,
    intervalSeconds,
    staleThresholdSeconds: Math.round(staleAfter === undefined ? derived : durationSeconds(staleAfter)),
    slowMultiplier: knob('slowMultiplier', job, input) ?? slowMultiplier,
    shrinkRatio: knob('shrinkRatio', job, input) ?? shrinkRatio,
    tags: job.tags,
    ...jobPaths(job.spec),
    source: job.source,
  };
}

/** Every alert's `for:` in whole seconds: its `ubm.alerting.for` entry, else its default. */
function resolveFor(input: ConfigInput, dailyStaleSeconds: number): Record<AlertName, number> {
  const alerting = input.ubm?.alerting;
  const out = d.defaultForSeconds(dailyStaleSeconds);
  // The older spelling of UnifiedBackupNeverReported's for: (crossCheck rejects setting both).
  if (alerting?.neverReportedFor !== undefined) out.UnifiedBackupNeverReported = durationSeconds(alerting.neverReportedFor);
  for (const name of ALERT_NAMES) {
    const v = alerting?.for?.[name];
    if (v !== undefined) out[name] = durationSeconds(v);
  }
  // Rule files write whole seconds (`for: 90s`).
  for (const name of ALERT_NAMES) out[name] = Math.round(out[name]);
  return out;
}

function pgRepoNumber(name: string): number {
  return Number(name.slice('repo'.length));
}

/** Each scheduled pgBackRest backup type's stale threshold: its interval scaled like a job's. */
function pgBackupStaleThresholds(input: ConfigInput, dailyStaleSeconds: number): Partial<Record<PgBackupType, number>> {
  const out: Partial<Record<PgBackupType, number>> = {};
  for (const type of PG_BACKUP_TYPES) {
    const frequency = input.ubm?.postgres?.schedule?.[type] ?? d.PG_BACKUP_SCHEDULE[type];
    if (frequency !== false) out[type] = d.derivedStaleSeconds(intervalOf(frequency, d.DEFAULT_FREQUENCY), dailyStaleSeconds);
  }
  return out;
}

/** Resolves a config that passed the schema and crossCheck. */
export function resolveConfig(input: ConfigInput): ResolvedConfig {
  const on = input.enable !== false;
  const thresholds = input.monitoring?.alerting?.thresholds;
  const dailyStaleSeconds = (thresholds?.backupStaleHours ?? d.BACKUP_STALE_HOURS) * SECONDS_PER_HOUR;
  const slowBackupMultiplier = thresholds?.slowBackupMultiplier ?? d.SLOW_BACKUP_MULTIPLIER;
  const verificationStaleSeconds = (thresholds?.verificationStaleHours ?? d.VERIFICATION_STALE_HOURS) * SECONDS_PER_HOUR;
  const ubm = input.ubm;
  const seconds = (v: Parameters<typeof durationSeconds>[0] | undefined, fallback: number): number => (v === undefined ? fallback : durationSeconds(v));

  const pruneStaleAfter = ubm?.maintenance?.staleAfter === undefined ? undefined : durationSeconds(ubm.maintenance.staleAfter);
  const repositories: ResolvedRepository[] = Object.entries(input.repositories ?? {})
    .map(([name, r]) => ({
      name,
      primary: r.primary === true,
      ...optional('pruneSchedule', namedPruneSchedule(r.pruneSchedule)),
      pruneStaleThresholdSeconds: pruneStaleThresholdSeconds(r.pruneSchedule, dailyStaleSeconds, pruneStaleAfter),
      ...(r.type === undefined ? {} : { type: r.type }),
      ...(r.repositoryName === undefined ? {} : { displayName: r.repositoryName }),
      ...(r.repositoryLocation === undefined ? {} : { location: r.repositoryLocation }),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

  const shrinkRatio = ubm?.alerting?.shrinkRatio ?? d.SHRINK_RATIO;
  const jobs = effectiveJobs(input).map((j) => resolveJob(j, input, dailyStaleSeconds, slowBackupMultiplier, shrinkRatio));

  const pg = input.postgres;
  const pgOn = postgresEnabled(input);
  const offsiteOn = pgbackrestOffsiteEnabled(input);
  const offsiteRepos = pg?.pgbackrest?.offsiteRepos ?? [];
  const localRepos = ubm?.postgres?.repos ?? d.PG_REPOS;
  const pgbackrestRepos: ResolvedPgbackrestRepo[] = [...new Set([...localRepos, ...offsiteRepos])]
    .sort((a, b) => pgRepoNumber(a) - pgRepoNumber(b))
    .map((name) => ({ name, offsite: offsiteRepos.includes(name) }));
  const pgVerificationInterval = intervalOf(pg?.verification?.schedule, d.PG_VERIFICATION_SCHEDULE);

  const v = input.verification;
  const verificationOn = on && v?.enable !== false;
  const restoreInterval = intervalOf(v?.restoreTesting?.schedule, d.RESTORE_TEST_SCHEDULE);
  const checkData = v?.checkData === true;

  const severityMap: Record<Severity, string> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' };
  for (const [k, value] of Object.entries(ubm?.severities ?? {})) if (value !== undefined) severityMap[k as Severity] = value;

  const monitoringOn = on && input.monitoring?.enable !== false;
  return {
    hostnames: ubm?.hostnames ?? d.HOSTNAMES,
    repositories,
    jobs,
    postgres: {
      enabled: pgOn,
      stanzas: ubm?.postgres?.stanzas ?? d.PG_STANZAS,
      pgbackrestRepos,
      ...(offsiteOn ? { offsiteJob: PGBACKREST_OFFSITE_JOB, offsiteRepository: offsiteRepositoryName(input) } : {}),
      offsiteMaxAgeSeconds: seconds(ubm?.postgres?.offsiteMaxAge, Math.round(dailyStaleSeconds)),
      verification: {
        enabled: pgOn && pg?.verification?.enable !== false,
        intervalSeconds: pgVerificationInterval,
        staleThresholdSeconds: seconds(ubm?.postgres?.verificationStaleAfter, verificationStaleSeconds),
      },
      backupStaleThresholds: pgBackupStaleThresholds(input, dailyStaleSeconds),
      walArchiveStuckSeconds: seconds(ubm?.postgres?.walArchiveStuckAfter, d.WAL_ARCHIVE_STUCK_SECONDS),
    },
    verification: {
      enabled: verificationOn,
      intervalSeconds: intervalOf(v?.schedule, d.VERIFICATION_SCHEDULE),
      staleThresholdSeconds: seconds(ubm?.verification?.staleAfter, verificationStaleSeconds),
      checkData,
      ...(checkData ? { checkDataSubset: v?.checkDataSubset ?? d.CHECK_DATA_SUBSET } : {}),
      restoreTesting: {
        enabled: verificationOn && v?.restoreTesting?.enable !== false,
        intervalSeconds: restoreInterval,
        // Scaled like backups: verificationStaleHours (a week) would call every monthly test stale.
        staleThresholdSeconds: seconds(ubm?.restoreTesting?.staleAfter, d.derivedStaleSeconds(restoreInterval, dailyStaleSeconds)),
        sampleFiles: v?.restoreTesting?.sampleFiles ?? d.RESTORE_TEST_SAMPLE_FILES,
      },
    },
    maintenance: { fallbackStaleThresholdSeconds: pruneStaleThresholdSeconds(undefined, dailyStaleSeconds, pruneStaleAfter) },
    locks: {
      maxAgeSeconds: seconds(ubm?.locks?.maxAge, d.LOCK_MAX_AGE_SECONDS),
      checkStaleSeconds: seconds(ubm?.locks?.checkStaleAfter, d.LOCK_CHECK_STALE_SECONDS),
    },
    monitoring: {
      enabled: monitoringOn,
      textfileDirectory: input.monitoring?.textfileCollector?.directory ?? d.TEXTFILE_DIRECTORY,
      retentionDays: input.monitoring?.textfileCollector?.retentionDays ?? d.TEXTFILE_RETENTION_DAYS,
      nodeExporterUser: ubm?.nodeExporterUser ?? d.NODE_EXPORTER_USER,
      ...(ubm?.pushgateway?.hostname === undefined ? {} : { pushgatewayHostname: ubm.pushgateway.hostname }),
      dashboardsEnabled: monitoringOn && input.monitoring?.dashboards?.enable !== false,
    },
    alerting: {
      enabled: monitoringOn && input.monitoring?.alerting?.enable !== false,
      dailyStaleSeconds,
      slowBackupMultiplier,
      shrinkRatio,
      slowMinDurationSeconds: seconds(ubm?.alerting?.slowMinDuration, d.SLOW_MIN_DURATION_SECONDS),
      slowMinBaselineRuns: ubm?.alerting?.slowMinBaselineRuns ?? d.SLOW_MIN_BASELINE_RUNS,
      healthStaleSeconds: seconds(ubm?.alerting?.healthStaleAfter, d.HEALTH_STALE_SECONDS),
      keepFiringForSeconds: Math.round(seconds(ubm?.alerting?.keepFiringFor, d.KEEP_FIRING_FOR_SECONDS)),
      nodeExporterJob: ubm?.alerting?.nodeExporterJob ?? d.NODE_EXPORTER_JOB,
      severityMap,
      runbookBaseUrl: ubm?.runbookBaseUrl ?? d.RUNBOOK_BASE_URL,
      forSeconds: resolveFor(input, dailyStaleSeconds),
    },
    kubernetes: resolveKubernetes(ubm?.kubernetes),
    labels: { identifying: ubm?.labels?.identifying ?? [] },
  };
}
