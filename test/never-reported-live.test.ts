/**
 * Checks that were never set up, live, with the real programs: `ubm health --config` -> textfile ->
 * node_exporter -> Prometheus (1 s scrape and evaluation, the rules `ubm generate` writes for the
 * same config). The config turns on verification, restore tests and PostgreSQL (pgBackRest,
 * verification); no timer ever reports any of them, so each family's NeverReported alert must fire
 * once its (shortened) threshold has passed. Then a verification reports: its NeverReported alert
 * resolves, and its Stale alert takes over when no further check passes.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../src/promql/selector.js';
import { RULE_FILES } from '../src/rules/files.js';
import { externalMetrics, metrics } from '../src/schema/catalog.js';
import { runUbm } from './support/processes.js';
import { type Server, promQuery, startRuleStack, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { requireTool } from './support/tools.js';

const HOST = 'never-host';
const REPOSITORY = 'local';
/** Every check's threshold in the config: short, so the test takes seconds. */
const THRESHOLD = '8s';

/** The alerts that must fire, and the labels each carries besides alertname and severity. */
const NEVER_REPORTED: ReadonlyArray<readonly [string, Readonly<Record<string, string>>]> = [
  ['ResticVerificationNeverReported', { hostname: HOST, repository: REPOSITORY }],
  ['ResticRestoreTestNeverReported', { hostname: HOST, repository: REPOSITORY }],
  ['PostgresBackupVerificationNeverReported', { hostname: HOST, stanza: 'main' }],
];

const CONFIG = {
  enable: true,
  repositories: { [REPOSITORY]: { url: '/never/read/by/the/kit', passwordFile: '/run/secrets/never-read', primary: true, type: 'local' } },
  restic: { enable: true, jobs: { home: { enable: true, repository: REPOSITORY, frequency: 'daily' } } },
  postgres: { enable: true, pgbackrest: { enableOffsite: false }, verification: { enable: true, schedule: 'weekly' } },
  verification: { enable: true, schedule: 'weekly', restoreTesting: { enable: true, schedule: 'monthly' } },
  ubm: {
    hostnames: [HOST],
    verification: { staleAfter: THRESHOLD },
    restoreTesting: { staleAfter: THRESHOLD },
    // pgbackrest info is expected as often as the daily incr backup (a day and more): PgbackrestNeverReported must stay quiet here.
    postgres: { stanzas: ['main'], verificationStaleAfter: THRESHOLD },
    alerting: {
      // Fired and resolved on the first evaluation that sees them, so that the test sees recovery at once.
      keepFiringFor: '0s',
      for: { ...Object.fromEntries(NEVER_REPORTED.map(([name]) => [name, '0s'])), ResticVerificationStale: '0s' },
    },
  },
};

describe('configured checks that never report, live: ubm health --config -> node_exporter -> Prometheus', () => {
  const root = tempDir('never-reported');
  const textfiles = join(root, 'textfiles');
  const configFile = join(root, 'backup.yaml');
  const started: Server[] = [];
  let prometheusUrl = '';

  async function firing(alertname: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
    return (await promQuery(prometheusUrl, sel(externalMetrics.alerts, { alertname, alertstate: 'firing', ...labels }))).length;
  }

  beforeAll(async () => {
    for (const tool of ['prometheus', 'prometheus-node-exporter']) requireTool(tool);
    mkdirSync(textfiles);
    for (const dir of [root, textfiles]) chmodSync(dir, 0o755);
    writeFileSync(configFile, dump(CONFIG));
    const gen = await runUbm(['generate', '--config', configFile, '--out', join(root, 'generated')]);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    ({ prometheusUrl } = await startRuleStack(textfiles, join(root, 'generated', RULE_FILES.rules), started));
  }, 60_000);

  afterAll(async () => {
    // Every server stops by its PID, the last started first, even when the setup failed half-way.
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
  });

  it('fires a NeverReported alert per family once a configured check has not reported within its threshold, and not before', async () => {
    const health = await runUbm(['health', '--config', configFile, '--textfile-dir', textfiles, '--hostname', HOST]);
    expect(health.code, health.stderr).not.toBe(2);
    const expectedAt = Date.now();
    await waitFor('the expected checks in Prometheus', async () =>
      (await promQuery(prometheusUrl, sel(metrics.backupMonitoringExpectedCheckStaleThresholdSeconds, { hostname: HOST }))).length > NEVER_REPORTED.length ? true : undefined,
    );
    // Expected, but within the threshold: nothing fires yet.
    for (const [name] of NEVER_REPORTED) expect(await firing(name)).toBe(0);

    for (const [name, labels] of NEVER_REPORTED) {
      await waitFor(`${name} firing`, async () => ((await firing(name, labels)) > 0 ? true : undefined), 30_000);
    }
    // Not before the threshold (8 s; timestamps are whole seconds, so up to 1 s early).
    expect(Date.now() - expectedAt).toBeGreaterThanOrEqual(7_000);
    // A check whose threshold has not passed stays quiet, although it has never reported either.
    expect(await firing('PgbackrestNeverReported')).toBe(0);
  }, 60_000);

  it('keeps the time it first expected a check across self-checks, so a check keeps counting as never reported', async () => {
    const before = await promQuery(prometheusUrl, sel(metrics.backupMonitoringExpectedCheckSinceTimestampSeconds, { hostname: HOST, check: 'restic_verification' }));
    const again = await runUbm(['health', '--config', configFile, '--textfile-dir', textfiles, '--hostname', HOST]);
    expect(again.code, again.stderr).not.toBe(2);
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await promQuery(prometheusUrl, sel(metrics.backupMonitoringExpectedCheckSinceTimestampSeconds, { hostname: HOST, check: 'restic_verification' }));
    expect(after.map((s) => s.value[1])).toEqual(before.map((s) => s.value[1]));
    expect(await firing('ResticVerificationNeverReported')).toBe(1);
  }, 30_000);

  it('resolves when the check reports, and its Stale alert takes over when no further check passes', async () => {
    const emit = await runUbm(['emit', 'verification', '--repository', REPOSITORY, '--status', 'success', '--duration', '3', '--hostname', HOST, '--textfile-dir', textfiles]);
    expect(emit.stderr).toBe('');
    expect(emit.code).toBe(0);
    await waitFor('ResticVerificationNeverReported resolved', async () => ((await firing('ResticVerificationNeverReported')) === 0 ? true : undefined), 30_000);
    // The others have still never reported.
    expect(await firing('ResticRestoreTestNeverReported')).toBe(1);
    await waitFor('ResticVerificationStale firing', async () => ((await firing('ResticVerificationStale', { hostname: HOST, repository: REPOSITORY })) > 0 ? true : undefined), 30_000);
  }, 60_000);
});
