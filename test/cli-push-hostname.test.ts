/**
 * Pushing names its host: every command that can push takes the hostname from --hostname or the
 * config's ubm.pushgateway.hostname, never from the machine (a Kubernetes pod's name changes every
 * run). Without one, a push is a usage error that names the fix, before anything is sent; so are
 * `ubm health --pushgateway` with a textfile directory and an unreachable Pushgateway's one line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { PUSH_HOSTNAME_MISSING } from '../src/cli/push-hostname.js';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { captureIo } from './support/capture-io.js';
import { freePort } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

describe('a push without a hostname', () => {
  const root = tempDir('push-hostname');
  const config = join(root, 'backup.yaml');
  writeFileSync(config, 'repositories: { r: { url: /never/read, passwordFile: /never/read, primary: true, type: local } }\nrestic: { jobs: { j: { repository: r, frequency: daily } } }\n');
  /** A loopback address where nothing listens: a command that sent anything there would fail otherwise. */
  let url = '';
  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
  });

  const pgInfo = join(REPO_ROOT, 'fixtures', 'pgbackrest', 'two-repos', 'info.json');
  /** [command, its argv before --pushgateway URL, environment]. */
  const commands: ReadonlyArray<[string, string[], Record<string, string>]> = [
    ['emit backup', ['emit', 'backup', '--job', 'j', '--repository', 'r', '--status', 'success', '--duration', '1'], {}],
    ['emit health', ['emit', 'health', '--status', 'success'], {}],
    ['emit backup --from-systemd', ['emit', 'backup', '--from-systemd', '--job', 'j', '--repository', 'r', '--duration', '1'], { SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0' }],
    ['emit with a config that names no host', ['emit', 'health', '--status', 'success', '--config', config], {}],
    ['health', ['health'], {}],
    ['health with a config that names no host', ['health', '--config', config], {}],
    ['pgbackrest', ['pgbackrest', '--stanza', 'main', '--from-json', pgInfo], {}],
    ['verify', ['verify', '--repository', 'r'], { RESTIC_REPOSITORY: '/never/read', RESTIC_PASSWORD: 'x' }],
    ['locks', ['locks', '--repository', 'r'], { RESTIC_REPOSITORY: '/never/read', RESTIC_PASSWORD: 'x' }],
  ];

  it.each(commands)('is a usage error of ubm %s that names --hostname and the config key, and sends nothing', async (name, argv, env) => {
    const io = captureIo(root, env);
    const code = await main([...argv, '--pushgateway', url], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 2, stderr: `ubm ${name.split(' ')[0] ?? ''}: ${PUSH_HOSTNAME_MISSING}\n` });
  });

  it('takes the hostname from ubm.pushgateway.hostname, and rejects one that holds URL credentials', () => {
    const good = join(root, 'named.yaml');
    writeFileSync(good, 'ubm: { pushgateway: { hostname: backup-cronjob } }\n');
    expect(loadConfig(good, root).config.monitoring.pushgatewayHostname).toBe('backup-cronjob');
    const bad = join(root, 'secret.yaml');
    writeFileSync(bad, 'ubm: { pushgateway: { hostname: "https://u:p@host" } }\n');
    let lines: readonly string[] = [];
    try {
      loadConfig(bad, root);
    } catch (err) {
      if (err instanceof ConfigError) lines = err.lines;
    }
    expect(lines.join('\n')).toContain('ubm.pushgateway.hostname');
    expect(lines.join('\n')).not.toContain('u:p@');
  });
});

describe('ubm health --pushgateway refuses what it cannot do, in one line', () => {
  const root = tempDir('health-push-errors');

  it('is a usage error with --textfile-dir, as for emit', async () => {
    const io = captureIo(root);
    const code = await main(['health', '--pushgateway', 'http://127.0.0.1:9', '--textfile-dir', root, '--hostname', 'h'], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 2, stderr: 'ubm health: give --textfile-dir or --pushgateway, not both\n' });
  });

  it('is a usage error with a URL that is not http(s)', async () => {
    const io = captureIo(root);
    const code = await main(['health', '--pushgateway', 'ftp://example.org', '--hostname', 'h'], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 2, stderr: 'ubm health: --pushgateway must be an http:// or https:// URL\n' });
  });

  it('exits 1 with one line naming the unreachable host but not its credentials, as emit does', async () => {
    const port = await freePort();
    const io = captureIo(root);
    const code = await main(['health', '--pushgateway', `http://user:s3cret@127.0.0.1:${port}/`, '--hostname', 'h'], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 1, stderr: `ubm health: pushgateway http://127.0.0.1:${port} unreachable (ECONNREFUSED)\n` });
  });
});
