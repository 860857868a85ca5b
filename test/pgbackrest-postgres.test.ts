/**
 * `ubm pgbackrest` against a real PostgreSQL 15 cluster and pgBackRest 2.45 with two repositories
 * (repo1 local, repo2 the offsite one): one cluster and one full backup per repository, shared by
 * the file's tests, which run in order (the destructive ones last).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { parseExposition } from '../src/exporter/textfile.js';
import { memoryIo, sampleLines, snapshotDir, ubm } from './exporter/helpers.js';
import { type PgCluster, startPgCluster } from './support/postgres.js';
import { tempDir } from './support/temp.js';
import { requireTool } from './support/tools.js';

/** The parts of `pgbackrest info --output=json` this test checks against. */
interface InfoJson {
  name: string;
  backup: Array<{ type: string; database: { 'repo-key': number }; timestamp: { start: number; stop: number }; info: { size: number; repository: { size: number } } }>;
  archive: Array<{ database: { 'repo-key': number }; max: string }>;
  repo: Array<{ key: number; status: { code: number } }>;
}

const HOST = 'db-host';
let cluster: PgCluster;

/** Samples of one written file as sorted `name{labels} value` lines. */
function samplesOf(dir: string, file: string): string[] {
  return sampleLines(parseExposition(readFileSync(join(dir, file), 'utf8')));
}

/** Runs `ubm pgbackrest` in process against the cluster, at `nowMs`. */
async function run(args: readonly string[], dir: string, nowMs = Date.now()): Promise<{ code: number; stderr: string; stdout: string }> {
  const io = memoryIo(nowMs, { PATH: process.env.PATH });
  const code = await main(['pgbackrest', '--stanza', cluster.stanza, '--pgbackrest-config', cluster.config, '--hostname', HOST, '--textfile-dir', dir, ...args], io);
  return { code, stderr: io.err(), stdout: io.out() };
}

beforeAll(async () => {
  cluster = await startPgCluster('main');
  cluster.pgbackrest(['--repo=1', 'backup', '--type=full']);
  cluster.pgbackrest(['--repo=2', 'backup', '--type=full']);
}, 120_000);

afterAll(async () => {
  await cluster.stop();
});

