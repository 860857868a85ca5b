import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG } from '../src/config/example.js';
import { loadConfig } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/model.js';
import { renderPanelTables } from '../src/dashboards/docs.js';
import { type Json, dashboardModels, dashboardUid, generateDashboards, lintDashboard, panelQueries, substituteVariables } from '../src/dashboards/index.js';
import { validateExpr } from '../src/promql/validate.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

/** The built-in example config, resolved. */
function exampleConfig(): ResolvedConfig {
  return loadConfig(undefined, REPO_ROOT).config;
}

type JsonObject = { [key: string]: Json };

function obj(v: Json | undefined): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v;
}

function list(v: Json | undefined): Json[] {
  if (!Array.isArray(v)) throw new Error(`not an array: ${JSON.stringify(v)}`);
  return v;
}

function panelsOf(model: Json): JsonObject[] {
  return list(obj(model).panels).map(obj);
}

function panel(model: Json, title: string): JsonObject {
  const found = panelsOf(model).find((p) => p.title === title);
  if (found === undefined) throw new Error(`no panel '${title}'`);
  return found;
}

function model(config: ResolvedConfig, file: string): Json {
  const m = dashboardModels(config).get(file);
  if (m === undefined) throw new Error(`no dashboard ${file}`);
  return m;
}

const config = exampleConfig();
const files = generateDashboards(config);
const allQueries = [...dashboardModels(config).values()].flatMap(panelQueries);

describe('generated dashboards', () => {
  it('writes an overview, a job and a host dashboard under dashboards/, named after their UIDs', () => {
    expect([...files.keys()].sort()).toEqual(['dashboards/ubm-host.json', 'dashboards/ubm-job.json', 'dashboards/ubm-overview.json']);
  });

  it('writes no dashboard when monitoring.dashboards.enable is false, as the CLI does', () => {
    expect(generateDashboards({ ...config, monitoring: { ...config.monitoring, dashboardsEnabled: false } }).size).toBe(0);
  });

  it('renders the same bytes every time, with sorted keys and a trailing newline', () => {
    const again = generateDashboards(exampleConfig());
    for (const [path, content] of files) {
      expect(again.get(path)).toBe(content);
      expect(content.endsWith('}\n')).toBe(true);
      const keys = Object.keys(JSON.parse(content) as object);
      expect(keys).toEqual([...keys].sort());
    }
  });

  it('passes our own lint', () => {
    for (const m of dashboardModels(config).values()) expect(lintDashboard(m)).toEqual([]);
  });

  it.each([...files.keys()])('gives %s the datasource, hostname, repository and backup_job variables, multi-value with All', (file) => {
    const vars = list(obj(obj(model(config, basename(file))).templating).list).map(obj);
    expect(vars.map((v) => v.name)).toEqual(['datasource', 'hostname', 'repository', 'backup_job']);
    expect(vars[0]?.type).toBe('datasource');
    for (const v of vars.slice(1)) expect([v.type, v.multi, v.includeAll, v.allValue]).toEqual(['query', true, true, '.*']);
  });

  it('has a row per concern on the overview', () => {
    const rows = panelsOf(model(config, 'ubm-overview.json')).filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Restic backup jobs', 'PostgreSQL and pgBackRest', 'Verification and restore tests', 'Repository maintenance', 'Monitoring health']);
  });

  it('leaves out the PostgreSQL and verification rows when the config turns them off', () => {
    const off: ResolvedConfig = { ...config, postgres: { ...config.postgres, enabled: false }, verification: { ...config.verification, enabled: false } };
    const rows = panelsOf(model(off, 'ubm-overview.json')).filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Restic backup jobs', 'Repository maintenance', 'Monitoring health']);
  });

  it('links the job table rows to the job and host dashboards with their labels', () => {
    const overrides = list(obj(obj(panel(model(config, 'ubm-overview.json'), 'Backup jobs')).fieldConfig).overrides).map(obj);
    const linkOf = (field: string): string => {
      const o = overrides.find((x) => obj(x.matcher).options === field);
      const links = list(list(o?.properties).map(obj).find((p) => p.id === 'links')?.value);
      return String(obj(links[0]).url);
    };
    expect(linkOf('backup_job')).toBe(
      '/d/ubm-job/ubm-job?var-hostname=${__data.fields.hostname}&var-repository=${__data.fields.repository}&var-backup_job=${__data.fields.backup_job}&var-datasource=${datasource}&${__url_time_range}',
    );
    expect(linkOf('hostname')).toBe('/d/ubm-host/ubm-host?var-hostname=${__data.fields.hostname}&var-datasource=${datasource}&${__url_time_range}');
  });

  it('colours a job red when it fails, orange when stale and yellow when slow, at the config thresholds', () => {
    // Every job's multiplier 3.5 too: the dashboards colour at the config's smallest multiplier, as the rules' floor.
    const custom: ResolvedConfig = { ...config, jobs: config.jobs.map((j) => ({ ...j, slowMultiplier: 3.5 })), alerting: { ...config.alerting, slowBackupMultiplier: 3.5, dailyStaleSeconds: 48 * 3600 } };
    const table = panel(model(custom, 'ubm-overview.json'), 'Backup jobs');
    const overrides = list(obj(table.fieldConfig).overrides).map(obj);
    const stepsOf = (title: string): Json => {
      const o = overrides.find((x) => list(x.properties).map(obj).some((p) => p.id === 'displayName' && p.value === title));
      return obj(list(o?.properties).map(obj).find((p) => p.id === 'thresholds')?.value).steps ?? null;
    };
    expect(stepsOf('Status')).toEqual([{ color: 'red', value: null }, { color: 'green', value: 1 }]);
    expect(stepsOf('Age / stale threshold')).toEqual([{ color: 'green', value: null }, { color: 'orange', value: 1 }]);
    expect(stepsOf('Duration / baseline')).toEqual([{ color: 'green', value: null }, { color: 'yellow', value: 3.5 }]);
    // The stale ratio falls back to the interval plus its share of grace ((48 h - 24.5 h) / 24 h) and the default delay, then to the daily stale threshold (48 h).
    const ratio = list(table.targets).map(obj)[2]?.expr;
    expect(ratio).toContain('* 1.979167 + 1800 or ');
    expect(ratio).toContain('* 0 + 172800');
  });

  it('sets a unit on every panel and never uses a deprecated panel type', () => {
    for (const m of dashboardModels(config).values()) {
      for (const p of panelsOf(m).filter((x) => x.type !== 'row')) {
        expect(obj(obj(p.fieldConfig).defaults).unit, String(p.title)).toMatch(/./);
        expect(['graph', 'singlestat']).not.toContain(p.type);
      }
    }
  });

  it('holds no repository URL, secret file or path from the config', () => {
    const secrets: string[] = [];
    const collect = (v: unknown, key: string): void => {
      if (typeof v === 'string' && /url|file|path|dir/i.test(key)) secrets.push(v);
      else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) collect(x, k);
    };
    collect(EXAMPLE_CONFIG, '');
    expect(secrets.length).toBeGreaterThan(3);
    const all = [...files.values()].join('\n');
    for (const s of secrets) expect(all, s).not.toContain(s);
  });
});

