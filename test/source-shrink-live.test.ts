/**
 * A backup of an emptied source, live, with the real programs: `ubm run` around a real
 * `restic backup --json` -> textfile -> node_exporter -> Prometheus (1 s scrape and evaluation, the
 * rules `ubm generate` writes for fixtures/e2e/source-shrink.yaml). restic exits 0 for a backup of
 * an empty directory, as it does for an unmounted disk's mount point: only the source baselines
 * that `ubm run` keeps can tell, and UnifiedBackupSourceShrunk must fire.
 */
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../src/promql/selector.js';
import { GROUP_NAMES } from '../src/rules/alerts.js';
import { RULE_FILES } from '../src/rules/files.js';
import { externalMetrics, metrics } from '../src/schema/catalog.js';
import { type ProcessResult, runProcess, runUbm } from './support/processes.js';
import { waitForEvaluationAfter } from './support/prometheus-api.js';
import { type Server, promQuery, startRuleStack, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const CONFIG = join(REPO_ROOT, 'fixtures', 'e2e', 'source-shrink.yaml');
const HOST = 'shrink-host';
const JOB = 'media';
const REPOSITORY = 'local';
const FILES = 1000;
/** The job's shrink ratio in the config, which ubm health writes next to its metrics. */
const RATIO = 0.6;
const ALERT = 'UnifiedBackupSourceShrunk';
const BACKUP_JOB_GROUP = GROUP_NAMES[0];

/** Prometheus' /api/v1/alerts, the parts read here. */
interface AlertsAnswer {
  readonly data: { readonly alerts: ReadonlyArray<{ readonly labels: Record<string, string>; readonly annotations: Record<string, string>; readonly state: string }> };
}

describe('a backup of an emptied source, live: ubm run around restic -> node_exporter -> Prometheus', () => {
  const root = tempDir('source-shrink');
  const generated = join(root, 'generated');
  const textfiles = join(root, 'textfiles');
  // The job's source: a mount point that holds a disk's files, until the disk is not mounted.
  const source = join(root, 'mnt', 'media');
  const resticEnv = { RESTIC_REPOSITORY: join(root, 'repo'), RESTIC_PASSWORD: 'shrink correct horse', RESTIC_CACHE_DIR: join(root, 'cache') };
  const job = { hostname: HOST, backup_job: JOB, repository: REPOSITORY };
  const started: Server[] = [];
  let prometheusUrl = '';
  let resticInit: Promise<ProcessResult> | undefined;

  function backup(): Promise<ProcessResult> {
    return runUbm(['run', '--job', JOB, '--repository', REPOSITORY, '--hostname', HOST, '--textfile-dir', textfiles, '--', 'restic', 'backup', '--json', source], resticEnv);
  }

  /** Waits until Prometheus has scraped `metric` of the job at `value`, then for a whole evaluation of the job rules after that. */
  async function scrapedAndEvaluated(metric: (typeof metrics)[keyof typeof metrics], value: number): Promise<void> {
    await waitFor(`${metric.name} = ${value} in Prometheus`, async () => ((await promQuery(prometheusUrl, `${sel(metric, job)} == ${value}`)).length > 0 ? true : undefined));
    await waitForEvaluationAfter(prometheusUrl, BACKUP_JOB_GROUP, Date.now());
  }

  beforeAll(async () => {
    for (const tool of ['restic', 'prometheus', 'prometheus-node-exporter']) requireTool(tool);
    mkdirSync(source, { recursive: true });
    mkdirSync(textfiles);
    // node_exporter and ubm health read the textfiles as another user would.
    for (const dir of [root, textfiles]) chmodSync(dir, 0o755);
    for (let i = 0; i < FILES; i++) writeFileSync(join(source, `track-${String(i).padStart(4, '0')}.flac`), `track ${i}\n`.repeat(20));
    // restic init derives its key for ~3 s: it runs while the rules are generated and the servers start.
    resticInit = runProcess('restic', ['init'], resticEnv);

    const gen = await runUbm(['generate', '--config', CONFIG, '--out', generated]);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    ({ prometheusUrl } = await startRuleStack(textfiles, join(generated, RULE_FILES.rules), started));
    const init = await resticInit;
    expect(init.code, init.stderr).toBe(0);
    // The job's thresholds travel with its metrics. Its verdict on the temporary directory is not this test's subject: the ratio arriving is.
    await runUbm(['health', '--config', CONFIG, '--textfile-dir', textfiles, '--hostname', HOST]);
    await waitFor('the shrink ratio from ubm health in Prometheus', async () =>
      (await promQuery(prometheusUrl, `${sel(metrics.backupMonitoringJobShrinkRatio, job)} == ${RATIO}`)).length > 0 ? true : undefined,
    );
  }, 60_000);

  afterAll(async () => {
    // Every server stops by its PID, the last started first, even when the setup failed half-way.
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    await resticInit?.catch(() => undefined);
  });

  it(`fires ${ALERT} when the source of ${FILES} files is backed up empty after three full runs, and not before`, async () => {
    for (let run = 1; run <= 3; run++) {
      const result = await backup();
      expect(result.code, result.stderr).toBe(0);
    }
    // The third run's file (two earlier runs folded) is judged against the first two: a baseline of every file, and no alert.
    // (The first run added everything it processed: a full backup, held out of the duration baseline, which holds one run.)
    await scrapedAndEvaluated(metrics.resticBackupDurationBaselineRuns, 1);
    expect(await promQuery(prometheusUrl, `${sel(metrics.resticBackupFilesProcessedBaseline, job)} == ${FILES}`)).toHaveLength(1);
    expect(await promQuery(prometheusUrl, sel(externalMetrics.alerts, { alertname: ALERT }))).toEqual([]);

    // The disk is not mounted: the same path, empty. restic backs it up and exits 0.
    for (const name of readdirSync(source)) rmSync(join(source, name));
    const empty = await backup();
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain('"total_files_processed":0');

    await waitFor(`${ALERT} firing in Prometheus`, async () =>
      (await promQuery(prometheusUrl, sel(externalMetrics.alerts, { alertname: ALERT, alertstate: 'firing', ...job }))).length > 0 ? true : undefined,
    );
    const answer = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as AlertsAnswer;
    const alert = answer.data.alerts.find((a) => a.labels.alertname === ALERT);
    expect(alert?.labels).toEqual({ alertname: ALERT, ...job, severity: 'high' });
    expect(alert?.annotations.description).toContain(`succeeded but processed 0 files and 0B against a baseline of ${FILES} files`);
    expect(alert?.annotations.description).toContain(`(0% of it; the threshold is ${RATIO * 100}%)`);
    expect(alert?.annotations.runbook_url).toMatch(/#unifiedbackupsourceshrunk$/);
  }, 60_000);
});
