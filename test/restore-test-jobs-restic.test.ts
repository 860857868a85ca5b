/**
 * `ubm verify` restore tests that cover every job of a shared repository, against real restic 0.14:
 * one repository holds three jobs' snapshots (two selected by tags, one by its path), the last
 * backup being job 3's. With --config every job's latest snapshot is sampled; without it only the
 * repository's `latest`, as before.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { parseExposition } from '../src/exporter/textfile.js';
import { metrics } from '../src/schema/catalog.js';
import { memoryIo, spawnCollect } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { requireTool } from './support/tools.js';

const HOST = 'testhost';
const LABEL = 'nas';
const FILE = `ubm_restic_restore_test.${HOST}.${LABEL}.prom`;
const T1 = Date.parse('2026-12-01T03:00:00Z');
const T2 = Date.parse('2026-12-08T03:00:00Z');
const T3 = Date.parse('2026-12-15T03:00:00Z');

let root: string;
let repo: string;
let baseEnv: Record<string, string | undefined>;
/** Each job's source directory. */
const sources: Record<string, string> = {};
/** Each job's snapshot ID (full), as restic printed it after the backup. */
const snapshotOf: Record<string, string> = {};

/** Runs restic on the test's repository; throws with its stderr when it fails. */
async function restic(args: readonly string[]): Promise<string> {
  const r = await spawnCollect(requireTool('restic'), args, { env: { ...baseEnv, RESTIC_REPOSITORY: repo } });
  if (r.code !== 0) throw new Error(`restic ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The snapshot ID restic's JSON summary of a backup gives. */
function snapshotIdOf(stdout: string): string {
  const summary = stdout.split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : {})).find((m) => m.message_type === 'summary');
  if (typeof summary?.snapshot_id !== 'string') throw new Error('no snapshot ID in the backup summary');
  return summary.snapshot_id;
}

/** A config file listing the jobs (YAML flow maps), with repository nas. */
function configWith(jobs: Record<string, string>): string {
  const path = join(tempDir('rtj-config'), 'backup.yaml');
  const lines = Object.entries(jobs).map(([name, spec]) => `    ${name}: { repository: ${LABEL}, ${spec} }`);
  writeFileSync(path, ['repositories:', `  ${LABEL}: { url: /not/read, passwordFile: /not/read }`, 'restic:', '  jobs:', ...lines, ''].join('\n'));
  return path;
}

/** The three jobs as the config declares them: by tags (one and two) and, for media, by path. */
function threeJobs(): Record<string, string> {
  return {
    app: `tags: [app], paths: [${sources.app ?? ''}]`,
    db: `tags: [db, database], paths: [${sources.db ?? ''}]`,
    media: `paths: [${sources.media ?? ''}]`,
  };
}

/** Runs `ubm verify --skip-check` in process at `nowMs`, into `dir`. */
async function verify(dir: string, nowMs: number, args: readonly string[], env: Record<string, string | undefined> = {}) {
  const io = memoryIo(nowMs, { ...baseEnv, RESTIC_REPOSITORY: repo, RESTIC_CACHE_DIR: join(root, 'cache'), ...env });
  const code = await main(['verify', '--repository', LABEL, '--skip-check', '--textfile-dir', dir, '--restore-dir', tempDir('rtj-restore'), '--hostname', HOST, ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** The restore-test file's samples as `name{backup_job} value` (backup_job empty for the repository's). */
function fileLines(dir: string): string[] {
  return parseExposition(readFileSync(join(dir, FILE), 'utf8')).map((s) => `${s.name}{${s.labels.backup_job ?? ''}} ${s.value}`);
}

/** The value of a per-job (or, with job '', the repository's) metric in the restore-test file. */
function value(dir: string, metric: { name: string }, job = ''): number | undefined {
  const line = fileLines(dir).find((l) => l.startsWith(`${metric.name}{${job}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  root = tempDir('rtj');
  repo = join(root, 'repo');
  writeFileSync(join(root, 'password'), 'restore every job');
  baseEnv = { PATH: process.env.PATH, RESTIC_PASSWORD_FILE: join(root, 'password'), RESTIC_CACHE_DIR: join(root, 'cache') };
  await restic(['init']);
  // Job 3 (media, no tags) runs last: the repository's `latest` is its snapshot.
  const jobs: Array<[string, string[]]> = [['app', ['--tag', 'app']], ['db', ['--tag', 'db', '--tag', 'database']], ['media', []]];
  for (const [job, tagArgs] of jobs) {
    const dir = join(root, 'data', job);
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= 3; i++) writeFileSync(join(dir, `${job}-${i}.txt`), `${job} file ${i}\n`.repeat(i * 10));
    sources[job] = dir;
    snapshotOf[job] = snapshotIdOf(await restic(['backup', '--json', '--host', HOST, ...tagArgs, dir]));
  }
}, 60_000);

