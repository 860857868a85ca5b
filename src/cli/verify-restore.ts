/**
 * The restore-test half of `ubm verify`: with `--config`, each job of the repository has the latest
 * snapshot of its own sampled (restic_restore_test_job_*); without it, or when the config lists no
 * job in the repository, the repository's latest snapshot is, as before. Either way the report on
 * stdout says which snapshots and jobs the run covered, and the findings name each failed job.
 */
import type { ResolvedConfig, ResolvedJob } from '../config/model.js';
import { type RecordTarget, recordRestoreTest } from '../exporter/record.js';
import { type JobsRestoreTestOutcome, type RestoreTestJob, restoreTestJobs } from '../hooks/restore-test-jobs.js';
import { type RestoreTestOutcome, resticRestoreTest } from '../sources/restic-restore-test.js';
import { oneLine } from '../util/quote.js';

/** What the restore test needs from the command line. */
export interface RestoreTestRequest {
  readonly repository: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sampleFiles: number;
  readonly tempParent: string;
  /** The hostname label, also the host the jobs back up as (restic's `--host`). */
  readonly hostname: string;
  readonly config: ResolvedConfig | undefined;
  readonly target: RecordTarget;
  readonly now: () => number;
}

/** What the command prints: report lines for stdout, findings for stderr (each without the `ubm verify: ` prefix; one line each, whatever the config's names hold). */
export interface RestoreTestReport {
  readonly ok: boolean;
  readonly report: readonly string[];
  readonly findings: readonly string[];
}

/** The jobs of `repository` in the config, as the restore test selects their snapshots. */
export function repositoryJobs(jobs: readonly ResolvedJob[], repository: string): RestoreTestJob[] {
  return jobs.filter((j) => j.repository === repository).map((j) => ({ name: j.name, tags: j.tags, paths: j.paths ?? [] }));
}

/** restic's short form of a snapshot ID. */
function shortId(id: string | undefined): string {
  return id === undefined ? '' : ` ${id.slice(0, 8)}`;
}

/** The report of a test of each job's latest snapshot: one line per job and a summary naming the jobs covered. */
export function jobsReport(repository: string, outcome: JobsRestoreTestOutcome): string[] {
  const head = `restore test of ${repository}`;
  const lines = outcome.jobs.map((j) =>
    j.snapshotId === undefined
      ? `${head}: job ${j.job}: not covered: ${j.reason ?? 'no snapshot'}`
      : `${head}: job ${j.job}: ${j.filesRestored} files restored, ${j.filesFailed} failed, from snapshot${shortId(j.snapshotId)} (${j.selection ?? ''})`,
  );
  const covered = outcome.jobs.filter((j) => j.snapshotId !== undefined).map((j) => j.job);
  lines.push(
    `${head}: covered ${covered.length} of ${outcome.jobs.length} jobs${covered.length > 0 ? ` (${covered.join(', ')})` : ''}; ${outcome.filesRestored} files restored, ${outcome.filesFailed} failed`,
  );
  return lines;
}

/** The findings of a per-job test: the repository's restic failure once, else one line per failed job. */
export function jobsFindings(repository: string, outcome: JobsRestoreTestOutcome): string[] {
  if (outcome.repositoryReason !== undefined) return [`restore test of ${repository} failed: ${outcome.repositoryReason}`];
  return outcome.jobs.filter((j) => !j.ok).map((j) => `restore test of ${repository} failed for job ${j.job}: ${j.reason ?? 'unknown reason'}`);
}

/** The report of a test of the repository's latest snapshot, saying why no job's own snapshot was sampled. */
export function latestReport(repository: string, outcome: RestoreTestOutcome, why: string): string[] {
  return [`restore test of ${repository}: the repository's latest snapshot${shortId(outcome.snapshotId)}, not each job's (${why}); ${outcome.filesRestored} files restored, ${outcome.filesFailed} failed`];
}

/** Runs the restore test the request calls for, records it, and returns what to print. Throws ToolNotFoundError when restic is missing. */
export async function runRestoreTest(req: RestoreTestRequest): Promise<RestoreTestReport> {
  const jobs = req.config === undefined ? [] : repositoryJobs(req.config.jobs, req.repository);
  const base = { env: req.env, sampleFiles: req.sampleFiles, tempParent: req.tempParent };
  if (jobs.length === 0) {
    const test = await resticRestoreTest(base);
    await record(req, test, undefined);
    const why = req.config === undefined ? 'no --config to name the jobs' : `the config lists no job in repository ${req.repository}`;
    return {
      ok: test.ok,
      report: latestReport(req.repository, test, why),
      findings: test.ok ? [] : [`restore test of ${req.repository} failed: ${test.reason ?? 'unknown reason'}`],
    };
  }
  const test = await restoreTestJobs({ ...base, host: req.hostname, jobs });
  await record(req, test, test.jobs.map((j) => ({ job: j.job, success: j.ok })));
  return { ok: test.ok, report: jobsReport(req.repository, test).map(oneLine), findings: jobsFindings(req.repository, test).map(oneLine) };
}

/** Records the repository's result and, for a per-job test, each job's. */
async function record(req: RestoreTestRequest, test: RestoreTestOutcome, jobs: readonly { job: string; success: boolean }[] | undefined): Promise<void> {
  await recordRestoreTest(
    req.repository,
    {
      success: test.ok,
      durationSeconds: test.durationSeconds,
      filesRestored: test.filesRestored,
      filesFailed: test.filesFailed,
      hostname: req.hostname,
      endedAtMs: req.now(),
      jobs,
    },
    req.target,
  );
}
