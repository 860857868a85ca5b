/**
 * A per-file lock for read-modify-write: a lock file naming its owner, created atomically.
 * Each target file has its own lock, so writers of different jobs never wait on each other.
 *
 * The owner is a process, not a PID: a PID is reused after its process exits, and means another
 * process in another PID namespace (a container sharing the directory). A lock names its owner by
 * PID, the process's start time (/proc/PID/stat field 22), the boot it started in
 * (/proc/sys/kernel/random/boot_id), its PID namespace (/proc/self/ns/pid) and its host; a waiter
 * that shares the host, boot and namespace checks that exact process; otherwise, and for a live
 * owner, only age makes a lock stale.
 */
import { closeSync, constants, linkSync, openSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { removeQuietly } from './atomic.js';
import { randomSuffix } from './filename.js';

/** How long a writer waits for a lock before giving up, by default. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** A lock older than this is stale whoever holds it: a writer holds it for milliseconds (the only test of an owner out of sight: another host or namespace, no /proc). */
const STALE_AFTER_MS = 60_000;

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** What names a lock's owning process; fields that cannot be read here are absent. */
export interface LockOwner {
  readonly pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks since boot when the process started. */
  readonly start?: string;
  /** The kernel's boot id: start times count from this boot. */
  readonly boot?: string;
  /** The PID namespace (`pid:[4026531836]`): PIDs mean a process only inside it. */
  readonly pidns?: string;
  readonly host: string;
}

/** The first line of every lock this version writes. */
const LOCK_MAGIC = 'ubm-lock 2';

/** A file's first line, or undefined when it cannot be read. */
function readLine(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
}

/** The start time of process `pid` (field 22 of /proc/PID/stat), or undefined when there is no such process here. */
export function processStartTime(pid: number | 'self'): string | undefined {
  const stat = readLine(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 3, 4, ... follow the name: field 22 is at index 19.
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

/** This process's PID namespace, or undefined without /proc. */
function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

let self: LockOwner | undefined;

/** This process as a lock owner (read once: none of it changes while the process lives). */
export function currentOwner(): LockOwner {
  if (self === undefined) {
    const start = processStartTime('self');
    const boot = readLine('/proc/sys/kernel/random/boot_id')?.trim();
    const pidns = pidNamespace();
    self = { pid: process.pid, host: hostname(), ...(start === undefined ? {} : { start }), ...(boot === undefined || boot === '' ? {} : { boot }), ...(pidns === undefined ? {} : { pidns }) };
  }
  return self;
}

/** A lock's content: the magic line, then one `key=value` per line (values URI-encoded), then a token unique to this acquisition. */
export function lockContent(owner: LockOwner, token: string): string {
  const fields: Array<[string, string | number | undefined]> = [['pid', owner.pid], ['start', owner.start], ['boot', owner.boot], ['pidns', owner.pidns], ['host', owner.host], ['token', token]];
  return `${LOCK_MAGIC}\n${fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('\n')}\n`;
}

/** The owner named in a lock's content: this version's format, or the PID alone of older ones. */
function parseOwner(content: string): { owner: LockOwner; legacy: false } | { pid: number | undefined; legacy: true } {
  const [first, ...rest] = content.split('\n');
  if (first !== LOCK_MAGIC) {
    // Earlier releases wrote `PID TOKEN`.
    const pid = Number.parseInt(content, 10);
    return { pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined, legacy: true };
  }
  const fields = new Map<string, string>();
  for (const line of rest) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      try {
        fields.set(line.slice(0, eq), decodeURIComponent(line.slice(eq + 1)));
      } catch {
        // A damaged field is as good as absent.
      }
    }
  }
  const pid = Number(fields.get('pid'));
  if (!Number.isSafeInteger(pid) || pid <= 0) return { pid: undefined, legacy: true };
  const start = fields.get('start');
  const boot = fields.get('boot');
  const pidns = fields.get('pidns');
  return {
    legacy: false,
    owner: { pid, host: fields.get('host') ?? '', ...(start === undefined ? {} : { start }), ...(boot === undefined ? {} : { boot }), ...(pidns === undefined ? {} : { pidns }) },
  };
}

/** The PID a lock's content names, for messages. */
function ownerPid(content: string): number | undefined {
  const parsed = parseOwner(content);
  return parsed.legacy ? parsed.pid : parsed.owner.pid;
}

/** True when a process with this PID exists (EPERM: it exists but belongs to someone else). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `owner` is certainly gone, as `me` sees it: true or false when it can tell, undefined when
 * the owner is out of its sight (another host or PID namespace, or no /proc) and only age can judge.
 */
export function ownerGone(owner: LockOwner, me: LockOwner = currentOwner()): boolean | undefined {
  if (owner.host !== me.host) return undefined;
  // Same host, another boot: every process of that boot has ended.
  if (owner.boot !== undefined && me.boot !== undefined && owner.boot !== me.boot) return true;
  if (owner.pidns === undefined || me.pidns === undefined || owner.pidns !== me.pidns) return undefined;
  if (owner.start === undefined || me.start === undefined) return undefined;
  // The exact process: its PID alive with the same start time. A reused PID has another start time.
  return processStartTime(owner.pid) !== owner.start;
}

/** True when the lock at `path` (with this content) was left by a writer that is gone, or is older than a minute. */
function isStale(path: string, content: string): boolean {
  const parsed = parseOwner(content);
  if (!parsed.legacy && ownerGone(parsed.owner) === true) return true;
  // An older release's lock: its PID is all there is to go by.
  if (parsed.legacy && parsed.pid !== undefined && !pidAlive(parsed.pid)) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false;
  }
}

