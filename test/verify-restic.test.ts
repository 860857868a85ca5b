/**
 * `ubm verify` against real restic 0.14 repositories: one repository is initialised and backed up
 * once, and each case works on its own copy, broken the way the case says (a deleted or corrupted
 * pack, a live file whose bytes changed behind an unchanged size and mtime, a wrong password).
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { parseExposition } from '../src/exporter/textfile.js';
import { metrics } from '../src/schema/catalog.js';
import { memoryIo, sampleLines, snapshotDir, spawnCollect, ubm } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { requireTool } from './support/tools.js';

const PASSWORD = 'correct horse battery staple';
/** A whole second, so that a file's mtime can be put back exactly (utimes takes a double). */
const MTIME = 1_700_000_000;
const LABEL = 'nas';

let root: string;
let source: string;
let pristine: string;
let baseEnv: Record<string, string | undefined>;

/** Runs restic with the base environment on a repository; throws with its stderr when it fails. */
async function restic(repo: string, args: readonly string[]): Promise<string> {
  const r = await spawnCollect(requireTool('restic'), args, { env: { ...baseEnv, RESTIC_REPOSITORY: repo } });
  if (r.code !== 0) throw new Error(`restic ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A private copy of the pristine repository. */
function copyRepo(): string {
  const repo = join(tempDir('verify-repo'), 'repo');
  cpSync(pristine, repo, { recursive: true });
  return repo;
}

/** Paths of the repository's packs that hold only file contents (data blobs), read from its index. */
async function dataPacks(repo: string): Promise<string[]> {
  const packs: string[] = [];
  for (const id of (await restic(repo, ['list', 'index'])).split('\n').filter((l) => l !== '')) {
    const index = JSON.parse(await restic(repo, ['cat', 'index', id])) as { packs: Array<{ id: string; blobs: Array<{ type: string }> }> };
    for (const pack of index.packs) if (pack.blobs.every((b) => b.type === 'data')) packs.push(join(repo, 'data', pack.id.slice(0, 2), pack.id));
  }
  if (packs.length === 0) throw new Error('no data pack');
  return packs;
}

/** Flips one byte in the middle of a file. */
function flipByte(path: string): void {
  const bytes = readFileSync(path);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
}

/** Runs `ubm verify` in process with restic's environment pointing at `repo`. */
async function verify(repo: string, args: readonly string[], env: Record<string, string | undefined> = {}) {
  const dir = tempDir('verify-out');
  const restoreDir = tempDir('verify-restore');
  // A private cache: copies share the repository ID, and a cached tree must not hide a broken pack.
  const io = memoryIo(Date.parse('2026-11-26T12:00:00Z'), { ...baseEnv, RESTIC_REPOSITORY: repo, RESTIC_CACHE_DIR: tempDir('verify-cache'), ...env });
  const code = await main(['verify', '--repository', LABEL, '--textfile-dir', dir, '--restore-dir', restoreDir, '--hostname', 'h', ...args], io);
  const files = Object.fromEntries(readdirSync(dir).map((f) => [f, sampleLines(parseExposition(readFileSync(join(dir, f), 'utf8')))]));
  return { code, stderr: io.err(), stdout: io.out(), files, dir, restoreDir, text: readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('') };
}

/** The value of a metric among a file's sample lines. */
function value(lines: readonly string[] | undefined, name: string): number | undefined {
  const line = lines?.find((l) => l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const CHECK = 'ubm_restic_verification.h.nas.prom';
const RESTORE = 'ubm_restic_restore_test.h.nas.prom';

beforeAll(async () => {
  root = tempDir('verify');
  source = join(root, 'src');
  mkdirSync(join(source, 'sub'), { recursive: true });
  const files: Record<string, string> = {
    'a.txt': 'alpha\n',
    // Random bytes do not compress, so the file contents fill a data pack of their own.
    'b.bin': randomBytes(40_000).toString('base64'),
    'c.json': JSON.stringify({ c: [1, 2, 3] }),
    'sub/d.txt': 'delta '.repeat(1000),
    'sub/odd [1]*?.txt': 'a name with glob characters\n',
    'sub/empty': '',
  };
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(source, name), content);
    utimesSync(join(source, name), MTIME, MTIME);
  }
  writeFileSync(join(root, 'password'), PASSWORD);
  baseEnv = { PATH: process.env.PATH, RESTIC_PASSWORD_FILE: join(root, 'password'), RESTIC_CACHE_DIR: join(root, 'cache') };
  pristine = join(root, 'pristine');
  await restic(pristine, ['init']);
  await restic(pristine, ['backup', source]);
}, 60_000);

describe('ubm verify with real restic', () => {
  it('gives 1 for both on a healthy repository, restores every sample and leaves no restore directory behind', async () => {
    const r = await verify(copyRepo(), ['--sample-files', '4']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^restore test of nas: the repository's latest snapshot [0-9a-f]{8}, not each job's \(no --config to name the jobs\); 4 files restored, 0 failed\n$/);
    expect(value(r.files[CHECK], 'restic_verification_status')).toBe(1);
    expect(value(r.files[RESTORE], 'restic_restore_test_status')).toBe(1);
    expect(value(r.files[RESTORE], 'restic_restore_test_files_restored')).toBe(4);
    expect(value(r.files[RESTORE], 'restic_restore_test_files_failed')).toBe(0);
    expect(value(r.files[CHECK], 'restic_verification_last_success_timestamp_seconds')).toBe(1795694400);
    expect(readdirSync(r.restoreDir)).toEqual([]);
  });

  it('restores and matches every file, the glob-named one included, with the built CLI', async () => {
    const repo = copyRepo();
    const dir = tempDir('verify-cli');
    const result = await ubm(['verify', '--repository', LABEL, '--textfile-dir', dir, '--hostname', 'h', '--sample-files', '100', '--read-data-subset', '50%'], { env: { ...baseEnv, RESTIC_REPOSITORY: repo } });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const restore = sampleLines(parseExposition(readFileSync(join(dir, RESTORE), 'utf8')));
    expect(value(restore, 'restic_restore_test_files_restored')).toBe(6);
  });

  it('gives verification 0 for a deleted pack, and keeps the last success of the healthy run before', async () => {
    const repo = copyRepo();
    const first = await verify(repo, ['--sample-files', '0']);
    expect(first.code).toBe(0);
    const [pack = ''] = await dataPacks(repo);
    rmSync(pack);
    // A restore from a missing pack makes restic retry for minutes: this case checks only.
    const io = memoryIo(Date.parse('2026-11-27T12:00:00Z'), { ...baseEnv, RESTIC_REPOSITORY: repo, RESTIC_CACHE_DIR: tempDir('verify-cache') });
    const code = await main(['verify', '--repository', LABEL, '--textfile-dir', first.dir, '--sample-files', '0', '--hostname', 'h'], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 1, stderr: 'ubm verify: restic check of nas failed: restic found errors in the repository (damaged or missing data)\n' });
    const lines = sampleLines(parseExposition(readFileSync(join(first.dir, CHECK), 'utf8')));
    expect(value(lines, 'restic_verification_status')).toBe(0);
    expect(value(lines, 'restic_verification_last_run_timestamp_seconds')).toBe(1795780800);
    expect(value(lines, 'restic_verification_last_success_timestamp_seconds')).toBe(1795694400);
    expect(readdirSync(first.dir)).toEqual([CHECK]);
  });

  it('gives verification 0 for a corrupted pack when the check reads the data, and a failed restore test', async () => {
    const repo = copyRepo();
    const [pack = ''] = await dataPacks(repo);
    flipByte(pack);
    const r = await verify(repo, ['--read-data-subset', '100%', '--sample-files', '100']);
    expect(r.code).toBe(1);
    expect(value(r.files[CHECK], 'restic_verification_status')).toBe(0);
    expect(value(r.files[RESTORE], 'restic_restore_test_status')).toBe(0);
    expect(value(r.files[RESTORE], 'restic_restore_test_files_failed')).toBeGreaterThanOrEqual(1);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toEqual([
      'ubm verify: restic check of nas failed: restic found errors in the repository (damaged or missing data)',
      expect.stringMatching(/^ubm verify: restore test of nas failed: \d+ of 6 sample files failed to restore or did not match the snapshot$/),
    ]);
    expect(readdirSync(r.restoreDir)).toEqual([]);
  });

  it('passes the plain check on a corrupted pack (only reading data finds it), which is why --read-data-subset exists', async () => {
    const repo = copyRepo();
    const [pack = ''] = await dataPacks(repo);
    flipByte(pack);
    const r = await verify(repo, ['--sample-files', '0']);
    expect(value(r.files[CHECK], 'restic_verification_status')).toBe(1);
  });

  it('gives restore test 0 when a sample\'s restored bytes differ from the live file that claims to be unchanged', async () => {
    const repo = copyRepo();
    const live = join(source, 'c.json');
    const original = readFileSync(live);
    try {
      // Same size, same mtime, other bytes: silent corruption that a size-and-mtime scan never notices.
      writeFileSync(live, Buffer.from(original.toString('utf8').replace('1', '9')));
      utimesSync(live, MTIME, MTIME);
      const r = await verify(repo, ['--sample-files', '100']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('ubm verify: restore test of nas failed: 1 of 6 sample files did not match the snapshot\n');
      expect(value(r.files[CHECK], 'restic_verification_status')).toBe(1);
      expect(value(r.files[RESTORE], 'restic_restore_test_status')).toBe(0);
      expect(value(r.files[RESTORE], 'restic_restore_test_files_restored')).toBe(5);
      expect(value(r.files[RESTORE], 'restic_restore_test_files_failed')).toBe(1);
      expect(value(r.files[RESTORE], 'restic_restore_test_last_success_timestamp_seconds')).toBeUndefined();
      expect(readdirSync(r.restoreDir)).toEqual([]);
    } finally {
      writeFileSync(live, original);
      utimesSync(live, MTIME, MTIME);
    }
  });

  it('compares with restic dump, and passes, when a live file changed the ordinary way (new mtime)', async () => {
    const repo = copyRepo();
    const live = join(source, 'a.txt');
    const original = readFileSync(live);
    try {
      writeFileSync(live, 'edited after the backup\n');
      const r = await verify(repo, ['--sample-files', '100']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(value(r.files[RESTORE], 'restic_restore_test_files_restored')).toBe(6);
    } finally {
      writeFileSync(live, original);
      utimesSync(live, MTIME, MTIME);
    }
  });

  it('fails the restore test of a repository without snapshots', async () => {
    const empty = join(tempDir('verify-empty'), 'repo');
    await restic(empty, ['init']);
    const r = await verify(empty, ['--skip-check']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: 'ubm verify: restore test of nas failed: the repository has no snapshot\n' });
    expect(Object.keys(r.files)).toEqual([RESTORE]);
  });

  /** [case, extra env, stderr lines]. */
  const unreachable: Array<[string, (repo: string) => Record<string, string>, string]> = [
    ['the repository is unreachable', (repo) => ({ RESTIC_REPOSITORY: `${repo}-missing` }), 'repository unreachable (no repository at the configured location, or it cannot be reached)'],
    ['the password is wrong', () => ({ RESTIC_PASSWORD_FILE: '', RESTIC_PASSWORD: 'not-the-password-xyz' }), 'wrong password or no key found for the repository'],
  ];

  it.each(unreachable)('writes 0 for both and exits 1 when %s, never naming the repository', async (_about, env, reason) => {
    const repo = copyRepo();
    const r = await verify(repo, [], env(repo));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ubm verify: restic check of nas failed: ${reason}\nubm verify: restore test of nas failed: ${reason}\n`);
    expect(value(r.files[CHECK], 'restic_verification_status')).toBe(0);
    expect(value(r.files[RESTORE], 'restic_restore_test_status')).toBe(0);
    for (const secret of [repo, PASSWORD, 'not-the-password-xyz', root]) {
      expect(r.stderr + r.stdout).not.toContain(secret);
      expect(r.text).not.toContain(secret);
    }
  });

  /** [case, argv, env overrides, the exact stderr line]. */
  const bad: Array<[string, string[], Record<string, string | undefined>, string]> = [
    ['restic is not installed', [], { PATH: '/nonexistent-bin' }, 'ubm verify: restic not found on PATH'],
    ['no repository is selected', [], { RESTIC_REPOSITORY: undefined }, "ubm verify: no repository selected: set RESTIC_REPOSITORY or RESTIC_REPOSITORY_FILE (restic's own environment)"],
    ['no password is given', [], { RESTIC_PASSWORD_FILE: undefined }, 'ubm verify: no repository password: set RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND or RESTIC_PASSWORD'],
    ['the password file is missing', [], { RESTIC_PASSWORD_FILE: '/nonexistent/restic-password' }, 'ubm verify: RESTIC_PASSWORD_FILE /nonexistent/restic-password does not exist: restic cannot read the repository password'],
    ['the password file is a directory', [], { RESTIC_PASSWORD_FILE: '/' }, 'ubm verify: RESTIC_PASSWORD_FILE / is a directory: restic cannot read the repository password'],
    ['a flag is unknown', ['--bogus'], {}, "ubm verify: unknown flag '--bogus' (see --help)"],
    ['the subset is malformed', ['--read-data-subset', '7/5'], {}, "ubm verify: --read-data-subset: n/t needs 1 <= n <= t (got '7/5')"],
    ['both data flags are given', ['--read-data', '--read-data-subset', '10%'], {}, 'ubm verify: give --read-data or --read-data-subset, not both'],
    ['the sample count is not a number', ['--sample-files', 'five'], {}, "ubm verify: --sample-files must be a whole number from 0 to 1000 (got 'five')"],
    ['there is nothing to do', ['--skip-check', '--sample-files', '0'], {}, 'ubm verify: --skip-check with --sample-files 0 leaves nothing to do'],
    ['the restore directory is missing', ['--restore-dir', '/nonexistent/restore'], {}, 'ubm verify: --restore-dir /nonexistent/restore is not a directory'],
    ['the textfile directory is missing', ['--textfile-dir', '/nonexistent/textfiles'], {}, 'ubm verify: textfile directory /nonexistent/textfiles does not exist'],
  ];

  it.each(bad)('exits 2 with one line and writes nothing when %s', async (_about, args, env, line) => {
    const dir = tempDir('verify-bad');
    const io = memoryIo(Date.now(), { ...baseEnv, RESTIC_REPOSITORY: pristine, ...env });
    const code = await main(['verify', '--repository', LABEL, ...(args.includes('--textfile-dir') ? [] : ['--textfile-dir', dir]), ...args], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 2, stderr: `${line}\n` });
    expect(snapshotDir(dir)).toEqual({});
  });

  it('needs --repository', async () => {
    const io = memoryIo(Date.now(), { ...baseEnv, RESTIC_REPOSITORY: pristine });
    expect(await main(['verify', '--textfile-dir', tempDir('verify-norepo')], io)).toBe(2);
    expect(io.err()).toBe('ubm verify: missing required flag --repository\n');
  });
});

