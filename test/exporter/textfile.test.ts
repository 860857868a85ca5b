/** File names, atomic writes, symlink safety, locks and carry-forward plumbing of the textfile writer. */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/exporter/atomic.js';
import { encodeKeyValue, legacyGroupFilePath, lockPathFor, tempPathFor } from '../../src/exporter/filename.js';
import { withFileLock } from '../../src/exporter/lock.js';
import { carried, groupFilePath, isExporterTempFile, parseExposition, resolveHostname, resolveTextfileDir, writeGroup } from '../../src/exporter/textfile.js';
import { type GroupId, metrics } from '../../src/schema/catalog.js';
import { textfileGroups } from '../../src/groups/index.js';
import { tempDir } from '../support/temp.js';
import { spawnCollect, ubm } from './helpers.js';

const status = (job: string, value: number) => ({ metric: metrics.resticBackupStatus, labels: { hostname: 'h', backup_job: job, repository: 'r' }, value });

/** A PID that certainly belongs to no process: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  const pid = child.pid ?? 0;
  await new Promise((r) => child.once('close', r));
  return pid;
}

describe('file names', () => {
  it('gives different hosts and keys different, filesystem-safe .prom names (1,000 cases)', () => {
    const value = fc.string({ unit: 'binary', maxLength: 120 });
    fc.assert(
      fc.property(value, value, value, value, value, value, (a, b, e, c, d, f) => {
        fc.pre(a !== c || b !== d || e !== f);
        const p1 = basename(groupFilePath('/d', 'restic_backup', a, { backup_job: b, repository: e }));
        const p2 = basename(groupFilePath('/d', 'restic_backup', c, { backup_job: d, repository: f }));
        expect(p1).not.toBe(p2);
        for (const p of [p1, p2]) {
          expect(p).toMatch(/^[A-Za-z0-9._-]+\.prom$/);
          expect(Buffer.byteLength(p)).toBeLessThanOrEqual(200);
          expect(isExporterTempFile(p)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a separator from merging two key values into one', () => {
    const a = groupFilePath('/d', 'restic_backup', 'h', { backup_job: 'a.b', repository: 'c' });
    const b = groupFilePath('/d', 'restic_backup', 'h', { backup_job: 'a', repository: 'b.c' });
    const c = groupFilePath('/d', 'restic_backup', 'h.a', { backup_job: 'b', repository: 'c' });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it.each(Object.keys(textfileGroups) as GroupId[])('starts the %s file name with its group prefix', (group) => {
    expect(basename(groupFilePath('/d', group, 'h', { backup_job: 'j', repository: 'r', stanza: 's' }))).toMatch(new RegExp(`^${textfileGroups[group].filePrefix}[.]h[.]`));
  });

  it.each([
    ['a job', 'restic_backup', { backup_job: 'home', repository: 'nas' }, 'ubm_restic_backup.host-a.home.nas.prom', 'ubm_restic_backup.home.nas.prom'],
    ['a host', 'monitoring_health', {}, 'ubm_monitoring_health.host-a.prom', 'ubm_monitoring_health.prom'],
  ] as const)('names the file of %s after the hostname first, and knows its older name without it', (_case, group, key, today, older) => {
    expect(basename(groupFilePath('/d', group, 'host-a', key))).toBe(today);
    expect(basename(legacyGroupFilePath('/d', group, key))).toBe(older);
  });

  it('recognises its own temporary and lock names and nothing else', () => {
    const target = '/d/ubm_restic_backup.h.j.r.prom';
    expect(isExporterTempFile(basename(tempPathFor(target)))).toBe(true);
    expect(isExporterTempFile(basename(lockPathFor(target)))).toBe(true);
    expect(basename(tempPathFor(target))).not.toMatch(/\.prom$/);
    expect(isExporterTempFile('ubm_restic_backup.h.j.r.prom')).toBe(false);
    expect(isExporterTempFile('.hidden')).toBe(false);
    expect(isExporterTempFile('node.prom')).toBe(false);
  });
});

describe('atomic writes', () => {
  it('writes mode 0644 whatever the umask', async () => {
    const dir = tempDir('umask');
    const result = await spawnCollect('sh', ['-c', `umask 077 && exec "$0" "$@"`, process.execPath, join(process.cwd(), 'bin', 'ubm.js'), 'emit', 'health', '--status', '1', '--textfile-dir', dir]);
    expect(result.code).toBe(0);
    for (const name of readdirSync(dir)) expect((statSync(join(dir, name)).mode & 0o777).toString(8)).toBe('644');
  });

  it.each([
    ['an existing victim file', true],
    ['a path that does not exist yet', false],
  ])('never follows a symlink planted at the temporary path (pointing at %s)', (_case, victimExists) => {
    const dir = tempDir('symlink');
    const victim = join(dir, 'victim');
    if (victimExists) writeFileSync(victim, 'precious\n');
    const fixedTemp = join(dir, '.planted.ubm-tmp');
    symlinkSync(victim, fixedTemp);
    const target = join(dir, 'out.prom');
    expect(() => writeFileAtomic(target, 'new\n', () => fixedTemp)).toThrow(/EEXIST/);
    expect(victimExists ? readFileSync(victim, 'utf8') : existsSync(victim)).toBe(victimExists ? 'precious\n' : false);
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(fixedTemp).isSymbolicLink()).toBe(true);
  });

  it('replaces a symlink at the target path instead of writing through it', () => {
    const dir = tempDir('symlink-target');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const target = join(dir, 'out.prom');
    symlinkSync(victim, target);
    writeFileAtomic(target, 'new\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(target).isFile()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });

  it('tries a fresh temporary name when one is taken, and leaves no temporary file behind', () => {
    const dir = tempDir('retry');
    const names = [join(dir, '.taken.ubm-tmp'), join(dir, '.free.ubm-tmp')];
    writeFileSync(names[0] ?? '', 'leftover');
    let i = 0;
    writeFileAtomic(join(dir, 'out.prom'), 'x\n', () => names[i++] ?? '');
    expect(readdirSync(dir).sort()).toEqual(['.taken.ubm-tmp', 'out.prom']);
  });
});

describe('writeGroup', () => {
  it('hands the previous series to build and writes what it returns', async () => {
    const dir = tempDir('carry');
    const key = { backup_job: 'j', repository: 'r' };
    await writeGroup({ dir, group: 'restic_backup', hostname: 'h', key, build: () => [status('j', 1)] });
    let seen: number | undefined;
    await writeGroup({
      dir,
      group: 'restic_backup',
      hostname: 'h',
      key,
      build: (previous) => {
        seen = carried(previous, metrics.resticBackupStatus);
        return [status('j', 0)];
      },
    });
    expect(seen).toBe(1);
    expect(parseExposition(readFileSync(groupFilePath(dir, 'restic_backup', 'h', key), 'utf8')).map((s) => s.value)).toEqual([0]);
  });

  it('refuses a series of another key and writes nothing', async () => {
    const dir = tempDir('foreign');
    await expect(writeGroup({ dir, group: 'restic_backup', hostname: 'h', key: { backup_job: 'j', repository: 'r' }, build: () => [status('other', 1)] })).rejects.toThrow(
      /label backup_job must be the file's key value/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a series of another host and writes nothing', async () => {
    const dir = tempDir('foreign-host');
    const other = { metric: metrics.resticBackupStatus, labels: { hostname: 'host-b', backup_job: 'j', repository: 'r' }, value: 1 };
    await expect(writeGroup({ dir, group: 'restic_backup', hostname: 'h', key: { backup_job: 'j', repository: 'r' }, build: () => [other] })).rejects.toThrow(
      /label hostname must be the file's hostname/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a series of another group and writes nothing', async () => {
    const dir = tempDir('foreign-group');
    const health = { metric: metrics.backupMonitoringHealthy, labels: { hostname: 'h' }, value: 1 };
    await expect(writeGroup({ dir, group: 'restic_backup', hostname: 'h', key: { backup_job: 'j', repository: 'r' }, build: () => [health] })).rejects.toThrow(/belongs to group monitoring_health/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the file and line of a malformed previous file and leaves it as it was', async () => {
    const dir = tempDir('malformed');
    const key = { backup_job: 'j', repository: 'r' };
    const path = groupFilePath(dir, 'restic_backup', 'h', key);
    writeFileSync(path, 'restic_backup_status{hostname="h" 1\n');
    await expect(writeGroup({ dir, group: 'restic_backup', hostname: 'h', key, build: () => [status('j', 1)] })).rejects.toThrow(`${path}: line 1:`);
    expect(readFileSync(path, 'utf8')).toBe('restic_backup_status{hostname="h" 1\n');
    expect(readdirSync(dir)).toEqual([basename(path)]);
  });

  it('ignores samples of metrics the catalog no longer has', async () => {
    const dir = tempDir('retired');
    const key = { backup_job: 'j', repository: 'r' };
    writeFileSync(groupFilePath(dir, 'restic_backup', 'h', key), 'restic_backup_retired_metric{hostname="h"} 5\nrestic_backup_status{hostname="h",backup_job="j",repository="r"} 1\n');
    let previous: readonly unknown[] = [];
    await writeGroup({ dir, group: 'restic_backup', hostname: 'h', key, build: (p) => ((previous = p), [status('j', 1)]) });
    expect(previous).toHaveLength(1);
  });
});

describe('files of the older name, without the hostname', () => {
  const key = { backup_job: 'j', repository: 'r' };
  const older = (host: string): string =>
    `# HELP restic_backup_last_success_timestamp x\n# TYPE restic_backup_last_success_timestamp gauge\nrestic_backup_last_success_timestamp{hostname="${host}",backup_job="j",repository="r"} 1700000000\n`;

  it("carries this host's file forward once, removes it and names it", async () => {
    const dir = tempDir('legacy-own');
    const legacy = legacyGroupFilePath(dir, 'restic_backup', key);
    writeFileSync(legacy, older('h'));
    const migrated: string[] = [];
    let seen: number | undefined;
    const path = await writeGroup({
      dir, group: 'restic_backup', hostname: 'h', key, onMigrated: (from, to) => migrated.push(`${basename(from)} -> ${basename(to)}`),
      build: (previous) => ((seen = carried(previous, metrics.resticBackupLastSuccessTimestamp)), [status('j', 0)]),
    });
    expect(seen).toBe(1_700_000_000);
    expect(migrated).toEqual(['ubm_restic_backup.j.r.prom -> ubm_restic_backup.h.j.r.prom']);
    expect(readdirSync(dir)).toEqual([basename(path)]);
  });

  it("neither reads nor removes another host's file of the older name", async () => {
    const dir = tempDir('legacy-other');
    const legacy = legacyGroupFilePath(dir, 'restic_backup', key);
    writeFileSync(legacy, older('host-b'));
    const migrated: string[] = [];
    let previous: readonly unknown[] = ['not called'];
    await writeGroup({ dir, group: 'restic_backup', hostname: 'h', key, onMigrated: (from) => migrated.push(from), build: (p) => ((previous = p), [status('j', 0)]) });
    expect({ previous, migrated, older: readFileSync(legacy, 'utf8') }).toEqual({ previous: [], migrated: [], older: older('host-b') });
    expect(readdirSync(dir).sort()).toEqual(['ubm_restic_backup.h.j.r.prom', 'ubm_restic_backup.j.r.prom']);
  });
});

describe('locks', () => {
  it('lets a writer of another job through while one job is locked, and times out the same job with the holder named', async () => {
    const dir = tempDir('locks');
    const keyA = { backup_job: 'a', repository: 'r' };
    const keyB = { backup_job: 'b', repository: 'r' };
    let release: () => void = () => undefined;
    const held = withFileLock(lockPathFor(groupFilePath(dir, 'restic_backup', 'h', keyA)), () => new Promise<void>((r) => (release = r)));
    const started = Date.now();
    await writeGroup({ dir, group: 'restic_backup', hostname: 'h', key: keyB, build: () => [status('b', 1)] });
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(writeGroup({ dir, group: 'restic_backup', hostname: 'h', key: keyA, build: () => [status('a', 1)], lockTimeoutMs: 300 })).rejects.toThrow(
      `waiting for the lock ${lockPathFor(groupFilePath(dir, 'restic_backup', 'h', keyA))} held by pid ${process.pid}`,
    );
    release();
    await held;
    await writeGroup({ dir, group: 'restic_backup', hostname: 'h', key: keyA, build: () => [status('a', 1)] });
    expect(readdirSync(dir).sort()).toEqual(['ubm_restic_backup.h.a.r.prom', 'ubm_restic_backup.h.b.r.prom']);
  });

  it('breaks a lock left by a dead process', async () => {
    const dir = tempDir('stale');
    const key = { backup_job: 'j', repository: 'r' };
    const lock = lockPathFor(groupFilePath(dir, 'restic_backup', 'h', key));
    writeFileSync(lock, `${await deadPid()} abc\n`);
    await writeGroup({ dir, group: 'restic_backup', hostname: 'h', key, build: () => [status('j', 1)], lockTimeoutMs: 2000 });
    expect(readdirSync(dir)).toEqual(['ubm_restic_backup.h.j.r.prom']);
  });

  it('breaks a lock older than a minute even when its PID is alive again', async () => {
    const dir = tempDir('old');
    const key = { backup_job: 'j', repository: 'r' };
    const lock = lockPathFor(groupFilePath(dir, 'restic_backup', 'h', key));
    writeFileSync(lock, '1 reused\n');
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    await writeGroup({ dir, group: 'restic_backup', hostname: 'h', key, build: () => [status('j', 1)], lockTimeoutMs: 2000 });
    expect(readdirSync(dir)).toEqual(['ubm_restic_backup.h.j.r.prom']);
  });

  it('releases the lock when build throws', async () => {
    const dir = tempDir('throw');
    const key = { backup_job: 'j', repository: 'r' };
    await expect(
      writeGroup({
        dir,
        group: 'restic_backup',
        hostname: 'h',
        key,
        build: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('defaults', () => {
  it.each([
    ['the flag first', 'flag-dir', { UBM_TEXTFILE_DIR: '/env' }, 'flag-dir'],
    ['then $UBM_TEXTFILE_DIR', undefined, { UBM_TEXTFILE_DIR: '/env' }, '/env'],
    ["then node_exporter's default", undefined, {}, '/var/lib/node_exporter/textfile_collector'],
    ['ignoring an empty $UBM_TEXTFILE_DIR', undefined, { UBM_TEXTFILE_DIR: '' }, '/var/lib/node_exporter/textfile_collector'],
  ])('resolves the textfile directory: %s', (_case, flag, env, expected) => {
    expect(resolveTextfileDir(flag, env)).toBe(expected);
  });

  it("defaults the hostname to the host's name", async () => {
    expect(resolveHostname('given')).toBe('given');
    const real = await spawnCollect('hostname', []);
    expect(resolveHostname(undefined)).toBe(real.stdout.trim());
  });

  it('writes to $UBM_TEXTFILE_DIR when no --textfile-dir is given', async () => {
    const dir = tempDir('envdir');
    mkdirSync(join(dir, 'sub'));
    const result = await ubm(['emit', 'health', '--status', 'success'], { env: { UBM_TEXTFILE_DIR: join(dir, 'sub') } });
    expect(result.code).toBe(0);
    expect(readdirSync(join(dir, 'sub'))).toEqual([`ubm_monitoring_health.${encodeKeyValue(resolveHostname(undefined))}.prom`]);
  });
});
