/**
 * `ubm run` around real commands: a real restic backup and a wrong-password run, restic's exit 3,
 * exit codes and signals passed through, output passed through byte for byte; monitoring never
 * blocks a backup: bad flags, config or directory, a broken stdout or a lingering grandchild never
 * stop the command, and a successful command whose run was not recorded exits 78.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { constants, hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { type ParsedSample, parseExposition } from '../src/exporter/textfile.js';
import { MONITORING_FAILED_EXIT_CODE } from '../src/hooks/run-backup.js';
import { PUSH_HOSTNAME_MISSING } from '../src/cli/push-hostname.js';
import { metrics } from '../src/schema/catalog.js';
import { spawnCollect, ubm } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { UBM_BIN, requireTool, toolPath } from './support/tools.js';

/** Every sample of a job's series in the directory, whatever its file is called. */
function jobSamples(dir: string, job: string, repository: string): ParsedSample[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.prom'))
    .flatMap((name) => parseExposition(readFileSync(join(dir, name), 'utf8')))
    .filter((s) => s.labels.backup_job === job && s.labels.repository === repository);
}

/** The values of one job's series, by metric name. */
function jobValues(dir: string, job: string, repository: string): Map<string, number> {
  const samples = jobSamples(dir, job, repository);
  if (samples.length === 0) throw new Error(`no series of job ${job} (repository ${repository}) in ${dir}`);
  return new Map(samples.map((s) => [s.name, s.value]));
}

/** Spawns `ubm run` directly (for its PID and raw bytes). */
function startRun(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [UBM_BIN, 'run', ...args], { env: { ...process.env, PATH: toolPath(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const done = new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr })),
  );
  return { child, done, exited, stdoutSoFar: () => Buffer.concat(out).toString() };
}