describe('ubm verify --config', () => {
  it("records both results in the config's textfile directory when neither --textfile-dir nor $UBM_TEXTFILE_DIR names one", async () => {
    const dir = tempDir('verify-config-dir');
    const config = join(tempDir('verify-config'), 'backup.yaml');
    writeFileSync(config, `monitoring: { textfileCollector: { directory: ${JSON.stringify(dir)} } }\n`);
    const io = memoryIo(Date.parse('2026-11-26T12:00:00Z'), { ...baseEnv, RESTIC_REPOSITORY: copyRepo(), RESTIC_CACHE_DIR: tempDir('verify-config-cache') });
    const code = await main(['verify', '--repository', LABEL, '--config', config, '--sample-files', '2', '--restore-dir', tempDir('verify-config-restore'), '--hostname', 'h'], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 0, stderr: '' });
    const samples = readdirSync(dir).flatMap((f) => parseExposition(readFileSync(join(dir, f), 'utf8')));
    expect(samples.find((s) => s.name === metrics.resticVerificationStatus.name)?.value).toBe(1);
    expect(samples.find((s) => s.name === metrics.resticRestoreTestStatus.name)?.value).toBe(1);
  });

  it('exits 2 naming a config file that does not exist, and runs no check', async () => {
    const missing = join(tempDir('verify-missing-config'), 'backup.yaml');
    const io = memoryIo(Date.now(), { ...baseEnv, RESTIC_REPOSITORY: pristine });
    expect(await main(['verify', '--repository', LABEL, '--config', missing], io)).toBe(2);
    expect(io.err()).toBe(`ubm verify: ${missing}: no such file\n`);
  });
});
