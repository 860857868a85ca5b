/**
 * Who owns a lock: a process (PID, start time, boot, PID namespace, host), not a PID. A lock whose
 * PID now belongs to another process is stale at once; a lock held from another PID namespace is
 * waited for, never broken on a PID that means nothing here. And a full disk leaves no lock token.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LockOwner, currentOwner, lockContent, ownerGone, processStartTime, withFileLock } from '../../src/exporter/lock.js';
import { recordBackup } from '../../src/exporter/record.js';
import { tempDir } from '../support/temp.js';
import { REPO_ROOT } from '../support/tools.js';

const HOLDER = join(REPO_ROOT, 'test', 'exporter', 'lock-holder.mjs');

/** A process that lives until killed, and its exit. */
function sleeper(): { child: ChildProcess; pid: number; gone: Promise<void> } {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, pid: child.pid ?? 0, gone };
}

/** A PID that certainly belongs to no process: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  const pid = child.pid ?? 0;
  await new Promise((r) => child.once('close', r));
  return pid;
}

/** A lock file at a fresh path holding `owner`, and how long acquiring it took (or why it failed). */
async function acquire(owner: LockOwner, options: { ageMs?: number; timeoutMs: number }): Promise<{ ms: number; error?: string }> {
  const path = join(tempDir('lock-owner'), '.x.prom.ubm-lock');
  writeFileSync(path, lockContent(owner, 'left-behind'));
  if (options.ageMs !== undefined) {
    const then = new Date(Date.now() - options.ageMs);
    utimesSync(path, then, then);
  }
  const started = Date.now();
  try {
    await withFileLock(path, () => undefined, options.timeoutMs);
    return { ms: Date.now() - started };
  } catch (err) {
    return { ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  }
}

describe('lock owners', () => {
  it('reads its own start time from /proc and writes every part of its identity into a lock', () => {
    const me = currentOwner();
    expect(me.start).toBe(processStartTime(process.pid));
    expect(me.boot).toMatch(/^[0-9a-f-]{36}$/);
    expect(me.pidns).toMatch(/^pid:\[\d+\]$/);
    expect(ownerGone(me)).toBe(false);
    expect(lockContent(me, 'tok')).toBe(`ubm-lock 2\npid=${me.pid}\nstart=${me.start}\nboot=${me.boot}\npidns=${encodeURIComponent(me.pidns ?? '')}\nhost=${me.host}\ntoken=tok\n`);
  });

  it('breaks at once a lock whose PID now belongs to another live process (a reused PID)', async () => {
    const other = sleeper();
    try {
      const reused: LockOwner = { ...currentOwner(), pid: other.pid, start: '1' };
      const r = await acquire(reused, { timeoutMs: 5000 });
      expect(r.error).toBeUndefined();
      expect(r.ms).toBeLessThan(1000);
    } finally {
      other.child.kill('SIGKILL');
      await other.gone;
    }
  });

  it('waits for a lock whose owner is that very process, still alive, and names its PID', async () => {
    const other = sleeper();
    try {
      const alive: LockOwner = { ...currentOwner(), pid: other.pid, start: processStartTime(other.pid) ?? 'unknown' };
      const r = await acquire(alive, { timeoutMs: 400 });
      expect(r.error).toMatch(new RegExp(`^timed out after 0s waiting for the lock .* held by pid ${other.pid}$`));
    } finally {
      other.child.kill('SIGKILL');
      await other.gone;
    }
  });

  it.each([
    ['a dead process', async (): Promise<Partial<LockOwner>> => ({ pid: await deadPid() })],
    ['an earlier boot of this host', async (): Promise<Partial<LockOwner>> => ({ pid: process.pid, boot: '00000000-0000-4000-8000-000000000000' })],
  ])('breaks at once a lock left by %s', async (_case, differs) => {
    const r = await acquire({ ...currentOwner(), ...(await differs()) }, { timeoutMs: 5000 });
    expect(r.error).toBeUndefined();
    expect(r.ms).toBeLessThan(1000);
  });

  it.each([
    ['another PID namespace', { pidns: 'pid:[1]' }],
    ['another host sharing the directory', { host: 'elsewhere.example.org' }],
  ])('judges a lock from %s by its age alone: a fresh one is waited for, one older than a minute is broken', async (_case, differs) => {
    const owner: LockOwner = { ...currentOwner(), pid: await deadPid(), ...differs };
    expect((await acquire(owner, { timeoutMs: 400 })).error).toMatch(/^timed out after 0s waiting for the lock/);
    expect((await acquire(owner, { timeoutMs: 2000, ageMs: 120_000 })).error).toBeUndefined();
  });

  it('waits for a live writer in another PID namespace whose PID is free here, instead of breaking its lock', async () => {
    const dir = tempDir('lock-pidns');
    const lock = join(dir, '.ubm_restic_backup.h.home.nas.prom.ubm-lock');
    // A PID free in this namespace, which the holder then takes in its own (ns_last_pid + 1).
    let pid = 30_001;
    while (existsSync(`/proc/${pid}`)) pid++;
    const holder = spawn('unshare', ['--pid', '--fork', '--mount-proc', 'bash', '-c', `echo ${pid - 1} > /proc/sys/kernel/ns_last_pid; "${process.execPath}" "${HOLDER}" "${lock}"; true`], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => holder.once('close', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve) => holder.stdout?.once('data', (c: Buffer) => resolve(c.toString())));
      expect(line).toBe(`locked ${pid}\n`);
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      const started = Date.now();
      await expect(withFileLock(lock, () => undefined, 1000)).rejects.toThrow(`held by pid ${pid}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      holder.stdin?.end('\n');
      expect(await exited).toBe(0);
      await withFileLock(lock, () => undefined, 1000);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30_000);
});

describe('a full textfile directory', () => {
  it('fails with one line naming the directory and leaves no lock token or temporary file behind', async () => {
    const dir = join(tempDir('enospc'), 'textfiles');
    mkdirSync(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    try {
      // Fill every block: creating a file still works (an inode), writing to it does not.
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
      } catch {
        // dd stops with ENOSPC, which is the point.
      }
      await expect(recordBackup({ job: 'home', repository: 'nas', hostname: 'h', success: true, durationSeconds: 1, endedAtMs: Date.UTC(2025, 0, 1) }, { textfileDir: dir })).rejects.toThrow(
        `textfile directory ${dir} is full (no space left on device)`,
      );
      expect(readdirSync(dir)).toEqual(['filler']);
    } finally {
      execFileSync('umount', [dir]);
    }
  });
});
