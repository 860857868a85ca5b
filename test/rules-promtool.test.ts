/**
 * The generated rules and tests under the real tools: promtool accepts the rules and passes every
 * generated test; the tests fail when a rule drifts from its threshold; amtool accepts the inhibit
 * rules, and a real Alertmanager mutes what they say.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalAlertmanagerConfig } from '../src/cli/check.js';
import { loadConfig } from '../src/config/load.js';
import { RULE_FILES, generateRuleFiles } from '../src/rules/files.js';
import { alertmanagerAlerts, startAlertmanager } from './support/alertmanager.js';
import { runProcess } from './support/processes.js';
import type { Server } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const promtool = requireTool('promtool');
const amtool = requireTool('amtool');

/** Writes a config's generated rule files into a fresh directory; returns its rules/ directory. */
function generateInto(files: ReadonlyMap<string, string>, replace: Readonly<Record<string, (s: string) => string>> = {}): string {
  const dir = tempDir('rules');
  mkdirSync(join(dir, 'rules'));
  for (const [path, content] of files) writeFileSync(join(dir, path), (replace[path] ?? ((s: string) => s))(content));
  return join(dir, 'rules');
}

function base(path: string): string {
  return path.slice('rules/'.length);
}

const example = generateRuleFiles(loadConfig(undefined, REPO_ROOT).config, { configName: 'example', format: 'prometheus' });
const overrides = generateRuleFiles(loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'overrides')).config, { configName: 'overrides', format: 'prometheus' });
const staleHours25 = generateRuleFiles(loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'stale-hours-25')).config, { configName: 'stale-hours-25', format: 'prometheus' });
const alertFor = generateRuleFiles(loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'alert-for')).config, { configName: 'alert-for', format: 'prometheus' });
const identifyingLabels = generateRuleFiles(loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'identifying-labels')).config, { configName: 'identifying-labels', format: 'prometheus' });

/** The test file with only the tests whose name contains `filter` (promtool then evaluates only those). */
function onlyTests(testFile: string, filter: string): string {
  const parsed = load(testFile) as { tests: Array<{ name: string }> };
  const tests = parsed.tests.filter((t) => t.name.includes(filter));
  if (tests.length === 0) throw new Error(`no generated test matches '${filter}'`);
  return dump({ ...parsed, tests }, { lineWidth: -1, noRefs: true });
}

