/**
 * The dashboards of a config with an identifying label (`cluster`) against a real Prometheus that
 * scrapes two real node_exporters, one per cluster, whose textfiles `ubm emit` and `ubm health` wrote
 * for the same hostname: the scrape config's target labels give each cluster's series its `cluster`.
 */
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/model.js';
import { dashboardModels, panelQueries, substituteVariables } from '../src/dashboards/index.js';
import { runUbm } from './support/processes.js';
import { type Server, promQuery, startNodeExporter, startPrometheus, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const CONFIG_DIR = join(REPO_ROOT, 'fixtures', 'config', 'good', 'identifying-labels');
const config: ResolvedConfig = loadConfig('config.yaml', CONFIG_DIR).config;
const queries = [...dashboardModels(config).values()].flatMap(panelQueries);
const CLUSTERS = ['a', 'b'] as const;
/** The one host name both clusters have. */
const hostname = config.hostnames[0] ?? 'db-1';
/** The job whose last run fails in cluster a and succeeds in cluster b. */
const failingJob = config.jobs[0]?.name ?? '';

/** Runs `ubm ARGS`; throws with its stderr unless it exits with one of `okCodes`. */
async function ubm(args: readonly string[], okCodes: readonly number[] = [0]): Promise<void> {
  const r = await runUbm(args);
  if (!okCodes.includes(r.code)) throw new Error(`ubm ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
}

/** Writes one cluster's textfiles: two runs of every job (the failing job's second fails in cluster a), then the self-check. */
async function writeCluster(cluster: (typeof CLUSTERS)[number]): Promise<string> {
  const dir = tempDir(`identifying-${cluster}`);
  const common = ['--textfile-dir', dir, '--hostname', hostname];
  for (const job of config.jobs) {
    for (const run of [1, 2]) {
      const status = run === 2 && cluster === 'a' && job.name === failingJob ? 'failure' : 'success';
      await ubm(['emit', 'backup', ...common, '--job', job.name, '--repository', job.repository, '--status', status, '--duration', String(100 * run), '--expected-interval', String(job.intervalSeconds), '--data-added', '4096']);
    }
  }
  // The checks the config expects never reported here: the self-check may say so (exit 1) and still writes its files.
  await ubm(['health', ...common, '--config', join(CONFIG_DIR, 'config.yaml'), '--node-exporter-user', 'root'], [0, 1]);
  return dir;
}

function query(dashboard: string, panel: string, refId: string): string {
  const q = queries.find((x) => x.dashboard === dashboard && x.panel === panel && x.refId === refId);
  if (q === undefined) throw new Error(`${dashboard} has no query ${panel} ${refId}`);
  return substituteVariables(q.expr);
}

describe('dashboards with an identifying label against a live Prometheus', () => {
  const servers: Server[] = [];
  let url = '';

  beforeAll(async () => {
    const targets: Array<{ targets: string[]; labels: { cluster: string } }> = [];
    for (const cluster of CLUSTERS) {
      const node = await startNodeExporter(await writeCluster(cluster));
      servers.push(node);
      targets.push({ targets: [`127.0.0.1:${node.port}`], labels: { cluster } });
    }
    const prometheus = await startPrometheus(
      dump({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: [{ job_name: config.alerting.nodeExporterJob, static_configs: targets }] }),
    );
    servers.push(prometheus);
    url = prometheus.url;
    const expected = config.jobs.length * CLUSTERS.length;
    await waitFor(`${expected} job series and both self-checks in Prometheus`, async () => {
      const jobs = await promQuery(url, query('ubm-overview', 'Backup jobs', 'A'));
      const checks = await promQuery(url, query('ubm-overview', 'Monitoring health', 'A'));
      return jobs.length === expected && checks.length === CLUSTERS.length ? true : undefined;
      // A minute: the whole suite shares two cores, and two node_exporters and a Prometheus start here.
    }, 60_000, 200);
  }, 120_000);

  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop();
  });

  it('runs every query of every dashboard without an error', async () => {
    for (const q of queries) await expect(promQuery(url, substituteVariables(q.expr)), `${q.dashboard} '${q.panel}' ${q.refId}`).resolves.toBeInstanceOf(Array);
  });

  it('keeps the same host and job in two clusters as two rows of the job table, in every column', async () => {
    const every = CLUSTERS.flatMap((c) => config.jobs.map((j) => `${c} ${hostname} ${j.name}`)).sort();
    for (const refId of ['A', 'B', 'C', 'D', 'E', 'F']) {
      const rows = await promQuery(url, query('ubm-overview', 'Backup jobs', refId));
      const keys = rows.map((r) => `${r.metric.cluster ?? '?'} ${r.metric.hostname ?? '?'} ${r.metric.backup_job ?? '?'}`).sort();
      // F (data added) is written by successful runs only: the job that failed in cluster a has none there, and still has it in b.
      expect(keys, refId).toEqual(refId === 'F' ? every.filter((k) => k !== `a ${hostname} ${failingJob}`) : every);
    }
    const status = await promQuery(url, query('ubm-overview', 'Backup jobs', 'A'));
    const of = (cluster: string): string | undefined => status.find((r) => r.metric.cluster === cluster && r.metric.backup_job === failingJob)?.value[1];
    expect([of('a'), of('b')]).toEqual(['0', '1']);
  });

  it('counts the job that failed in one cluster once', async () => {
    expect((await promQuery(url, query('ubm-overview', 'Failing jobs', 'A'))).map((r) => r.value[1])).toEqual(['1']);
  });

  it('shows the host once per cluster in the health table, each scraped and without silent jobs', async () => {
    for (const [refId, value] of [['E', '1'], ['F', '0']] as const) {
      const rows = await promQuery(url, query('ubm-overview', 'Monitoring health', refId));
      expect(rows.map((r) => `${r.metric.cluster ?? '?'} ${r.metric.hostname ?? '?'} ${r.value[1]}`).sort(), refId).toEqual(CLUSTERS.map((c) => `${c} ${hostname} ${value}`));
    }
  });
});