describe('ubm pgbackrest with a real cluster', () => {
  it('records what pgbackrest info says after a real full backup, and offsite 1 for repo2', async () => {
    const dir = tempDir('pgbr-real');
    // The built CLI, as a systemd unit runs it.
    const result = await ubm(['pgbackrest', '--stanza', 'main', '--pgbackrest-config', cluster.config, '--offsite-repo', 'repo2', '--hostname', HOST, '--textfile-dir', dir]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });

    const [info] = JSON.parse(cluster.pgbackrest(['info', '--output=json'])) as InfoJson[];
    if (info === undefined) throw new Error('pgbackrest info printed no stanza');
    const stanzaFile = samplesOf(dir, 'ubm_pgbackrest.db-host.main.prom');
    // The first read of a WAL archive starts its clock: the last advance is the read's own time.
    const readAt = stanzaFile.find((l) => l.startsWith('pgbackrest_info_last_run_timestamp_seconds'))?.split(' ')[1];
    const expected: string[] = [`pgbackrest_stanza_status{hostname="${HOST}",stanza="main"} 0`];
    for (const repo of info.repo) {
      const labels = `hostname="${HOST}",repository="repo${repo.key}",stanza="main"`;
      const backups = info.backup.filter((b) => b.database['repo-key'] === repo.key);
      const [full] = backups;
      const archive = info.archive.find((a) => a.database['repo-key'] === repo.key);
      if (full === undefined || archive === undefined || backups.length !== 1) throw new Error(`repo${repo.key}: expected exactly one backup and an archive`);
      const typed = `backup_type="full",${labels}`;
      const maxLog = Number.parseInt(archive.max.slice(8, 16), 16);
      const maxSeg = Number.parseInt(archive.max.slice(16), 16);
      expected.push(
        `pgbackrest_repo_status{${labels}} ${repo.status.code}`,
        `pgbackrest_repo_backups{${labels}} 1`,
        `pgbackrest_backup_last_completion_timestamp_seconds{${typed}} ${full.timestamp.stop}`,
        `pgbackrest_backup_last_duration_seconds{${typed}} ${full.timestamp.stop - full.timestamp.start}`,
        `pgbackrest_backup_last_size_bytes{${typed}} ${full.info.size}`,
        `pgbackrest_backup_last_repo_size_bytes{${typed}} ${full.info.repository.size}`,
        `pgbackrest_wal_archive_present{${labels}} 1`,
        `pgbackrest_wal_archive_max_segment{${labels}} ${maxLog * 256 + maxSeg}`,
        `pgbackrest_wal_archive_last_advance_timestamp_seconds{${labels}} ${readAt ?? 'missing'}`,
      );
    }
    const written = stanzaFile.filter((l) => !l.startsWith('pgbackrest_info_last_run_timestamp_seconds'));
    expect(written).toEqual(expected.sort());
    expect(samplesOf(dir, 'ubm_postgres_offsite.db-host.main.repo2.prom')[0]).toBe(`postgres_pgbackrest_offsite_backup_status{hostname="${HOST}",repository="repo2",stanza="main"} 1`);
    for (const file of readdirSync(dir)) {
      const check = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: readFileSync(join(dir, file)), encoding: 'utf8' });
      expect({ file, status: check.status, output: check.stdout + check.stderr }).toEqual({ file, status: 0, output: '' });
    }
  });

  it('records verification 1 after pgbackrest verify passes on both repositories', async () => {
    const dir = tempDir('pgbr-verify');
    expect(await run(['--verify'], dir)).toEqual({ code: 0, stderr: '', stdout: '' });
    expect(samplesOf(dir, 'ubm_postgres_verification.db-host.main.prom').filter((l) => l.startsWith('postgres_backup_verification_status'))).toEqual([
      `postgres_backup_verification_status{hostname="${HOST}",stanza="main"} 1`,
    ]);
  });

  it('records verification 0 and exits 1 when a file of the repo1 backup is corrupted', async () => {
    const dir = tempDir('pgbr-verify-bad');
    const backupDir = join(cluster.repoPaths.repo1, 'backup', 'main');
    const label = readdirSync(backupDir).find((n) => /^\d{8}-\d{6}F$/.test(n));
    if (label === undefined) throw new Error('no full backup directory in repo1');
    const victim = join(backupDir, label, 'pg_data', 'PG_VERSION.gz');
    copyFileSync(victim, `${victim}.orig`);
    try {
      writeFileSync(victim, 'not what pgBackRest stored');
      const result = await run(['--verify'], dir);
      expect(result).toEqual({ code: 1, stdout: '', stderr: 'ubm pgbackrest: stanza main verify repo1: pgbackrest verify found errors (1 invalid backup(s), checksum invalid 1)\n' });
      expect(samplesOf(dir, 'ubm_postgres_verification.db-host.main.prom')).toContain(`postgres_backup_verification_status{hostname="${HOST}",stanza="main"} 0`);
    } finally {
      copyFileSync(`${victim}.orig`, victim);
      rmSync(`${victim}.orig`);
    }
  });

  it('verifies only the repositories given by --verify-repo', async () => {
    const dir = tempDir('pgbr-verify-one');
    expect(await run(['--verify', '--verify-repo', 'repo2'], dir)).toEqual({ code: 0, stderr: '', stdout: '' });
    expect(await run(['--verify', '--verify-repo', 'repo7'], dir)).toEqual({ code: 1, stdout: '', stderr: 'ubm pgbackrest: stanza main verify repo7: not listed by pgbackrest info\n' });
  });

  it('writes offsite 0 once the offsite backup is older than the default max age (30h)', async () => {
    const dir = tempDir('pgbr-stale');
    const later = Date.now() + 31 * 3600 * 1000;
    const result = await run(['--offsite-repo', 'repo2'], dir, later);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ubm pgbackrest: stanza main offsite repo2: newest backup is \d+s old \(limit 108000s\)\n$/);
    expect(samplesOf(dir, 'ubm_postgres_offsite.db-host.main.repo2.prom')[0]).toBe(`postgres_pgbackrest_offsite_backup_status{hostname="${HOST}",repository="repo2",stanza="main"} 0`);
  });

  /** [case, extra argv, env PATH, the exact stderr line]. */
  const bad: Array<[string, string[], string | undefined, string]> = [
    ['pgbackrest is not installed', [], '/nonexistent-bin', 'ubm pgbackrest: pgbackrest not found on PATH\n'],
    ['the stanza is unknown', ['--stanza', 'nope'], undefined, "ubm pgbackrest: stanza 'nope' is unknown to pgBackRest (missing stanza path in repo1, repo2)\n"],
    ['the pgBackRest config is missing', ['--pgbackrest-config', '/nonexistent/pgbackrest.conf'], undefined, 'ubm pgbackrest: pgbackrest info failed with pgBackRest error 55 (file-missing)\n'],
    ['the OS user does not exist', ['--pgbackrest-user', 'no-such-user'], undefined, "ubm pgbackrest: user 'no-such-user' does not exist (see --pgbackrest-user)\n"],
  ];

  it.each(bad)('exits 2 with one line and writes nothing when %s', async (_about, args, path, line) => {
    const dir = tempDir('pgbr-real-bad');
    const io = memoryIo(Date.now(), { PATH: path ?? process.env.PATH });
    const code = await main(['pgbackrest', '--stanza', 'main', '--pgbackrest-config', cluster.config, '--textfile-dir', dir, ...args], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 2, stderr: line });
    expect(snapshotDir(dir)).toEqual({});
  });

  it('reports an unreachable offsite repository with status 99 and offsite 0, without its path', async () => {
    const dir = tempDir('pgbr-unreachable');
    chmodSync(cluster.repoPaths.repo2, 0o000);
    try {
      const result = await run(['--offsite-repo', 'repo2'], dir);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'ubm pgbackrest: stanza main repo2: pgBackRest status 99 (other error (repository unreachable or unreadable?))\n' +
          'ubm pgbackrest: stanza main offsite repo2: pgBackRest status 99 (other error (repository unreachable or unreadable?))\n',
      });
      expect(samplesOf(dir, 'ubm_pgbackrest.db-host.main.prom')).toContain(`pgbackrest_repo_status{hostname="${HOST}",repository="repo2",stanza="main"} 99`);
      expect(samplesOf(dir, 'ubm_postgres_offsite.db-host.main.repo2.prom')[0]).toBe(`postgres_pgbackrest_offsite_backup_status{hostname="${HOST}",repository="repo2",stanza="main"} 0`);
    } finally {
      chmodSync(cluster.repoPaths.repo2, 0o750);
    }
  });

  it('writes offsite 0, keeping the last success, after the offsite repository\'s backups are removed', async () => {
    const dir = tempDir('pgbr-removed');
    expect((await run(['--offsite-repo', 'repo2'], dir)).code).toBe(0);
    const lastSuccess = samplesOf(dir, 'ubm_postgres_offsite.db-host.main.repo2.prom').find((l) => l.startsWith('postgres_pgbackrest_offsite_last_success'));
    // The offsite volume is wiped: backups and WAL archive of the stanza are gone.
    rmSync(join(cluster.repoPaths.repo2, 'backup', 'main'), { recursive: true, force: true });
    rmSync(join(cluster.repoPaths.repo2, 'archive', 'main'), { recursive: true, force: true });
    const result = await run(['--offsite-repo', 'repo2'], dir, Date.now() + 60_000);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ubm pgbackrest: stanza main repo2: pgBackRest status 1 (missing stanza path)\nubm pgbackrest: stanza main offsite repo2: pgBackRest status 1 (missing stanza path)\n',
    });
    const after = samplesOf(dir, 'ubm_postgres_offsite.db-host.main.repo2.prom');
    expect(after[0]).toBe(`postgres_pgbackrest_offsite_backup_status{hostname="${HOST}",repository="repo2",stanza="main"} 0`);
    expect(after.find((l) => l.startsWith('postgres_pgbackrest_offsite_last_success'))).toBe(lastSuccess);
    expect(samplesOf(dir, 'ubm_pgbackrest.db-host.main.prom')).toContain(`pgbackrest_repo_backups{hostname="${HOST}",repository="repo2",stanza="main"} 0`);
  });
});
