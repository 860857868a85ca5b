/**
 * The per-job restore test without restic: a job's selection as restic `snapshots` arguments, the
 * newest snapshot of restic's listing, the per-job series and their carry-forward, and the report.
 * The same paths with real restic are in restore-test-jobs-restic.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { jobsFindings, jobsReport, latestReport, repositoryJobs } from '../src/cli/verify-restore.js';
import { resticRestoreTestGroup } from '../src/groups/restic-restore-test.js';
import type { JobsRestoreTestOutcome } from '../src/hooks/restore-test-jobs.js';
import { metrics } from '../src/schema/catalog.js';
import type { SeriesValue } from '../src/schema/series.js';
import { jobSelection, newestSnapshot, snapshotsArgs } from '../src/sources/restic-snapshots.js';

describe("a job's selection as restic snapshots arguments", () => {
  /** [case, tags, paths, the arguments after `snapshots --json --latest 1`]. */
  const selections: Array<[string, string[], string[], string[]]> = [
    ['one tag selects by that tag and the host', ['app'], [], ['--host=h', '--tag=app']],
    ['several tags select snapshots that carry all of them, in one --tag', ['db', 'database'], [], ['--host=h', '--tag=db,database']],
    ['tags win over paths (the design tags every run)', ['app'], ['/srv/app'], ['--host=h', '--tag=app']],
    ['a job without tags is selected by its path', [], ['/srv/media'], ['--host=h', '--path=/srv/media']],
    ['a job without tags and with several paths gives one --path each', [], ['/srv/a', '/srv/b'], ['--host=h', '--path=/srv/a', '--path=/srv/b']],
    ['a tag that starts with a dash stays a value', ['-x'], [], ['--host=h', '--tag=-x']],
  ];

  it.each(selections)('%s', (_about, tags, paths, args) => {
    const selected = jobSelection({ tags, paths }, 'h');
    if (!('selection' in selected)) throw new Error(selected.problem);
    expect(snapshotsArgs(selected.selection)).toEqual(['snapshots', '--json', '--latest', '1', ...args]);
  });

  /** [case, tags, paths, the problem]. */
  const problems: Array<[string, string[], string[], string]> = [
    ['a job with neither tags nor paths', [], [], "it has neither tags nor paths to tell its snapshots from other jobs' in the repository"],
    ['a tag holding a comma', ['a,b'], [], "tag 'a,b' holds a comma, which restic cannot select snapshots by"],
    ['an empty tag', ['app', ''], [], 'it has an empty tag, which restic cannot select snapshots by'],
    ['a relative path', [], ['srv/media'], "path 'srv/media' is not absolute, and restic records snapshots by absolute paths"],
  ];

  it.each(problems)('has no selection for %s, and says why', (_about, tags, paths, problem) => {
    expect(jobSelection({ tags, paths }, 'h')).toEqual({ problem });
  });
});

describe("the newest snapshot of restic's listing", () => {
  const entry = (id: string, time: string): Record<string, unknown> => ({ id, time, paths: ['/x'], hostname: 'h', tags: ['t'] });

  it('is the newest of several (restic keeps one per path set), to the nanosecond', () => {
    const listing = JSON.stringify([entry('a', '2026-12-01T10:00:00.000000002Z'), entry('b', '2026-12-01T10:00:00.000000003Z'), entry('c', '2026-12-01T09:59:59Z')]);
    expect(newestSnapshot(listing)?.id).toBe('b');
  });

  it('is none when restic lists none', () => {
    expect(newestSnapshot('[]\n')).toBeUndefined();
    expect(newestSnapshot('')).toBeUndefined();
  });

  it('skips entries without an ID or a readable time', () => {
    expect(newestSnapshot(JSON.stringify([{ time: '2026-12-01T10:00:00Z' }, entry('d', 'yesterday'), entry('e', '2026-01-01T00:00:00Z')]))?.id).toBe('e');
  });

  it('throws on output that is not a JSON list', () => {
    expect(() => newestSnapshot('{"id":"x"}')).toThrow('restic snapshots printed no JSON list');
    expect(() => newestSnapshot('not json')).toThrow();
  });
});

