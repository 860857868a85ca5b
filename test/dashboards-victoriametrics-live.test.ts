/**
 * Every panel query of every dashboard against VictoriaMetrics' Prometheus-compatible API, live:
 * a single-node VictoriaMetrics and a Prometheus both scrape one node_exporter that reads the
 * textfiles of every job, repository, stanza and host of the built-in example config (the data of
 * test/dashboards-live.test.ts). Each query must answer the same series in both.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG } from '../src/config/example.js';
import { loadConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/model.js';
import { dashboardModels, panelQueries, substituteVariables } from '../src/dashboards/index.js';
import { sel } from '../src/promql/selector.js';
import { metrics } from '../src/schema/catalog.js';
import { writeDashboardData } from './support/dashboard-data.js';
import { type Server, promQuery, startNodeExporter, startPrometheus, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';
import { startVictoriaMetrics } from './support/victoriametrics.js';

const config: ResolvedConfig = loadConfig(undefined, REPO_ROOT).config;
const queries = [...dashboardModels(config).values()].flatMap(panelQueries);

/** A query's answer as comparable label sets (values move with time; which series answer does not). */
function series(result: ReadonlyArray<{ metric: Record<string, string> }>): string[] {
  return result.map((r) => JSON.stringify(Object.entries(r.metric).sort(([x], [y]) => (x < y ? -1 : 1)))).sort();
}

describe('dashboards against a live VictoriaMetrics', () => {
  const started: Server[] = [];
  const urls = { prometheus: '', victoriametrics: '' };

  beforeAll(async () => {
    for (const tool of ['prometheus', 'prometheus-node-exporter', 'victoria-metrics', 'restic']) requireTool(tool);
    const dir = tempDir('dashboards-vm-textfiles');
    const configFile = join(tempDir('dashboards-vm-config'), 'example.yaml');
    writeFileSync(configFile, dump(EXAMPLE_CONFIG, { lineWidth: -1, noRefs: true }));
    await writeDashboardData(config, dir, configFile);
    const node = await startNodeExporter(dir);
    started.push(node);
    const scrapeConfigs = [{ job_name: config.alerting.nodeExporterJob, static_configs: [{ targets: [`127.0.0.1:${node.port}`] }] }];
    const prometheus = await startPrometheus(dump({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: scrapeConfigs }));
    started.push(prometheus);
    urls.prometheus = prometheus.url;
    const vm = await startVictoriaMetrics(dump({ global: { scrape_interval: '1s' }, scrape_configs: scrapeConfigs }));
    started.push(vm);
    urls.victoriametrics = vm.url;
    // node_exporter serves every file in one scrape: once the jobs are in both, everything is.
    const jobSeries = String(config.jobs.length * config.hostnames.length);
    for (const url of Object.values(urls)) {
      await waitFor(`${jobSeries} backup jobs in ${url}`, async () =>
        (await promQuery(url, `count(${sel(metrics.resticBackupStatus, {})})`))[0]?.value[1] === jobSeries ? true : undefined,
      30_000, 200);
    }
    // A few scrapes more, so that queries over a short range have more than one sample in both.
    await new Promise((r) => setTimeout(r, 3_000));
  }, 120_000);

  afterAll(async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
  });

  it.each(queries.map((q) => [`${q.dashboard} '${q.panel}' ${q.refId}`, q.expr] as const))('%s answers the series Prometheus answers', async (_where, expr) => {
    const query = substituteVariables(expr);
    const fromPrometheus = await promQuery(urls.prometheus, query);
    const fromVictoria = await promQuery(urls.victoriametrics, query);
    expect(fromPrometheus.length, `no data from Prometheus for ${query}`).toBeGreaterThan(0);
    expect(series(fromVictoria), query).toEqual(series(fromPrometheus));
  });
});
