/**
 * The live Pushgateway test: a host that pushes (`ubm emit`, `ubm health --pushgateway --config`, its
 * hostname from the config's ubm.pushgateway.hostname) beside a host that writes textfiles, in one
 * real Prometheus (1 s scrape and evaluation, the generated rules of fixtures/pushgateway-live/,
 * the real Pushgateway scraped with honor_labels: true). Every alert the textfile host fires, the
 * pushed host fires with the same labels but its hostname: no scrape job or instance leaks in.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../src/promql/selector.js';
import { RULE_FILES } from '../src/rules/files.js';
import { MONITORING_PROBLEMS, externalMetrics, metrics } from '../src/schema/catalog.js';
import { startPushgateway } from './support/alertmanager.js';
import { type ProcessResult, runUbm } from './support/processes.js';
import { type Server, promQuery, startNodeExporter, startPrometheus, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const CONFIG = join(REPO_ROOT, 'fixtures', 'pushgateway-live', 'backup.yaml');
/** The config's ubm.pushgateway.hostname. */
const PUSHED = 'pushed-host';
const TEXTFILE = 'textfile-host';
const REPOSITORY = 'local';

/** A command's outcome, for one comparison that shows stderr when the code is wrong. */
function outcome(r: ProcessResult): { code: number; stderr: string } {
  return { code: r.code, stderr: r.stderr };
}