describe('panel queries', () => {
  it('covers every panel of every dashboard with at least one query', () => {
    for (const m of dashboardModels(config).values()) {
      const titles = new Set(panelQueries(m).map((q) => q.panel));
      for (const p of panelsOf(m).filter((x) => x.type !== 'row')) expect(titles.has(String(p.title)), String(p.title)).toBe(true);
    }
  });

  it.each(allQueries.map((q) => [`${q.dashboard} '${q.panel}' ${q.refId}`, q.expr] as const))(
    'checks %s against the catalog with variables replaced',
    (_where, expr) => {
      expect(validateExpr(substituteVariables(expr))).toEqual([]);
    },
  );

  it('are valid for Prometheus: promtool accepts every one as a recording rule', () => {
    const dir = tempDir('dashboard-rules');
    const file = join(dir, 'queries.yml');
    const rules = allQueries.map((q, i) => ({ record: `ubm_dashboard_query:${i}`, expr: substituteVariables(q.expr) }));
    writeFileSync(file, dump({ groups: [{ name: 'dashboard-queries', rules }] }, { lineWidth: -1, noRefs: true }));
    const run = spawnSync(requireTool('promtool'), ['check', 'rules', file], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(run.status).toBe(0);
  });
});

describe('variable substitution', () => {
  it.each([
    ['a bare variable in a regex matcher', 'up{hostname=~"$hostname"}', 'up{hostname=~".*"}'],
    ['a braced variable', 'up{backup_job=~"${backup_job}"}', 'up{backup_job=~".*"}'],
    ['the range macro', 'last_over_time(up[$__range])', 'last_over_time(up[1h])'],
    ['the rate-interval macro', 'rate(up[$__rate_interval])', 'rate(up[4m])'],
    ['an expression without variables', 'vector(0)', 'vector(0)'],
  ])('replaces %s', (_case, expr, expected) => {
    expect(substituteVariables(expr)).toBe(expected);
  });

  it('refuses a macro it has no stand-in for', () => {
    expect(() => substituteVariables('up[$__unknown_macro]')).toThrow(/\$__unknown_macro/);
  });
});

describe('dashboard UIDs', () => {
  it.each([
    ['overview', 'ubm-overview'],
    ['Job', 'ubm-job'],
    ['Per host: details', 'ubm-per-host-details'],
    ['a very long dashboard name that goes on and on and on', 'ubm-a-very-long-dashboard-name-that-goes'],
  ])('derives a stable UID from the name %s', (name, uid) => {
    expect(dashboardUid(name)).toBe(uid);
    expect(uid.length).toBeLessThanOrEqual(40);
  });

  it('refuses a name without letters or digits', () => {
    expect(() => dashboardUid('***')).toThrow(/no letters or digits/);
  });
});

describe('the repository', () => {
  it.each([...files.entries()])('keeps dashboards/%s up to date (regenerate with `vitest -u`)', async (path, content) => {
    await expect(content).toMatchFileSnapshot(join(REPO_ROOT, path));
  });

  it('holds no stray file in dashboards/', () => {
    expect(readdirSync(join(REPO_ROOT, 'dashboards')).map((f) => `dashboards/${f}`).sort()).toEqual([...files.keys()].sort());
  });

  it('describes every panel in docs/dashboards.md, as the dashboards hold them', () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'dashboards.md'), 'utf8');
    const section = /<!-- panels:begin -->\n([\s\S]*?)\n<!-- panels:end -->/.exec(docs)?.[1];
    expect(section).toBe(renderPanelTables(config));
  });
});