/** Reads a file, or undefined when it has vanished. */
function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Removes a stale lock without ever removing a live one: move it aside under a unique name, check
 * that what moved is what was judged stale, and put it back (link fails if the name is taken) if not.
 */
function breakStaleLock(path: string, content: string): void {
  const aside = `${path}.${randomSuffix()}.ubm-stale`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (readIfPresent(aside) !== content) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone took the lock meanwhile; the moved one's owner finishes without it.
    }
  }
  unlinkSync(aside);
}

/**
 * Creates the lock with its content in one step: the owner and token go into a private file first,
 * which is then hard-linked to the lock path (link fails if the path exists). A writer killed at any
 * point thus never leaves a lock without the owner that lets the next writer judge it stale.
 */
function tryAcquire(path: string, staged: string): boolean {
  try {
    linkSync(staged, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Runs `fn` while holding the lock file `path`; waits with backoff up to `timeoutMs`. */
export async function withFileLock<T>(path: string, fn: () => Promise<T> | T, timeoutMs = DEFAULT_LOCK_TIMEOUT_MS): Promise<T> {
  const token = lockContent(currentOwner(), randomSuffix());
  const staged = `${path}.${randomSuffix()}.ubm-tmp`;
  const fd = openSync(staged, CREATE_FLAGS, 0o644);
  try {
    writeSync(fd, token);
  } catch (err) {
    // A full disk (ENOSPC) or quota must not leave the staged token behind.
    closeSync(fd);
    removeQuietly(staged);
    throw err;
  }
  closeSync(fd);
  try {
    await acquire(path, staged, timeoutMs);
  } finally {
    unlinkSync(staged);
  }
  try {
    return await fn();
  } finally {
    // Release only our own lock: if it was broken as stale meanwhile, the new one is someone else's.
    if (readIfPresent(path) === token) unlinkSync(path);
  }
}

/** Waits until the staged token is linked into place as the lock, breaking stale locks on the way. */
async function acquire(path: string, staged: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  while (!tryAcquire(path, staged)) {
    const content = readIfPresent(path);
    if (content === undefined) continue;
    if (isStale(path, content)) {
      breakStaleLock(path, content);
      continue;
    }
    if (Date.now() > deadline) {
      const owner = ownerPid(content);
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for the lock ${path}${owner === undefined ? '' : ` held by pid ${owner}`}`);
    }
    // Jitter keeps many waiters from retrying in lockstep.
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
}
