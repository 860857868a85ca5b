/**
 * The generated rules: every alert complete (severity, summary, templated description, runbook),
 * every expression checked against the catalog, the rule set flat in the number of jobs, and no
 * secret in any output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText } from '../src/config/load.js';
import type { ResolvedConfig } from '../src/config/model.js';
import { validateExpr } from '../src/promql/validate.js';
import { allMetrics } from '../src/schema/catalog.js';
import { ALERT_NAMES, type AlertDef, alertDefs } from '../src/rules/alerts.js';
import { generateRuleFiles, RULE_FILES } from '../src/rules/files.js';
import { type AlertingRule, RuleGenerationError, buildGroups, ruleGroups } from '../src/rules/groups.js';
import { RECORDED_METRICS, recordDefs } from '../src/rules/records.js';
import { evaluateTemplate, humanizeDuration, renderGoTemplate } from '../src/rules/template.js';
import { REPO_ROOT } from './support/tools.js';

const example = loadConfig(undefined, REPO_ROOT).config;

function alerts(config: ResolvedConfig): AlertingRule[] {
  return ruleGroups(config).flatMap((g) => g.rules.filter((r): r is AlertingRule => 'alert' in r));
}

/** A config with `n` daily jobs spread over two repositories. */
function fleetConfig(n: number): ResolvedConfig {
  const jobs = Array.from({ length: n }, (_, i) => `    job-${String(i).padStart(4, '0')}: { repository: ${i % 2 === 0 ? 'nas' : 'offsite'}, frequency: ${['daily', 'hourly', 'weekly'][i % 3] ?? 'daily'}, tags: [class-${i % 7}] }`);
  return loadConfigText(`repositories: { nas: {}, offsite: {} }\nrestic:\n  jobs:\n${jobs.join('\n')}\n`, 'fleet.yaml');
}

/** GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped. */
function anchors(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => (m[1] ?? '').trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
}

