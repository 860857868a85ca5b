/**
 * The data the dashboards' live tests query: textfiles written by `ubm emit` (and `ubm pgbackrest`,
 * `ubm locks`, `ubm health`) for every job, repository, stanza and host of a config, as the hooks
 * would write them. Shared by the Prometheus and the VictoriaMetrics runs, so both see the same data.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../src/config/model.js';
import { recordRestoreTest } from '../../src/exporter/record.js';
import { tempDir } from './temp.js';
import { REPO_ROOT, UBM_BIN, requireTool, toolPath } from './tools.js';

/** The one job whose last run the data records as failed, so that "Failing jobs" has something to count. */
export function failingJobOf(config: ResolvedConfig): string {
  return config.jobs[config.jobs.length - 1]?.name ?? '';
}

/** Runs `node bin/ubm.js ARGS`; throws with its stderr unless it exits with one of `okCodes`. */
function ubm(args: readonly string[], okCodes: readonly number[] = [0], env: Readonly<Record<string, string>> = {}): void {
  try {
    execFileSync(process.execPath, [UBM_BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: toolPath(), ...env } });
  } catch (err) {
    const e = err as { status?: number | null; stderr?: string };
    if (e.status !== undefined && e.status !== null && okCodes.includes(e.status)) return;
    throw new Error(`ubm ${args.join(' ')} exited ${String(e.status)}: ${e.stderr ?? String(err)}`);
  }
}

/** restic's environment for `ubm locks`: one real, empty repository stands for every repository of the config. */
function resticEnv(): Record<string, string> {
  const dir = tempDir('dashboards-restic');
  writeFileSync(join(dir, 'password'), 'dashboards\n');
  const env = { RESTIC_REPOSITORY: join(dir, 'repo'), RESTIC_PASSWORD_FILE: join(dir, 'password'), RESTIC_CACHE_DIR: join(dir, 'cache') };
  execFileSync(requireTool('restic'), ['init'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  return env;
}

/** Rewrites each repository's restore-test file as `ubm verify --config` leaves it: every job of the repository covered and passed. */
async function writeJobRestoreTests(config: ResolvedConfig, dir: string): Promise<void> {
  for (const hostname of config.hostnames) {
    for (const repo of config.repositories) {
      const jobs = config.jobs.filter((j) => j.repository === repo.name).map((j) => ({ job: j.name, success: true }));
      await recordRestoreTest(repo.name, { success: true, durationSeconds: 12, filesRestored: 5 * jobs.length, filesFailed: 0, hostname, jobs }, { textfileDir: dir });
    }
  }
}

/** Writes the textfiles of every job, repository, stanza and host of the config (read from `configFile`) into `dir`. */
export async function writeDashboardData(config: ResolvedConfig, dir: string, configFile: string): Promise<void> {
  const restic = resticEnv();
  const failingJob = failingJobOf(config);
  const pgbackrestInfo = join(REPO_ROOT, 'fixtures', 'pgbackrest', 'two-repos', 'info.json');
  for (const host of config.hostnames) {
    const common = ['--textfile-dir', dir, '--hostname', host];
    for (const job of config.jobs) {
      // Two runs, so that the second has a duration baseline to compare with.
      for (const run of [1, 2]) {
        const status = run === 2 && job.name === failingJob ? 'failure' : 'success';
        ubm([
          'emit', 'backup', ...common, '--job', job.name, '--repository', job.repository, '--status', status,
          '--duration', String(100 * run), '--expected-interval', String(job.intervalSeconds),
          '--files-new', '3', '--files-changed', '2', '--files-unmodified', '50', '--data-added', '4096',
          '--total-files-processed', '55', '--total-bytes-processed', '1048576',
        ]);
      }
    }
    for (const repo of config.repositories) {
      ubm(['emit', 'verification', ...common, '--repository', repo.name, '--status', 'success', '--duration', '30']);
      ubm(['emit', 'restore-test', ...common, '--repository', repo.name, '--status', 'success', '--duration', '12', '--files-restored', '5', '--files-failed', '0']);
      ubm(['locks', ...common, '--repository', repo.name], [0], restic);
      // A prune with the repository's threshold (from --config), and a post-backup check.
      ubm(['emit', 'maintenance', ...common, '--config', configFile, '--repository', repo.name, '--operation', 'prune', '--status', 'success', '--duration', '300']);
      ubm(['emit', 'maintenance', ...common, '--repository', repo.name, '--operation', 'check', '--status', 'success', '--duration', '60']);
    }
    for (const stanza of config.postgres.stanzas) {
      // The fixture's stanza is `main`, the example's; pgBackRest's exit 1 (findings, e.g. an old backup) still writes the metrics.
      ubm(['pgbackrest', ...common, '--stanza', stanza, '--from-json', pgbackrestInfo], [0, 1]);
      ubm(['emit', 'postgres-verification', ...common, '--stanza', stanza, '--status', 'success', '--duration', '20']);
      const offsite = [config.postgres.offsiteRepository, ...config.postgres.pgbackrestRepos.filter((r) => r.offsite).map((r) => r.name)];
      for (const repo of offsite) if (repo !== undefined) ubm(['emit', 'postgres-offsite', ...common, '--stanza', stanza, '--repository', repo, '--status', 'success']);
    }
    // The self-check last: it counts the files above and writes the expected job set with its thresholds.
    // The node_exporter below runs as root: judge the files as root reads them.
    ubm(['health', ...common, '--config', configFile, '--node-exporter-user', 'root']);
  }
  await writeJobRestoreTests(config, dir);
}
