/**
 * Identifying labels (`ubm.labels.identifying`): they lead every aggregation, join, alert label list,
 * description query and inhibit `equal` of the generated rules; without them the output is unchanged.
 * The promtool run of the two-cluster scenario is in rules-promtool.test.ts.
 */
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { validateExpr } from '../src/promql/validate.js';
import { RULE_FILES, generateRuleFiles } from '../src/rules/files.js';
import { REPO_ROOT } from './support/tools.js';

const config = loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'identifying-labels')).config;
const files = generateRuleFiles(config, { configName: 'identifying-labels', format: 'prometheus' });

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

const rules = (load(files.get(RULE_FILES.rules) ?? '') as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

describe('identifying labels', () => {
  it('lead every by and on clause of every rule', () => {
    for (const rule of rules) {
      const clauses = [...rule.expr.matchAll(/\b(by|on) \(([^)]*)\)/g)];
      expect(clauses.length, rule.alert ?? rule.record).toBeGreaterThan(0);
      for (const [clause, , labels] of clauses) expect(labels?.split(', ')[0], `${rule.alert ?? rule.record}: ${clause}`).toBe('cluster');
    }
  });

  it("match every description query on the alert's cluster", () => {
    let queries = 0;
    for (const rule of rules.filter((r) => r.alert !== undefined)) {
      for (const [query] of (rule.annotations?.description ?? '').matchAll(/query \(printf (.*?)\) \}\}/g)) {
        expect(query, rule.alert).toContain('cluster=%q');
        expect(query, rule.alert).toContain('$labels.cluster');
        queries++;
      }
    }
    expect(queries).toBeGreaterThan(10);
  });

  it('lead the equal list of every inhibit rule', () => {
    const inhibit = load(files.get(RULE_FILES.inhibit) ?? '') as { inhibit_rules: Array<{ equal: string[] }> };
    expect(inhibit.inhibit_rules.length).toBeGreaterThan(0);
    for (const r of inhibit.inhibit_rules) expect(r.equal[0]).toBe('cluster');
  });

  it('are on every input series and every expected alert of the generated tests', () => {
    for (const path of [RULE_FILES.tests, RULE_FILES.days]) {
      const tests = (load(files.get(path) ?? '') as { tests: Array<{ input_series: Array<{ series: string }>; alert_rule_test?: Array<{ exp_alerts: Array<{ exp_labels: Record<string, string> }> }> }> }).tests;
      for (const t of tests) {
        for (const s of t.input_series) expect(s.series).toMatch(/cluster="[ab]"/);
        for (const a of (t.alert_rule_test ?? []).flatMap((x) => x.exp_alerts)) expect(a.exp_labels.cluster).toMatch(/^[ab]$/);
      }
    }
  });

  it('are grouped by only when the config names them: the validator rejects an unknown label otherwise', () => {
    const expr = 'max by (cluster, hostname) (backup_monitoring_healthy{cluster="a"})';
    expect(validateExpr(expr)).toEqual(["metric 'backup_monitoring_healthy' has no label 'cluster'", "groups by label 'cluster', which no selected metric has"]);
    expect(validateExpr(expr, { identifyingLabels: ['cluster'] })).toEqual([]);
  });

  it('leave the rules, tests and inhibit rules of a config without them unchanged', () => {
    const plain = { ...config, labels: { identifying: [] } };
    const withoutKnob = loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'overrides')).config;
    expect(generateRuleFiles(plain, { configName: 'x', format: 'prometheus' }).get(RULE_FILES.rules)).not.toContain('cluster');
    expect([...generateRuleFiles(withoutKnob, { configName: 'x', format: 'prometheus' }).values()].join('')).not.toContain('cluster');
  });
});
