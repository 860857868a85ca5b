/**
 * The same backup results through two engines at once, live, with the real programs: `ubm emit` and
 * `ubm health` -> textfiles (two node_exporters) and a Pushgateway, scraped every second both by a
 * Prometheus evaluating `rules/ubm-rules.yml` and by a single-node VictoriaMetrics on which vmalert
 * evaluates `rules/ubm-rules.vmalert.yml` (`ubm generate --engine victoriametrics`). Each engine
 * notifies its own Alertmanager, both with the generated inhibit rules. The alerts that fire, their
 * labels and their annotations must be the same in both, and so must what reaches each webhook.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../src/promql/selector.js';
import { RULE_FILES } from '../src/rules/files.js';
import { VMALERT_RULE_FILE } from '../src/rules/vmalert.js';
import { MONITORING_PROBLEMS, metrics } from '../src/schema/catalog.js';
import { type WebhookAlert, type WebhookReceiver, alertmanagerAlerts, postAlert, startAlertmanager, startPushgateway, startWebhookReceiver } from './support/alertmanager.js';
import { runUbm } from './support/processes.js';
import { type Server, promQuery, startNodeExporter, startPrometheus, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';
import { type ApiAlert, apiAlerts, startVictoriaMetrics, startVmalert } from './support/victoriametrics.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'victoriametrics');
const HOST_A = 'vm-a';
const HOST_B = 'vm-b';
const REPOSITORY = 'local';

/** A backup-job alert's labels: exactly these, in either engine. */
function job(alertname: string, hostname: string, backupJob: string, severity: string): Record<string, string> {
  return { alertname, hostname, backup_job: backupJob, repository: REPOSITORY, severity };
}

/** Every alert that must fire, in both engines, once the scenarios have run. */
const EXPECTED: ReadonlyArray<Readonly<Record<string, string>>> = [
  job('UnifiedBackupFailed', HOST_A, 'db-dump', 'critical'),
  job('UnifiedBackupFailed', HOST_A, 'pushed', 'critical'),
  job('UnifiedBackupStale', HOST_A, 'photos', 'high'),
  job('UnifiedBackupNeverReported', HOST_A, 'never', 'high'),
  job('UnifiedBackupStale', HOST_B, 'mail', 'high'),
  { alertname: 'BackupMonitoringUnhealthy', hostname: HOST_B, reason: MONITORING_PROBLEMS.textfile_conflict, severity: 'high' },
];

/** The one expected alert Alertmanager must hold back: host B's Stale, inhibited by host B's Unhealthy. */
const INHIBITED = job('UnifiedBackupStale', HOST_B, 'mail', 'high');

/**
 * The label vmalert adds to every alert it evaluates and sends (its rule group's name); Prometheus
 * adds none. The only label the engines legitimately differ in.
 */
const VMALERT_GROUP_LABEL = 'alertgroup';

/** Labels without vmalert's group label, sorted by name. */
function normalLabels(labels: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(labels)
    .filter(([k]) => k !== VMALERT_GROUP_LABEL)
    .sort(([x], [y]) => (x < y ? -1 : 1));
}

/** A humanized duration as the templates print one (`45s`, `1m 3s`, `2d 1h 0m 0s`, `1.234s`). */
const DURATION = String.raw`(?:\d+d )?(?:\d+h )?(?:\d+m )?\d+(?:\.\d+)?(?:ms|s)`;

/**
 * An alert's identity and text, normalised only where the engines legitimately differ: an age
 * ("… ago", "for … since", "for …;") depends on the instant each engine evaluated, nothing else does.
 */
function comparable(a: { labels: Readonly<Record<string, string>>; annotations: Readonly<Record<string, string>> }): string {
  const annotations = Object.fromEntries(
    Object.entries(a.annotations)
      .map(([k, v]) => [k, v.replace(new RegExp(`${DURATION} ago`, 'g'), '<age> ago').replace(new RegExp(`for ${DURATION}(;| since)`, 'g'), 'for <age>$1')] as const)
      .sort(([x], [y]) => (x < y ? -1 : 1)),
  );
  const labels = Object.fromEntries(normalLabels(a.labels));
  return JSON.stringify({ labels, annotations });
}

/** A label set as a sortable key (vmalert's group label left out). */
function key(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(normalLabels(labels));
}

/** The label sets of the firing alerts an engine lists, sorted. */
async function firingKeys(url: string): Promise<string[]> {
  return (await apiAlerts(url)).filter((a) => a.state === 'firing').map((a) => key(a.labels)).sort();
}

function matches(labels: Readonly<Record<string, string>>): (a: WebhookAlert) => boolean {
  return (a) => a.status === 'firing' && key(a.labels) === key(labels);
}

