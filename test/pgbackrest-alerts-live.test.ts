/**
 * The pgBackRest alerts live, with the real programs: a PostgreSQL 15 cluster archiving WAL through
 * pgBackRest 2.45 into two repositories -> `ubm pgbackrest` -> textfile -> node_exporter ->
 * Prometheus (1 s scrape and evaluation, the rules `ubm generate` writes for a config whose WAL
 * threshold is 2 s). Breaking archive_command (a wrong stanza) makes PgbackrestWalArchivingStuck
 * fire; repairing it makes it resolve. The stanza holds no backup (a backup takes many seconds on a
 * busy machine): its status 2 makes PgbackrestStanzaError fire, and WAL archiving works all the same.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sel } from '../src/promql/selector.js';
import { GROUP_NAMES } from '../src/rules/alerts.js';
import { RULE_FILES } from '../src/rules/files.js';
import { externalMetrics, metrics } from '../src/schema/catalog.js';
import { main } from '../src/cli.js';
import { memoryIo } from './exporter/helpers.js';
import { type PgCluster, startPgCluster } from './support/postgres.js';
import { waitForEvaluationAfter } from './support/prometheus-api.js';
import { type Server, promQuery, startRuleStack, waitFor } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { requireTool, toolPath } from './support/tools.js';

const HOST = 'pg-live';
const ALERT = 'PgbackrestWalArchivingStuck';
const STANZA_ERROR = 'PgbackrestStanzaError';
/** The rule group of the PostgreSQL alerts. */
const POSTGRES_GROUP = GROUP_NAMES[2];
/** The WAL threshold of the test's config, and a pause a little longer than it. */
const STUCK_AFTER_SECONDS = 2;
const PAUSE_MS = (STUCK_AFTER_SECONDS + 1.5) * 1000;
/** What `ubm pgbackrest` reports on every read of a stanza without a backup. */
const NO_BACKUP_FINDINGS = ['repo1', 'repo2'].map((r) => `ubm pgbackrest: stanza main ${r}: pgBackRest status 2 (no valid backups)\n`).join('');

/** The config the rules are generated from and `ubm pgbackrest` reads: a short WAL threshold, the alert firing at once. */
const CONFIG = {
  postgres: { enable: true, pgbackrest: { enableOffsite: false } },
  ubm: {
    hostnames: [HOST],
    postgres: { stanzas: ['main'], repos: ['repo1', 'repo2'], walArchiveStuckAfter: `${STUCK_AFTER_SECONDS}s` },
    // Fired on the first evaluation that sees them, and resolved on the first that does not (no keep_firing_for): the test sees repair at once.
    alerting: { for: { [ALERT]: '0s', [STANZA_ERROR]: '0s' }, keepFiringFor: '0s' },
  },
};

/** The parts of Prometheus' /api/v1/alerts the test reads. */
interface ActiveAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: string;
}

async function activeAlerts(url: string, name: string): Promise<ActiveAlert[]> {
  const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data?: { alerts?: ActiveAlert[] } };
  return (body.data?.alerts ?? []).filter((a) => a.labels.alertname === name);
}

