/**
 * The Pushgateway target at its edges: label values that URL resolution would eat (`.`, `..`) stay
 * in their own group with their carry-forward, and a gateway that stalls is named with the wait.
 */
import { type Server as HttpServer, type ServerResponse, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { groupingLabels, groupingPath, pushGroup } from '../../src/exporter/pushgateway.js';
import { parseExposition } from '../../src/exporter/textfile.js';
import { metrics } from '../../src/schema/catalog.js';
import { type Server, startServer } from '../support/servers.js';
import { tempDir } from '../support/temp.js';
import { memoryIo } from './helpers.js';

const T1 = Date.parse('2024-11-26T02:00:00Z');
const T2 = Date.parse('2024-11-27T02:00:00Z');

describe('grouping values that are path segments of their own', () => {
  it.each([
    ['a single dot', '.', `/repository@base64/${Buffer.from('.').toString('base64url')}`],
    ['two dots', '..', `/repository@base64/${Buffer.from('..').toString('base64url')}`],
    ['three dots, a plain word', '...', '/repository/...'],
  ])('encodes %s so that URL resolution cannot remove it', (_case, value, expected) => {
    expect(groupingPath(groupingLabels('restic_verification', 'h', { repository: value }))).toBe(`/metrics/job/ubm_restic_verification/hostname/h${expected}`);
  });

  describe('on a real Pushgateway', () => {
    let gateway: Server | undefined;

    beforeAll(async () => {
      const dir = tempDir('pushgateway-dots');
      gateway = await startServer('prometheus-pushgateway', (port) => [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${dir}/persist`], '/-/ready');
    });

    afterAll(async () => {
      await gateway?.stop();
    });

    it.each([['.'], ['..']])('keeps job %j in its own group and carries its last success across a failure', async (job) => {
      const url = gateway?.url ?? '';
      const args = ['emit', 'backup', '--job', job, '--repository', 'nas', '--hostname', 'dots', '--pushgateway', url];
      const first = memoryIo(T1);
      expect(await main([...args, '--status', 'success', '--duration', '10'], first), first.err()).toBe(0);
      const second = memoryIo(T2);
      expect(await main([...args, '--status', 'failure', '--duration', '3'], second), second.err()).toBe(0);
      const series = parseExposition(await (await fetch(`${url}/metrics`)).text()).filter((s) => s.labels.hostname === 'dots' && s.labels.backup_job === job);
      const value = (name: string): number | undefined => series.find((s) => s.name === name)?.value;
      expect([value(metrics.resticBackupStatus.name), value(metrics.resticBackupLastSuccessTimestamp.name)]).toEqual([0, T1 / 1000]);
    });
  });
});

describe('a Pushgateway that stalls', () => {
  /** [case, how the fake gateway answers]. */
  const stalls: ReadonlyArray<[string, (res: ServerResponse) => void]> = [
    ['never answers', () => undefined],
    ['sends its headers, then nothing of the body', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":[');
    }],
  ];

  let server: HttpServer | undefined;
  let answer: (res: ServerResponse) => void = () => undefined;
  let url = '';

  beforeAll(async () => {
    server = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.each(stalls)('gets one error naming the gateway and the wait when it %s', async (_case, stall) => {
    answer = stall;
    const push = pushGroup({ url: url.replace('http://', 'http://user:s3cret@'), group: 'monitoring_health', hostname: 'h', key: {}, build: () => [], timeoutMs: 300 });
    await expect(push).rejects.toThrow(new Error(`pushgateway ${url} did not answer within 0.3 s`));
  });
});
