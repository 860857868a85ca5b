/**
 * `ubm emit`: golden files for each family and carry-forward case (fixtures/emit/<case>/), and
 * bad input that exits 2 with one line naming the problem and touches no file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { memoryIo, snapshotDir, ubm } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'emit');

/** One fixture case: emits run in order, each at its own time. */
interface EmitCase {
  readonly about: string;
  readonly steps: ReadonlyArray<{ readonly at: string; readonly args: readonly string[] }>;
}

const cases = readdirSync(FIXTURES).sort();

describe('ubm emit writes the expected files', () => {
  it.each(cases)('%s', async (name) => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, name, 'steps.json'), 'utf8')) as EmitCase;
    const dir = tempDir('emit-golden');
    for (const step of fixture.steps) {
      const args = step.args.includes('--hostname') ? step.args : [...step.args, '--hostname', 'backup-host'];
      const io = memoryIo(Date.parse(step.at));
      const code = await main(['emit', ...args, '--textfile-dir', dir], io);
      expect({ code, stderr: io.err(), stdout: io.out() }).toEqual({ code: 0, stderr: '', stdout: '' });
    }
    const files = readdirSync(dir).sort();
    await expect(`${files.join('\n')}\n`).toMatchFileSnapshot(join(FIXTURES, name, 'expected', 'files.txt'));
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      await expect(text).toMatchFileSnapshot(join(FIXTURES, name, 'expected', file));
      const check = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect({ file, status: check.status, output: check.stdout + check.stderr }).toEqual({ file, status: 0, output: '' });
    }
  });
});

