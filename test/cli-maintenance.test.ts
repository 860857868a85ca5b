/**
 * Recording repository maintenance from the command line: `ubm run --operation` keeps every promise
 * of `ubm run` (the command always runs, its exit code passes through, 78 when a successful command
 * was not recorded) and says in one line what is wrong with its flags; `ubm emit maintenance` writes
 * the same file from a hook, and refuses bad input with one line, exit 2 and no file changed.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { parseExposition } from '../src/exporter/textfile.js';
import { MONITORING_FAILED_EXIT_CODE } from '../src/hooks/run-backup.js';
import { metrics } from '../src/schema/catalog.js';
import { ubm } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';

/** The values of one repository's operation in a directory, by metric name. */
function values(dir: string, repository: string, operation: string): Map<string, number> {
  const samples = readdirSync(dir)
    .filter((f) => f.endsWith('.prom'))
    .flatMap((f) => parseExposition(readFileSync(join(dir, f), 'utf8')))
    .filter((s) => s.labels.repository === repository && s.labels.operation === operation);
  return new Map(samples.map((s) => [s.name, s.value]));
}

/** The `.prom` files of a directory. */
function promFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.prom')).sort();
}

const root = tempDir('cli-maintenance');
const configFile = join(root, 'backup.yaml');
writeFileSync(configFile, 'repositories:\n  nas: { pruneSchedule: daily }\n  offsite: { pruneSchedule: "" }\n');
const config = loadConfig(configFile, root).config;
const thresholdOf = (name: string): number | undefined => config.repositories.find((r) => r.name === name)?.pruneStaleThresholdSeconds;

describe('ubm run --operation', () => {
  it('records the command as the operation of the repository, with its exit code, and exits with it', async () => {
    const dir = tempDir('run-op');
    const ok = await ubm(['run', '--operation', 'forget', '--repository', 'nas', '--textfile-dir', dir, '--', 'sh', '-c', 'echo forgotten']);
    expect({ code: ok.code, stdout: ok.stdout, stderr: ok.stderr }).toEqual({ code: 0, stdout: 'forgotten\n', stderr: '' });
    expect(values(dir, 'nas', 'forget').get(metrics.resticMaintenanceStatus.name)).toBe(1);
    const failed = await ubm(['run', '--operation', 'forget', '--repository', 'nas', '--textfile-dir', dir, '--', 'sh', '-c', 'exit 12']);
    expect(failed.code).toBe(12);
    const after = values(dir, 'nas', 'forget');
    expect([after.get(metrics.resticMaintenanceStatus.name), after.get(metrics.resticMaintenanceExitCode.name)]).toEqual([0, 12]);
    // The backup group is untouched: a maintenance run is not a backup job's run.
    expect(promFiles(dir).every((f) => f.startsWith('ubm_restic_maintenance.'))).toBe(true);
  });

  it.each([
    ['a prune of a repository the config lists gets its threshold', 'nas', thresholdOf('nas')],
    ["a prune of a repository with an empty pruneSchedule gets the weekly one", 'offsite', config.maintenance.fallbackStaleThresholdSeconds],
    ["a prune of a repository the config does not list gets the config's fallback", 'elsewhere', config.maintenance.fallbackStaleThresholdSeconds],
  ])('with --config, %s', async (_case, repository, threshold) => {
    const dir = tempDir('run-op-config');
    const r = await ubm(['run', '--operation', 'prune', '--repository', repository, '--config', configFile, '--textfile-dir', dir, '--', 'true']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(values(dir, repository, 'prune').get(metrics.resticMaintenanceStaleThresholdSeconds.name)).toBe(threshold);
  });

  const NOT_RECORDED = 'the run was not recorded (see above)';
  /** [case, flags before `--`, stderr lines after `ubm run: `, recorded]. */
  const table: ReadonlyArray<[string, (dir: string) => string[], string[], boolean]> = [
    ['an unknown operation', (d) => ['--operation', 'vacuum', '--repository', 'nas', '--textfile-dir', d], ["--operation must be forget, prune or check (got 'vacuum')", NOT_RECORDED], false],
    ['--job with --operation', (d) => ['--job', 'home', '--operation', 'prune', '--repository', 'nas', '--textfile-dir', d], ["--job and --operation exclude each other: --job records a backup job's run, --operation a maintenance run of the repository", NOT_RECORDED], false],
    ['a missing repository', (d) => ['--operation', 'prune', '--textfile-dir', d], ['missing required flag --repository', NOT_RECORDED], false],
    ['an operation flag without its value', (d) => ['--repository', 'nas', '--textfile-dir', d, '--operation'], ["flag '--operation' needs a value", NOT_RECORDED], false],
    ['--expected-interval with --operation', (d) => ['--operation', 'prune', '--repository', 'nas', '--expected-interval', '7d', '--textfile-dir', d], ["--expected-interval is a backup job's: a prune's threshold comes from the repository's pruneSchedule (give --config)"], true],
    ['a bad hostname', (d) => ['--operation', 'prune', '--repository', 'nas', '--hostname', '', '--textfile-dir', d], ['--hostname must not be empty'], true],
  ];

  it.each(table)(`runs the command, says what is wrong one line each and exits ${MONITORING_FAILED_EXIT_CODE} after a successful command: %s`, async (_case, flags, lines, recorded) => {
    const dir = tempDir('run-op-bad');
    const marker = join(dir, 'ran');
    const r = await ubm(['run', ...flags(dir), '--', 'touch', marker], { env: { UBM_TEXTFILE_DIR: '' } });
    expect(existsSync(marker)).toBe(true);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: MONITORING_FAILED_EXIT_CODE, stderr: lines.map((l) => `ubm run: ${l}\n`).join('') });
    expect(promFiles(dir)).toHaveLength(recorded ? 1 : 0);
    if (recorded) expect(values(dir, 'nas', 'prune').get(metrics.resticMaintenanceStatus.name)).toBe(1);
  });

  it("exits with the failed command's own code despite an unknown operation", async () => {
    const dir = tempDir('run-op-failed');
    const r = await ubm(['run', '--operation', 'vacuum', '--repository', 'nas', '--textfile-dir', dir, '--', 'sh', '-c', 'exit 5']);
    expect(r.code).toBe(5);
    expect(promFiles(dir)).toEqual([]);
  });

  it.each([
    ['an unknown operation', ['--operation', 'vacuum', '--repository', 'nas'], "--operation must be forget, prune or check (got 'vacuum')"],
    ['--job with --operation', ['--operation', 'prune', '--job', 'j', '--repository', 'nas'], '--job and --operation exclude each other'],
    ['a missing repository', ['--operation', 'prune'], 'missing required flag --repository'],
    ['nothing else wrong', ['--operation', 'prune', '--repository', 'nas'], "missing command: put it after '--' (ubm run --operation prune --repository R -- restic forget --prune ...)"],
  ])('without a command is a usage error naming the first problem (%s): exit 2, one line, nothing written', async (_case, flags, problem) => {
    const dir = tempDir('run-op-usage');
    const r = await ubm(['run', ...flags, '--textfile-dir', dir, '--']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`ubm run: ${problem}`);
    expect(promFiles(dir)).toEqual([]);
  });

  it('shows --operation and the maintenance form in its help', async () => {
    const r = await ubm(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ubm run --operation forget|prune|check --repository R');
    expect(r.stdout).toMatch(/--operation OP +instead of --job/);
  });
});