describe('WAL archiving stuck, live: PostgreSQL 15 -> pgBackRest 2.45 -> ubm pgbackrest -> node_exporter -> Prometheus', () => {
  const root = tempDir('pgbr-alerts-live');
  const textfiles = join(root, 'textfiles');
  const configFile = join(root, 'backup.yaml');
  const started: Server[] = [];
  let cluster: PgCluster | undefined;
  let prometheusUrl = '';

  function pg(): PgCluster {
    if (cluster === undefined) throw new Error('the cluster did not start');
    return cluster;
  }

  /** Some writes, then a WAL switch: a new segment for archive_command; returns the segment's name. */
  function writeAndSwitch(): string {
    return pg().sql('insert into heartbeat select generate_series(1, 1000); select pg_walfile_name(pg_switch_wal())').trim();
  }

  /** Waits until PostgreSQL reports `segment` archived (archive-push has written it to both repositories). */
  async function archived(segment: string): Promise<void> {
    await waitFor(`${segment} archived`, async () => (pg().sql('select last_archived_wal from pg_stat_archiver').trim() >= segment ? true : undefined), 20_000, 200);
  }

  /** `ubm pgbackrest` in process, as a timer runs it with --config (pgbackrest as the postgres user); returns the read's time in seconds. */
  async function read(): Promise<number> {
    const nowMs = Date.now();
    const io = memoryIo(nowMs, { PATH: toolPath() });
    const code = await main(['pgbackrest', '--stanza', 'main', '--pgbackrest-config', pg().config, '--config', configFile, '--hostname', HOST, '--textfile-dir', textfiles], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 1, stderr: NO_BACKUP_FINDINGS });
    return Math.floor(nowMs / 1000);
  }

  /** Waits until Prometheus has scraped a read at or after `atSeconds`. */
  async function scraped(atSeconds: number): Promise<void> {
    await waitFor(`the read of ${atSeconds} scraped`, async () =>
      (await promQuery(prometheusUrl, `${sel(metrics.pgbackrestInfoLastRunTimestampSeconds, { hostname: HOST })} >= ${atSeconds}`)).length > 0 ? true : undefined,
    );
  }

  /** The repositories an alert fires for. */
  async function firingRepositories(alertname = ALERT): Promise<string[]> {
    const firing = await promQuery(prometheusUrl, sel(externalMetrics.alerts, { alertname, alertstate: 'firing', hostname: HOST }));
    return firing.map((s) => s.metric.repository ?? '').sort();
  }

  beforeAll(async () => {
    mkdirSync(textfiles, { mode: 0o755 });
    writeFileSync(configFile, dump(CONFIG));
    const gen = memoryIo(Date.now());
    expect(await main(['generate', '--config', configFile, '--out', join(root, 'generated')], gen)).toBe(0);
    expect(gen.err()).toBe('');
    ({ prometheusUrl } = await startRuleStack(textfiles, join(root, 'generated', RULE_FILES.rules), started));
    // Prometheus makes its first scrapes while the cluster starts.
    cluster = await startPgCluster('main');
    pg().sql('create table heartbeat (n int)');
  }, 60_000);

  afterAll(async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    await cluster?.stop();
  });

  it('stays quiet while every read finds a newer archived segment, even reads further apart than the threshold', async () => {
    await archived(writeAndSwitch());
    await read();
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    await archived(writeAndSwitch());
    const at = await read();
    await scraped(at);
    const advances = await promQuery(prometheusUrl, sel(metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, { hostname: HOST }));
    expect(advances.map((s) => [s.metric.repository, Number(s.value[1]) >= at])).toEqual([
      ['repo1', true],
      ['repo2', true],
    ]);
    await waitForEvaluationAfter(prometheusUrl, POSTGRES_GROUP, Date.now());
    expect(await firingRepositories()).toEqual([]);
    // The stanza without a backup is in error, with pgBackRest's code in the description.
    expect(await firingRepositories(STANZA_ERROR)).toEqual(['repo1', 'repo2']);
    const [error] = await activeAlerts(prometheusUrl, STANZA_ERROR);
    expect(error?.annotations.description).toMatch(/^pgBackRest reports status code 2 for PostgreSQL stanza main on pg-live in repository repo\d /);
  }, 30_000);

  it(`fires ${ALERT} (critical, per repository) once archive_command fails for longer than the threshold`, async () => {
    // archive_command points at a stanza pgBackRest does not know: every segment fails to archive.
    pg().sql(`alter system set archive_command = '${requireTool('pgbackrest')} --config=${pg().config} --stanza=no-such-stanza archive-push %p'`);
    pg().sql('select pg_reload_conf()');
    writeAndSwitch();
    await waitFor('archive_command to fail', async () => (Number(pg().sql('select failed_count from pg_stat_archiver')) > 0 ? true : undefined), 15_000);
    const brokenAt = await read();
    await new Promise((r) => setTimeout(r, PAUSE_MS));
    writeAndSwitch();
    await read();
    await waitFor(`${ALERT} firing for both repositories`, async () => ((await firingRepositories()).length === 2 ? true : undefined), 15_000);

    const alerts = await activeAlerts(prometheusUrl, ALERT);
    expect(alerts.map((a) => a.labels).sort((a, b) => ((a.repository ?? '') < (b.repository ?? '') ? -1 : 1))).toEqual([
      { alertname: ALERT, hostname: HOST, stanza: 'main', repository: 'repo1', severity: 'critical' },
      { alertname: ALERT, hostname: HOST, stanza: 'main', repository: 'repo2', severity: 'critical' },
    ]);
    const description = alerts[0]?.annotations.description ?? '';
    expect(description).toMatch(/^The newest WAL segment archived for PostgreSQL stanza main on pg-live in pgBackRest repository repo\d has not changed for \d+s \(threshold 2s\) as of the last read of pgbackrest info, /);
    expect(alerts[0]?.annotations.runbook_url).toMatch(/#pgbackrestwalarchivingstuck$/);
    // The segment stopped at the last healthy read: the broken reads carried its time.
    const advances = await promQuery(prometheusUrl, sel(metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, { hostname: HOST }));
    for (const s of advances) expect(Number(s.value[1])).toBeLessThan(brokenAt);
  }, 45_000);

  it(`resolves ${ALERT} once archive_command is repaired and the next read sees a new segment`, async () => {
    pg().sql('alter system reset archive_command');
    pg().sql('select pg_reload_conf()');
    // PostgreSQL retries the backlog on its own (the reload and the switch wake its archiver) before the new segment.
    await archived(writeAndSwitch());
    const at = await read();
    await scraped(at);
    await waitFor(`${ALERT} resolved`, async () => ((await firingRepositories()).length === 0 ? true : undefined), 15_000);
    await waitForEvaluationAfter(prometheusUrl, POSTGRES_GROUP, Date.now());
    expect(await activeAlerts(prometheusUrl, ALERT)).toEqual([]);
  }, 45_000);
});
