/**
 * `ubm emit backup --from-systemd`: what systemd hands an ExecStopPost= line ($SERVICE_RESULT,
 * $EXIT_CODE, $EXIT_STATUS) becomes the job's status and exit code, restic's --json summary (from
 * a real restic run) its figures; bad or missing systemd variables exit 2 and write nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { serviceRunFromEnv } from '../src/sources/systemd.js';
import { memoryIo } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { requireTool, toolPath } from './support/tools.js';

const NOW = Date.parse('2025-03-01T02:00:00Z');
const BASE = ['emit', 'backup', '--from-systemd', '--job', 'system-home', '--repository', 'nas-primary', '--hostname', 'backup-host'];

/** restic's real `backup --json` output, with one progress line a minute (RESTIC_PROGRESS_FPS). */
let resticOutput = '';

beforeAll(() => {
  const restic = requireTool('restic');
  const dir = tempDir('emit-systemd-restic');
  const src = join(dir, 'src');
  mkdirSync(src);
  for (let i = 0; i < 5; i++) writeFileSync(join(src, `file-${i}`), `content ${i}\n`.repeat(100));
  const env = { ...process.env, PATH: toolPath(), RESTIC_REPOSITORY: join(dir, 'repo'), RESTIC_PASSWORD: 'test', RESTIC_PROGRESS_FPS: '0.016', RESTIC_CACHE_DIR: join(dir, 'cache') };
  execFileSync(restic, ['init'], { env, stdio: 'ignore' });
  resticOutput = execFileSync(restic, ['backup', '--json', src], { env, encoding: 'utf8' });
}, 60_000);

/** The value of one sample in the textfile directory's .prom files (whatever the files are named). */
function sample(dir: string, metric: string): number | undefined {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.prom'))) {
    const m = new RegExp(`^${metric}\\{[^}]*\\} (\\S+)$`, 'm').exec(readFileSync(join(dir, file), 'utf8'));
    if (m?.[1] !== undefined) return Number(m[1]);
  }
  return undefined;
}

