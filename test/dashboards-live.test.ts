/**
 * Every panel query of every dashboard against a real Prometheus scraping a real node_exporter
 * that reads textfiles written by `ubm emit` (and `ubm pgbackrest`, `ubm locks`, `ubm health`) for every job,
 * repository, stanza and host of the built-in example config.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG } from '../src/config/example.js';
import { loadConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/model.js';
import { dashboardModels, panelQueries, substituteVariables } from '../src/dashboards/index.js';
import { recordRestoreTest } from '../src/exporter/record.js';
import { type Server, promQuery, startNodeExporter, startPrometheus, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, UBM_BIN, requireTool, toolPath } from './support/tools.js';

const config: ResolvedConfig = loadConfig(undefined, REPO_ROOT).config;
const queries = [...dashboardModels(config).values()].flatMap(panelQueries);
/** The one job whose last run the test records as failed, so that "Failing jobs" has something to count. */
const failingJob = config.jobs[config.jobs.length - 1]?.name ?? '';

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
async function writeJobRestoreTests(dir: string): Promise<void> {
  for (const hostname of config.hostnames) {
    for (const repo of config.repositories) {
      const jobs = config.jobs.filter((j) => j.repository === repo.name).map((j) => ({ job: j.name, success: true }));
      await recordRestoreTest(repo.name, { success: true, durationSeconds: 12, filesRestored: 5 * jobs.length, filesFailed: 0, hostname, jobs }, { textfileDir: dir });
    }
  }
}

/** Writes the textfiles of every job, repository, stanza and host of the config, as the hooks would. */
function writeTextfiles(dir: string, configFile: string): void {
  const restic = resticEnv();
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
}

describe('dashboards against a live Prometheus', () => {
  let nodeExporter: Server | undefined;
  let prometheus: Server | undefined;

  beforeAll(async () => {
    const dir = tempDir('dashboards-textfiles');
    const configFile = join(tempDir('dashboards-config'), 'example.yaml');
    writeFileSync(configFile, dump(EXAMPLE_CONFIG, { lineWidth: -1, noRefs: true }));
    writeTextfiles(dir, configFile);
    await writeJobRestoreTests(dir);
    nodeExporter = await startNodeExporter(dir);
    prometheus = await startPrometheus(
      dump({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [{ job_name: config.alerting.nodeExporterJob, static_configs: [{ targets: [`127.0.0.1:${nodeExporter.port}`] }] }],
      }),
    );
    const url = prometheus.url;
    const jobSeries = config.jobs.length * config.hostnames.length;
    // node_exporter serves every file in one scrape: once the jobs are there, everything is.
    await waitFor(`${jobSeries} backup jobs in Prometheus`, async () => {
      const counted = await promQuery(url, `count(${substituteVariables(statusSelector())})`);
      return Number(counted[0]?.value[1] ?? 0) === jobSeries ? true : undefined;
    }, 30_000, 200);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
  });

  it.each(queries.map((q) => [`${q.dashboard} '${q.panel}' ${q.refId}`, q.expr] as const))('%s returns data', async (_where, expr) => {
    const result = await promQuery(prometheusUrl(), substituteVariables(expr));
    expect(result.length, `no data for ${substituteVariables(expr)}`).toBeGreaterThan(0);
  });

  it('counts exactly the one job whose last run failed', async () => {
    const failing = queries.find((q) => q.dashboard === 'ubm-overview' && q.panel === 'Failing jobs');
    const result = await promQuery(prometheusUrl(), substituteVariables(failing?.expr ?? ''));
    expect(result.map((r) => r.value[1])).toEqual(['1']);
  });

  it('shows one row per job in the job table, each with a status', async () => {
    const status = queries.find((q) => q.dashboard === 'ubm-overview' && q.panel === 'Backup jobs' && q.refId === 'A');
    const rows = await promQuery(prometheusUrl(), substituteVariables(status?.expr ?? ''));
    expect(rows.map((r) => r.metric.backup_job).sort()).toEqual(config.jobs.map((j) => j.name).sort());
    expect(rows.find((r) => r.metric.backup_job === failingJob)?.value[1]).toBe('0');
  });

  it('reports every configured job as reporting, and every host as scraped without textfile errors', async () => {
    const health = queries.filter((q) => q.dashboard === 'ubm-overview' && q.panel === 'Monitoring health');
    const valueOf = async (refId: string): Promise<string | undefined> =>
      (await promQuery(prometheusUrl(), substituteVariables(health.find((q) => q.refId === refId)?.expr ?? '')))[0]?.value[1];
    // D: textfile scrape errors, E: scraped (up), F: silent jobs.
    expect([await valueOf('D'), await valueOf('E'), await valueOf('F')]).toEqual(['0', '1', '0']);
  });

  function prometheusUrl(): string {
    if (prometheus === undefined) throw new Error('Prometheus did not start');
    return prometheus.url;
  }
});

/** The job status selector as the job table's first column reads it. */
function statusSelector(): string {
  const q = queries.find((x) => x.dashboard === 'ubm-overview' && x.panel === 'Backup jobs' && x.refId === 'A');
  if (q === undefined) throw new Error('the overview has no job table');
  return q.expr;
}