describe('ubm verify --config restore-tests every job of the repository', () => {
  it("samples each job's own latest snapshot, records each job's status and last success, and names the jobs it covered", async () => {
    const dir = tempDir('rtj-all');
    const r = await verify(dir, T1, ['--config', configWith(threeJobs()), '--sample-files', '2']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const short = (job: string): string => (snapshotOf[job] ?? '').slice(0, 8);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual([
      `restore test of nas: job app: 2 files restored, 0 failed, from snapshot ${short('app')} (tags app on host ${HOST})`,
      `restore test of nas: job db: 2 files restored, 0 failed, from snapshot ${short('db')} (tags db,database on host ${HOST})`,
      `restore test of nas: job media: 2 files restored, 0 failed, from snapshot ${short('media')} (paths ${sources.media ?? ''} on host ${HOST})`,
      'restore test of nas: covered 3 of 3 jobs (app, db, media); 6 files restored, 0 failed',
    ]);
    for (const job of ['app', 'db', 'media']) {
      expect(value(dir, metrics.resticRestoreTestJobStatus, job), job).toBe(1);
      expect(value(dir, metrics.resticRestoreTestJobLastSuccessTimestampSeconds, job), job).toBe(T1 / 1000);
    }
    expect(value(dir, metrics.resticRestoreTestStatus)).toBe(1);
    expect(value(dir, metrics.resticRestoreTestFilesRestored)).toBe(6);
    expect(value(dir, metrics.resticRestoreTestFilesFailed)).toBe(0);
    // Labels are the config's job names: no path, file name or snapshot ID.
    const text = readFileSync(join(dir, FILE), 'utf8');
    for (const leak of [root, ...Object.values(snapshotOf).map((id) => id.slice(0, 8)), 'app-1.txt']) expect(text).not.toContain(leak);
  });

  it("samples only the repository's latest snapshot (job 3's) without --config, as before, and says so", async () => {
    const dir = tempDir('rtj-latest');
    const r = await verify(dir, T1, ['--sample-files', '2']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      `restore test of nas: the repository's latest snapshot ${(snapshotOf.media ?? '').slice(0, 8)}, not each job's (no --config to name the jobs); 2 files restored, 0 failed\n`,
    );
    expect(value(dir, metrics.resticRestoreTestStatus)).toBe(1);
    expect(value(dir, metrics.resticRestoreTestFilesRestored)).toBe(2);
    expect(fileLines(dir).filter((l) => !l.includes('{}'))).toEqual([]);
  });

  it('fails a job whose snapshot is missing, and the repository with it, in one stderr line naming the job', async () => {
    const dir = tempDir('rtj-missing');
    const r = await verify(dir, T1, ['--config', configWith({ ...threeJobs(), photos: 'tags: [photos]' }), '--sample-files', '1']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: `ubm verify: restore test of nas failed for job photos: no snapshot matches the job (tags photos on host ${HOST})\n`,
    });
    expect(r.stdout).toContain(`restore test of nas: job photos: not covered: no snapshot matches the job (tags photos on host ${HOST})\n`);
    expect(r.stdout).toContain('restore test of nas: covered 3 of 4 jobs (app, db, media); 3 files restored, 0 failed\n');
    expect(value(dir, metrics.resticRestoreTestJobStatus, 'photos')).toBe(0);
    expect(value(dir, metrics.resticRestoreTestJobLastSuccessTimestampSeconds, 'photos')).toBeUndefined();
    expect(value(dir, metrics.resticRestoreTestJobStatus, 'app')).toBe(1);
    expect(value(dir, metrics.resticRestoreTestStatus)).toBe(0);
    expect(value(dir, metrics.resticRestoreTestLastSuccessTimestampSeconds)).toBeUndefined();
  });

  it("does not take another host's snapshots for a job's", async () => {
    const dir = tempDir('rtj-host');
    const r = await verify(dir, T1, ['--config', configWith({ app: 'tags: [app]' }), '--sample-files', '1', '--hostname', 'otherhost']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: 'ubm verify: restore test of nas failed for job app: no snapshot matches the job (tags app on host otherhost)\n',
    });
  });

  it('fails a job that has neither tags nor paths, saying why, and still tests the others', async () => {
    const dir = tempDir('rtj-bare');
    const r = await verify(dir, T1, ['--config', configWith({ app: 'tags: [app]', bare: 'frequency: daily' }), '--sample-files', '1']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: "ubm verify: restore test of nas failed for job bare: it has neither tags nor paths to tell its snapshots from other jobs' in the repository\n",
    });
    expect(value(dir, metrics.resticRestoreTestJobStatus, 'app')).toBe(1);
    expect(value(dir, metrics.resticRestoreTestJobStatus, 'bare')).toBe(0);
  });

  it("keeps a failed job's last success, and every job's series through a run without --config", async () => {
    const dir = tempDir('rtj-carry');
    expect((await verify(dir, T1, ['--config', configWith(threeJobs()), '--sample-files', '1'])).code).toBe(0);
    // media's path moved: its old snapshots no longer match, so the job fails and keeps T1.
    const moved = { ...threeJobs(), media: `paths: [${join(root, 'data', 'media-moved')}]` };
    expect((await verify(dir, T2, ['--config', configWith(moved), '--sample-files', '1'])).code).toBe(1);
    const afterSecond = fileLines(dir).filter((l) => !l.includes('{}'));
    expect(value(dir, metrics.resticRestoreTestJobStatus, 'media')).toBe(0);
    expect(value(dir, metrics.resticRestoreTestJobLastSuccessTimestampSeconds, 'media')).toBe(T1 / 1000);
    expect(value(dir, metrics.resticRestoreTestJobLastSuccessTimestampSeconds, 'app')).toBe(T2 / 1000);
    const third = await verify(dir, T3, ['--sample-files', '1']);
    expect(third.code).toBe(0);
    expect(fileLines(dir).filter((l) => !l.includes('{}'))).toEqual(afterSecond);
    expect(value(dir, metrics.resticRestoreTestLastSuccessTimestampSeconds)).toBe(T3 / 1000);
  });

  it("samples the repository's latest snapshot when the config lists no job in the repository, and says so", async () => {
    const dir = tempDir('rtj-nojobs');
    const config = join(tempDir('rtj-config'), 'backup.yaml');
    writeFileSync(config, 'monitoring: { enable: true }\n');
    const r = await verify(dir, T1, ['--config', config, '--sample-files', '1']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain("not each job's (the config lists no job in repository nas)");
  });

  it('fails the repository once, and every job, when restic cannot open it, never naming its location', async () => {
    const dir = tempDir('rtj-unreachable');
    const missing = join(root, 'no-such-repo');
    const r = await verify(dir, T1, ['--config', configWith(threeJobs()), '--sample-files', '1'], { RESTIC_REPOSITORY: missing });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: 'ubm verify: restore test of nas failed: repository unreachable (no repository at the configured location, or it cannot be reached)\n',
    });
    for (const job of ['app', 'db', 'media']) expect(value(dir, metrics.resticRestoreTestJobStatus, job), job).toBe(0);
    expect(value(dir, metrics.resticRestoreTestStatus)).toBe(0);
    expect(r.stdout + r.stderr + readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('')).not.toContain(missing);
  });
});
