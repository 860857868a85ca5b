/**
 * The textfile exporter: one `.prom` file per family group, host and key, rewritten atomically
 * under a per-file lock, with the previous file's series handed to the caller for carry-forward.
 */
import { readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../util/errors.js';
import { oneLine } from '../util/quote.js';
import { type GroupKey, textfileGroups } from '../groups/index.js';
import type { GroupId, LabelName } from '../schema/catalog.js';
import { writeFileAtomic } from './atomic.js';
import { checkTextfileDir } from './dirs.js';
import { type SeriesValue, encodeSeries } from './encode.js';
import { groupFilePath, legacyGroupFilePath, lockPathFor } from './filename.js';
import { DEFAULT_LOCK_TIMEOUT_MS, withFileLock } from './lock.js';
import { parseExposition } from './parse.js';

export type { SeriesValue } from './encode.js';
export { groupFilePath, isExporterTempFile, legacyGroupFilePath } from './filename.js';
export { parseExposition, parseExpositionDocument, type FamilyHeaders, type ParsedExposition, type ParsedSample } from './parse.js';
export { carried } from '../schema/series.js';
export { DEFAULT_TEXTFILE_DIR, checkTextfileDir, resolveHostname, resolveTextfileDir } from './dirs.js';

/** A request to rewrite one group's file. */
export interface WriteGroupRequest {
  /** Textfile directory (must exist and be writable, else a UsageError naming it). */
  readonly dir: string;
  readonly group: GroupId;
  /** The hostname label: part of the file's name, and every series must carry it. */
  readonly hostname: string;
  /** Values of the group's key labels. */
  readonly key: GroupKey;
  /** Given the series parsed from the group's current file (empty when none), returns the new file's series. Carry-forward happens here. Runs under the file's lock. */
  readonly build: (previous: readonly SeriesValue[]) => readonly SeriesValue[];
  /** How long to wait for another writer of the same file (default 10 s). */
  readonly lockTimeoutMs?: number | undefined;
  /** Told of a file of the older name (without the hostname) that was carried forward and removed. */
  readonly onMigrated?: ((from: string, to: string) => void) | undefined;
}

/** Turns parsed samples back into catalog series of the group; samples of other or retired metrics are dropped. */
export function seriesOfGroup(group: GroupId, text: string): SeriesValue[] {
  const byName = new Map(textfileGroups[group].members.map((m) => [m.name, m]));
  const out: SeriesValue[] = [];
  for (const sample of parseExposition(text)) {
    const metric = byName.get(sample.name);
    if (metric === undefined) continue;
    const names = Object.keys(sample.labels);
    if (names.length !== metric.labels.length || !metric.labels.every((l) => Object.hasOwn(sample.labels, l))) continue;
    out.push({ metric, labels: sample.labels as Partial<Record<LabelName, string>>, value: sample.value });
  }
  return out;
}

/** Reads the group's file at `path`; undefined when there is none. Throws naming the file when it is malformed. */
function readPrevious(path: string, group: GroupId): SeriesValue[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return seriesOfGroup(group, text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Overwriting would silently lose carried values (last success): make the user look.
    throw new Error(`${path}: ${message} (fix or remove the file)`);
  }
}

/** True when every series of a file of the older name carries `hostname`: that host wrote it last, so it may carry it forward. */
function ownedBy(series: readonly SeriesValue[], hostname: string): boolean {
  return series.every((s) => s.labels.hostname === hostname);
}

/** A `.prom` file recognised as one of ours: its group, host and key, and whether it has the older name without the hostname. */
export interface OwnFile {
  readonly group: GroupId;
  readonly hostname: string;
  readonly key: GroupKey;
  readonly legacy: boolean;
}

/**
 * Recognises a file of ours from its name and content: the name must be the one the writer gives
 * the group, host and key its series carry (today's name, or the older one without the hostname).
 * Anything else (another program's file, a hand-made copy, a file whose series disagree) is undefined.
 */
export function recogniseOwnFile(name: string, text: string): OwnFile | undefined {
  for (const group of Object.keys(textfileGroups) as GroupId[]) {
    if (!name.startsWith(`${textfileGroups[group].filePrefix}.`)) continue;
    let series: SeriesValue[];
    try {
      series = seriesOfGroup(group, text);
    } catch {
      return undefined;
    }
    const first = series[0];
    const hostname = first?.labels.hostname;
    if (first === undefined || hostname === undefined || !ownedBy(series, hostname)) return undefined;
    const key: Partial<Record<LabelName, string>> = {};
    for (const label of textfileGroups[group].keyLabels) {
      const value = first.labels[label];
      if (value !== undefined) key[label] = value;
    }
    if (name === basename(groupFilePath('.', group, hostname, key))) return { group, hostname, key, legacy: false };
    if (name === basename(legacyGroupFilePath('.', group, key))) return { group, hostname, key, legacy: true };
    return undefined;
  }
  return undefined;
}

/** Throws unless every series belongs to the group and carries the request's key values (and hostname, when given). */
export function checkSeriesForKey(group: GroupId, key: GroupKey, series: readonly SeriesValue[], hostname?: string): void {
  for (const s of series) {
    if (s.metric.group !== group) throw new Error(`${s.metric.name} belongs to group ${s.metric.group}, not ${group}`);
    if (hostname !== undefined && s.labels.hostname !== hostname) throw new Error(`${s.metric.name}: label hostname must be the file's hostname`);
    for (const label of textfileGroups[group].keyLabels) {
      if (s.labels[label] !== key[label]) throw new Error(`${s.metric.name}: label ${label} must be the file's key value`);
    }
  }
}

/** Maps a failure to touch the directory to a UsageError naming it; anything else passes through. */
function directoryError(dir: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new UsageError(`textfile directory ${dir} is not writable`);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UsageError(`textfile directory ${dir} does not exist`);
  // Not the user's input: a failure (exit 1), but one that says where.
  if (code === 'ENOSPC' || code === 'EDQUOT') return new Error(`textfile directory ${oneLine(dir)} is full (${code === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded'})`);
  return err;
}

/**
 * Locks, reads, builds, encodes (prom-client, private Registry), writes atomically; returns the file
 * path. When the file does not exist yet but one of the older name (without the hostname) does and
 * this host wrote it last, its series are carried forward and it is removed, once.
 */
export async function writeGroup(req: WriteGroupRequest): Promise<string> {
  checkTextfileDir(req.dir);
  const path = groupFilePath(req.dir, req.group, req.hostname, req.key);
  const timeoutMs = req.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const write = async (previous: readonly SeriesValue[]): Promise<void> => {
    const series = req.build(previous);
    checkSeriesForKey(req.group, req.key, series, req.hostname);
    writeFileAtomic(path, await encodeSeries(series));
  };
  try {
    await withFileLock(
      lockPathFor(path),
      async () => {
        const current = readPrevious(path, req.group);
        if (current !== undefined) return write(current);
        const legacy = legacyGroupFilePath(req.dir, req.group, req.key);
        // Lock order is always today's name, then the older one: an older ubm still running takes only the latter.
        await withFileLock(
          lockPathFor(legacy),
          async () => {
            const old = readPrevious(legacy, req.group);
            // Another host's file of the older name is its evidence: neither read nor removed.
            const carry = old !== undefined && ownedBy(old, req.hostname);
            await write(carry ? old : []);
            if (!carry) return;
            unlinkIfPresent(legacy);
            req.onMigrated?.(legacy, path);
          },
          timeoutMs,
        );
      },
      timeoutMs,
    );
  } catch (err) {
    throw directoryError(req.dir, err);
  }
  return path;
}

/** What migrateLegacyFile did. */
export type Migration = 'renamed' | 'kept' | 'gone';

/**
 * Gives this host's file of the older name (without the hostname) today's name, keeping its
 * content and modification time: 'renamed'; 'kept' when a file of today's name exists too (the
 * self-check reports the duplicate series), 'gone' when the older file vanished meanwhile.
 */
export async function migrateLegacyFile(dir: string, own: OwnFile, lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS): Promise<Migration> {
  const path = groupFilePath(dir, own.group, own.hostname, own.key);
  const legacy = legacyGroupFilePath(dir, own.group, own.key);
  return withFileLock(
    lockPathFor(path),
    () =>
      withFileLock(
        lockPathFor(legacy),
        (): Migration => {
          if (readPrevious(path, own.group) !== undefined) return 'kept';
          const old = readPrevious(legacy, own.group);
          if (old === undefined) return 'gone';
          if (!ownedBy(old, own.hostname)) return 'kept';
          renameSync(legacy, path);
          return 'renamed';
        },
        lockTimeoutMs,
      ),
    lockTimeoutMs,
  );
}

/** Removes a file, ignoring one that is already gone. */
function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