/** [case, systemd's variables, expected status, exit code]. */
const results: ReadonlyArray<readonly [string, Record<string, string>, number, number]> = [
  ['a unit that succeeded records success and exit code 0', { SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0' }, 1, 0],
  ['a restic that could not read some files (exit 3) records a failure with exit code 3', { SERVICE_RESULT: 'exit-code', EXIT_CODE: 'exited', EXIT_STATUS: '3' }, 0, 3],
  ['a unit killed by SIGTERM records a failure with exit code 143', { SERVICE_RESULT: 'signal', EXIT_CODE: 'killed', EXIT_STATUS: 'TERM' }, 0, 143],
  ['a unit stopped by its timeout records a failure with exit code 137 for SIGKILL', { SERVICE_RESULT: 'timeout', EXIT_CODE: 'killed', EXIT_STATUS: 'KILL' }, 0, 137],
  ['a unit whose process never ran records a failure with the default exit code 1', { SERVICE_RESULT: 'resources' }, 0, 1],
  ['a unit with SuccessExitStatus=3 that exited 3 records success with exit code 3', { SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '3' }, 1, 3],
];

describe("ubm emit backup --from-systemd records the unit's result", () => {
  it.each(results)('%s', async (_name, systemd, status, exitCode) => {
    const dir = tempDir('emit-systemd');
    const io = memoryIo(NOW, { ...systemd, PATH: toolPath() });
    const code = await main([...BASE, '--duration', '95', '--textfile-dir', dir], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 0, stderr: expect.stringContaining('$INVOCATION_ID is not set') as unknown });
    expect(sample(dir, 'restic_backup_status')).toBe(status);
    expect(sample(dir, 'restic_backup_exit_code')).toBe(exitCode);
    expect(sample(dir, 'restic_backup_duration_seconds')).toBe(95);
  });
});

describe("ubm emit backup --from-systemd reads restic's summary and the run's duration", () => {
  it("takes the figures of restic's real --json output from --summary-file", async () => {
    expect(resticOutput.split('\n').filter((l) => l.includes('"status"')).length).toBeLessThanOrEqual(2);
    const dir = tempDir('emit-systemd-summary');
    const file = join(dir, 'restic.jsonl');
    writeFileSync(file, resticOutput);
    const io = memoryIo(NOW, { SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0', PATH: toolPath() });
    const code = await main([...BASE, '--duration', '12', '--summary-file', file, '--textfile-dir', dir], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 0, stderr: '' });
    expect(sample(dir, 'restic_backup_files_new')).toBe(5);
    expect(sample(dir, 'restic_backup_files_processed')).toBe(5);
  });

  it("falls back to restic's total_duration, saying so, when systemd cannot give the unit's start time", async () => {
    const dir = tempDir('emit-systemd-fallback');
    const file = join(dir, 'restic.jsonl');
    writeFileSync(file, resticOutput);
    const io = memoryIo(NOW, { SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0', PATH: toolPath() });
    // No systemd runs here (and none knows this unit): systemctl show gives no start time.
    const code = await main([...BASE, '--unit', 'ubm-test-no-such-unit.service', '--summary-file', file, '--textfile-dir', dir], io);
    expect(code).toBe(0);
    expect(io.err()).toMatch(/^ubm emit: systemctl .*: recording restic's total_duration instead\n$/);
    const totalDuration = (JSON.parse(resticOutput.split('\n').find((l) => l.includes('"summary"')) ?? '{}') as { total_duration?: number }).total_duration;
    expect(sample(dir, 'restic_backup_duration_seconds')).toBeCloseTo(totalDuration ?? -1, 3);
  });

  it('exits 1 and writes nothing when neither systemd nor restic gives a duration', async () => {
    const dir = tempDir('emit-systemd-noduration');
    const io = memoryIo(NOW, { SERVICE_RESULT: 'exit-code', EXIT_CODE: 'exited', EXIT_STATUS: '1', PATH: toolPath() });
    const code = await main([...BASE, '--unit', 'ubm-test-no-such-unit.service', '--textfile-dir', dir], io);
    expect(code).toBe(1);
    expect(io.err().trim().split('\n').at(-1)).toMatch(/no duration to record \(give --duration\)$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** [case, systemd's variables, extra flags, the problem the one line names]. */
const bad: ReadonlyArray<readonly [string, Record<string, string>, readonly string[], string]> = [
  ['run outside ExecStopPost= ($SERVICE_RESULT unset)', {}, ['--duration', '5'], "$SERVICE_RESULT is not set: run this from the unit's ExecStopPost="],
  ['$SERVICE_RESULT that systemd never sets', { SERVICE_RESULT: 'great' }, ['--duration', '5'], "$SERVICE_RESULT 'great' is not a systemd service result"],
  ['$EXIT_STATUS that is not a number', { SERVICE_RESULT: 'exit-code', EXIT_CODE: 'exited', EXIT_STATUS: 'x' }, ['--duration', '5'], "$EXIT_STATUS 'x' is not an exit status"],
  ['a signal that does not exist', { SERVICE_RESULT: 'signal', EXIT_CODE: 'killed', EXIT_STATUS: 'NOPE' }, ['--duration', '5'], "$EXIT_STATUS 'NOPE' is not a signal"],
  ['neither --unit nor --duration', { SERVICE_RESULT: 'success' }, [], 'give --unit %n (the unit whose start time is read) or --duration'],
  ['a --summary-file that does not exist', { SERVICE_RESULT: 'success' }, ['--duration', '5', '--summary-file', '/nonexistent/restic.jsonl'], '--summary-file /nonexistent/restic.jsonl: ENOENT'],
];

describe('ubm emit backup --from-systemd refuses what systemd would never hand it', () => {
  it.each(bad)('%s: exit 2, one line, no file', async (_name, systemd, flags, problem) => {
    const dir = tempDir('emit-systemd-bad');
    const io = memoryIo(NOW, { ...systemd, PATH: toolPath() });
    const code = await main([...BASE, ...flags, '--textfile-dir', dir], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 2, stderr: `ubm emit: ${problem}\n` });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('serviceRunFromEnv maps systemd exit reports to shell exit codes', () => {
  it.each([
    ['exited 0', { SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0' }, { success: true, exitCode: 0, serviceResult: 'success' }],
    ['dumped core on SIGSEGV', { SERVICE_RESULT: 'core-dump', EXIT_CODE: 'dumped', EXIT_STATUS: 'SEGV' }, { success: false, exitCode: 139, serviceResult: 'core-dump' }],
    ['killed, signal given as a number by an older systemd', { SERVICE_RESULT: 'signal', EXIT_CODE: 'killed', EXIT_STATUS: '9' }, { success: false, exitCode: 137, serviceResult: 'signal' }],
    ['killed by the OOM killer', { SERVICE_RESULT: 'oom-kill', EXIT_CODE: 'killed', EXIT_STATUS: 'KILL' }, { success: false, exitCode: 137, serviceResult: 'oom-kill' }],
  ] as const)('%s', (_name, env, expected) => {
    expect(serviceRunFromEnv(env)).toEqual(expected);
  });
});
