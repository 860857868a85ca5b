/**
 * The `monitoring_expected_jobs` group: the jobs the config says a host runs, each with the
 * thresholds its alerts use, the other checks the config turns on (verification, restore tests,
 * prune, pgBackRest, PostgreSQL verification and offsite copy) with theirs, and the jobs whose files
 * are on the host although the config does not list them (one file per host), written by
 * `ubm health --config`.
 */
import { type CheckKind, metrics } from '../schema/catalog.js';
import { type GroupSample, type SeriesValue, sample } from '../schema/series.js';
import { hostGroup } from './group.js';

/** A configured job with the thresholds its alerts use. */
export interface ExpectedJob {
  readonly name: string;
  readonly repository: string;
  readonly staleThresholdSeconds: number;
  readonly slowMultiplier: number;
  /** Share of its source baselines under which a run counts as a shrunk source (0: never). */
  readonly shrinkRatio: number;
}

/** A job by its key labels. */
export interface JobKey {
  readonly name: string;
  readonly repository: string;
}

/** A check the config turns on, with the labels its own metrics carry ('' for one it lacks) and its stale threshold. */
export interface ExpectedCheck {
  readonly check: CheckKind;
  readonly stanza: string;
  readonly repository: string;
  readonly staleThresholdSeconds: number;
}

/** A host's expected job set, and the jobs it has files of that the config does not list. */
export interface ExpectedJobs {
  readonly hostname: string;
  readonly jobs: readonly ExpectedJob[];
  /** The other checks the config turns on. */
  readonly checks?: readonly ExpectedCheck[] | undefined;
  /** When this set is written, in milliseconds since the epoch: a check expected for the first time is expected since then. */
  readonly writtenAtMs?: number | undefined;
  /** Jobs with a file on the host but not in the config (a typo, a retired job, an ad-hoc `ubm emit`). */
  readonly unexpected?: readonly JobKey[] | undefined;
}

/** The monitoring_expected_jobs group; a job listed twice is written once, and a job is never both expected and unexpected. */
export const monitoringExpectedJobsGroup = hostGroup('monitoring_expected_jobs', 'ubm_monitoring_expected_jobs', (previous, set: ExpectedJobs) => {
  const seen = new Set<string>();
  const out: GroupSample<'monitoring_expected_jobs'>[] = [];
  for (const job of set.jobs) {
    const identity = JSON.stringify([job.name, job.repository]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    const l = { hostname: set.hostname, backup_job: job.name, repository: job.repository };
    out.push(
      sample(metrics.backupMonitoringExpectedJob, l, 1),
      sample(metrics.backupMonitoringJobStaleThresholdSeconds, l, job.staleThresholdSeconds),
      sample(metrics.backupMonitoringJobSlowMultiplier, l, job.slowMultiplier),
      sample(metrics.backupMonitoringJobShrinkRatio, l, job.shrinkRatio),
    );
  }
  const seenChecks = new Set<string>();
  for (const c of set.checks ?? []) {
    const l = { hostname: set.hostname, check: c.check, stanza: c.stanza, repository: c.repository };
    const identity = JSON.stringify([c.check, c.stanza, c.repository]);
    if (seenChecks.has(identity)) continue;
    seenChecks.add(identity);
    const since = carriedSince(previous, l) ?? Math.floor((set.writtenAtMs ?? Date.now()) / 1000);
    out.push(sample(metrics.backupMonitoringExpectedCheckStaleThresholdSeconds, l, c.staleThresholdSeconds), sample(metrics.backupMonitoringExpectedCheckSinceTimestampSeconds, l, since));
  }
  for (const job of set.unexpected ?? []) {
    const identity = JSON.stringify([job.name, job.repository]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    out.push(sample(metrics.backupMonitoringUnexpectedJob, { hostname: set.hostname, backup_job: job.name, repository: job.repository }, 1));
  }
  return out;
});

/** When the previous file says this check was first expected (the series with the same labels), if it does. */
function carriedSince(previous: readonly SeriesValue[], l: { readonly check: string; readonly stanza: string; readonly repository: string }): number | undefined {
  const name = metrics.backupMonitoringExpectedCheckSinceTimestampSeconds.name;
  const found = previous.find((p) => p.metric.name === name && p.labels.check === l.check && (p.labels.stanza ?? '') === l.stanza && (p.labels.repository ?? '') === l.repository);
  return found?.value;
}
