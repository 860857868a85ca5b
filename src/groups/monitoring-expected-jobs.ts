/**
 * The `monitoring_expected_jobs` group: the jobs the config says a host runs, each with the
 * thresholds its alerts use (one file per host), written by `ubm health --config`.
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
}

/** A host's expected job set. */
export interface ExpectedJobs {
  readonly hostname: string;
  readonly jobs: readonly ExpectedJob[];
}

/** The monitoring_expected_jobs group; a job listed twice is written once. */
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
    );
  }
  return out;
});
