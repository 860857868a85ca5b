/**
 * Every panel query of every dashboard against a real Prometheus scraping a real node_exporter
 * that reads textfiles written by `ubm emit` (and `ubm pgbackrest`, `ubm locks`, `ubm health`) for every job,
 * repository, stanza and host of the built-in example config.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG } from '../src/config/example.js';
import { loadConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/model.js';
import { dashboardModels, panelQueries, substituteVariables } from '../src/dashboards/index.js';
import { failingJobOf, writeDashboardData } from './support/dashboard-data.js';
import { type Server, promQuery, startNodeExporter, startPrometheus, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const config: ResolvedConfig = loadConfig(undefined, REPO_ROOT).config;
const queries = [...dashboardModels(config).values()].flatMap(panelQueries);
/** The one job whose last run the test records as failed, so that "Failing jobs" has something to count. */
const failingJob = failingJobOf(config);

describe('dashboards against a live Prometheus', () => {
  let nodeExporter: Server | undefined;
  let prometheus: Server | undefined;

  beforeAll(async () => {
    const dir = tempDir('dashboards-textfiles');
    const configFile = join(tempDir('dashboards-config'), 'example.yaml');
    writeFileSync(configFile, dump(EXAMPLE_CONFIG, { lineWidth: -1, noRefs: true }));
    await writeDashboardData(config, dir, configFile);
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
