import { describe, expect, it } from 'vitest';
import { allMetrics, metrics } from '../src/schema/catalog.js';
import { JOB_LABELS, by, num, on, quote, range, sel } from '../src/promql/selector.js';
import { PER_JOB_FORM, rawSeriesForm, slowThresholdExpr, staleThresholdExpr } from '../src/promql/thresholds.js';
import { validateExpr } from '../src/promql/validate.js';

describe('selectors built from the catalog', () => {
  it.each([
    ['a bare metric', sel(metrics.resticBackupStatus), 'restic_backup_status'],
    ['matchers in sorted label order', sel(metrics.resticBackupStatus, { repository: 'r', hostname: { re: '$hostname' } }), 'restic_backup_status{hostname=~"$hostname", repository="r"}'],
    ['negative matchers', sel(metrics.resticBackupStatus, { backup_job: { ne: 'a' }, hostname: { nre: 'b.*' } }), 'restic_backup_status{backup_job!="a", hostname!~"b.*"}'],
    ['a range selector', range(metrics.resticBackupDurationSeconds, '1h'), 'restic_backup_duration_seconds[1h]'],
    ['grouping clauses', `${by(JOB_LABELS)} ${on(['hostname'])}`, 'by (hostname, backup_job, repository) on (hostname)'],
  ])('renders %s', (_case, rendered, expected) => {
    expect(rendered).toBe(expected);
  });

  it.each([
    [108_000, '108000'],
    [1.25, '1.25'],
    [25 / 24, '1.041667'],
    [0.1 + 0.2, '0.3'],
  ])('writes the number %s as %s', (n, expected) => {
    expect(num(n)).toBe(expected);
  });

  it('escapes quotes, backslashes and newlines in matcher values', () => {
    expect(quote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('refuses a matcher on a label the metric does not have', () => {
    expect(() => sel(metrics.backupMonitoringHealthy, { backup_job: 'x' })).toThrow(/does not have/);
  });
});

describe('expression validation against the catalog', () => {
  it.each([
    ['a catalog metric with its own labels', 'max by (hostname) (restic_backup_status{backup_job="a"}) == 0'],
    ['external metrics', 'up{job="node"} == 0 or node_textfile_scrape_error == 1'],
    ['functions and offsets', 'time() - max_over_time(restic_backup_last_success_timestamp[1h] offset 5m)'],
    ['ALERTS with its labels', 'count(ALERTS{alertstate="firing", alertname=~"Unified.*"})'],
  ])('accepts %s', (_case, expr) => {
    expect(validateExpr(expr)).toEqual([]);
  });

  it.each([
    ['a syntax error', 'restic_backup_status{', /syntax error/],
    ['a metric nothing writes', 'restic_backup_sttus == 0', /metric 'restic_backup_sttus' is not in the catalog/],
    ['a label the metric lacks', 'backup_monitoring_healthy{backup_job="x"}', /has no label 'backup_job'/],
    ['grouping by a label no metric has', 'max by (stanza) (restic_backup_status)', /groups by label 'stanza'/],
    ['a selector without a metric name', '{hostname="a"}', /has no metric name/],
  ])('rejects %s', (_case, expr, problem) => {
    expect(validateExpr(expr).join('\n')).toMatch(problem);
  });

  it('accepts a recording rule passed in as an extra metric', () => {
    const recorded = { name: 'backup_job:restic_backup_stale_threshold_seconds', labels: [...JOB_LABELS] };
    expect(validateExpr(`${recorded.name} > 0`)).not.toEqual([]);
    expect(validateExpr(`${recorded.name} > 0`, { extraMetrics: [recorded] })).toEqual([]);
  });
});

/** The catalog metrics an expression reads, in the order it reads them. */
function metricsRead(expr: string): string[] {
  return [...expr.matchAll(/[a-z_:]+/g)].map((m) => m[0]).filter((name) => allMetrics.some((d) => d.name === name));
}

describe('per-job thresholds shared by the recording rules and the dashboards', () => {
  const filter = { hostname: { re: '$hostname' } };
  const builders = [
    ['the stale threshold', (form: typeof PER_JOB_FORM) => staleThresholdExpr(form, 25 * 3600)],
    ['the slow threshold', (form: typeof PER_JOB_FORM) => slowThresholdExpr(form, 2.5, 4)],
  ] as const;

  it.each(builders)('reads the same metrics in the same order for %s, aggregated per job or raw', (_case, build) => {
    const perJob = build(PER_JOB_FORM);
    const raw = build(rawSeriesForm(filter));
    expect(metricsRead(perJob).length).toBeGreaterThan(1);
    expect(metricsRead(raw)).toEqual(metricsRead(perJob));
  });

  it.each(builders)('builds valid PromQL for %s in both forms', (_case, build) => {
    expect(validateExpr(build(PER_JOB_FORM))).toEqual([]);
    expect(validateExpr(build(rawSeriesForm(filter)).replace('$hostname', '.*'))).toEqual([]);
  });

  it('writes the config numbers into both forms alike: the grace factor, the default randomized delay and the daily stale threshold', () => {
    for (const expr of [staleThresholdExpr(PER_JOB_FORM, 25 * 3600), staleThresholdExpr(rawSeriesForm(filter), 25 * 3600)]) {
      // 25 h daily leaves (25 h - 24 h - 30 min) / 24 h = 2.08 % of the interval as grace, plus the 30-minute delay.
      expect(expr).toContain(' * 1.020833 + 1800');
      expect(expr).toMatch(/ 90000$/);
    }
  });

  it('writes the config numbers into both forms alike: the slow multiplier and the minimum of baseline runs', () => {
    for (const expr of [slowThresholdExpr(PER_JOB_FORM, 2.5, 4), slowThresholdExpr(rawSeriesForm(filter), 2.5, 4)]) {
      // The largest of the spread factor, the health multiplier and the floor, times the baseline.
      expect(expr).toMatch(/, 2\.5\)\s\* on \(hostname, backup_job, repository\) /);
      expect(expr).toMatch(/restic_backup_duration_baseline_runs\S* >= 4$/);
    }
  });

  it('puts one fallback a line in rule files and keeps panel queries on one line', () => {
    expect(staleThresholdExpr(PER_JOB_FORM, 30 * 3600).split('\n')).toHaveLength(5);
    expect(staleThresholdExpr(rawSeriesForm(filter), 30 * 3600)).not.toContain('\n');
  });
});
