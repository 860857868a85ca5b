/**
 * The restore test of a repository that several jobs share: for each job, find its latest snapshot
 * by the job's selection (tags, else paths, and host) and run the sample-restore test on it, so
 * every job's data is restore-tested, not only the job that ran last. The repository passes when
 * every job's sample passed.
 */
import type { RestoreTestOutcome } from '../sources/restic-restore-test.js';
import { resticRestoreTest } from '../sources/restic-restore-test.js';
import { type SelectableJob, describeSelection, jobSelection, latestSnapshot } from '../sources/restic-snapshots.js';

/** A job of the repository, as the config declares it. */
export interface RestoreTestJob extends SelectableJob {
  readonly name: string;
}

/** Options of a per-job restore test. */
export interface JobsRestoreTestOptions {
  /** restic's environment (RESTIC_REPOSITORY, RESTIC_PASSWORD_FILE, ... and PATH). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Sample files per job (at least 1). */
  readonly sampleFiles: number;
  /** Parent of each job's private temporary directory. */
  readonly tempParent: string;
  /** The hostname the jobs back up as (restic's `--host` filter). */
  readonly host: string;
  /** The repository's jobs. */
  readonly jobs: readonly RestoreTestJob[];
}

/** One job's part of the test. */
export interface JobRestoreOutcome {
  readonly job: string;
  readonly ok: boolean;
  /** Why the job failed, in one line (a selection problem, no matching snapshot, or the sample's verdict). */
  readonly reason: string | undefined;
  /** How the job's snapshots were selected, in words; undefined when the job has no usable selection. */
  readonly selection: string | undefined;
  /** The full ID of the snapshot sampled; undefined when none was found. */
  readonly snapshotId: string | undefined;
  readonly filesRestored: number;
  readonly filesFailed: number;
}

/** The repository's result and each job's. */
export interface JobsRestoreTestOutcome extends RestoreTestOutcome {
  /** One entry per job, in the order given. */
  readonly jobs: readonly JobRestoreOutcome[];
  /** Why restic could not list the repository's snapshots (unreachable, wrong password); undefined when it could. */
  readonly repositoryReason: string | undefined;
}

/** A job's outcome when it was never sampled. */
function unsampled(job: string, reason: string, selection?: string): JobRestoreOutcome {
  return { job, ok: false, reason, selection, snapshotId: undefined, filesRestored: 0, filesFailed: 0 };
}

/**
 * Runs the restore test of each job's latest snapshot. A restic failure while listing snapshots
 * (repository unreachable, wrong password) is the repository's: it is the outcome's reason, and it
 * fails every job not yet tested without asking restic again. Throws ToolNotFoundError when restic is missing.
 */
export async function restoreTestJobs(options: JobsRestoreTestOptions): Promise<JobsRestoreTestOutcome> {
  const started = process.hrtime.bigint();
  const jobs: JobRestoreOutcome[] = [];
  let repositoryReason: string | undefined;
  for (const job of options.jobs) {
    if (repositoryReason !== undefined) {
      jobs.push(unsampled(job.name, repositoryReason));
      continue;
    }
    const selected = jobSelection(job, options.host);
    if ('problem' in selected) {
      jobs.push(unsampled(job.name, selected.problem));
      continue;
    }
    const described = describeSelection(selected.selection);
    const latest = await latestSnapshot(options.env, selected.selection);
    if (latest.kind === 'failed') {
      repositoryReason = latest.reason;
      jobs.push(unsampled(job.name, latest.reason, described));
      continue;
    }
    if (latest.kind === 'none') {
      jobs.push(unsampled(job.name, `no snapshot matches the job (${described})`, described));
      continue;
    }
    const test = await resticRestoreTest({ env: options.env, sampleFiles: options.sampleFiles, tempParent: options.tempParent, snapshot: latest.id });
    jobs.push({ job: job.name, ok: test.ok, reason: test.reason, selection: described, snapshotId: latest.id, filesRestored: test.filesRestored, filesFailed: test.filesFailed });
  }
  const sum = (f: (j: JobRestoreOutcome) => number): number => jobs.reduce((n, j) => n + f(j), 0);
  const failedJobs = jobs.filter((j) => !j.ok).length;
  return {
    ok: jobs.length > 0 && failedJobs === 0,
    reason: repositoryReason ?? (jobs.length === 0 ? 'no job to test' : failedJobs > 0 ? `${failedJobs} of ${jobs.length} jobs failed` : undefined),
    durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    filesRestored: sum((j) => j.filesRestored),
    filesFailed: sum((j) => j.filesFailed),
    jobs,
    repositoryReason,
  };
}
