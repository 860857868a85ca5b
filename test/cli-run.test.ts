/**
 * `ubm run` around real commands: a real restic backup and a wrong-password run, restic's exit 3,
 * exit codes and signals passed through, output passed through byte for byte, bad input refused.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../src/exporter/textfile.js';
import { metrics } from '../src/schema/catalog.js';
import { snapshotDir, spawnCollect, ubm } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { UBM_BIN, requireTool, toolPath } from './support/tools.js';

/** The values of one job's file, by metric name. */
function jobValues(dir: string, job: string, repository: string): Map<string, number> {
  const text = readFileSync(join(dir, `ubm_restic_backup.${job}.${repository}.prom`), 'utf8');
  return new Map(parseExposition(text).map((s) => [s.name, s.value]));
}

/** Spawns `ubm run` directly (for its PID and raw bytes). */
function startRun(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [UBM_BIN, 'run', ...args], { env: { ...process.env, PATH: toolPath(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.on('error', () => undefined);
  const done = new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr })),
  );
  return { child, done, stdoutSoFar: () => Buffer.concat(out).toString() };
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
    expect(second.get(metrics.resticBackupDurationBaselineRuns.name)).toBe(1);
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

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('forwards %s to the command, records the run as failed and exits as the command did', async (signal) => {
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
    ['a successful', 0, 1],
    ['a failed', 5, 5],
  ])('reports a failure to record metrics after %s command without hiding its result', async (_case, commandCode, expectedExit) => {
    const gone = join(tempDir('run-gone'), 'textfiles');
    mkdirSync(gone);
    const result = await ubm(['run', '--job', 'j', '--repository', 'r', '--textfile-dir', gone, '--', 'sh', '-c', `rm -rf '${gone}'; exit ${commandCode}`]);
    expect(result.code).toBe(expectedExit);
    expect(result.stderr).toBe(`ubm run: could not record metrics: textfile directory ${gone} does not exist\n`);
  });
});

describe('ubm run refuses bad input before running anything', () => {
  const root = tempDir('run-bad');
  const dir = join(root, 'textfiles');
  const marker = join(root, 'ran');
  const COMMAND = ['--', 'touch', marker];
  mkdirSync(dir);
  chmodSync(root, 0o755);
  chmodSync(dir, 0o755);

  const table: ReadonlyArray<[string, string[], string, { unprivileged?: boolean }?]> = [
    ["no '--' before the command", ['--job', 'j', '--repository', 'r', '--textfile-dir', dir, 'touch', marker], "put the command after '--' (ubm run --job J --repository R -- touch ...)"],
    ["a stray argument before '--'", ['--job', 'j', 'extra', '--repository', 'r', '--textfile-dir', dir, ...COMMAND], "unexpected argument 'extra' before '--'"],
    ["nothing after '--'", ['--job', 'j', '--repository', 'r', '--textfile-dir', dir, '--'], "missing command: put it after '--'"],
    ['a missing job', ['--repository', 'r', '--textfile-dir', dir, ...COMMAND], 'missing required flag --job'],
    ['an empty job name', ['--job', '', '--repository', 'r', '--textfile-dir', dir, ...COMMAND], '--job must not be empty'],
    ['a missing repository', ['--job', 'j', '--textfile-dir', dir, ...COMMAND], 'missing required flag --repository'],
    ['an unknown flag', ['--job', 'j', '--repository', 'r', '--status', 'success', '--textfile-dir', dir, ...COMMAND], "unknown flag '--status'"],
    ['a bad expected interval', ['--job', 'j', '--repository', 'r', '--expected-interval', 'weekly', '--textfile-dir', dir, ...COMMAND], "--expected-interval must be seconds"],
    ['a missing directory', ['--job', 'j', '--repository', 'r', '--textfile-dir', join(root, 'nope'), ...COMMAND], `textfile directory ${join(root, 'nope')} does not exist`],
    ['an unwritable directory', ['--job', 'j', '--repository', 'r', '--textfile-dir', dir, ...COMMAND], `textfile directory ${dir} is not writable`, { unprivileged: true }],
    ['both targets', ['--job', 'j', '--repository', 'r', '--textfile-dir', dir, '--pushgateway', 'http://127.0.0.1:9', ...COMMAND], 'give --textfile-dir or --pushgateway, not both'],
  ];

  it.each(table)('exits 2 with one line, runs nothing and changes no file: %s', async (_case, argv, problem, options) => {
    const before = snapshotDir(root);
    const result = await ubm(['run', ...argv], options ?? {});
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ubm run: /);
    expect(lines[0]).toContain(problem);
    expect(existsSync(marker)).toBe(false);
    expect(snapshotDir(root)).toEqual(before);
  });

  it('prints its help on stdout and exits 0', async () => {
    const result = await ubm(['run', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ubm run --job J --repository R');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves a command\'s own --help alone', async () => {
    const result = await ubm(['run', '--job', 'j', '--repository', 'r', '--textfile-dir', dir, '--', 'sh', '-c', 'echo "$1"', 'sh', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('--help\n');
    rmSync(join(dir, 'ubm_restic_backup.j.r.prom'));
  });
});