/** Waits until `ready()` holds, polling. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((r) => setTimeout(r, 20));
}

describe('ubm run around a real restic', () => {
  const root = tempDir('run-restic');
  const source = join(root, 'source');
  const repo = join(root, 'repo');
  const textfiles = join(root, 'textfiles');
  const env = { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: 'correct horse', RESTIC_CACHE_DIR: join(root, 'cache') };

  beforeAll(async () => {
    requireTool('restic');
    mkdirSync(join(source, 'docs'), { recursive: true });
    mkdirSync(textfiles);
    for (let i = 0; i < 50; i++) writeFileSync(join(source, 'docs', `note-${i}.txt`), `note ${i}\n`.repeat(i + 1));
    const init = await spawnCollect('restic', ['init'], { env });
    expect(init.code, init.stderr).toBe(0);
  });

  it('records status 1, duration, the summary figures and the last success; a wrong-password run then records status 0, its exit code and the same last success', async () => {
    const args = ['--job', 'documents', '--repository', 'nas', '--textfile-dir', textfiles, '--expected-interval', '1d', '--', 'restic', 'backup', '--json', source];
    const ok = await ubm(['run', ...args], { env });
    expect(ok.code, ok.stderr).toBe(0);
    // restic's output passes through unchanged: its summary line is on our stdout.
    const summaryLine = ok.stdout.split('\n').find((l) => l.includes('"message_type":"summary"')) ?? '{}';
    const summary = JSON.parse(summaryLine) as Record<string, number>;
    const first = jobValues(textfiles, 'documents', 'nas');
    expect(first.get(metrics.resticBackupStatus.name)).toBe(1);
    expect(first.get(metrics.resticBackupExitCode.name)).toBe(0);
    expect(first.get(metrics.resticBackupDurationSeconds.name)).toBeGreaterThan(summary.total_duration ?? 0);
    expect(first.get(metrics.resticBackupFilesNew.name)).toBe(50);
    expect(first.get(metrics.resticBackupFilesProcessed.name)).toBe(summary.total_files_processed);
    expect(first.get(metrics.resticBackupProcessedBytes.name)).toBe(summary.total_bytes_processed);
    expect(first.get(metrics.resticBackupDataAddedBytes.name)).toBe(summary.data_added);
    expect(first.get(metrics.resticBackupExpectedIntervalSeconds.name)).toBe(86_400);
    const lastSuccess = first.get(metrics.resticBackupLastSuccessTimestamp.name) ?? 0;
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(60);

    const bad = await ubm(['run', ...args], { env: { ...env, RESTIC_PASSWORD: 'wrong' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('wrong password');
    const second = jobValues(textfiles, 'documents', 'nas');
    expect(second.get(metrics.resticBackupStatus.name)).toBe(0);
    expect(second.get(metrics.resticBackupExitCode.name)).toBe(1);
    expect(second.get(metrics.resticBackupLastSuccessTimestamp.name)).toBe(lastSuccess);
    expect(second.get(metrics.resticBackupLastRunTimestampSeconds.name)).toBeGreaterThanOrEqual(lastSuccess);
    expect(second.has(metrics.resticBackupFilesNew.name)).toBe(false);
    // The first run was the repository's first backup (restic added all it processed): held out of the duration baseline.
    expect(second.get(metrics.resticBackupDurationBaselineRuns.name)).toBe(0);
    expect(second.get(metrics.resticBackupDurationHeldRuns.name)).toBe(1);
  }, 60_000);

  it("records restic's exit 3 (some files unreadable) as a failure with its exit code, and exits 3", async () => {
    // As root every file is readable: run restic as uid 65534 over a root-only file.
    const base = tempDir('run-exit3');
    chmodSync(base, 0o755);
    const src = join(base, 'src');
    const repo3 = join(base, 'repo');
    mkdirSync(src);
    mkdirSync(repo3);
    chownSync(repo3, 65534, 65534);
    writeFileSync(join(src, 'public.txt'), 'hello\n');
    writeFileSync(join(src, 'secret.txt'), 'root only\n', { mode: 0o600 });
    const env3 = { RESTIC_REPOSITORY: repo3, RESTIC_PASSWORD: 'pw' };
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'restic', '--no-cache'];
    const init = await spawnCollect(asNobody[0] ?? '', [...asNobody.slice(1), 'init'], { env: env3 });
    expect(init.code, init.stderr).toBe(0);
    const result = await ubm(['run', '--job', 'partial', '--repository', 'nas', '--textfile-dir', textfiles, '--', ...asNobody, 'backup', '--json', src], { env: env3 });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('"message_type":"summary"');
    const values = jobValues(textfiles, 'partial', 'nas');
    expect(values.get(metrics.resticBackupStatus.name)).toBe(0);
    expect(values.get(metrics.resticBackupExitCode.name)).toBe(3);
    expect(values.has(metrics.resticBackupLastSuccessTimestamp.name)).toBe(false);
  }, 60_000);
});

describe('ubm run around other commands', () => {
  const dir = tempDir('run-cmd');

  it.each([0, 1, 2, 3, 255])('exits with the command\'s own exit code %i and records it', async (code) => {
    const result = await ubm(['run', '--job', `exit-${code}`, '--repository', 'r', '--textfile-dir', dir, '--', 'sh', '-c', `exit ${code}`]);
    expect(result.code).toBe(code);
    const values = jobValues(dir, `exit-${code}`, 'r');
    expect(values.get(metrics.resticBackupExitCode.name)).toBe(code);
    expect(values.get(metrics.resticBackupStatus.name)).toBe(code === 0 ? 1 : 0);
  });

  it('passes stdin to the command and its stdout back byte for byte', async () => {
    const input = randomBytes(300_000);
    const run = startRun(['--job', 'cat', '--repository', 'r', '--textfile-dir', dir, '--', 'cat']);
    run.child.stdin.end(input);
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout.equals(input)).toBe(true);
  });

  it('passes the command\'s stderr through untouched', async () => {
    const result = await ubm(['run', '--job', 'err', '--repository', 'r', '--textfile-dir', dir, '--', 'sh', '-c', 'echo oops >&2']);
    expect(result.stderr).toBe('oops\n');
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const)('forwards %s to the command, records the run as failed and exits as the command did', async (signal) => {
    const job = `trap-${signal}`;
    const script = `process.on('${signal}', () => { console.log('got ${signal}'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);`;
    const run = startRun(['--job', job, '--repository', 'r', '--textfile-dir', dir, '--', process.execPath, '-e', script]);
    while (!run.stdoutSoFar().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    run.child.kill(signal);
    const result = await run.done;
    expect(result.stdout.toString()).toBe(`ready\ngot ${signal}\n`);
    expect(result.code).toBe(42);
    expect(jobValues(dir, job, 'r').get(metrics.resticBackupExitCode.name)).toBe(42);
    expect(jobValues(dir, job, 'r').get(metrics.resticBackupStatus.name)).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('records 128+N and exits 128+N when %s kills the command', async (signal) => {
    const job = `killed-${signal}`;
    const run = startRun(['--job', job, '--repository', 'r', '--textfile-dir', dir, '--', 'sh', '-c', 'echo ready; exec sleep 30']);
    while (!run.stdoutSoFar().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    run.child.kill(signal);
    const result = await run.done;
    const expected = 128 + constants.signals[signal];
    expect(result.code).toBe(expected);
    expect(jobValues(dir, job, 'r').get(metrics.resticBackupExitCode.name)).toBe(expected);
    expect(jobValues(dir, job, 'r').get(metrics.resticBackupStatus.name)).toBe(0);
  });

  it('records a missing command as exit 127 and says so in one line', async () => {
    const result = await ubm(['run', '--job', 'missing', '--repository', 'r', '--textfile-dir', dir, '--', 'no-such-backup-tool', '--flag']);
    expect(result.code).toBe(127);
    expect(result.stderr).toBe('ubm run: no-such-backup-tool: command not found\n');
    expect(jobValues(dir, 'missing', 'r').get(metrics.resticBackupExitCode.name)).toBe(127);
  });

  it.each([
    ['a successful', 0, MONITORING_FAILED_EXIT_CODE],
    ['a failed', 5, 5],
  ])('reports a failure to record metrics after %s command without hiding its result', async (_case, commandCode, expectedExit) => {
    const gone = join(tempDir('run-gone'), 'textfiles');
    mkdirSync(gone);
    const result = await ubm(['run', '--job', 'j', '--repository', 'r', '--textfile-dir', gone, '--', 'sh', '-c', `rm -rf '${gone}'; exit ${commandCode}`]);
    expect(result.code).toBe(expectedExit);
    expect(result.stderr).toBe(`ubm run: could not record metrics: textfile directory ${gone} does not exist\n`);
  });
});

/** The config's problems as `ubm run` prints them, one line each (the config loader's own wording). */
function configLines(file: string): string[] {
  try {
    loadConfig(file, process.cwd());
  } catch (err) {
    if (err instanceof ConfigError) return [...err.lines];
  }
  throw new Error(`${file} is a valid config`);
}

