/**
 * End to end in a live monitoring stack, with the real programs: a backup hook (`ubm run` around a
 * real restic, `ubm emit`, `ubm health`) -> textfile (node_exporter) or Pushgateway -> Prometheus
 * (1 s scrape and evaluation, the generated rules) -> Alertmanager (the generated inhibit rules) ->
 * a webhook receiver served by this test. Thresholds are shortened in the configs under
 * fixtures/e2e/, never by editing generated rules. Topology: docs/e2e-and-bench.md.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../src/promql/selector.js';
import { GROUP_NAMES } from '../src/rules/alerts.js';
import { RULE_FILES } from '../src/rules/files.js';
import { MONITORING_PROBLEMS, externalMetrics, metrics } from '../src/schema/catalog.js';
import { type WebhookAlert, type WebhookReceiver, alertmanagerAlerts, postAlert, startAlertmanager, startPushgateway, startWebhookReceiver } from './support/alertmanager.js';
import { runProcess, runUbm } from './support/processes.js';
import { waitForEvaluationAfter } from './support/prometheus-api.js';
import { type Server, promQuery, startNodeExporter, startPrometheus, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'e2e');
const HOST_A = 'e2e-a';
const HOST_B = 'e2e-b';
const REPOSITORY = 'local';
/** The group of the backup-job rules (its recording rules run first, then its alerts). */
const BACKUP_JOB_GROUP = GROUP_NAMES[0];
/** A password that must never show up in an alert. */
const WRONG_PASSWORD = 'e2e-wrong-password-7f3a';

/** The labels a backup-job alert carries, and nothing else (no scrape job or instance, whatever the path). */
function jobAlertLabels(alertname: string, hostname: string, job: string, severity: string): Record<string, string> {
  return { alertname, hostname, backup_job: job, repository: REPOSITORY, severity };
}

function isAlert(alertname: string, labels: Readonly<Record<string, string>>): (a: WebhookAlert) => boolean {
  return (a) => a.status === 'firing' && a.labels.alertname === alertname && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
}