describe('a host that pushes to a real Pushgateway gets the alerts a textfile host gets', () => {
  const root = tempDir('pushgateway-live');
  const generated = join(root, 'generated');
  const textfiles = join(root, 'textfiles');
  const started: Server[] = [];
  let gatewayUrl = '';
  let prometheusUrl = '';

  /** Runs the same `ubm` command for both hosts: the pushed one gives no hostname (the config names it), the textfile one its own. */
  async function both(args: readonly string[]): Promise<void> {
    const pushed = await runUbm([...args, '--pushgateway', gatewayUrl, '--config', CONFIG]);
    expect(outcome(pushed)).toEqual({ code: 0, stderr: '' });
    const written = await runUbm([...args, '--textfile-dir', textfiles, '--hostname', TEXTFILE]);
    expect(outcome(written)).toEqual({ code: 0, stderr: '' });
  }

  /** The labels of a host's firing alert `alertname` that matches `labels`, once Prometheus has it. */
  function firing(alertname: string, hostname: string, labels: Readonly<Record<string, string>>, timeoutMs: number): Promise<Record<string, string>> {
    return waitFor(
      `${alertname} firing for ${hostname}`,
      async () =>
        // Matched here, not in the selector: ALERTS' catalog entry lists no alert's own labels (reason, backup_job, ...).
        (await promQuery(prometheusUrl, sel(externalMetrics.alerts, { alertname, alertstate: 'firing', hostname }))).map((r) => r.metric).find((m) => Object.entries(labels).every(([k, v]) => m[k] === v)),
      timeoutMs,
      200,
    );
  }

  /** Waits for the alert on both hosts and checks that it carries the same labels but the hostname; returns the pushed host's. */
  async function sameAlert(alertname: string, labels: Readonly<Record<string, string>>, timeoutMs = 30_000): Promise<Record<string, string>> {
    const [pushed, written] = await Promise.all([firing(alertname, PUSHED, labels, timeoutMs), firing(alertname, TEXTFILE, labels, timeoutMs)]);
    expect({ ...pushed, hostname: TEXTFILE }).toEqual(written);
    expect(Object.keys(pushed)).not.toContain('job');
    expect(Object.keys(pushed)).not.toContain('instance');
    return pushed;
  }

  /** The Pushgateway's groups of the pushed host: their grouping `job` (the ubm group) and key labels. */
  async function pushedGroups(): Promise<string[]> {
    const body = (await (await fetch(`${gatewayUrl}/api/v1/metrics`)).json()) as { data?: Array<{ labels?: Record<string, string> }> };
    return (body.data ?? [])
      .map((g) => g.labels ?? {})
      .filter((l) => l.hostname === PUSHED)
      .map((l) => [l.job, l.backup_job, l.repository].filter((v) => v !== undefined && v !== '').join('/'))
      .sort();
  }

  beforeAll(async () => {
    for (const tool of ['prometheus', 'prometheus-node-exporter', 'prometheus-pushgateway']) requireTool(tool);
    mkdirSync(textfiles);
    const gen = await runUbm(['generate', '--config', CONFIG, '--out', generated]);
    expect(outcome(gen)).toEqual({ code: 0, stderr: '' });

    const gateway = await startPushgateway();
    started.push(gateway);
    gatewayUrl = gateway.url;
    const node = await startNodeExporter(textfiles);
    started.push(node);
    const prometheus = await startPrometheus(
      dump({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(generated, RULE_FILES.rules)],
        scrape_configs: [
          { job_name: 'node', static_configs: [{ targets: [`127.0.0.1:${node.port}`] }] },
          // The pushed groups carry their own job label; honor_labels keeps it, as the Pushgateway docs require.
          { job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${gateway.port}`] }] },
        ],
      }),
    );
    started.push(prometheus);
    prometheusUrl = prometheus.url;

    // Each host's self-check and expected set: the pushed host's hostname comes from the config.
    const pushed = await runUbm(['health', '--pushgateway', gatewayUrl, '--config', CONFIG]);
    expect(outcome(pushed)).toEqual({ code: 0, stderr: '' });
    // node_exporter runs as root here: ubm health judges the files as root reads them.
    const written = await runUbm(['health', '--config', CONFIG, '--textfile-dir', textfiles, '--hostname', TEXTFILE, '--node-exporter-user', 'root']);
    expect(outcome(written)).toEqual({ code: 0, stderr: '' });
    for (const hostname of [PUSHED, TEXTFILE]) {
      await waitFor(`${hostname} healthy in Prometheus`, async () =>
        (await promQuery(prometheusUrl, `${sel(metrics.backupMonitoringHealthy, { hostname })} == 1`)).length > 0 ? true : undefined,
      );
    }
  }, 60_000);

  afterAll(async () => {
    // Every server stops by its PID, the last started first, even when the setup failed half-way.
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
  });

  it('pushes the expected set under the hostname the config names, with the job thresholds it gives', async () => {
    const threshold = await waitFor('the pushed stale threshold of job stale', async () =>
      (await promQuery(prometheusUrl, sel(metrics.backupMonitoringJobStaleThresholdSeconds, { hostname: PUSHED, backup_job: 'stale' })))[0],
    );
    expect(threshold.value[1]).toBe('15');
    expect(threshold.metric.job).toBe('ubm_monitoring_expected_jobs');
    expect(await pushedGroups()).toEqual(['ubm_monitoring_expected_jobs', 'ubm_monitoring_health']);
  });

  it('fires UnifiedBackupFailed for a failure pushed by ubm emit, with the labels of a textfile failure', async () => {
    await both(['emit', 'backup', '--job', 'failing', '--repository', REPOSITORY, '--status', 'failure', '--duration', '3']);
    expect(await sameAlert('UnifiedBackupFailed', { backup_job: 'failing' })).toEqual({
      __name__: externalMetrics.alerts.name,
      alertname: 'UnifiedBackupFailed',
      alertstate: 'firing',
      hostname: PUSHED,
      backup_job: 'failing',
      repository: REPOSITORY,
      severity: 'critical',
    });
  }, 60_000);

  it('fires UnifiedBackupStale for a pushed job at the threshold that ubm health --pushgateway --config pushed (15 s)', async () => {
    await both(['emit', 'backup', '--job', 'stale', '--repository', REPOSITORY, '--status', 'success', '--duration', '2']);
    const succeededAt = Date.now();
    const alert = await sameAlert('UnifiedBackupStale', { backup_job: 'stale' }, 60_000);
    expect(alert).toMatchObject({ hostname: PUSHED, backup_job: 'stale', repository: REPOSITORY, severity: 'high' });
    // Not before the threshold (the timestamp is in whole seconds, so up to 1 s early); the rules' fallback would wait a day.
    expect(Date.now() - succeededAt).toBeGreaterThanOrEqual(14_000);
  }, 90_000);

  it('fires UnifiedBackupNeverReported for a configured job that never pushed', async () => {
    expect(await sameAlert('UnifiedBackupNeverReported', { backup_job: 'never' })).toMatchObject({ hostname: PUSHED, backup_job: 'never', repository: REPOSITORY });
  }, 60_000);

  it('fires ResticVerificationNeverReported for the configured restic check that never pushed (10 s)', async () => {
    expect(await sameAlert('ResticVerificationNeverReported', { repository: REPOSITORY }, 60_000)).toMatchObject({ hostname: PUSHED, repository: REPOSITORY });
  }, 90_000);

  it('fires BackupMonitoringUnhealthy when ubm emit health pushes a failed self-check', async () => {
    await both(['emit', 'health', '--status', 'failure']);
    expect(await sameAlert('BackupMonitoringUnhealthy', {})).toMatchObject({ hostname: PUSHED, reason: 'the self-check failed', severity: 'high' });
  }, 60_000);

  it('replaces only its own groups on a second ubm health --pushgateway: the jobs ubm emit pushed stay', async () => {
    const again = await runUbm(['health', '--pushgateway', gatewayUrl, '--config', CONFIG]);
    expect(outcome(again)).toEqual({ code: 0, stderr: '' });
    expect(await pushedGroups()).toEqual(['ubm_monitoring_expected_jobs', 'ubm_monitoring_health', `ubm_restic_backup/failing/${REPOSITORY}`, `ubm_restic_backup/stale/${REPOSITORY}`]);
    await waitFor('the pushed host healthy again', async () =>
      (await promQuery(prometheusUrl, `${sel(metrics.backupMonitoringHealthy, { hostname: PUSHED })} == 1`)).length > 0 ? true : undefined,
    );
    // The failed job's group was not touched: its alert still fires.
    expect(await promQuery(prometheusUrl, sel(externalMetrics.alerts, { alertname: 'UnifiedBackupFailed', hostname: PUSHED, alertstate: 'firing' }))).toHaveLength(1);
  }, 60_000);

  it('pushes an invalid config as config_invalid: BackupMonitoringUnhealthy says so, and the expected set stays', async () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, `${readFileSync(CONFIG, 'utf8')}services: { grafana: { backup: { enable: true, repository: nowhere, frequency: daily } } }\n`);
    // An invalid config cannot name the host: --hostname does.
    const pushed = await runUbm(['health', '--pushgateway', gatewayUrl, '--config', bad, '--hostname', PUSHED]);
    expect(pushed.code).toBe(2);
    expect(pushed.stderr).toMatch(/^ubm health: .*grafana/);
    const written = await runUbm(['health', '--config', bad, '--textfile-dir', textfiles, '--hostname', TEXTFILE, '--node-exporter-user', 'root']);
    expect(written.code).toBe(2);
    expect(await sameAlert('BackupMonitoringUnhealthy', { reason: MONITORING_PROBLEMS.config_invalid })).toMatchObject({ hostname: PUSHED });
    expect(await pushedGroups()).toContain('ubm_monitoring_expected_jobs');
  }, 60_000);
});