describe('ubm run runs the command whatever is wrong with its own flags, config or directory', () => {
  const root = tempDir('run-setup');
  // Readable by everyone, writable only by root: unwritable for the unprivileged user.
  const dir = join(root, 'textfiles');
  const configDir = join(root, 'config-textfiles');
  const markers = join(root, 'markers');
  const goodConfig = join(root, 'good.yaml');
  const badConfig = join(root, 'bad.yaml');
  const missingConfig = join(root, 'missing.yaml');
  const NOT_RECORDED = 'the run was not recorded (see above)';
  const NO_DIRECTORY = 'no textfile directory to record the run in: the config could not be read, and neither --textfile-dir nor $UBM_TEXTFILE_DIR names one';
  for (const d of [dir, configDir, markers]) mkdirSync(d);
  chmodSync(root, 0o755);
  chmodSync(dir, 0o755);
  chmodSync(markers, 0o777);
  writeFileSync(goodConfig, `monitoring: { textfileCollector: { directory: ${JSON.stringify(configDir)} } }\nubm: { hostnames: [config-host] }\n`);
  writeFileSync(badConfig, `monitoring: { textfileCollector: { directory: ${JSON.stringify(configDir)} } }\nrestic: { jobs: { a: { repository: nowhere, frequency: daily } } }\n`);

  /** The `.prom` files of both directories, to show that nothing was recorded. */
  const promFiles = (): string[] => [dir, configDir].flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.prom')).map((n) => join(d, n))).sort();

  /** [case, flags before `--` for the job, stderr lines after `ubm run: `, where the run is recorded, options]. */
  const table: ReadonlyArray<[string, (job: string) => string[], () => string[], 'dir' | 'config' | undefined, { unprivileged?: boolean; env?: Record<string, string> }?]> = [
    ['an unknown flag', (j) => ['--job', j, '--repository', 'r', '--status', 'success', '--textfile-dir', dir], () => ["unknown flag '--status' (see --help)"], 'dir'],
    ["a stray argument before '--'", (j) => ['--job', j, 'extra', '--repository', 'r', '--textfile-dir', dir], () => ["unexpected argument 'extra' before '--'"], 'dir'],
    ['a bad expected interval', (j) => ['--job', j, '--repository', 'r', '--expected-interval', 'weekly', '--textfile-dir', dir], () => ["--expected-interval must be seconds (145, 12.5) or a duration (2m30s, 26h), not negative (got 'weekly')"], 'dir'],
    ['an empty hostname', (j) => ['--job', j, '--repository', 'r', '--hostname', '', '--textfile-dir', dir], () => ['--hostname must not be empty'], 'dir'],
    ['a config that does not exist, with --textfile-dir', (j) => ['--job', j, '--repository', 'r', '--config', missingConfig, '--textfile-dir', dir], () => configLines(missingConfig), 'dir'],
    ['an invalid config, with --textfile-dir', (j) => ['--job', j, '--repository', 'r', '--config', badConfig, '--textfile-dir', dir], () => configLines(badConfig), 'dir'],
    ['an invalid config and no directory', (j) => ['--job', j, '--repository', 'r', '--config', badConfig], () => [...configLines(badConfig), NO_DIRECTORY, NOT_RECORDED], undefined],
    ['a missing job', () => ['--repository', 'r', '--textfile-dir', dir], () => ['missing required flag --job', NOT_RECORDED], undefined],
    ['an empty job name', () => ['--job', '', '--repository', 'r', '--textfile-dir', dir], () => ['--job must not be empty', NOT_RECORDED], undefined],
    ['a missing repository', (j) => ['--job', j, '--textfile-dir', dir], () => ['missing required flag --repository', NOT_RECORDED], undefined],
    ['a job flag without its value', () => ['--job', '--repository', 'r', '--textfile-dir', dir], () => ["flag '--job' needs a value before '--repository'", NOT_RECORDED], undefined],
    ['a missing directory', (j) => ['--job', j, '--repository', 'r', '--textfile-dir', join(root, 'nope')], () => [`textfile directory ${join(root, 'nope')} does not exist`, NOT_RECORDED], undefined],
    ['a missing directory from $UBM_TEXTFILE_DIR', (j) => ['--job', j, '--repository', 'r'], () => [`textfile directory ${join(root, 'env-nope')} does not exist`, NOT_RECORDED], undefined, { env: { UBM_TEXTFILE_DIR: join(root, 'env-nope') } }],
    ['an unwritable directory', (j) => ['--job', j, '--repository', 'r', '--textfile-dir', dir], () => [`textfile directory ${dir} is not writable`, NOT_RECORDED], undefined, { unprivileged: true }],
    ['both a directory and a Pushgateway', (j) => ['--job', j, '--repository', 'r', '--textfile-dir', dir, '--pushgateway', 'http://127.0.0.1:9'], () => ['give --textfile-dir or --pushgateway, not both', NOT_RECORDED], undefined],
    // Never the machine's name when pushing: a pod's changes every run.
    ['a Pushgateway without a hostname', (j) => ['--job', j, '--repository', 'r', '--pushgateway', 'http://127.0.0.1:9'], () => [PUSH_HOSTNAME_MISSING, NOT_RECORDED], undefined],
    ['a maintenance run pushed without a hostname', () => ['--operation', 'prune', '--repository', 'r', '--pushgateway', 'http://127.0.0.1:9'], () => [PUSH_HOSTNAME_MISSING, NOT_RECORDED], undefined],
  ];

  it.each(table)(`runs the command, says what is wrong one line each, records what it can and exits ${MONITORING_FAILED_EXIT_CODE} after a successful command: %s`, async (about, flags, lines, recordedIn, options) => {
    const job = about.replace(/[^a-z]+/g, '-');
    const marker = join(markers, job);
    const before = promFiles();
    const result = await ubm(['run', ...flags(job), '--', 'touch', marker], { unprivileged: options?.unprivileged === true, env: { UBM_TEXTFILE_DIR: '', ...options?.env } });
    expect(existsSync(marker)).toBe(true);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: MONITORING_FAILED_EXIT_CODE, stderr: lines().map((l) => `ubm run: ${l}\n`).join('') });
    if (recordedIn === undefined) {
      expect(promFiles()).toEqual(before);
    } else {
      const recorded = recordedIn === 'dir' ? dir : configDir;
      const values = jobValues(recorded, job, 'r');
      expect(values.get(metrics.resticBackupStatus.name)).toBe(1);
      expect(values.get(metrics.resticBackupExitCode.name)).toBe(0);
      // A bad value costs only itself: the hostname label falls back to the host's name.
      expect(new Set(jobSamples(recorded, job, 'r').map((s) => s.labels.hostname))).toEqual(new Set([hostname()]));
    }
  });

  it.each([
    ['an unknown flag', ['--status', 'success', '--textfile-dir', dir], true],
    ['a missing directory', ['--textfile-dir', join(root, 'nope')], false],
    ['an invalid config and no directory', ['--config', badConfig], false],
  ])("exits with the failed command's own code despite %s", async (about, flags, recorded) => {
    const job = `failed-${about.replace(/[^a-z]+/g, '-')}`;
    const marker = join(markers, job);
    const result = await ubm(['run', '--job', job, '--repository', 'r', ...flags, '--', 'sh', '-c', `touch '${marker}'; exit 5`], { env: { UBM_TEXTFILE_DIR: '' } });
    expect(existsSync(marker)).toBe(true);
    expect(result.code).toBe(5);
    if (recorded) expect(jobValues(dir, job, 'r').get(metrics.resticBackupExitCode.name)).toBe(5);
    else expect(jobSamples(dir, job, 'r')).toEqual([]);
  });

  it("records the run in the config's textfile directory when only --config names it, under the host's own name, and exits 0", async () => {
    const marker = join(markers, 'from-config');
    const result = await ubm(['run', '--job', 'from-config', '--repository', 'r', '--config', goodConfig, '--', 'touch', marker], { env: { UBM_TEXTFILE_DIR: '' } });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(marker)).toBe(true);
    expect(jobValues(configDir, 'from-config', 'r').get(metrics.resticBackupStatus.name)).toBe(1);
    // ubm.hostnames lists a fleet (example data); it never names this host.
    expect(jobSamples(configDir, 'from-config', 'r').every((s) => s.labels.hostname === hostname())).toBe(true);
  });

  it.each([
    ['--textfile-dir', ['--textfile-dir', dir], {}],
    ['$UBM_TEXTFILE_DIR', [], { UBM_TEXTFILE_DIR: dir }],
  ])("prefers %s to the config's directory", async (about, flags, env) => {
    const job = `over-config-${about.replace(/[^a-z]+/gi, '-')}`;
    const result = await ubm(['run', '--job', job, '--repository', 'r', '--config', goodConfig, ...flags, '--', 'true'], { env: { UBM_TEXTFILE_DIR: '', ...env } });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(jobValues(dir, job, 'r').get(metrics.resticBackupStatus.name)).toBe(1);
    expect(jobSamples(configDir, job, 'r')).toEqual([]);
  });
});

