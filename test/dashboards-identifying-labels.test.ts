/**
 * Identifying labels (`ubm.labels.identifying`) in the dashboards: a variable per label ahead of the
 * host's, every query filtered by it and keyed by it, a table column, legends and drill-down links
 * that carry it; without the knob the dashboards are what they were (the goldens of dashboards.test.ts).
 * The live check of two clusters with one hostname is in dashboards-identifying-live.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { type Json, dashboardModels, formatFinding, generateDashboards, lintDashboard, panelQueries } from '../src/dashboards/index.js';
import { REPO_ROOT } from './support/tools.js';

const config = loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'identifying-labels')).config;
const models = [...dashboardModels(config).entries()];
const queries = models.flatMap(([, m]) => panelQueries(m));

/** The parts of the dashboard JSON these tests read. */
interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query?: unknown;
  readonly multi?: boolean;
  readonly includeAll?: boolean;
}
interface Override {
  readonly matcher: { readonly id: string; readonly options: string };
  readonly properties: ReadonlyArray<{ readonly id: string; readonly value: unknown }>;
}
interface PanelJson {
  readonly type: string;
  readonly title: string;
  readonly targets?: ReadonlyArray<{ readonly expr: string; readonly legendFormat?: string }>;
  readonly fieldConfig?: { readonly overrides?: readonly Override[] };
  readonly transformations?: ReadonlyArray<{ readonly id: string; readonly options: { readonly indexByName?: Readonly<Record<string, number>> } }>;
}
interface DashboardJson {
  readonly uid: string;
  readonly templating: { readonly list: readonly Variable[] };
  readonly panels: readonly PanelJson[];
}

function view(model: Json): DashboardJson {
  return model as unknown as DashboardJson;
}

const dashboards = models.map(([, m]) => view(m));
const tables = dashboards.flatMap((d) => d.panels.filter((p) => p.type === 'table').map((p) => ({ uid: d.uid, panel: p })));

describe('identifying labels in the dashboards', () => {
  it('lead every by and on list of every query that aggregates or joins', () => {
    let clauses = 0;
    for (const q of queries) {
      for (const [clause, , labels] of q.expr.matchAll(/\b(by|on) \(([^)]*)\)/g)) {
        expect(labels?.split(', ')[0], `${q.dashboard} '${q.panel}' ${q.refId}: ${clause}`).toBe('cluster');
        clauses++;
      }
    }
    expect(clauses).toBeGreaterThan(100);
  });

  it('filter every selector that follows the host variable by the cluster variable', () => {
    for (const q of queries) {
      const hosts = q.expr.match(/hostname=~"\$hostname"/g)?.length ?? 0;
      const clusters = q.expr.match(/cluster=~"\$cluster"/g)?.length ?? 0;
      expect(hosts, `${q.dashboard} '${q.panel}' ${q.refId}`).toBeGreaterThan(0);
      expect(clusters, `${q.dashboard} '${q.panel}' ${q.refId}`).toBe(hosts);
    }
  });

  it('have a multi-value variable with All ahead of the host variable, which follows it', () => {
    for (const d of dashboards) {
      const names = d.templating.list.map((v) => v.name);
      expect(names, d.uid).toEqual(['datasource', 'cluster', 'hostname', 'repository', 'backup_job']);
      const cluster = d.templating.list.find((v) => v.name === 'cluster');
      expect(cluster, d.uid).toMatchObject({ type: 'query', multi: true, includeAll: true });
      expect(JSON.stringify(cluster?.query)).toContain(', cluster)');
      for (const v of d.templating.list.filter((x) => ['hostname', 'repository', 'backup_job'].includes(x.name))) {
        expect(JSON.stringify(v.query), `${d.uid} ${v.name}`).toContain('cluster=~\\"$cluster\\"');
      }
    }
  });

  it('are the first column of every table', () => {
    expect(tables.length).toBeGreaterThan(5);
    for (const { uid, panel } of tables) {
      const order = panel.transformations?.find((t) => t.id === 'organize')?.options.indexByName ?? {};
      expect(order.cluster, `${uid} '${panel.title}'`).toBe(0);
      const column = panel.fieldConfig?.overrides?.find((o) => o.matcher.options === 'cluster');
      expect(column?.properties, `${uid} '${panel.title}'`).toContainEqual({ id: 'displayName', value: 'cluster' });
    }
  });

  it('travel with every drill-down link of the tables', () => {
    const urls = tables.flatMap(({ panel }) =>
      (panel.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.filter((p) => p.id === 'links').flatMap((p) => (p.value as Array<{ url: string }>).map((l) => l.url))),
    );
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).toContain('var-cluster=${__data.fields.cluster}&var-hostname=${__data.fields.hostname}');
  });

  it('lead every legend that names the host', () => {
    const legends = dashboards.flatMap((d) => d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.legendFormat ?? '')));
    const withHost = legends.filter((l) => l.includes('{{hostname}}'));
    expect(withHost.length).toBeGreaterThan(5);
    for (const l of withHost) expect(l).toMatch(/^\{\{cluster\}\} \{\{hostname\}\}/);
  });

  it('pass the lint that knows them, and fail the lint that does not', () => {
    for (const [name, m] of models) expect(lintDashboard(m, { identifyingLabels: ['cluster'] }).map(formatFinding), name).toEqual([]);
    const blind = models.flatMap(([, m]) => lintDashboard(m));
    expect(blind.length).toBeGreaterThan(0);
    expect(blind.every((f) => f.check === 'target-promql' && f.message.includes("'cluster'"))).toBe(true);
  });

  it('leave the dashboards of a config without them free of any identifying label', () => {
    const plain = generateDashboards({ ...config, labels: { identifying: [] } });
    expect(plain.size).toBe(3);
    for (const json of plain.values()) expect(json).not.toContain('cluster');
  });

  it('are never named datasource, the name of the data source variable', () => {
    expect(() => loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'bad', 'identifying-label-datasource'))).toThrow(/'datasource' is a label ubm, the scrape, the dashboards or Alertmanager already use/);
  });
});