describe('ubm emit maintenance', () => {
  it('records a run from a hook: status, duration, exit code and the last success, carried forward across a failure', async () => {
    const dir = tempDir('emit-maint');
    const common = ['emit', 'maintenance', '--repository', 'nas', '--operation', 'prune', '--textfile-dir', dir];
    expect((await ubm([...common, '--status', 'success', '--duration', '2m30s', '--config', configFile])).code).toBe(0);
    const first = values(dir, 'nas', 'prune');
    expect(first.get(metrics.resticMaintenanceDurationSeconds.name)).toBe(150);
    expect(first.get(metrics.resticMaintenanceExitCode.name)).toBe(0);
    expect(first.get(metrics.resticMaintenanceStaleThresholdSeconds.name)).toBe(thresholdOf('nas'));
    const r = await ubm([...common, '--status', 'failure', '--duration', '12', '--exit-code', '11']);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    const second = values(dir, 'nas', 'prune');
    expect(second.get(metrics.resticMaintenanceStatus.name)).toBe(0);
    expect(second.get(metrics.resticMaintenanceExitCode.name)).toBe(11);
    expect(second.get(metrics.resticMaintenanceLastSuccessTimestampSeconds.name)).toBe(first.get(metrics.resticMaintenanceLastSuccessTimestampSeconds.name));
    expect(second.get(metrics.resticMaintenanceStaleThresholdSeconds.name)).toBe(thresholdOf('nas'));
  });

  const ok = ['--repository', 'nas', '--operation', 'check', '--status', 'success', '--duration', '30'];
  const without = (flag: string): string[] => {
    const at = ok.indexOf(flag);
    return [...ok.slice(0, at), ...ok.slice(at + 2)];
  };
  const replaced = (flag: string, value: string): string[] => ok.map((v, i) => (ok[i - 1] === flag ? value : v));

  it.each([
    ['an unknown operation', replaced('--operation', 'compact'), "--operation must be forget, prune or check (got 'compact')"],
    ['a missing operation', without('--operation'), 'missing required flag --operation'],
    ['a missing repository', without('--repository'), 'missing required flag --repository'],
    ['an empty repository', replaced('--repository', ''), '--repository must not be empty'],
    ['a bad duration', replaced('--duration', 'a while'), "--duration must be seconds (145, 12.5) or a duration (2m30s, 26h), not negative (got 'a while')"],
    ['a missing duration', without('--duration'), 'missing required flag --duration'],
    ['a bad status', replaced('--status', 'ok'), "--status must be success, failure, 1 or 0 (got 'ok')"],
    ['a bad exit code', [...ok, '--exit-code', '300'], "--exit-code must be a whole number from 0 to 255 (got '300')"],
    ['a job flag', [...ok, '--job', 'home'], "unknown flag '--job' (see --help)"],
  ])('refuses %s with one line and exit 2, writing nothing', async (_case, flags, problem) => {
    const dir = tempDir('emit-maint-bad');
    const r = await ubm(['emit', 'maintenance', ...flags, '--textfile-dir', dir]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `ubm emit: ${problem}\n` });
    expect(promFiles(dir)).toEqual([]);
  });

  it('is listed among the families, and has its own help', async () => {
    expect((await ubm(['emit', '--help'])).stdout).toMatch(/^ {2}maintenance +Records a maintenance run of a repository/m);
    const help = await ubm(['emit', 'maintenance', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--operation OP');
  });
});