describe('ubm run without a command is a usage error and runs nothing', () => {
  const root = tempDir('run-usage');
  const dir = join(root, 'textfiles');
  const marker = join(root, 'ran');
  mkdirSync(dir);

  const table: ReadonlyArray<[string, string[], string]> = [
    ["no '--' before the command", ['--job', 'j', '--repository', 'r', '--textfile-dir', dir, 'touch', marker], "put the command after '--' (ubm run --job J --repository R -- touch ...)"],
    ["nothing after '--'", ['--job', 'j', '--repository', 'r', '--textfile-dir', dir, '--'], "missing command: put it after '--'"],
    ["an empty command after '--'", ['--job', 'j', '--repository', 'r', '--textfile-dir', dir, '--', ''], "missing command: put it after '--'"],
    ["an unknown flag and no '--'", ['--job', 'j', '--repository', 'r', '--status', 'success', '--textfile-dir', dir, 'touch', marker], "unknown flag '--status'"],
    ["a missing directory and nothing after '--'", ['--job', 'j', '--repository', 'r', '--textfile-dir', join(root, 'nope'), '--'], `textfile directory ${join(root, 'nope')} does not exist`],
  ];

  it.each(table)('exits 2 with one line and changes no file: %s', async (_case, argv, problem) => {
    const result = await ubm(['run', ...argv]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ubm run: /);
    expect(lines[0]).toContain(problem);
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it(`prints its help, with the exit code ${MONITORING_FAILED_EXIT_CODE}, on stdout and exits 0 without running anything`, async () => {
    const result = await ubm(['run', '--help', '--job', 'j', '--repository', 'r', '--textfile-dir', dir, '--', 'touch', marker]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ubm run --job J --repository R');
    expect(result.stdout).toContain(`${MONITORING_FAILED_EXIT_CODE} when it succeeded but the run could not be recorded`);
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("leaves a command's own --help alone", async () => {
    const own = tempDir('run-own-help');
    const result = await ubm(['run', '--job', 'j', '--repository', 'r', '--textfile-dir', own, '--', 'sh', '-c', 'echo "$1"', 'sh', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('--help\n');
  });
});

describe('ubm run ends with the command, whatever happens to its output', () => {
  const dir = tempDir('run-output');

  it.each([3, 0])('survives a reader that closes early (EPIPE): the command runs to its end, exit %i is recorded and returned, no stack trace', async (code) => {
    const job = `epipe-${code}`;
    const marker = join(dir, `${job}.ran`);
    const run = startRun(['--job', job, '--repository', 'r', '--textfile-dir', dir, '--', 'sh', '-c', `seq 1 2000000; touch '${marker}'; exit ${code}`]);
    run.child.stdout.once('data', () => run.child.stdout.destroy());
    const result = await run.done;
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: '' });
    expect(existsSync(marker)).toBe(true);
    expect(jobValues(dir, job, 'r').get(metrics.resticBackupExitCode.name)).toBe(code);
  });

  it(`survives a closed stderr: its problems go nowhere, the command runs, and it still exits ${MONITORING_FAILED_EXIT_CODE}`, async () => {
    const marker = join(dir, 'closed-stderr.ran');
    const run = startRun(['--job', 'closed-stderr', '--repository', 'r', '--textfile-dir', dir, '--bogus', '--', 'touch', marker]);
    run.child.stderr.destroy();
    const result = await run.done;
    expect(result.code).toBe(MONITORING_FAILED_EXIT_CODE);
    expect(existsSync(marker)).toBe(true);
    expect(jobValues(dir, 'closed-stderr', 'r').get(metrics.resticBackupStatus.name)).toBe(1);
  });

  it('says in one line when its stdout fails otherwise (a full device), and still records the run', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [UBM_BIN, 'run', '--job', 'full', '--repository', 'r', '--textfile-dir', dir, '--', 'sh', '-c', 'seq 1 100000'], { stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: "ubm run: cannot pass the command's output on (ENOSPC); the rest is discarded\n" });
    } finally {
      closeSync(full);
    }
    expect(jobValues(dir, 'full', 'r').get(metrics.resticBackupStatus.name)).toBe(1);
  });

  it('ends when the command exits, not when a background process it started lets go of the output pipe', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const started = Date.now();
    const run = startRun(['--job', 'grandchild', '--repository', 'r', '--textfile-dir', dir, '--', 'sh', '-c', `sleep 30 2>/dev/null & echo $! > '${pidFile}'; echo hi`]);
    try {
      const code = await run.exited;
      const seconds = (Date.now() - started) / 1000;
      expect(code).toBe(0);
      expect(seconds).toBeLessThan(2.5);
      expect(run.stdoutSoFar()).toBe('hi\n');
      expect(jobValues(dir, 'grandchild', 'r').get(metrics.resticBackupStatus.name)).toBe(1);
    } finally {
      await until(() => existsSync(pidFile));
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await run.done;
  });
});