describe('the live stack: backup hook -> textfile or Pushgateway -> Prometheus -> Alertmanager -> webhook', () => {
  const root = tempDir('e2e');
  const generated = join(root, 'generated');
  const textfilesA = join(root, 'textfiles-a');
  const textfilesB = join(root, 'textfiles-b');
  const source = join(root, 'source');
  const resticEnv = { RESTIC_REPOSITORY: join(root, 'repo'), RESTIC_PASSWORD: 'e2e correct horse', RESTIC_CACHE_DIR: join(root, 'cache') };
  const started: Server[] = [];
  let webhook: WebhookReceiver | undefined;
  let alertmanagerUrl = '';
  let pushgatewayUrl = '';
  let prometheusUrl = '';
  let resticInit: ReturnType<typeof runProcess> | undefined;

  /** `ubm run` around a real `restic backup --json`, writing to host A's textfiles or to the Pushgateway. */
  function resticRun(job: string, target: string[], env: Record<string, string> = {}): ReturnType<typeof runUbm> {
    return runUbm(['run', '--job', job, '--repository', REPOSITORY, '--hostname', HOST_A, ...target, '--', 'restic', 'backup', '--json', source], { ...resticEnv, ...env });
  }

  function hook(): WebhookReceiver {
    if (webhook === undefined) throw new Error('the webhook receiver did not start');
    return webhook;
  }

  beforeAll(async () => {
    for (const tool of ['restic', 'prometheus', 'prometheus-node-exporter', 'prometheus-alertmanager', 'prometheus-pushgateway']) requireTool(tool);
    for (const dir of [textfilesA, textfilesB, source]) mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 20; i++) writeFileSync(join(source, `file-${i}.txt`), `backup me ${i}\n`.repeat(100));
    // restic init derives its key for ~3 s: it runs while the servers start.
    resticInit = runProcess('restic', ['init'], resticEnv);

    const gen = await runUbm(['generate', '--config', join(FIXTURES, 'host-a.yaml'), '--out', generated]);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    const inhibit = load(readFileSync(join(generated, RULE_FILES.inhibit), 'utf8')) as { inhibit_rules: unknown[] };

    webhook = await startWebhookReceiver();
    const alertmanager = await startAlertmanager(
      dump({
        // Every alert its own group, notified a second after it arrives: the tests see each alert as soon as Alertmanager lets it through.
        route: { receiver: 'webhook', group_by: ['...'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'webhook', webhook_configs: [{ url: hook().url, send_resolved: false }] }],
        inhibit_rules: inhibit.inhibit_rules,
      }),
    );
    started.push(alertmanager);
    alertmanagerUrl = alertmanager.url;
    const pushgateway = await startPushgateway();
    started.push(pushgateway);
    pushgatewayUrl = pushgateway.url;
    const nodeA = await startNodeExporter(textfilesA);
    started.push(nodeA);
    const nodeB = await startNodeExporter(textfilesB);
    started.push(nodeB);
    const prometheus = await startPrometheus(
      dump({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(generated, RULE_FILES.rules)],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }] },
        scrape_configs: [
          { job_name: 'node', static_configs: [{ targets: [`127.0.0.1:${nodeA.port}`, `127.0.0.1:${nodeB.port}`] }] },
          // The pushed groups carry their own job label; honor_labels keeps it, as the Pushgateway docs require.
          { job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${pushgateway.port}`] }] },
        ],
      }),
    );
    started.push(prometheus);
    prometheusUrl = prometheus.url;

    const restic = await resticInit;
    expect(restic.stderr).not.toMatch(/Fatal/);
    expect(restic.code).toBe(0);
    // Host A's self-check: healthy, and its expected jobs with their thresholds (photos: 20 s).
    // The node_exporters here run as root: ubm health judges the files as root reads them.
    const health = await runUbm(['health', '--config', join(FIXTURES, 'host-a.yaml'), '--textfile-dir', textfilesA, '--hostname', HOST_A, '--node-exporter-user', 'root']);
    expect(health.stderr).toBe('');
    expect(health.code).toBe(0);
    await waitFor('host A healthy in Prometheus', async () => ((await promQuery(prometheusUrl, `${sel(metrics.backupMonitoringHealthy, { hostname: HOST_A })} == 1`)).length > 0 ? true : undefined));
  }, 90_000);

  afterAll(async () => {
    // Every server stops by its PID, the last started first, even when the setup failed half-way.
    for (const server of started.reverse()) {
      await server.stop().catch(() => undefined);
    }
    await webhook?.stop();
    // A setup that failed early may leave restic init running: let it finish before its directory goes.
    await resticInit?.catch(() => undefined);
  });

  it('records a real restic backup through ubm run, and no alert fires for it', async () => {
    const run = await resticRun('home', ['--textfile-dir', textfilesA]);
    expect(run.code).toBe(0);
    await waitFor('home scraped as successful', async () =>
      (await promQuery(prometheusUrl, `${sel(metrics.resticBackupStatus, { backup_job: 'home' })} == 1`)).length > 0 ? true : undefined,
    );
    // The rules must have run on the scraped data: wait for a whole evaluation that began after it was seen.
    await waitForEvaluationAfter(prometheusUrl, BACKUP_JOB_GROUP, Date.now());
    expect(await promQuery(prometheusUrl, sel(externalMetrics.alerts, { backup_job: 'home' }))).toEqual([]);
  });

  it('sends UnifiedBackupFailed with host, job, repository and severity when restic fails (wrong password)', async () => {
    const run = await resticRun('db-dump', ['--textfile-dir', textfilesA], { RESTIC_PASSWORD: WRONG_PASSWORD });
    expect(run.code).toBe(1);
    const alert = await hook().waitForAlert('UnifiedBackupFailed for db-dump', isAlert('UnifiedBackupFailed', { backup_job: 'db-dump' }));
    expect(alert.labels).toEqual(jobAlertLabels('UnifiedBackupFailed', HOST_A, 'db-dump', 'critical'));
    expect(alert.annotations.description).toContain('db-dump');
    expect(alert.annotations.runbook_url).toMatch(/^https?:\/\/.+#unifiedbackupfailed$/);
    // Neither the password nor the repository's path reaches a notification.
    expect(JSON.stringify(alert)).not.toContain(WRONG_PASSWORD);
    expect(JSON.stringify(alert)).not.toContain(resticEnv.RESTIC_REPOSITORY);
  });

  it('sends UnifiedBackupStale when a job has no success within its threshold (20 s in the config)', async () => {
    const run = await resticRun('photos', ['--textfile-dir', textfilesA]);
    expect(run.code).toBe(0);
    const succeededAt = Date.now();
    const alert = await hook().waitForAlert('UnifiedBackupStale for photos', isAlert('UnifiedBackupStale', { backup_job: 'photos' }), 60_000);
    expect(alert.labels).toEqual(jobAlertLabels('UnifiedBackupStale', HOST_A, 'photos', 'high'));
    // Not before the threshold (20 s; the timestamp is in whole seconds, so up to 1 s early).
    expect(Date.now() - succeededAt).toBeGreaterThanOrEqual(19_000);
  }, 90_000);

  it("sends BackupMonitoringUnhealthy when ubm health reports unhealthy, and inhibits that host's Stale at the webhook", async () => {
    // Two files that give one family different HELP: node_exporter drops it silently, ubm health does not.
    writeFileSync(join(textfilesB, 'app_a.prom'), '# HELP e2e_app_up One help.\n# TYPE e2e_app_up gauge\ne2e_app_up 1\n');
    writeFileSync(join(textfilesB, 'app_b.prom'), '# HELP e2e_app_up Another help.\n# TYPE e2e_app_up gauge\ne2e_app_up{part="b"} 1\n');
    const health = await runUbm(['health', '--config', join(FIXTURES, 'host-b.yaml'), '--textfile-dir', textfilesB, '--hostname', HOST_B, '--node-exporter-user', 'root']);
    expect(health.code).toBe(1);
    expect(health.stderr).toContain('app_b.prom');
    const unhealthy = await hook().waitForAlert('BackupMonitoringUnhealthy for host B', isAlert('BackupMonitoringUnhealthy', { hostname: HOST_B }));
    // The reason names the problem the self-check found.
    expect(unhealthy.labels).toEqual({ alertname: 'BackupMonitoringUnhealthy', hostname: HOST_B, reason: MONITORING_PROBLEMS.textfile_conflict, severity: 'high' });

    // Now host B's job goes stale (20 s threshold from host-b.yaml) while its monitoring is unhealthy.
    const emit = await runUbm(['emit', 'backup', '--textfile-dir', textfilesB, '--hostname', HOST_B, '--job', 'mail', '--repository', REPOSITORY, '--status', 'success', '--duration', '2']);
    expect(emit.stderr).toBe('');
    expect(emit.code).toBe(0);
    await waitFor(
      'UnifiedBackupStale for mail firing in Prometheus',
      async () => ((await promQuery(prometheusUrl, sel(externalMetrics.alerts, { alertname: 'UnifiedBackupStale', hostname: HOST_B, alertstate: 'firing' }))).length > 0 ? true : undefined),
      60_000,
    );
    const held = await waitFor('Alertmanager to hold the Stale alert, inhibited', async () =>
      (await alertmanagerAlerts(alertmanagerUrl)).find((a) => a.labels.alertname === 'UnifiedBackupStale' && a.labels.hostname === HOST_B && a.status.inhibitedBy.length > 0),
    );
    expect(held.status.state).toBe('suppressed');
    // A sentinel sent now is grouped and flushed after the Stale alert's group: once it arrives, that group had its turn.
    await postAlert(alertmanagerUrl, { alertname: 'E2ESentinel', hostname: HOST_B });
    await hook().waitForAlert('the sentinel', isAlert('E2ESentinel', { hostname: HOST_B }));
    expect(hook().alerts().filter(isAlert('UnifiedBackupStale', { hostname: HOST_B }))).toEqual([]);
  }, 120_000);

  it.each([
    ['emit', 'pushed-emit'],
    ['run', 'pushed-run'],
  ])('evaluates a failure that ubm %s pushes to the Pushgateway like a textfile one', async (command, job) => {
    const result =
      command === 'emit'
        ? await runUbm(['emit', 'backup', '--pushgateway', pushgatewayUrl, '--hostname', HOST_A, '--job', job, '--repository', REPOSITORY, '--status', 'failure', '--duration', '3'])
        : await resticRun(job, ['--pushgateway', pushgatewayUrl], { RESTIC_PASSWORD: WRONG_PASSWORD });
    expect(result.code).toBe(command === 'emit' ? 0 : 1);
    const alert = await hook().waitForAlert(`UnifiedBackupFailed for ${job}`, isAlert('UnifiedBackupFailed', { backup_job: job }));
    expect(alert.labels).toEqual(jobAlertLabels('UnifiedBackupFailed', HOST_A, job, 'critical'));
    // It came through the Pushgateway: not from node_exporter's scrape job, and no textfile holds it.
    const [series] = await promQuery(prometheusUrl, sel(metrics.resticBackupStatus, { backup_job: job }));
    expect(series?.metric.job).not.toBe('node');
    expect(readdirSync(textfilesA).filter((f) => f.includes(job))).toEqual([]);
  });

  it("sent nothing about the successful job, nor about the healthy host's monitoring", () => {
    const all = hook().alerts();
    expect(all.filter((a) => a.labels.backup_job === 'home')).toEqual([]);
    expect(all.filter(isAlert('BackupMonitoringUnhealthy', { hostname: HOST_A }))).toEqual([]);
  });
});