describe('promtool', () => {
  // Concurrent: each runs two promtools for seconds; the configs share the machine's cores.
  it.concurrent.each([
    ['the built-in example', example],
    ['a config with overrides, mapped severities and another runbook URL', overrides],
    ['a config whose backupStaleHours (25) makes a scale that is not a short decimal', staleHours25],
    ['a config that replaces for: durations (0s, 90s, 15m, 6h, 6h10m, 1d) through ubm.alerting.for', alertFor],
    ['a config whose identifying label (cluster) keeps two clusters with the same hostname apart', identifyingLabels],
  ])('accepts the rules of %s without a lint warning and passes all their generated tests', async (_name, files) => {
    const dir = generateInto(files);
    const checked = spawnSync(promtool, ['check', 'rules', base(RULE_FILES.rules)], { cwd: dir, encoding: 'utf8' });
    expect(checked.stdout + checked.stderr).toContain('SUCCESS');
    expect(checked.status).toBe(0);
    const runs = await Promise.all([RULE_FILES.tests, RULE_FILES.days].map((t) => runProcess(promtool, ['test', 'rules', join(dir, base(t))])));
    for (const r of runs) {
      expect(r.stdout + r.stderr).toContain('SUCCESS');
      expect(r.code).toBe(0);
    }
    // Eight promtools share two cores (and the other suites): about 20 s of CPU per config here.
  }, 300_000);

  it('finds every scenario the issue names among the generated tests', () => {
    const text = `${example.get(RULE_FILES.tests) ?? ''}${example.get(RULE_FILES.days) ?? ''}`;
    for (const name of [
      'A job that keeps failing still goes stale after its threshold',
      'A job that stopped running goes stale',
      'A job that never succeeded goes stale',
      'A configured job that never reported alerts',
      'A backup of an empty mount point raises UnifiedBackupSourceShrunk',
      '30 days of a daily schedule with a 30-minute random delay and normal durations raise nothing',
      'A Prometheus restart gap raises nothing false',
    ]) {
      expect(text).toContain(`name: ${name}\n`);
    }
    // Issue 10's findings: names with a colon or an apostrophe are quoted in the YAML.
    for (const name of [
      'A day of an hourly schedule with a 30-minute random delay raises nothing (its longest normal gap is 90 minutes)',
      'A 3x slow run after three full backups at 20x is caught once the baseline has its minimum of incremental runs',
      "A job that stays 3x slower keeps UnifiedBackupSlow firing run after run, with each run's own duration",
      "A noisy job's run at 2.5 times its baseline raises no UnifiedBackupSlow: its own spread allows it",
      'A failure stays one firing alert through a 2-hour node_exporter outage: never pending again, so never notified twice',
      'ResticVerificationNeverReported is quiet just before its threshold',
      'ResticRestoreTestNeverReported is quiet just before its threshold',
      'ResticMaintenanceNeverReported is quiet just before its threshold',
      'PostgresBackupVerificationNeverReported is quiet just before its threshold',
      'PostgresOffsiteBackupNeverReported is quiet just before its threshold',
      'PgbackrestNeverReported is quiet just before its threshold',
    ]) {
      expect(text.includes(name) || text.includes(name.replaceAll("'", "''")), name).toBe(true);
    }
  });

  // Each mutation moves one rule off what its config says: a generated test must notice.
  it.concurrent.each([
    ['ResticVerificationStale one hour late', RULE_FILES.tests, 'ResticVerificationStale', (s: string) => s.replace('> 604800', '> 608400'), 'name: ResticVerificationStale is quiet just before its threshold'],
    ['UnifiedBackupStale with a longer for:', RULE_FILES.tests, 'UnifiedBackupStale', (s: string) => s.replace(/(alert: UnifiedBackupStale\n(?:.*\n)*?\s+for: )10m/, '$120m'), 'name: UnifiedBackupStale is quiet just before its threshold'],
    ['UnifiedBackupSlow without its minimum duration', RULE_FILES.tests, 'UnifiedBackupSlow', (s: string) => s.replace('(restic_backup_duration_seconds) > 300', '(restic_backup_duration_seconds) > 0'), 'name: UnifiedBackupSlow stays quiet for runs shorter than its minimum duration'],
    ['the interval fallback scaled by 1.25 instead of adding the randomized delay', RULE_FILES.tests, 'ubm health', (s: string) => s.replace('* 1.229167 + 1800', '* 1.25'), "name: An hourly job goes stale after 1h 43m 45s without ubm health's thresholds"],
    ['BackupMonitoringUnhealthy blind to node_exporter being down', RULE_FILES.tests, 'BackupMonitoringUnhealthy', (s: string) => s.replace(/\n\s+or\n\s+label_replace\(max by \(hostname\) \(up\{.*\n/, '\n'), 'name: BackupMonitoringUnhealthy fires when node_exporter is not scraped'],
    ['UnifiedBackupSlow without its multiplier', RULE_FILES.days, 'raise nothing', (s: string) => s.replace(/clamp_min\(.*\n\s+\* on \(hostname, backup_job, repository\) /, ''), 'expr: "count_over_time(ALERTS[43230m])"'],
    ['UnifiedBackupSlow blind to the spread of a noisy job', RULE_FILES.days, 'noisy job', (s: string) => s.replace('{__name__=~"restic_backup_duration_spread_factor|backup_monitoring_job_slow_multiplier"}', 'backup_monitoring_job_slow_multiplier'), 'name: A noisy job'],
    ['UnifiedBackupSourceShrunk at a tenth of its ratio', RULE_FILES.tests, 'lost its bytes', (s: string) => s.replace('< on (hostname, backup_job, repository) backup_job:ubm_shrink_ratio:resolved', '< on (hostname, backup_job, repository) 0.1 * backup_job:ubm_shrink_ratio:resolved'), 'name: A run that kept its files but lost its bytes raises UnifiedBackupSourceShrunk'],
    ['UnifiedBackupFailed without keep_firing_for', RULE_FILES.tests, 'node_exporter outage', (s: string) => s.replace(/(alert: UnifiedBackupFailed\n(?:.*\n)*?\s+keep_firing_for: )2h15m/, '$10s'), 'alertstate=\\"pending\\"'],
    ['UnifiedBackupNeverReported after 2 days instead of 30 h', RULE_FILES.days, 'never reported', (s: string) => s.replace('for: 1d6h', 'for: 2d'), 'name: A configured job that never reported alerts'],
    ['UnifiedBackupStale blind to a job that never succeeded', RULE_FILES.days, 'never succeeded', (s: string) => s.replace(' or max by (hostname, backup_job, repository) (restic_backup_first_run_timestamp_seconds)', ''), 'name: A job that never succeeded goes stale'],
    ['UnifiedBackupSlow without its minimum of baseline runs', RULE_FILES.tests, 'too few runs', (s: string) => s.replace('(restic_backup_duration_baseline_runs) >= 3', '(restic_backup_duration_baseline_runs) >= 0'), 'name: UnifiedBackupSlow stays quiet while the baseline has too few runs'],
    ['PgbackrestBackupStale not counting a full backup for a diff schedule', RULE_FILES.tests, 'satisfies a diff schedule', (s: string) => s.replace('{backup_type=~"full|diff"}', '{backup_type="diff"}'), 'name: A full backup newer than the last diff satisfies a diff schedule'],
    ["the pgBackRest threshold fallback added to a stanza that writes its own", RULE_FILES.tests, "gets the config's schedule", (s: string) => s.replace('  unless on (hostname, stanza) pgbackrest_backup_stale_threshold_seconds\n', '\n'), 'expr: "stanza_backup_type:ubm_pgbackrest_stale_threshold_seconds:resolved"'],
    ['PgbackrestStanzaError flagging the healthy repositories of a stanza in error', RULE_FILES.tests, 'repository in error only', (s: string) => s.replace(' unless on (hostname, stanza) (pgbackrest_repo_status != 0)', ''), 'name: PgbackrestStanzaError fires on the repository in error only'],
    ['PgbackrestWalArchivingStuck counting to now instead of to the last read', RULE_FILES.days, 'as of the last read', (s: string) => s.replace('max by (hostname, stanza) (pgbackrest_info_last_run_timestamp_seconds) - on (hostname, stanza) group_right () ', 'time() - '), 'name: WAL archiving counts as stuck only as of the last read'],
    ["ResticStaleLock aging a lock to now instead of to the check that saw it", RULE_FILES.days, 'keeps refreshing', (s: string) => s.replace('(restic_repository_locks_last_check_timestamp_seconds - restic_repository_oldest_lock_timestamp_seconds)', '(time() - restic_repository_oldest_lock_timestamp_seconds)'), 'name: A lock that a long backup keeps refreshing never goes stale'],
  ])('fails a generated test when the rules have %s', async (_what, testFile, filter, mutate, failure) => {
    const mutated = mutate(example.get(RULE_FILES.rules) ?? '');
    expect(mutated).not.toBe(example.get(RULE_FILES.rules));
    const dir = generateInto(example, { [RULE_FILES.rules]: () => mutated, [testFile]: (t) => onlyTests(t, filter) });
    const r = await runProcess(promtool, ['test', 'rules', join(dir, base(testFile))]);
    expect(r.stdout + r.stderr).toContain(failure);
    expect(r.code).toBe(1);
  });

  it.concurrent('fails the generated test of an alert whose for: the config replaced when the rule keeps its default for:', async () => {
    const rules = alertFor.get(RULE_FILES.rules) ?? '';
    const mutated = rules.replace(/(alert: UnifiedBackupFailed\n(?:.*\n)*?\s+for: )0s/, '$15m');
    expect(mutated).not.toBe(rules);
    const dir = generateInto(alertFor, { [RULE_FILES.rules]: () => mutated, [RULE_FILES.tests]: (t) => onlyTests(t, 'UnifiedBackupFailed') });
    const r = await runProcess(promtool, ['test', 'rules', join(dir, base(RULE_FILES.tests))]);
    expect(r.stdout + r.stderr).toContain('name: UnifiedBackupFailed is quiet just before its threshold');
    expect(r.code).toBe(1);
  });
});

describe('identifying labels', () => {
  const scenario = 'Two clusters with the same hostname stay apart';

  it('generate the two-cluster scenario only for a config that has them', () => {
    expect(identifyingLabels.get(RULE_FILES.tests)).toContain(`name: ${scenario}\n`);
    expect(example.get(RULE_FILES.tests)).not.toContain(scenario);
  });

  // Each mutation drops the cluster from one place: the two clusters merge, and the scenario notices.
  it.concurrent.each([
    ["UnifiedBackupFailed's aggregation", (s: string) => s.replace('min by (cluster, hostname, backup_job, repository) (restic_backup_status) == 0', 'min by (hostname, backup_job, repository) (restic_backup_status) == 0')],
    ["UnifiedBackupStale's aggregation", (s: string) => s.replace('time() - (max by (cluster, hostname, backup_job, repository) (restic_backup_last_success_timestamp)', 'time() - (max by (hostname, backup_job, repository) (restic_backup_last_success_timestamp)')],
  ])('fail the two-cluster scenario when %s leaves the cluster out', async (_what, mutate) => {
    const rules = identifyingLabels.get(RULE_FILES.rules) ?? '';
    const mutated = mutate(rules);
    expect(mutated).not.toBe(rules);
    const dir = generateInto(identifyingLabels, { [RULE_FILES.rules]: () => mutated, [RULE_FILES.tests]: (t) => onlyTests(t, scenario) });
    const r = await runProcess(promtool, ['test', 'rules', join(dir, base(RULE_FILES.tests))]);
    expect(r.stdout + r.stderr).toContain(`name: ${scenario}`);
    expect(r.code).toBe(1);
  });
});

describe('inhibit rules', () => {
  it('pass amtool check-config inside a minimal Alertmanager config', () => {
    const dir = tempDir('amtool');
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(file, minimalAlertmanagerConfig(example.get(RULE_FILES.inhibit) ?? ''));
    const r = spawnSync(amtool, ['check-config', file], { encoding: 'utf8' });
    expect(r.stdout).toContain('10 inhibit rules');
    expect(r.status).toBe(0);
  });

  describe('in a running Alertmanager', () => {
    let am: (Server & { dir: string }) | undefined;
    beforeAll(async () => {
      am = await startAlertmanager(minimalAlertmanagerConfig(example.get(RULE_FILES.inhibit) ?? ''));
    });
    afterAll(async () => {
      await am?.stop();
    });

    it('mute a job Stale while it Failed or is not in the config, and a host Stale and Slow while its monitoring is unhealthy, nothing else', async () => {
      const url = am?.url ?? '';
      const alert = (labels: Record<string, string>): Record<string, unknown> => ({ labels, annotations: {}, startsAt: new Date().toISOString() });
      const job = { hostname: 'forge', backup_job: 'system-home', repository: 'nas-primary' };
      const posted = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          alert({ alertname: 'UnifiedBackupFailed', severity: 'critical', ...job }),
          alert({ alertname: 'UnifiedBackupStale', severity: 'high', ...job }),
          alert({ alertname: 'UnifiedBackupStale', severity: 'high', ...job, backup_job: 'service-loki' }),
          alert({ alertname: 'BackupMonitoringUnhealthy', severity: 'high', hostname: 'nas', reason: 'the self-check failed' }),
          alert({ alertname: 'UnifiedBackupSlow', severity: 'medium', hostname: 'nas', backup_job: 'photos', repository: 'b2' }),
          alert({ alertname: 'UnifiedBackupFailed', severity: 'critical', hostname: 'nas', backup_job: 'photos', repository: 'b2' }),
          // A retired job's file ages out: its staleness is no news, a failure of it would be.
          alert({ alertname: 'UnifiedBackupUnexpectedJob', severity: 'medium', ...job, backup_job: 'retired' }),
          alert({ alertname: 'UnifiedBackupStale', severity: 'high', ...job, backup_job: 'retired' }),
        ]),
      });
      expect(posted.status).toBe(200);
      const state = Object.fromEntries(
        (await alertmanagerAlerts(url)).map((a) => [`${a.labels.alertname ?? ''} ${a.labels.hostname ?? ''} ${a.labels.backup_job ?? ''}`.trim(), a.status.state]),
      );
      expect(state).toEqual({
        'UnifiedBackupFailed forge system-home': 'active',
        'UnifiedBackupStale forge system-home': 'suppressed',
        'UnifiedBackupStale forge service-loki': 'active',
        'BackupMonitoringUnhealthy nas': 'active',
        'UnifiedBackupSlow nas photos': 'suppressed',
        'UnifiedBackupFailed nas photos': 'active',
        'UnifiedBackupUnexpectedJob forge retired': 'active',
        'UnifiedBackupStale forge retired': 'suppressed',
      });
    });
  });
});