describe('alert rules', () => {
  it('write every alert the kit defines, once', () => {
    expect(alerts(example).map((a) => a.alert).sort()).toEqual([...ALERT_NAMES].sort());
  });

  it.each([
    ['UnifiedBackupFailed', 'critical'],
    ['UnifiedBackupStale', 'high'],
    ['UnifiedBackupSlow', 'medium'],
    ['PostgresBackupVerificationFailed', 'high'],
    ['BackupMonitoringUnhealthy', 'high'],
  ])('keep the fixed severity of %s (%s)', (name, severity) => {
    expect(alerts(example).find((a) => a.alert === name)?.labels.severity).toBe(severity);
  });

  it.each(ALERT_NAMES.map((n) => [n]))('give %s a severity, a static summary, a templated description and a runbook that exists', (name) => {
    const rule = alerts(example).find((a) => a.alert === name);
    expect(rule).toBeDefined();
    expect(Object.keys(rule?.annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
    expect(rule?.annotations.summary).toMatch(/^[A-Z][^{}]*\.$/);
    expect(rule?.annotations.description).toContain('{{ $labels.hostname }}');
    const url = rule?.annotations.runbook_url ?? '';
    expect(url).toBe(`${example.alerting.runbookBaseUrl}#${name.toLowerCase()}`);
    expect(anchors(readFileSync(join(REPO_ROOT, 'docs', 'runbooks.md'), 'utf8'))).toContain(url.split('#')[1]);
  });

  it('map severities through ubm.severities', () => {
    const c = loadConfigText('ubm: { severities: { high: warning, medium: warning, critical: page } }\n', 'c.yaml');
    const severity = Object.fromEntries(alerts(c).map((a) => [a.alert, a.labels.severity]));
    expect(severity).toMatchObject({ UnifiedBackupFailed: 'page', UnifiedBackupStale: 'warning', UnifiedBackupSlow: 'warning', BackupMonitoringUnhealthy: 'warning' });
  });

  it("write the for: ubm.alerting.for gives (0s as 0s), and every other alert's default", () => {
    const c = loadConfigText('ubm: { alerting: { for: { UnifiedBackupFailed: 0s, UnifiedBackupSlow: 90, ResticVerificationStale: 1d12h } } }\n', 'c.yaml');
    const forOf = Object.fromEntries(alerts(c).map((a) => [a.alert, a.for]));
    expect(forOf).toMatchObject({ UnifiedBackupFailed: '0s', UnifiedBackupSlow: '1m30s', ResticVerificationStale: '1d12h', UnifiedBackupStale: '10m', UnifiedBackupNeverReported: '1d6h' });
    expect(alertDefs(c).find((a) => a.name === 'UnifiedBackupFailed')?.forSeconds).toBe(0);
  });

  it('are left out when alerting is off, recording rules stay', () => {
    const c = loadConfigText('monitoring: { alerting: { enable: false } }\n', 'c.yaml');
    expect(alerts(c)).toEqual([]);
    expect(ruleGroups(c).flatMap((g) => g.rules).map((r) => ('record' in r ? r.record : ''))).toEqual(RECORDED_METRICS.map((m) => m.name));
  });
});

describe('expressions', () => {
  it('select only catalog metrics and their labels, and parse', () => {
    for (const group of ruleGroups(example)) {
      for (const rule of group.rules) {
        const def = alertDefs(example).find((a) => 'alert' in rule && a.name === rule.alert);
        expect(validateExpr(rule.expr, { extraMetrics: RECORDED_METRICS, madeLabels: def?.madeLabels ?? [] }), 'alert' in rule ? rule.alert : rule.record).toEqual([]);
      }
    }
  });

  const good = alertDefs(example)[0] as AlertDef;
  it.each([
    ['a metric nothing writes', { ...good, name: 'UnifiedBackupFailed', expr: 'restic_backup_statuz == 0' }, /^rule UnifiedBackupFailed: metric 'restic_backup_statuz' is not in the catalog/],
    ['a label its metric does not have', { ...good, expr: 'restic_backup_status{stanza="main"} == 0' }, /^rule UnifiedBackupFailed: metric 'restic_backup_status' has no label 'stanza'/],
    ['a syntax error', { ...good, expr: 'min by (hostname (restic_backup_status) == 0' }, /^rule UnifiedBackupFailed: syntax error/],
    ['a description query on an unknown metric', { ...good, description: [{ id: 'exitCode', query: 'max(restic_backup_exit_kode{hostname=%q})', args: ['hostname'], format: 'integer' }] }, /^rule UnifiedBackupFailed \(description query exitCode\): metric 'restic_backup_exit_kode'/],
  ] as const)('fail generation, naming the rule, on %s', (_what, def, message) => {
    expect(() => buildGroups(example, recordDefs(example), [def as AlertDef])).toThrow(RuleGenerationError);
    expect(() => buildGroups(example, recordDefs(example), [def as AlertDef])).toThrow(message);
  });

  it('select 11 series of a backup job in its alerts and 10 in the recording rules, one sample each', () => {
    const names = new Set([...allMetrics.map((m) => m.name), ...RECORDED_METRICS.map((m) => m.name)]);
    const jobGroup = ruleGroups(example).find((g) => g.name === 'ubm-backup-jobs');
    const selectors = Object.fromEntries(
      (jobGroup?.rules ?? []).map((r) => ['alert' in r ? r.alert : r.record, [...r.expr.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].filter((m) => names.has(m[0])).length]),
    );
    expect(selectors).toEqual({
      'backup_job:ubm_stale_threshold_seconds:resolved': 3,
      'backup_job:ubm_slow_threshold_seconds:resolved': 5,
      'backup_job:ubm_shrink_ratio:resolved': 2,
      UnifiedBackupFailed: 1,
      UnifiedBackupStale: 3,
      UnifiedBackupSlow: 2,
      UnifiedBackupNeverReported: 2,
      UnifiedBackupUnexpectedJob: 1,
      UnifiedBackupSourceShrunk: 2,
    });
  });

  it('read no range of raw samples: no alert or recording rule has a range selector', () => {
    for (const rule of ruleGroups(example).flatMap((g) => g.rules)) expect(rule.expr).not.toMatch(/\[\d+[smhdw]\]/);
  });
});

describe('a fleet', () => {
  it('of 1,000 jobs gets exactly the rules of 5 jobs', () => {
    const five = ruleGroups(fleetConfig(5));
    const thousand = ruleGroups(fleetConfig(1000));
    expect(thousand.flatMap((g) => g.rules)).toHaveLength(five.flatMap((g) => g.rules).length);
    expect(thousand).toEqual(five);
  });
});

describe('generated files', () => {
  const ctx = { configName: 'backup.yaml', format: 'prometheus-operator' as const };

  it('are the same every time, start with the DO NOT EDIT header naming the config, and end with a newline', () => {
    const a = generateRuleFiles(example, ctx);
    const b = generateRuleFiles(example, ctx);
    expect([...a.keys()]).toEqual(Object.values(RULE_FILES));
    for (const [path, content] of a) {
      expect(content, path).toBe(b.get(path));
      expect(content.startsWith('# Generated by ubm generate from backup.yaml — DO NOT EDIT\n'), path).toBe(true);
      expect(content.endsWith('\n') && !content.endsWith('\n\n'), path).toBe(true);
      expect(content, path).not.toMatch(/\/work\/|\/tmp\/|20\d\d-\d\d-\d\d/);
    }
  });

  it('hold the rule groups in the PrometheusRule object too', () => {
    const files = generateRuleFiles(example, ctx);
    const rules = load(files.get(RULE_FILES.rules) ?? '') as { groups: unknown };
    const operator = load(files.get(RULE_FILES.operator) ?? '') as { apiVersion: string; kind: string; spec: { groups: unknown } };
    expect(operator).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
    expect(operator.spec.groups).toEqual(rules.groups);
  });

  it('never contain a repository URL, a credential or a secret file path', () => {
    const config = loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'credentials')).config;
    const all = [...generateRuleFiles(config, ctx).values()].join('\n');
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'correct-horse', 'backup-user', 's3.example.com', 'rest.example.com', 'hunter2', '/run/secrets', '/etc/restic', 'secret-archive']) {
      expect(all).not.toContain(secret);
    }
  });

  it('mute Stale, Slow and every NeverReported of a host while its monitoring is unhealthy, and Stale and Slow while the same job failed', () => {
    const inhibit = load(generateRuleFiles(example, ctx).get(RULE_FILES.inhibit) ?? '') as { inhibit_rules: unknown[] };
    expect(inhibit.inhibit_rules).toContainEqual({
      source_matchers: ['alertname="BackupMonitoringUnhealthy"'],
      target_matchers: [
        'alertname=~"UnifiedBackupStale|UnifiedBackupSlow|UnifiedBackupNeverReported|ResticVerificationNeverReported|ResticRestoreTestNeverReported|ResticMaintenanceNeverReported|PostgresBackupVerificationNeverReported|PostgresOffsiteBackupNeverReported|PgbackrestNeverReported"',
      ],
      equal: ['hostname'],
    });
    expect(inhibit.inhibit_rules).toContainEqual({
      source_matchers: ['alertname="UnifiedBackupFailed"'],
      target_matchers: ['alertname=~"UnifiedBackupStale|UnifiedBackupSlow"'],
      equal: ['hostname', 'backup_job', 'repository'],
    });
  });
});