describe('ubm emit refuses bad input', () => {
  const root = tempDir('emit-bad');
  const dir = join(root, 'textfiles');
  const GOOD = ['--job', 'home', '--repository', 'nas', '--status', 'success', '--duration', '10'];

  beforeAll(async () => {
    mkdirSync(dir);
    // Parent and directory readable by everyone, writable only by root: unwritable for uid 65534.
    chmodSync(root, 0o755);
    chmodSync(dir, 0o755);
    writeFileSync(join(root, 'plain-file'), 'x');
    const first = await ubm(['emit', 'backup', ...GOOD, '--textfile-dir', dir]);
    expect(first.code).toBe(0);
  });

  /** [case, argv after `emit`, the problem the line must name, options]. */
  const table: ReadonlyArray<[string, (d: string) => string[], string, { unprivileged?: boolean; env?: Record<string, string> }?]> = [
    ['an unknown family', (d) => ['backups', ...GOOD, '--textfile-dir', d], "unknown family 'backups'"],
    ['no family at all', (d) => [...GOOD, '--textfile-dir', d], 'missing FAMILY'],
    ['an unknown flag', (d) => ['backup', ...GOOD, '--colour', 'red', '--textfile-dir', d], "unknown flag '--colour'"],
    ['a flag of another family', (d) => ['health', '--status', 'success', '--job', 'x', '--textfile-dir', d], "unknown flag '--job'"],
    ['a stray argument', (d) => ['backup', ...GOOD, 'now', '--textfile-dir', d], "unexpected argument 'now'"],
    ['an empty job name', (d) => ['backup', ...GOOD, '--job', '', '--textfile-dir', d], '--job must not be empty'],
    ['a blank repository name', (d) => ['backup', ...GOOD, '--repository', '  ', '--textfile-dir', d], '--repository must not be empty'],
    ['a missing job', (d) => ['backup', '--repository', 'nas', '--status', 'success', '--duration', '1', '--textfile-dir', d], 'missing required flag --job'],
    ['a missing status', (d) => ['verification', '--repository', 'nas', '--textfile-dir', d], 'missing required flag --status'],
    ['a missing duration', (d) => ['backup', '--job', 'j', '--repository', 'nas', '--status', 'success', '--textfile-dir', d], 'missing required flag --duration'],
    ['a non-numeric duration', (d) => ['backup', ...GOOD, '--duration', 'ten', '--textfile-dir', d], "--duration must be seconds (145, 12.5) or a duration (2m30s, 26h), not negative (got 'ten')"],
    ['a negative duration', (d) => ['backup', ...GOOD, '--duration=-5', '--textfile-dir', d], "not negative (got '-5')"],
    ['a negative duration after a space', (d) => ['backup', ...GOOD, '--duration', '-5', '--textfile-dir', d], "flag '--duration' must not be negative (got '-5')"],
    ['a negative duration with a unit after a space', (d) => ['verification', '--repository', 'nas', '--status', 'success', '--duration', '-2m', '--textfile-dir', d], "flag '--duration' must not be negative (got '-2m')"],
    ['a flag where a value belongs', (d) => ['verification', '--repository', 'nas', '--duration', '--status', 'success', '--textfile-dir', d], "flag '--duration' needs a value before '--status'"],
    ['a value that looks like a flag', (d) => ['backup', ...GOOD, '--job', '-x', '--textfile-dir', d], "flag '--job' does not take '-x', which looks like a flag (write --job=-x if it is the value)"],
    ['a bad expected interval', (d) => ['backup', ...GOOD, '--expected-interval', 'daily', '--textfile-dir', d], "--expected-interval must be seconds"],
    ['--status maybe', (d) => ['backup', ...GOOD, '--status', 'maybe', '--textfile-dir', d], "--status must be success, failure, 1 or 0 (got 'maybe')"],
    ['a fractional file count', (d) => ['backup', ...GOOD, '--files-new', '1.5', '--textfile-dir', d], "--files-new must be a whole number"],
    ['an exit code above 255', (d) => ['backup', ...GOOD, '--exit-code', '256', '--textfile-dir', d], '--exit-code must be a whole number from 0 to 255'],
    ['a missing directory', () => ['backup', ...GOOD, '--textfile-dir', join(root, 'nope')], `textfile directory ${join(root, 'nope')} does not exist`],
    ['a file given as the directory', () => ['backup', ...GOOD, '--textfile-dir', join(root, 'plain-file')], `textfile directory ${join(root, 'plain-file')} is not a directory`],
    ['an unwritable directory', (d) => ['backup', ...GOOD, '--textfile-dir', d], `textfile directory ${dir} is not writable`, { unprivileged: true }],
    ['a missing directory from $UBM_TEXTFILE_DIR', () => ['backup', ...GOOD], `textfile directory ${join(root, 'env-nope')} does not exist`, { env: { UBM_TEXTFILE_DIR: join(root, 'env-nope') } }],
    ['both a directory and a Pushgateway', (d) => ['backup', ...GOOD, '--textfile-dir', d, '--pushgateway', 'http://127.0.0.1:9'], 'give --textfile-dir or --pushgateway, not both'],
    ['a Pushgateway URL that is not http', () => ['backup', ...GOOD, '--pushgateway', 'ftp://example.org'], '--pushgateway must be an http:// or https:// URL'],
    ['an empty hostname', (d) => ['backup', ...GOOD, '--hostname', '', '--textfile-dir', d], '--hostname must not be empty'],
  ];

  it.each(table)('exits 2 with one line naming the problem and changes no file: %s', async (_case, argv, problem, options) => {
    const before = snapshotDir(root);
    const result = await ubm(['emit', ...argv(dir)], options ?? {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ubm emit: /);
    expect(lines[0]).toContain(problem);
    expect(snapshotDir(root)).toEqual(before);
  });

  it('exits 1 with one line naming a malformed previous file, and leaves it for the user to fix', async () => {
    const own = tempDir('emit-malformed');
    const path = join(own, 'ubm_monitoring_health.prom');
    writeFileSync(path, 'backup_monitoring_healthy{hostname="h"} yes\n');
    const before = snapshotDir(own);
    const result = await ubm(['emit', 'health', '--status', 'success', '--textfile-dir', own]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`ubm emit: ${path}: line 1: invalid value 'yes' of 'backup_monitoring_healthy' (fix or remove the file)\n`);
    expect(snapshotDir(own)).toEqual(before);
  });

  it.each([
    [['emit', '--help'], 'Usage: ubm emit FAMILY'],
    [['emit', 'backup', '--help'], '--total-bytes-processed N'],
    [['emit', 'restore-test', '--help'], '--files-failed N'],
  ])('prints help on stdout and exits 0 for %j', async (argv, expected) => {
    const result = await ubm(argv);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(expected);
    expect(result.stderr).toBe('');
  });
});

describe('ubm emit --config', () => {
  const NOW = Date.parse('2026-11-26T12:00:00Z');

  /** A config naming `directory` as its textfile directory (and a fleet's hostnames, which no write uses). */
  function configFor(directory: string): string {
    const file = join(tempDir('emit-config'), 'backup.yaml');
    writeFileSync(file, `monitoring: { textfileCollector: { directory: ${JSON.stringify(directory)} } }\nubm: { hostnames: [fleet-host] }\n`);
    return file;
  }

  it.each([
    ["the config's directory when neither --textfile-dir nor $UBM_TEXTFILE_DIR names one", 'config', false, {}],
    ['--textfile-dir rather than the config', 'flag', true, {}],
    ['$UBM_TEXTFILE_DIR rather than the config', 'flag', false, { UBM_TEXTFILE_DIR: 'flag' }],
  ])("writes to %s, under the host's own name", async (_about, expected, withFlag, env) => {
    const dirs: Record<string, string> = { config: tempDir('emit-config-dir'), flag: tempDir('emit-flag-dir') };
    const flagDir = dirs.flag ?? '';
    const io = memoryIo(NOW, Object.fromEntries(Object.entries(env).map(([k, v]) => [k, dirs[v] ?? v])));
    const args = ['emit', 'health', '--status', 'success', '--config', configFor(dirs.config ?? ''), ...(withFlag ? ['--textfile-dir', flagDir] : [])];
    expect({ code: await main(args, io), stderr: io.err() }).toEqual({ code: 0, stderr: '' });
    for (const [name, dir] of Object.entries(dirs)) {
      const files = readdirSync(dir).filter((f) => f.endsWith('.prom'));
      expect(files.length, name).toBe(name === expected ? 1 : 0);
      for (const file of files) expect(readFileSync(join(dir, file), 'utf8')).toContain(`hostname="${hostname()}"`);
    }
  });

  it('exits 2 with one line per config problem and writes nothing', async () => {
    const dir = tempDir('emit-bad-config');
    const bad = join(tempDir('emit-bad-config-file'), 'backup.yaml');
    writeFileSync(bad, `monitoring: { textfileCollector: { directory: ${JSON.stringify(dir)} } }\nrestic: { jobs: { a: { repository: nowhere, frequency: daily } } }\n`);
    const io = memoryIo(NOW);
    expect(await main(['emit', 'health', '--status', 'success', '--config', bad], io)).toBe(2);
    const lines = io.err().split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^ubm emit: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: restic\\.jobs\\.a\\.repository: `));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 2 naming a config file that does not exist', async () => {
    const missing = join(tempDir('emit-missing-config'), 'backup.yaml');
    const io = memoryIo(NOW);
    expect(await main(['emit', 'health', '--status', 'success', '--config', missing], io)).toBe(2);
    expect(io.err()).toBe(`ubm emit: ${missing}: no such file\n`);
  });
});
