/**
 * The locks of a restic repository, read without taking one: `restic list locks --no-lock` names
 * them and `restic cat lock ID --no-lock` prints each as JSON (`time`, `exclusive`, `hostname`,
 * `pid`). restic 0.14 has no JSON listing of locks, so each lock costs one `restic cat`.
 */
import { classifyResticFailure } from './restic-check.js';
import { parseRfc3339Nanos } from './restic-ls.js';
import { type ToolResult, requireExecutable, runTool } from './run-tool.js';
import { asRecord } from '../util/record.js';

/** One lock of the repository, as restic wrote it. */
export interface ResticLock {
  /** The lock file's ID (64 hex digits). */
  readonly id: string;
  /** When its process created or last refreshed it, in milliseconds since the epoch (the holder's clock). */
  readonly timeMs: number;
  /** An exclusive lock (prune, check, forget, unlock --remove-all) blocks every other command; a shared one blocks exclusive ones. */
  readonly exclusive: boolean;
  /** The host and process that hold it, for the person who must decide whether it is stale; never a label. */
  readonly hostname: string | undefined;
  readonly pid: number | undefined;
}

/** What one look at the repository's locks found. */
export interface LocksSummary {
  readonly locks: number;
  readonly exclusiveLocks: number;
  /** The oldest lock's time in milliseconds since the epoch; undefined when there is none. */
  readonly oldestLockMs: number | undefined;
}

/** A listing or a lock that is not what restic 0.14 prints. */
export class LockParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockParseError';
  }
}

/** The verdict of reading the locks: the locks, or why they could not be read (one line that never quotes restic). */
export type LocksOutcome =
  | { readonly ok: true; readonly locks: readonly ResticLock[]; readonly durationSeconds: number }
  | { readonly ok: false; readonly reason: string; readonly durationSeconds: number };

const LOCK_ID = /^[0-9a-f]{64}$/;

/** The lock IDs of `restic list locks` (one per line). Throws LockParseError on any other line. */
export function parseLockIds(stdout: string): string[] {
  const ids: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!LOCK_ID.test(line)) throw new LockParseError(`restic list locks printed a line that is not a lock ID (${line.length} characters)`);
    ids.push(line);
  }
  return ids;
}

/** Parses `restic cat lock ID` output. Throws LockParseError when it is not a lock with a valid time. */
export function parseLock(id: string, json: string): ResticLock {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new LockParseError(`lock ${id.slice(0, 8)} is not JSON`);
  }
  const lock = asRecord(value);
  if (lock === undefined) throw new LockParseError(`lock ${id.slice(0, 8)} is not a JSON object`);
  const nanos = typeof lock.time === 'string' ? parseRfc3339Nanos(lock.time) : undefined;
  if (nanos === undefined) throw new LockParseError(`lock ${id.slice(0, 8)} has no valid time`);
  if (lock.exclusive !== undefined && typeof lock.exclusive !== 'boolean') throw new LockParseError(`lock ${id.slice(0, 8)} has a non-boolean exclusive`);
  return {
    id,
    timeMs: Number(nanos / 1_000_000n),
    // restic always writes the field; a lock without it would be a shared one.
    exclusive: lock.exclusive === true,
    hostname: typeof lock.hostname === 'string' ? lock.hostname : undefined,
    pid: typeof lock.pid === 'number' && Number.isSafeInteger(lock.pid) ? lock.pid : undefined,
  };
}

/** Counts the locks, the exclusive ones, and finds the oldest's time. */
export function summarizeLocks(locks: readonly ResticLock[]): LocksSummary {
  let oldest: number | undefined;
  for (const l of locks) if (oldest === undefined || l.timeMs < oldest) oldest = l.timeMs;
  return { locks: locks.length, exclusiveLocks: locks.filter((l) => l.exclusive).length, oldestLockMs: oldest };
}

/** Why `restic cat lock` failed on a lock that is still listed, without quoting restic. */
export function lockFailure(result: Pick<ToolResult, 'code' | 'signal' | 'stderr'>): string {
  // A lock that does not decrypt: newer restic refuses to run while it is there.
  if (/invalid data returned|ciphertext verification failed/i.test(result.stderr)) return 'its file is damaged or is not a restic lock';
  return classifyResticFailure(result);
}

/** Global flags of every call: take no lock, and leave restic's cache alone (locks are never cached). */
const NO_LOCK = ['--no-lock', '--no-cache'];

/**
 * Reads every lock of the repository that restic's own environment selects, taking none. A lock
 * that vanishes between the listing and its `cat` (its process finished, or refreshed it under a
 * new ID) is left out; any other failure is the outcome. Throws ToolNotFoundError when restic is missing.
 */
export async function resticLocks(env: Readonly<Record<string, string | undefined>>): Promise<LocksOutcome> {
  const restic = requireExecutable('restic', env.PATH);
  let durationSeconds = 0;
  const run = async (args: readonly string[]): Promise<ToolResult> => {
    const r = await runTool(restic, [...args, ...NO_LOCK], { env });
    durationSeconds += r.durationSeconds;
    return r;
  };
  const list = async (): Promise<{ ids: string[] } | { reason: string }> => {
    const r = await run(['list', 'locks']);
    if (r.code !== 0) return { reason: classifyResticFailure(r) };
    try {
      return { ids: parseLockIds(r.stdout) };
    } catch (err) {
      return { reason: err instanceof Error ? err.message : String(err) };
    }
  };

  const listed = await list();
  if ('reason' in listed) return { ok: false, reason: listed.reason, durationSeconds };
  const locks: ResticLock[] = [];
  const failed: Array<{ id: string; result: ToolResult }> = [];
  for (const id of listed.ids) {
    const r = await run(['cat', 'lock', id]);
    if (r.code !== 0) {
      failed.push({ id, result: r });
      continue;
    }
    try {
      locks.push(parseLock(id, r.stdout));
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err), durationSeconds };
    }
  }
  if (failed.length > 0) {
    // A second listing tells a vanished lock (fine) from one that could not be read (a failure).
    const again = await list();
    if ('reason' in again) return { ok: false, reason: again.reason, durationSeconds };
    const unread = failed.find((f) => again.ids.includes(f.id));
    if (unread !== undefined) return { ok: false, reason: `lock ${unread.id.slice(0, 8)} is unreadable: ${lockFailure(unread.result)}`, durationSeconds };
  }
  return { ok: true, locks, durationSeconds };
}
