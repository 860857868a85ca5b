/**
 * `--pushgateway URL` against a real Pushgateway on a loopback port: the grouping key, carry-forward
 * read back from the Pushgateway, and failures that name the host but never a credential.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { groupingLabels, groupingPath } from '../../src/exporter/pushgateway.js';
import { parseExposition } from '../../src/exporter/textfile.js';
import { metrics } from '../../src/schema/catalog.js';
import { type Server, freePort, startServer } from '../support/servers.js';
import { tempDir } from '../support/temp.js';
import { REPO_ROOT } from '../support/tools.js';
import { memoryIo, ubm } from './helpers.js';

const T1 = Date.parse('2024-11-26T02:00:00Z');
const T2 = Date.parse('2024-11-27T02:00:00Z');

describe('pushing to a real Pushgateway', () => {
  let gateway: Server | undefined;
  const url = (): string => gateway?.url ?? '';

  beforeAll(async () => {
    const dir = tempDir('pushgateway');
    gateway = await startServer('prometheus-pushgateway', (port) => [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${dir}/persist`], '/-/ready');
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  /** The Pushgateway's exposition, parsed. */
  async function scrape(): Promise<ReturnType<typeof parseExposition>> {
    return parseExposition(await (await fetch(`${url()}/metrics`)).text());
  }

  it('puts the group under job=<group prefix>, hostname and the key labels, and carries the last success across a failure', async () => {
    const args = ['emit', 'backup', '--job', 'home/dir', '--repository', 'nas', '--hostname', 'h1', '--pushgateway', url()];
    const first = memoryIo(T1);
    expect(await main([...args, '--status', 'success', '--duration', '10'], first), first.err()).toBe(0);
    const second = memoryIo(T2);
    expect(await main([...args, '--status', 'failure', '--duration', '3', '--exit-code', '1'], second), second.err()).toBe(0);

    const series = (await scrape()).filter((s) => s.labels.backup_job === 'home/dir');
    const value = (name: string): number | undefined => series.find((s) => s.name === name)?.value;
    expect(value(metrics.resticBackupStatus.name)).toBe(0);
    expect(value(metrics.resticBackupExitCode.name)).toBe(1);
    expect(value(metrics.resticBackupLastSuccessTimestamp.name)).toBe(T1 / 1000);
    expect(value(metrics.resticBackupFirstRunTimestampSeconds.name)).toBe(T1 / 1000);
    expect(series.find((s) => s.name === metrics.resticBackupStatus.name)?.labels).toEqual({
      job: 'ubm_restic_backup',
      instance: '',
      hostname: 'h1',
      backup_job: 'home/dir',
      repository: 'nas',
    });
  });

  it('keeps the groups of different jobs and families apart', async () => {
    const io = memoryIo(T1);
    expect(await main(['emit', 'backup', '--job', 'a', '--repository', 'nas', '--status', 'success', '--duration', '1', '--hostname', 'h2', '--pushgateway', url()], io)).toBe(0);
    expect(await main(['emit', 'backup', '--job', 'b', '--repository', 'nas', '--status', 'failure', '--duration', '1', '--hostname', 'h2', '--pushgateway', url()], io)).toBe(0);
    expect(await main(['emit', 'health', '--status', 'success', '--hostname', 'h2', '--pushgateway', url()], io)).toBe(0);
    const scraped = await scrape();
    const statusOf = (job: string): number | undefined =>
      scraped.find((s) => s.name === metrics.resticBackupStatus.name && s.labels.hostname === 'h2' && s.labels.backup_job === job)?.value;
    expect([statusOf('a'), statusOf('b')]).toEqual([1, 0]);
    expect(scraped.find((s) => s.name === metrics.backupMonitoringHealthy.name && s.labels.hostname === 'h2')?.labels.job).toBe('ubm_monitoring_health');
  });

  /** [command, its flags for a hostname, what follows them, a metric it pushes]. */
  const withConfig: ReadonlyArray<[string, (host: string) => string[], string[], string]> = [
    ['emit', (host) => ['emit', 'health', '--status', 'success', '--hostname', host], [], metrics.backupMonitoringHealthy.name],
    ['run', (host) => ['run', '--job', 'pushed', '--repository', 'nas', '--hostname', host], ['--', 'true'], metrics.resticBackupStatus.name],
    ['pgbackrest', (host) => ['pgbackrest', '--stanza', 'main', '--from-json', join(REPO_ROOT, 'fixtures', 'pgbackrest', 'two-repos', 'info.json'), '--hostname', host], [], metrics.pgbackrestRepoStatus.name],
  ];

  it.each(withConfig)("ubm %s pushes with --config and --pushgateway: the config's textfile directory does not compete with the Pushgateway", async (command, flags, tail, metric) => {
    const config = join(tempDir('push-config'), 'backup.yaml');
    writeFileSync(config, `monitoring: { textfileCollector: { directory: ${JSON.stringify(join(tempDir('push-config-dir'), 'absent'))} } }\n`);
    const host = `config-${command}`;
    const result = await ubm([...flags(host), '--config', config, '--pushgateway', url(), ...tail], { env: { UBM_TEXTFILE_DIR: '' } });
    expect(result.stderr).not.toContain('not both');
    expect(result.stderr).not.toContain('textfile directory');
    expect((await scrape()).some((s) => s.name === metric && s.labels.hostname === host)).toBe(true);
  });

  it.each([
    ['plain words', 'nas-primary', '/repository/nas-primary'],
    ['a slash', 'a/b', `/repository@base64/${Buffer.from('a/b').toString('base64url')}`],
    ['an empty value', '', '/repository@base64/='],
  ])('encodes a grouping value with %s', (_case, value, expected) => {
    expect(groupingPath(groupingLabels('restic_verification', 'h', { repository: value }))).toBe(`/metrics/job/ubm_restic_verification/hostname/h${expected}`);
  });

  it('exits 1 with one line naming the unreachable host but not its credentials', async () => {
    const port = await freePort();
    const result = await ubm(['emit', 'health', '--status', '1', '--hostname', 'h5', '--pushgateway', `http://user:s3cret@127.0.0.1:${port}/`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`ubm emit: pushgateway http://127.0.0.1:${port} unreachable (ECONNREFUSED)\n`);
  });

  it('sends URL credentials as basic auth rather than failing on them', async () => {
    const result = await ubm(['emit', 'health', '--status', '1', '--hostname', 'h3', '--pushgateway', url().replace('http://', 'http://user:pw@')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await scrape()).some((s) => s.name === metrics.backupMonitoringHealthy.name && s.labels.hostname === 'h3')).toBe(true);
  });

  it('exits 1 naming the status when the Pushgateway has no API at that address', async () => {
    const result = await ubm(['emit', 'health', '--status', '1', '--hostname', 'h6', '--pushgateway', `${url()}/not-here`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`ubm emit: pushgateway ${url()} answered 404 to GET /api/v1/metrics\n`);
  });

  it('exits 1 with the Pushgateway\'s reason when it refuses the push', async () => {
    // Another group holds the same family as a counter: the Pushgateway refuses our gauge.
    const conflict = `${url()}/metrics/job/conflicting-writer`;
    const put = await fetch(conflict, { method: 'PUT', body: `# TYPE ${metrics.postgresBackupVerificationStatus.name} counter\n${metrics.postgresBackupVerificationStatus.name}{hostname="x"} 1\n` });
    expect(put.status).toBe(200);
    try {
      const result = await ubm(['emit', 'postgres-verification', '--stanza', 'main', '--status', '1', '--hostname', 'h4', '--pushgateway', url()]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^ubm emit: pushgateway ${url()} answered 400: pushed metrics are invalid or inconsistent with existing metrics.*\n$`));
    } finally {
      await fetch(conflict, { method: 'DELETE' });
    }
  });
});
