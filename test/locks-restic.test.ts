/**
 * `ubm locks` against real restic 0.14: a backup killed with SIGKILL leaves its lock behind, the
 * recorder sees it (dated when the backup started) without taking a lock of its own, and sees none
 * once `restic unlock` has removed it. An exclusive lock, which trips up any command that locks,
 * is read too; a wrong password, a missing repository and a damaged lock file record nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../src/exporter/textfile.js';
import { sampleLines, snapshotDir, spawnCollect, ubm } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { requireTool } from './support/tools.js';

const PASSWORD = 'correct horse battery staple';
const LABEL = 'nas';
/** Random bytes do not compress or deduplicate: restic takes a while over them, long enough to be killed mid-run. */
const SOURCE_MIB = 256;

let root: string;
let source: string;
let baseEnv: Record<string, string | undefined>;

/** Runs restic on a repository; throws with its stderr when it fails. */
async function restic(repo: string, args: readonly string[]): Promise<string> {
  const r = await spawnCollect(requireTool('restic'), args, { env: { ...baseEnv, RESTIC_REPOSITORY: repo } });
  if (r.code !== 0) throw new Error(`restic ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A fresh, initialised repository. */
async function newRepo(): Promise<string> {
  const repo = join(tempDir('locks-repo'), 'repo');
  await restic(repo, ['init']);
  return repo;
}

/** A restic process that has taken its lock, killed with SIGKILL: the lock's ID, when the process started and when its lock was seen. */
interface Killed {
  readonly lockId: string;
  readonly pid: number;
  readonly startedMs: number;
  readonly seenMs: number;
}

/** Starts restic with `args`, polls `restic list locks --no-lock` until its lock appears, then SIGKILLs it. */
async function killOnceLocked(repo: string, args: readonly string[]): Promise<Killed> {
  const startedMs = Date.now();
  // stdin stays open: a command that reads it (key passwd) waits there, holding its lock.
  const child: ChildProcess = spawn(requireTool('restic'), [...args], { env: { ...baseEnv, RESTIC_REPOSITORY: repo }, stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let running = true;
  void exited.then(() => (running = false));
  try {
    for (let tries = 0; tries < 600; tries++) {
      const ids = (await restic(repo, ['list', 'locks', '--no-lock'])).split('\n').filter((l) => l !== '');
      if (!running) throw new Error(`restic ${args.join(' ')} ended before its lock was seen: give it more to do`);
      const [lockId] = ids;
      if (lockId !== undefined && ids.length === 1 && child.pid !== undefined) {
        const seenMs = Date.now();
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        return { lockId, pid: child.pid, startedMs, seenMs };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`restic ${args.join(' ')} took no lock within a minute`);
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs the built `ubm locks` on `repo` into a textfile directory; returns what it printed and recorded. */
async function recordLocks(repo: string, dir: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}) {
  const r = await ubm(['locks', '--repository', LABEL, '--textfile-dir', dir, '--hostname', 'h', ...args], { env: { ...baseEnv, RESTIC_REPOSITORY: repo, ...env } });
  const files = readdirSync(dir);
  const text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
  const lines = sampleLines(parseExposition(text));
  const value = (name: string): number | undefined => {
    const line = lines.find((l) => l.startsWith(`${name}{`));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, files, text, value };
}

beforeAll(async () => {
  root = tempDir('locks');
  source = join(root, 'src');
  mkdirSync(source);
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  for (let i = 0; i < SOURCE_MIB / 16; i++) writeFileSync(join(source, `random-${i}.bin`), randomFillSync(chunk));
  writeFileSync(join(root, 'password'), PASSWORD);
  baseEnv = { PATH: process.env.PATH, RESTIC_PASSWORD_FILE: join(root, 'password'), RESTIC_CACHE_DIR: join(root, 'cache') };
}, 120_000);

describe('ubm locks with real restic', () => {
  it('sees the lock of a backup killed by SIGKILL, dated when the backup started, and none once restic unlock removed it', async () => {
    const repo = await newRepo();
    const killed = await killOnceLocked(repo, ['backup', source]);
    const dir = tempDir('locks-out');

    const first = await recordLocks(repo, dir);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.value('restic_repository_locks')).toBe(1);
    expect(first.value('restic_repository_exclusive_locks')).toBe(0);
    // The lock is dated between the backup's start and the moment it was seen (whole seconds).
    const lockedAt = first.value('restic_repository_oldest_lock_timestamp_seconds') ?? 0;
    expect(lockedAt).toBeGreaterThanOrEqual(Math.floor(killed.startedMs / 1000));
    expect(lockedAt).toBeLessThanOrEqual(Math.ceil(killed.seenMs / 1000));
    expect(first.value('restic_repository_locks_last_check_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(killed.seenMs / 1000));
    expect(first.stdout).toMatch(new RegExp(`^lock ${killed.lockId.slice(0, 8)}: shared, \\w+ old \\(\\S+\\), PID ${killed.pid} on ${osHostname()}\\n$`));
    expect(first.files).toHaveLength(1);
    // The recorder took no lock: the killed backup's is still the only one.
    expect((await restic(repo, ['list', 'locks', '--no-lock'])).trim()).toBe(killed.lockId);

    await restic(repo, ['unlock']);
    const second = await recordLocks(repo, dir);
    expect({ code: second.code, stderr: second.stderr, stdout: second.stdout }).toEqual({ code: 0, stderr: '', stdout: '' });
    expect(second.value('restic_repository_locks')).toBe(0);
    expect(second.value('restic_repository_exclusive_locks')).toBe(0);
    expect(second.value('restic_repository_oldest_lock_timestamp_seconds')).toBeUndefined();
  }, 180_000);

  it('reads the exclusive lock of a killed restic key passwd, which a plain restic cat lock trips over, and calls it a finding past --max-age', async () => {
    const repo = await newRepo();
    const killed = await killOnceLocked(repo, ['key', 'passwd']);
    const locking = await spawnCollect(requireTool('restic'), ['cat', 'lock', killed.lockId], { env: { ...baseEnv, RESTIC_REPOSITORY: repo } });
    expect(locking.code).not.toBe(0);
    expect(locking.stderr).toMatch(/locked exclusively/);

    // Past a one-second max age: the lock was taken before it was seen, and a second has passed since.
    await new Promise((r) => setTimeout(r, Math.max(0, killed.seenMs + 1100 - Date.now())));
    const dir = tempDir('locks-exclusive');
    const r = await recordLocks(repo, dir, ['--max-age', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ubm locks: repository nas holds a lock \w+ old \(max age 1s\): its restic was killed or hangs; once no restic runs on the repository, `restic unlock` removes it\n$/,
    );
    expect(r.stdout).toMatch(new RegExp(`^lock ${killed.lockId.slice(0, 8)}: exclusive, .*PID ${killed.pid} on `));
    expect(r.value('restic_repository_locks')).toBe(1);
    expect(r.value('restic_repository_exclusive_locks')).toBe(1);
  }, 180_000);

  /** [case, how the run differs, the reason in the one stderr line]. */
  const unreadable: Array<[string, (repo: string) => Promise<Record<string, string>>, string]> = [
    ['the password is wrong', async () => ({ RESTIC_PASSWORD_FILE: '', RESTIC_PASSWORD: 'not-the-password-xyz' }), 'wrong password or no key found for the repository'],
    ['the repository is missing', async (repo) => ({ RESTIC_REPOSITORY: `${repo}-missing` }), 'repository unreachable (no repository at the configured location, or it cannot be reached)'],
    [
      'a lock file is damaged',
      async (repo) => {
        writeFileSync(join(repo, 'locks', 'a'.repeat(64)), 'not a lock\n');
        return {};
      },
      'lock aaaaaaaa is unreadable: its file is damaged or is not a restic lock',
    ],
  ];

  it.each(unreadable)('exits 1 with one line and records nothing when %s, never naming the repository or the password', async (_case, setup, reason) => {
    const repo = await newRepo();
    const env = await setup(repo);
    const dir = tempDir('locks-unreadable');
    const r = await recordLocks(repo, dir, [], env);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 1, stderr: `ubm locks: cannot read the locks of repository nas: ${reason}\n`, stdout: '' });
    expect(snapshotDir(dir)).toEqual({});
    for (const secret of [repo, PASSWORD, 'not-the-password-xyz', root]) expect(r.stderr).not.toContain(secret);
  }, 60_000);
});