describe('VictoriaMetrics + vmalert against Prometheus, live: the same alerts, labels and annotations', () => {
  const root = tempDir('victoriametrics-live');
  const generated = join(root, 'generated');
  const textfilesA = join(root, 'textfiles-a');
  const textfilesB = join(root, 'textfiles-b');
  const started: Server[] = [];
  const hooks: WebhookReceiver[] = [];
  const engines = { prometheus: { url: '', alertmanager: '', hook: 0 }, victoriametrics: { url: '', vm: '', alertmanager: '', hook: 1 } };
  let pushgatewayUrl = '';

  /** Starts a webhook receiver and an Alertmanager notifying it, with the generated inhibit rules. */
  async function alertmanager(inhibitRules: unknown): Promise<Server> {
    const hook = await startWebhookReceiver();
    hooks.push(hook);
    const server = await startAlertmanager(
      dump({
        // Every alert its own group, notified a second after it arrives.
        route: { receiver: 'webhook', group_by: ['...'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'webhook', webhook_configs: [{ url: hook.url, send_resolved: false }] }],
        inhibit_rules: inhibitRules,
      }),
    );
    started.push(server);
    return server;
  }

  function hook(index: number): WebhookReceiver {
    const found = hooks[index];
    if (found === undefined) throw new Error('a webhook receiver did not start');
    return found;
  }

  async function ubm(args: readonly string[], code = 0): Promise<void> {
    const r = await runUbm(args);
    expect(r.code, r.stderr).toBe(code);
  }

  beforeAll(async () => {
    for (const tool of ['prometheus', 'prometheus-node-exporter', 'prometheus-alertmanager', 'prometheus-pushgateway', 'victoria-metrics', 'vmalert']) requireTool(tool);
    for (const dir of [textfilesA, textfilesB]) mkdirSync(dir);
    const gen = await runUbm(['generate', '--config', join(FIXTURES, 'host-a.yaml'), '--out', generated, '--engine', 'victoriametrics']);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    const inhibit = (load(readFileSync(join(generated, RULE_FILES.inhibit), 'utf8')) as { inhibit_rules: unknown[] }).inhibit_rules;

    const amPrometheus = await alertmanager(inhibit);
    const amVictoria = await alertmanager(inhibit);
    engines.prometheus.alertmanager = amPrometheus.url;
    engines.victoriametrics.alertmanager = amVictoria.url;
    const pushgateway = await startPushgateway();
    started.push(pushgateway);
    pushgatewayUrl = pushgateway.url;
    const nodeA = await startNodeExporter(textfilesA);
    started.push(nodeA);
    const nodeB = await startNodeExporter(textfilesB);
    started.push(nodeB);
    // One scrape config for both engines: what Prometheus scrapes, VictoriaMetrics scrapes too.
    const scrapeConfigs = [
      { job_name: 'node', static_configs: [{ targets: [`127.0.0.1:${nodeA.port}`, `127.0.0.1:${nodeB.port}`] }] },
      { job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${pushgateway.port}`] }] },
    ];
    const prometheus = await startPrometheus(
      dump({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(generated, RULE_FILES.rules)],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPrometheus.port}`] }] }] },
        scrape_configs: scrapeConfigs,
      }),
    );
    started.push(prometheus);
    engines.prometheus.url = prometheus.url;
    const vm = await startVictoriaMetrics(dump({ global: { scrape_interval: '1s' }, scrape_configs: scrapeConfigs }));
    started.push(vm);
    engines.victoriametrics.vm = vm.url;
    const vmalert = await startVmalert(vm.url, join(generated, VMALERT_RULE_FILE), amVictoria.url);
    started.push(vmalert);
    engines.victoriametrics.url = vmalert.url;
  }, 60_000);

  afterAll(async () => {
    // Every server stops by its PID, the last started first, even when the setup failed half-way.
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    for (const h of hooks) await h.stop();
  });

  it('loads the vmalert rule file, which is the Prometheus one without keep_firing_for', () => {
    const prometheusRules = readFileSync(join(generated, RULE_FILES.rules), 'utf8');
    const vmalertRules = readFileSync(join(generated, VMALERT_RULE_FILE), 'utf8');
    expect(prometheusRules).toContain('keep_firing_for:');
    const body = (text: string): string => text.split('\n').filter((l) => !l.startsWith('#') && !l.includes('keep_firing_for:')).join('\n');
    expect(body(vmalertRules)).toBe(body(prometheusRules));
  });

  it('fires the same alerts with the same labels in both engines: success, failure (textfile and Pushgateway), stale, never reported, unhealthy', async () => {
    const common = ['--repository', REPOSITORY, '--duration', '2'];
    await ubm(['emit', 'backup', '--textfile-dir', textfilesA, '--hostname', HOST_A, '--job', 'home', '--status', 'success', ...common]);
    await ubm(['emit', 'backup', '--textfile-dir', textfilesA, '--hostname', HOST_A, '--job', 'db-dump', '--status', 'failure', ...common]);
    await ubm(['emit', 'backup', '--textfile-dir', textfilesA, '--hostname', HOST_A, '--job', 'photos', '--status', 'success', ...common]);
    await ubm(['emit', 'backup', '--pushgateway', pushgatewayUrl, '--hostname', HOST_A, '--job', 'pushed', '--status', 'failure', ...common]);
    await ubm(['emit', 'backup', '--textfile-dir', textfilesB, '--hostname', HOST_B, '--job', 'mail', '--status', 'success', ...common]);
    // Both engines must hold every reported job before ubm health declares them expected: else NeverReported would fire for a moment.
    const statuses = sel(metrics.resticBackupStatus, {});
    for (const url of [engines.prometheus.url, engines.victoriametrics.vm]) {
      await waitFor(`five jobs in ${url}`, async () => ((await promQuery(url, `count(${statuses})`))[0]?.value[1] === '5' ? true : undefined), 30_000, 200);
    }
    await ubm(['health', '--config', join(FIXTURES, 'host-a.yaml'), '--textfile-dir', textfilesA, '--hostname', HOST_A, '--node-exporter-user', 'root']);
    // Two files that give one family different HELP: node_exporter drops it silently, ubm health does not.
    writeFileSync(join(textfilesB, 'app_a.prom'), '# HELP vm_app_up One help.\n# TYPE vm_app_up gauge\nvm_app_up 1\n');
    writeFileSync(join(textfilesB, 'app_b.prom'), '# HELP vm_app_up Another help.\n# TYPE vm_app_up gauge\nvm_app_up{part="b"} 1\n');
    await ubm(['health', '--config', join(FIXTURES, 'host-b.yaml'), '--textfile-dir', textfilesB, '--hostname', HOST_B, '--node-exporter-user', 'root'], 1);

    const expected = EXPECTED.map(key).sort();
    for (const [name, engine] of Object.entries(engines)) {
      await waitFor(`the expected alerts firing in ${name}`, async () => {
        const keys = await firingKeys(engine.url);
        return JSON.stringify(keys) === JSON.stringify(expected) ? true : undefined;
      }, 45_000, 250);
    }
    // Steady: a few more evaluations change nothing in either engine.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await firingKeys(engines.prometheus.url)).toEqual(expected);
    expect(await firingKeys(engines.victoriametrics.url)).toEqual(expected);
    // vmalert's one extra label is its rule group's name; Prometheus adds no label.
    const groups = new Map((await apiAlerts(engines.victoriametrics.url)).map((a) => [a.labels.alertname, a.labels[VMALERT_GROUP_LABEL]]));
    expect(groups.get('UnifiedBackupFailed')).toBe('ubm-backup-jobs');
    expect(groups.get('BackupMonitoringUnhealthy')).toBe('ubm-monitoring');
    expect((await apiAlerts(engines.prometheus.url)).filter((a) => VMALERT_GROUP_LABEL in a.labels)).toEqual([]);
  }, 90_000);

  it('gives every alert the same annotations in both engines (ages aside), with every description query answered', async () => {
    const texts = async (url: string): Promise<string[]> => (await apiAlerts(url)).filter((a: ApiAlert) => a.state === 'firing').map(comparable).sort();
    const fromPrometheus = await texts(engines.prometheus.url);
    const fromVmalert = await texts(engines.victoriametrics.url);
    expect(fromVmalert).toEqual(fromPrometheus);
    // A description query that returned nothing would print its fallback: none does here.
    expect(fromVmalert.join('\n')).not.toMatch(/threshold is unknown|<no value>/);
  });

  it("delivers the same notifications through each engine's Alertmanager, with host B's Stale inhibited by its Unhealthy", async () => {
    for (const [name, engine] of Object.entries(engines)) {
      const h = hook(engine.hook);
      for (const labels of EXPECTED.filter((l) => key(l) !== key(INHIBITED))) await h.waitForAlert(`${labels.alertname} via ${name}`, matches(labels), 30_000);
      const held = await waitFor(`${name}'s Alertmanager to hold host B's Stale, inhibited`, async () =>
        (await alertmanagerAlerts(engine.alertmanager)).find((a) => a.labels.alertname === 'UnifiedBackupStale' && a.labels.hostname === HOST_B && a.status.inhibitedBy.length > 0),
      );
      expect(held.status.state).toBe('suppressed');
      // A sentinel sent now is flushed after the Stale alert's group: once it arrives, that group had its turn.
      await postAlert(engine.alertmanager, { alertname: 'VmSentinel', hostname: HOST_B });
      await h.waitForAlert(`the sentinel via ${name}`, (a) => a.labels.alertname === 'VmSentinel');
      expect(h.alerts().filter(matches(INHIBITED))).toEqual([]);
    }
    const delivered = (i: number): string[] => [...new Set(hook(i).alerts().filter((a) => a.labels.alertname !== 'VmSentinel').map(comparable))].sort();
    expect(delivered(engines.victoriametrics.hook)).toEqual(delivered(engines.prometheus.hook));
  }, 60_000);
});
