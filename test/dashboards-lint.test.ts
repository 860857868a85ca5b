import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Json, LINT_CHECKS, formatFinding, lintDashboard } from '../src/dashboards/index.js';
import { REPO_ROOT } from './support/tools.js';

/** Loose view of the fixture for mutating it (it is plain JSON). */
interface Fixture {
  title?: string;
  uid?: string;
  templating: { list: Array<{ name: string; type: string }> };
  panels: Array<{
    id?: number;
    type?: string;
    title?: string;
    datasource?: { type?: string; uid?: string };
    gridPos?: { x: number; y: number; w: number; h: number };
    fieldConfig?: { defaults: { unit?: string }; overrides: unknown[] };
    targets?: Array<{ refId?: string; expr?: string; datasource?: { uid?: string } }>;
  }>;
}

/** A small, good dashboard in Grafana's JSON, written by hand (not by our generator). */
function good(): Fixture {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures', 'dashboards', 'lint', 'good', 'dashboard.json'), 'utf8')) as Fixture;
}

function asJson(f: Fixture): Json {
  return JSON.parse(JSON.stringify(f)) as Json;
}

/** The fixture's panels: [row, stat, table]. */
function stat(f: Fixture): Fixture['panels'][number] {
  const p = f.panels[1];
  if (p === undefined) throw new Error('fixture lacks its stat panel');
  return p;
}

function table(f: Fixture): Fixture['panels'][number] {
  const p = f.panels[2];
  if (p === undefined) throw new Error('fixture lacks its table panel');
  return p;
}

function firstTarget(p: Fixture['panels'][number]): NonNullable<Fixture['panels'][number]['targets']>[number] {
  const t = p.targets?.[0];
  if (t === undefined) throw new Error('panel has no target');
  return t;
}

const cases: ReadonlyArray<readonly [string, string, (f: Fixture) => void]> = [
  ['a missing title', 'dashboard-title', (f) => { delete f.title; }],
  ['a blank title', 'dashboard-title', (f) => { f.title = '   '; }],
  ['a missing uid', 'dashboard-uid', (f) => { delete f.uid; }],
  ['a uid longer than 40 characters', 'dashboard-uid', (f) => { f.uid = 'u'.repeat(41); }],
  ['a uid with a slash', 'dashboard-uid', (f) => { f.uid = 'ubm/overview'; }],
  ['no datasource variable', 'target-datasource', (f) => { f.templating.list = f.templating.list.filter((v) => v.type !== 'datasource'); }],
  ['a target with a fixed datasource', 'target-datasource', (f) => { firstTarget(stat(f)).datasource = { uid: 'prometheus-1' }; }],
  ['a target without a datasource', 'target-datasource', (f) => { delete firstTarget(table(f)).datasource; }],
  ['a panel with a fixed datasource', 'target-datasource', (f) => { stat(f).datasource = { type: 'prometheus', uid: 'prometheus-1' }; }],
  ['a panel without a unit', 'panel-unit', (f) => { stat(f).fieldConfig = { defaults: {}, overrides: [] }; }],
  ['a table value column without a unit', 'panel-unit', (f) => { table(f).fieldConfig = { defaults: { unit: 'none' }, overrides: [] }; }],
  ['a graph panel', 'panel-type', (f) => { stat(f).type = 'graph'; }],
  ['a singlestat panel', 'panel-type', (f) => { stat(f).type = 'singlestat'; }],
  ['a panel without a type', 'panel-type', (f) => { delete stat(f).type; }],
  ['two panels with one id', 'panel-id', (f) => { table(f).id = 2; }],
  ['a panel without an id', 'panel-id', (f) => { delete table(f).id; }],
  ['overlapping panels', 'grid-layout', (f) => { table(f).gridPos = { x: 6, y: 1, w: 12, h: 4 }; }],
  ['a panel past the 24th column', 'grid-layout', (f) => { table(f).gridPos = { x: 12, y: 1, w: 13, h: 4 }; }],
  ['a panel without a gridPos', 'grid-layout', (f) => { delete table(f).gridPos; }],
  ['a target without a refId', 'target-refid', (f) => { delete firstTarget(stat(f)).refId; }],
  ['two targets with one refId', 'target-refid', (f) => { stat(f).targets?.push({ ...firstTarget(stat(f)) }); }],
  ['a query with a syntax error', 'target-promql', (f) => { firstTarget(stat(f)).expr = 'max by (hostname) (backup_monitoring_healthy{'; }],
  ['a query of a metric nothing writes', 'target-promql', (f) => { firstTarget(stat(f)).expr = 'backup_monitoring_healty'; }],
  ['a query grouping by a label its metric lacks', 'target-promql', (f) => { firstTarget(stat(f)).expr = 'max by (backup_job) (backup_monitoring_healthy)'; }],
  ['a query with a macro that has no stand-in', 'target-promql', (f) => { firstTarget(table(f)).expr = 'max_over_time(backup_monitoring_healthy[$__unknown])'; }],
  ['a panel without a query', 'target-promql', (f) => { stat(f).targets = []; }],
];

describe('the dashboard lint', () => {
  it('passes a good dashboard written by hand', () => {
    expect(lintDashboard(asJson(good()))).toEqual([]);
  });

  it.each(cases)('fails %s with check %s, and only that check', (_case, check, mutate) => {
    const f = good();
    mutate(f);
    const findings = lintDashboard(asJson(f));
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((x) => x.check))).toEqual(new Set([check]));
  });

  it('has a failing case for every check', () => {
    expect(new Set(cases.map(([, check]) => check))).toEqual(new Set(LINT_CHECKS.map((c) => c.id)));
  });

  it('names the dashboard, the panel and the check in one line', () => {
    const f = good();
    stat(f).type = 'graph';
    expect(lintDashboard(asJson(f)).map(formatFinding)).toEqual(["ubm-lint-fixture: panel 2 'Self-check': panel type 'graph' is deprecated or missing [panel-type]"]);
  });

  it('survives input that is not a dashboard at all', () => {
    for (const junk of [null, 42, 'text', [], { panels: 'x', templating: 7 }] as Json[]) {
      expect(lintDashboard(junk).map((x) => x.check)).toEqual(expect.arrayContaining(['dashboard-title', 'dashboard-uid', 'target-datasource']));
    }
  });
});
