/**
 * `ubm run --operation` around real restic 0.14: a `restic forget --prune` that succeeds is recorded
 * as a prune (status 1, exit code 0, last success now, the repository's threshold from the config's
 * pruneSchedule), one that fails (a wrong password, a repository that is not there) as status 0 with
 * restic's exit code passed through and the last success and threshold carried forward; a
 * `restic check` goes to a file of its own. Every file passes `promtool check metrics`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { parseExposition } from '../src/exporter/textfile.js';
import { metrics } from '../src/schema/catalog.js';
import { spawnCollect, ubm } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { requireTool } from './support/tools.js';

const REPOSITORY = 'nas';

let root: string;
let repo: string;
let textfiles: string;
let configFile: string;
let env: Record<string, string>;

/** Runs restic on the repository; throws with its stderr when it fails. */
async function restic(args: readonly string[]): Promise<string> {
  const r = await spawnCollect(requireTool('restic'), args, { env });
  if (r.code !== 0) throw new Error(`restic ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The values of one operation's series in the textfile directory, by metric name. */
function values(operation: string): Map<string, number> {
  const samples = readdirSync(textfiles)
    .filter((f) => f.endsWith('.prom'))
    .flatMap((f) => parseExposition(readFileSync(join(textfiles, f), 'utf8')))
    .filter((s) => s.labels.repository === REPOSITORY && s.labels.operation === operation);
  return new Map(samples.map((s) => [s.name, s.value]));
}

/** `ubm run --operation OP --repository nas --textfile-dir DIR [flags] -- restic ARGS`. */
function run(operation: string, args: readonly string[], flags: readonly string[] = [], extraEnv: Record<string, string> = {}) {
  return ubm(['run', '--operation', operation, '--repository', REPOSITORY, '--textfile-dir', textfiles, ...flags, '--', requireTool('restic'), ...args], { env: { ...env, ...extraEnv } });
}

beforeAll(async () => {
  root = tempDir('maintenance-restic');
  repo = join(root, 'repo');
  textfiles = join(root, 'textfiles');
  const source = join(root, 'source');
  mkdirSync(textfiles);
  mkdirSync(source);
  writeFileSync(join(root, 'password'), 'correct horse battery staple\n');
  writeFileSync(join(root, 'wrong-password'), 'not it\n');
  env = { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: join(root, 'password'), RESTIC_CACHE_DIR: join(root, 'cache') };
  configFile = join(root, 'backup.yaml');
  writeFileSync(configFile, `repositories:\n  ${REPOSITORY}: { url: ${repo}, passwordFile: ${join(root, 'password')}, pruneSchedule: monthly }\n`);
  await restic(['init']);
  // Three snapshots of a changing source: forget --keep-last 1 has two to remove, and prune their data.
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(source, `file-${i}.txt`), `version ${i}\n`.repeat(1000 * (i + 1)));
    await restic(['backup', '--quiet', source]);
  }
}, 120_000);

describe('ubm run --operation with real restic', () => {
  it("records a successful forget --prune as a prune, with the repository's threshold from the config's pruneSchedule; failures then keep its last success and pass restic's exit code through", async () => {
    const ok = await run('prune', ['forget', '--prune', '--keep-last', '1'], ['--config', configFile]);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    // restic's own output passes through.
    expect(ok.stdout).toMatch(/remove 2 snapshots/);
    expect((await restic(['snapshots', '--json'])).match(/"id"/g)).toHaveLength(1);
    const first = values('prune');
    expect(first.get(metrics.resticMaintenanceStatus.name)).toBe(1);
    expect(first.get(metrics.resticMaintenanceExitCode.name)).toBe(0);
    expect(first.get(metrics.resticMaintenanceDurationSeconds.name)).toBeGreaterThan(0);
    const lastSuccess = first.get(metrics.resticMaintenanceLastSuccessTimestampSeconds.name) ?? 0;
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(60);
    const monthly = loadConfig(configFile, root).config.repositories.find((r) => r.name === REPOSITORY)?.pruneStaleThresholdSeconds;
    expect(monthly).toBeGreaterThan(31 * 86_400);
    expect(first.get(metrics.resticMaintenanceStaleThresholdSeconds.name)).toBe(monthly);

    // A wrong password: restic 0.14 exits 1; no --config this time, so the threshold is carried forward too.
    const wrong = await run('prune', ['forget', '--prune', '--keep-last', '1'], [], { RESTIC_PASSWORD_FILE: join(root, 'wrong-password') });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong password');
    expect(wrong.stderr).not.toMatch(/ubm run:/);
    const second = values('prune');
    expect(second.get(metrics.resticMaintenanceStatus.name)).toBe(0);
    expect(second.get(metrics.resticMaintenanceExitCode.name)).toBe(1);
    expect(second.get(metrics.resticMaintenanceLastSuccessTimestampSeconds.name)).toBe(lastSuccess);
    expect(second.get(metrics.resticMaintenanceLastRunTimestampSeconds.name)).toBeGreaterThanOrEqual(lastSuccess);
    expect(second.get(metrics.resticMaintenanceStaleThresholdSeconds.name)).toBe(monthly);

    // A repository path that does not exist: restic fails again, and the last success still stands.
    const missing = await run('prune', ['forget', '--prune', '--keep-last', '1'], [], { RESTIC_REPOSITORY: join(root, 'not-there') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist|unable to open config file/);
    const third = values('prune');
    expect(third.get(metrics.resticMaintenanceStatus.name)).toBe(0);
    expect(third.get(metrics.resticMaintenanceLastSuccessTimestampSeconds.name)).toBe(lastSuccess);
  }, 120_000);

  it('records a restic check in a file of its own, without a stale threshold, and every file passes promtool check metrics', async () => {
    const checked = await run('check', ['check'], ['--config', configFile]);
    expect({ code: checked.code, stderr: checked.stderr }).toEqual({ code: 0, stderr: '' });
    const check = values('check');
    expect(check.get(metrics.resticMaintenanceStatus.name)).toBe(1);
    expect(check.has(metrics.resticMaintenanceStaleThresholdSeconds.name)).toBe(false);
    const files = readdirSync(textfiles).filter((f) => f.endsWith('.prom')).sort();
    expect(files.map((f) => f.replace(/\.[^.]+\.nas\./, '.HOST.nas.'))).toContain('ubm_restic_maintenance.HOST.nas.check.prom');
    for (const file of files) {
      const lint = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: readFileSync(join(textfiles, file)), encoding: 'utf8' });
      expect({ file, code: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({ file, code: 0, output: '' });
    }
  }, 60_000);
});
