/**
 * The `restic_restore_test` group: one file per repository, written by `ubm verify` and `ubm emit restore-test`.
 * Beside the repository's result it holds one status and last success per backup job whose latest
 * snapshot a restore test sampled; a job the run did not cover keeps its series as they were.
 */
import { metrics } from '../schema/catalog.js';
import { type GroupSample, type SeriesValue, maybeSample, present, sample } from '../schema/series.js';
import { type CheckRun, checkSamples } from './check.js';
import { monotonicSeconds, textfileGroup } from './group.js';

/** One job's part of a restore test: whether the sample of its latest snapshot restored and matched. */
export interface JobRestoreResult {
  /** The job's name from the config (the backup_job label: never a path or snapshot ID). */
  readonly job: string;
  readonly success: boolean;
}

/** A sample-restore test of one repository: a check plus how many sample files came back right and wrong, and each covered job's result. */
export interface RestoreTestRun extends CheckRun {
  readonly repository: string;
  readonly filesRestored?: number | undefined;
  readonly filesFailed?: number | undefined;
  /** The jobs whose latest snapshots the test sampled; absent when it sampled the repository's latest snapshot. */
  readonly jobs?: readonly JobRestoreResult[] | undefined;
}

/** The repository-level metrics, as every pass/fail check has them. */
const CHECK_METRICS = {
  status: metrics.resticRestoreTestStatus,
  duration: metrics.resticRestoreTestDurationSeconds,
  lastRun: metrics.resticRestoreTestLastRunTimestampSeconds,
  lastSuccess: metrics.resticRestoreTestLastSuccessTimestampSeconds,
};

/** The previous value of a per-job metric for one job. */
function carriedForJob(previous: readonly SeriesValue[], name: string, job: string): number | undefined {
  return previous.find((s) => s.metric.name === name && s.labels.backup_job === job)?.value;
}

/** The jobs that have per-job series in the previous file, in file order, each once. */
function previousJobs(previous: readonly SeriesValue[]): string[] {
  const jobs = new Set<string>();
  for (const s of previous) if (s.metric.name === metrics.resticRestoreTestJobStatus.name && s.labels.backup_job !== undefined) jobs.add(s.labels.backup_job);
  return [...jobs];
}

/**
 * The per-job samples: covered jobs get this run's status and, when they passed, `now` as their last
 * success (else the carried one); jobs of the previous file that this run did not cover keep both
 * values, since evidence is never dropped because a run looked elsewhere.
 */
function jobSamples(previous: readonly SeriesValue[], run: RestoreTestRun, now: number): GroupSample<'restic_restore_test'>[] {
  const covered = new Map<string, boolean>();
  for (const j of run.jobs ?? []) covered.set(j.job, (covered.get(j.job) ?? true) && j.success);
  const names = [...new Set([...previousJobs(previous), ...covered.keys()])].sort();
  return present(
    names.flatMap((job) => {
      const l = { hostname: run.hostname, backup_job: job, repository: run.repository };
      const success = covered.get(job);
      const lastSuccess = carriedForJob(previous, metrics.resticRestoreTestJobLastSuccessTimestampSeconds.name, job);
      if (success === undefined) {
        return [
          maybeSample(metrics.resticRestoreTestJobStatus, l, carriedForJob(previous, metrics.resticRestoreTestJobStatus.name, job)),
          maybeSample(metrics.resticRestoreTestJobLastSuccessTimestampSeconds, l, lastSuccess),
        ];
      }
      return [sample(metrics.resticRestoreTestJobStatus, l, success ? 1 : 0), maybeSample(metrics.resticRestoreTestJobLastSuccessTimestampSeconds, l, success ? now : lastSuccess)];
    }),
  );
}

/** The restic_restore_test group. */
export const resticRestoreTestGroup = textfileGroup({
  id: 'restic_restore_test',
  filePrefix: 'ubm_restic_restore_test',
  keyLabels: ['repository'],
  key: (run: RestoreTestRun) => ({ repository: run.repository }),
  build: (previous, run) => {
    const l = { hostname: run.hostname, repository: run.repository };
    const checks = checkSamples(CHECK_METRICS, l, previous, run);
    // The same time as the repository's last run, so a job's last success never differs from the test that set it.
    const now = checks.find((s) => s.metric.name === metrics.resticRestoreTestLastRunTimestampSeconds.name)?.value ?? monotonicSeconds(run.endedAtMs, undefined);
    return present([
      ...checks,
      maybeSample(metrics.resticRestoreTestFilesRestored, l, run.filesRestored),
      maybeSample(metrics.resticRestoreTestFilesFailed, l, run.filesFailed),
      ...jobSamples(previous, run, now),
    ]);
  },
});
