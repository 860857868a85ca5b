/**
 * A per-file lock for read-modify-write: a lock file holding the owner's PID, created atomically.
 * Each target file has its own lock, so writers of different jobs never wait on each other.
 */
import { closeSync, constants, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomSuffix } from './filename.js';

/** How long a writer waits for a lock before giving up, by default. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** A lock older than this is stale even if its PID is alive again (a writer holds it for milliseconds; PIDs get reused). */
const STALE_AFTER_MS = 60_000;

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** True when a process with this PID exists (EPERM: it exists but belongs to someone else). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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

/** The PID written in a lock file's content, if any. */
function ownerPid(content: string): number | undefined {
  const pid = Number.parseInt(content, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when the lock at `path` (with this content) was left by a dead or long-gone writer. */
function isStale(path: string, content: string): boolean {
  const pid = ownerPid(content);
  // Our locks always hold a PID; one without (written by something else) is judged by age alone.
  if (pid !== undefined && !pidAlive(pid)) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false;
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
 * Creates the lock with its content in one step: the token goes into a private file first, which
 * is then hard-linked to the lock path (link fails if the path exists). A writer killed at any
 * point thus never leaves a lock without the PID that lets the next writer judge it stale.
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
  const token = `${process.pid} ${randomSuffix()}\n`;
  const staged = `${path}.${randomSuffix()}.ubm-tmp`;
  const fd = openSync(staged, CREATE_FLAGS, 0o644);
  try {
    writeSync(fd, token);
  } finally {
    closeSync(fd);
  }
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
