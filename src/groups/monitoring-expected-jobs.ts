/**
 * The `monitoring_expected_jobs` group: the jobs the config says a host runs, each with the
 * thresholds its alerts use, and the jobs whose files are on the host although the config does not
 * list them (one file per host), written by `ubm health --config`.
 */
import { metrics } from '../schema/catalog.js';
import { type GroupSample, sample } from '../schema/series.js';
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

/** A host's expected job set, and the jobs it has files of that the config does not list. */
export interface ExpectedJobs {
  readonly hostname: string;
  readonly jobs: readonly ExpectedJob[];
  /** Jobs with a file on the host but not in the config (a typo, a retired job, an ad-hoc `ubm emit`). */
  readonly unexpected?: readonly JobKey[] | undefined;
}

/** The monitoring_expected_jobs group; a job listed twice is written once, and a job is never both expected and unexpected. */
export const monitoringExpectedJobsGroup = hostGroup('monitoring_expected_jobs', 'ubm_monitoring_expected_jobs', (_previous, set: ExpectedJobs) => {
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
  for (const job of set.unexpected ?? []) {
    const identity = JSON.stringify([job.name, job.repository]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    out.push(sample(metrics.backupMonitoringUnexpectedJob, { hostname: set.hostname, backup_job: job.name, repository: job.repository }, 1));
  }
  return out;
});