describe('pgBackRest inhibit rules', () => {
  const inhibit = load(generateRuleFiles(example, { configName: 'backup.yaml', format: 'prometheus' }).get(RULE_FILES.inhibit) ?? '') as { inhibit_rules: Array<{ target_matchers: string[] }> };
  const sameRepository = ['hostname', 'stanza', 'repository'];

  it.each([
    ['a repository in error', 'PgbackrestStanzaError', 'alertname=~"PgbackrestBackupStale|PostgresOffsiteBackupFailed|PostgresOffsiteBackupStale"'],
    ['stuck WAL archiving', 'PgbackrestWalArchivingStuck', 'alertname="PgbackrestBackupStale"'],
    ['a failed offsite copy', 'PostgresOffsiteBackupFailed', 'alertname=~"PostgresOffsiteBackupStale|PgbackrestBackupStale"'],
  ])('mute the backups of the same repository going stale while it has %s', (_what, source, targets) => {
    expect(inhibit.inhibit_rules).toContainEqual({ source_matchers: [`alertname="${source}"`], target_matchers: [targets], equal: sameRepository });
  });

  it('never mute PgbackrestWalArchivingStuck: it is critical whatever its cause', () => {
    expect(inhibit.inhibit_rules.flatMap((r) => r.target_matchers).filter((m) => m.includes('PgbackrestWalArchivingStuck'))).toEqual([]);
  });
});

describe('annotation templates', () => {
  it.each([
    [0, '0s'],
    [1, '1s'],
    [12.5, '12.5s'],
    [59.99, '59.99s'],
    [60, '1m 0s'],
    [3725, '1h 2m 5s'],
    [108_000, '1d 6h 0m 0s'],
    [-90, '-1m 30s'],
    [0.25, '250ms'],
  ])("render %d seconds as Prometheus' humanizeDuration does: %s", (seconds, text) => {
    expect(humanizeDuration(seconds)).toBe(text);
  });

  it('render labels, values and queries into Go template syntax and evaluate them the same way', () => {
    const parts = ['Job ', { label: 'backup_job' }, ' took ', { value: 'duration' as const }, ' (', { query: 'max(x{a=%q})', args: ['backup_job'], format: 'decimal1' as const, prefix: 'x', otherwise: 'none' }, ').'];
    expect(renderGoTemplate(parts)).toBe(
      'Job {{ $labels.backup_job }} took {{ $value | humanizeDuration }} ({{ with query (printf "max(x{a=%q})" $labels.backup_job) }}x{{ . | first | value | printf "%.1f" }}{{ else }}none{{ end }}).',
    );
    expect(evaluateTemplate(parts, { labels: { backup_job: 'home' }, value: 3600, query: () => 2 })).toBe('Job home took 1h 0m 0s (x2.0).');
    expect(evaluateTemplate(parts, { labels: { backup_job: 'home' }, value: 3600 })).toBe('Job home took 1h 0m 0s (none).');
  });
});
