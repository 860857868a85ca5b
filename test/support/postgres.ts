/**
 * A private PostgreSQL 15 cluster with pgBackRest and two repositories (repo1 local, repo2 the
 * "offsite" one), for the real-tool suites. Runs as the `postgres` OS user when the tests run as
 * root (PostgreSQL and pgBackRest refuse root); stopped by the postmaster's PID.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './servers.js';
import { tempDir } from './temp.js';
import { requireTool } from './tools.js';

/** A running cluster with its pgBackRest setup. */
export interface PgCluster {
  readonly dir: string;
  /** The pgBackRest config file (pass it as --pgbackrest-config). */
  readonly config: string;
  readonly stanza: string;
  /** Repository paths by label value. */
  readonly repoPaths: Readonly<Record<'repo1' | 'repo2', string>>;
  readonly port: number;
  /** Runs pgbackrest with --config (as the cluster's user); throws with its stderr when it fails. */
  readonly pgbackrest: (args: readonly string[]) => string;
  /** Runs one SQL statement through psql on the cluster's socket (as the cluster's user); returns its unaligned output. */
  readonly sql: (statement: string) => string;
  /** The postmaster's PID. */
  readonly pid: number;
  readonly stop: () => Promise<void>;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a command as the cluster's OS user (postgres when root, else ourselves). */
function asClusterUser(bin: string, args: readonly string[]): string {
  const [file, argv] = isRoot() ? [requireTool('runuser'), ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
  return result.stdout;
}

/** The uid and gid that own the cluster's files: the postgres user's when root, else ours. */
function clusterOwner(): { uid: number; gid: number } {
  if (!isRoot()) return { uid: userInfo().uid, gid: userInfo().gid };
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** True while a process with this PID exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a cluster on its own port and socket directory, archiving WAL through pgBackRest into two
 * repositories, and creates the stanza. No backup is taken: call `pgbackrest(['backup', ...])`.
 */
export async function startPgCluster(stanza = 'main'): Promise<PgCluster> {
  const initdb = requireTool('initdb');
  const pgCtl = requireTool('pg_ctl');
  const pgbackrestBin = requireTool('pgbackrest');
  const dir = tempDir('pg');
  const owner = clusterOwner();
  const paths = { data: join(dir, 'data'), sock: join(dir, 'sock'), repo1: join(dir, 'repo1'), repo2: join(dir, 'repo2-offsite'), log: join(dir, 'log'), lock: join(dir, 'lock'), spool: join(dir, 'spool') };
  chmodSync(dir, 0o755);
  for (const p of [paths.sock, paths.repo1, paths.repo2, paths.log, paths.lock, paths.spool]) mkdirSync(p, { mode: 0o750 });
  const config = join(dir, 'pgbackrest.conf');
  const port = await freePort();
  writeFileSync(
    config,
    [
      '[global]',
      `repo1-path=${paths.repo1}`,
      `repo2-path=${paths.repo2}`,
      'repo1-retention-full=2',
      'repo2-retention-full=2',
      `log-path=${paths.log}`,
      `lock-path=${paths.lock}`,
      `spool-path=${paths.spool}`,
      'log-level-console=warn',
      'log-level-file=off',
      'start-fast=y',
      '',
      `[${stanza}]`,
      `pg1-path=${paths.data}`,
      `pg1-socket-path=${paths.sock}`,
      `pg1-port=${port}`,
      '',
    ].join('\n'),
  );
  for (const p of [dir, config, ...Object.values(paths).filter((p) => p !== paths.data)]) chownSync(p, owner.uid, owner.gid);
  const pgbackrest = (args: readonly string[]): string => asClusterUser(pgbackrestBin, [`--config=${config}`, `--stanza=${stanza}`, ...args]);
  const sql = (statement: string): string =>
    asClusterUser(requireTool('psql'), ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', paths.sock, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', statement]);
  let pid = 0;
  const stop = async (): Promise<void> => {
    if (pid > 0 && alive(pid)) {
      // SIGINT is PostgreSQL's fast shutdown; escalate to SIGKILL if it lingers.
      process.kill(pid, 'SIGINT');
      try {
        await waitFor('postmaster to stop', async () => (alive(pid) ? undefined : true), 10_000, 50);
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    asClusterUser(initdb, ['-D', paths.data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    writeFileSync(
      join(paths.data, 'postgresql.conf'),
      [
        `port = ${port}`,
        "listen_addresses = ''",
        `unix_socket_directories = '${paths.sock}'`,
        'wal_level = replica',
        'archive_mode = on',
        `archive_command = '${pgbackrestBin} --config=${config} --stanza=${stanza} archive-push %p'`,
        'max_wal_senders = 3',
        'fsync = off',
        'shared_buffers = 16MB',
        '',
      ].join('\n'),
      { flag: 'a' },
    );
    asClusterUser(pgCtl, ['-D', paths.data, '-l', join(paths.log, 'postgres.log'), '-w', '-t', '60', 'start']);
    pid = Number((readFileSync(join(paths.data, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '').trim());
    pgbackrest(['stanza-create']);
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir, config, stanza, repoPaths: { repo1: paths.repo1, repo2: paths.repo2 }, port, pgbackrest, sql, pid, stop };
}