describe('the per-job series of the restore-test file', () => {
  const base = { hostname: 'h', repository: 'nas', durationSeconds: 3, filesRestored: 4, filesFailed: 0 };
  const t1 = Date.parse('2026-12-01T00:00:00Z');
  const t2 = Date.parse('2026-12-02T00:00:00Z');
  /** `metric{backup_job} value` of the per-job series. */
  const jobLines = (series: readonly SeriesValue[]): string[] =>
    series.filter((s) => s.labels.backup_job !== undefined).map((s) => `${s.metric.name}{${s.labels.backup_job ?? ''}} ${s.value}`);
  const first = resticRestoreTestGroup.build([], { ...base, success: true, endedAtMs: t1, jobs: [{ job: 'app', success: true }, { job: 'db', success: true }] });

  it('gives each covered job its status and, when it passed, the test time as its last success', () => {
    expect(jobLines(first)).toEqual([
      `${metrics.resticRestoreTestJobStatus.name}{app} 1`,
      `${metrics.resticRestoreTestJobLastSuccessTimestampSeconds.name}{app} ${t1 / 1000}`,
      `${metrics.resticRestoreTestJobStatus.name}{db} 1`,
      `${metrics.resticRestoreTestJobLastSuccessTimestampSeconds.name}{db} ${t1 / 1000}`,
    ]);
  });

  it("keeps a failed job's last success, and writes none for a job that never passed", () => {
    const second = resticRestoreTestGroup.build(first, { ...base, success: false, endedAtMs: t2, jobs: [{ job: 'app', success: false }, { job: 'db', success: true }, { job: 'new', success: false }] });
    expect(jobLines(second)).toEqual([
      `${metrics.resticRestoreTestJobStatus.name}{app} 0`,
      `${metrics.resticRestoreTestJobLastSuccessTimestampSeconds.name}{app} ${t1 / 1000}`,
      `${metrics.resticRestoreTestJobStatus.name}{db} 1`,
      `${metrics.resticRestoreTestJobLastSuccessTimestampSeconds.name}{db} ${t2 / 1000}`,
      `${metrics.resticRestoreTestJobStatus.name}{new} 0`,
    ]);
  });

  it("keeps every job's series as they were through a test of the repository's latest snapshot", () => {
    const latestOnly = resticRestoreTestGroup.build(first, { ...base, success: true, endedAtMs: t2 });
    expect(jobLines(latestOnly)).toEqual(jobLines(first));
    expect(latestOnly.find((s) => s.metric.name === metrics.resticRestoreTestLastSuccessTimestampSeconds.name)?.value).toBe(t2 / 1000);
  });

  it('counts a job listed twice as passed only when both passed', () => {
    const twice = resticRestoreTestGroup.build([], { ...base, success: false, endedAtMs: t1, jobs: [{ job: 'app', success: true }, { job: 'app', success: false }] });
    expect(jobLines(twice)).toEqual([`${metrics.resticRestoreTestJobStatus.name}{app} 0`]);
  });
});

describe("the restore test's report", () => {
  const outcome: JobsRestoreTestOutcome = {
    ok: false,
    reason: '1 of 2 jobs failed',
    durationSeconds: 1,
    filesRestored: 2,
    filesFailed: 0,
    repositoryReason: undefined,
    jobs: [
      { job: 'app', ok: true, reason: undefined, selection: 'tags app on host h', snapshotId: '0123456789abcdef', filesRestored: 2, filesFailed: 0 },
      { job: 'photos', ok: false, reason: 'no snapshot matches the job (tags photos on host h)', selection: 'tags photos on host h', snapshotId: undefined, filesRestored: 0, filesFailed: 0 },
    ],
  };

  it('names each job, the snapshot it sampled, and the jobs it covered', () => {
    expect(jobsReport('nas', outcome)).toEqual([
      'restore test of nas: job app: 2 files restored, 0 failed, from snapshot 01234567 (tags app on host h)',
      'restore test of nas: job photos: not covered: no snapshot matches the job (tags photos on host h)',
      'restore test of nas: covered 1 of 2 jobs (app); 2 files restored, 0 failed',
    ]);
  });

  it('finds one line per failed job, naming the job', () => {
    expect(jobsFindings('nas', outcome)).toEqual(['restore test of nas failed for job photos: no snapshot matches the job (tags photos on host h)']);
  });

  it("finds one line for the repository when restic could not list its snapshots, not one per job", () => {
    const unreachable = { ...outcome, repositoryReason: 'repository unreachable', jobs: outcome.jobs.map((j) => ({ ...j, ok: false, reason: 'repository unreachable' })) };
    expect(jobsFindings('nas', unreachable)).toEqual(['restore test of nas failed: repository unreachable']);
  });

  it("says when it sampled the repository's latest snapshot, and why", () => {
    const latest = { ok: true, reason: undefined, durationSeconds: 1, filesRestored: 2, filesFailed: 0, snapshotId: 'fedcba9876543210' };
    expect(latestReport('nas', latest, 'no --config to name the jobs')).toEqual([
      "restore test of nas: the repository's latest snapshot fedcba98, not each job's (no --config to name the jobs); 2 files restored, 0 failed",
    ]);
  });

  it("takes the config's jobs of the repository only, with their tags and paths", () => {
    const job = { frequency: 'daily', intervalSeconds: 86_400, staleThresholdSeconds: 1, slowMultiplier: 2, shrinkRatio: 0.5, source: 'restic.jobs' as const };
    const jobs = [
      { ...job, name: 'app', repository: 'nas', tags: ['app'] },
      { ...job, name: 'media', repository: 'nas', tags: [], paths: ['/srv/media'] },
      { ...job, name: 'offsite', repository: 'r2', tags: ['x'] },
    ];
    expect(repositoryJobs(jobs, 'nas')).toEqual([
      { name: 'app', tags: ['app'], paths: [] },
      { name: 'media', tags: [], paths: ['/srv/media'] },
    ]);
  });
});
