/**
 * The textfile exporter: one `.prom` file per family group and key, rewritten atomically under a
 * per-file lock, with the previous file's series handed to the caller for carry-forward.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { type GroupKey, textfileGroups } from '../groups/index.js';
import type { GroupId, LabelName } from '../schema/catalog.js';
import { writeFileAtomic } from './atomic.js';
import { checkTextfileDir } from './dirs.js';
import { type SeriesValue, encodeSeries } from './encode.js';
import { groupFilePath, lockPathFor } from './filename.js';
import { DEFAULT_LOCK_TIMEOUT_MS, withFileLock } from './lock.js';
import { parseExposition } from './parse.js';

export type { SeriesValue } from './encode.js';
export { groupFilePath, isExporterTempFile } from './filename.js';
export { parseExposition, parseExpositionDocument, type FamilyHeaders, type ParsedExposition, type ParsedSample } from './parse.js';
export { carried } from '../schema/series.js';
export { DEFAULT_TEXTFILE_DIR, checkTextfileDir, resolveHostname, resolveTextfileDir } from './dirs.js';

/** A request to rewrite one group's file. */
export interface WriteGroupRequest {
  /** Textfile directory (must exist and be writable, else a UsageError naming it). */
  readonly dir: string;
  readonly group: GroupId;
  /** Values of the group's key labels. */
  readonly key: GroupKey;
  /** Given the series parsed from the group's current file (empty when none), returns the new file's series. Carry-forward happens here. Runs under the file's lock. */
  readonly build: (previous: readonly SeriesValue[]) => readonly SeriesValue[];
  /** How long to wait for another writer of the same file (default 10 s). */
  readonly lockTimeoutMs?: number | undefined;
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

/** Reads the group's current file; empty when there is none. Throws naming the file when it is malformed. */
function readPrevious(path: string, group: GroupId): SeriesValue[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
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

/** Throws unless every series belongs to the group and carries the request's key values. */
export function checkSeriesForKey(group: GroupId, key: GroupKey, series: readonly SeriesValue[]): void {
  for (const s of series) {
    if (s.metric.group !== group) throw new Error(`${s.metric.name} belongs to group ${s.metric.group}, not ${group}`);
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
  return err;
}

/** Locks, reads, builds, encodes (prom-client, private Registry), writes atomically; returns the file path. */
export async function writeGroup(req: WriteGroupRequest): Promise<string> {
  checkTextfileDir(req.dir);
  const path = groupFilePath(req.dir, req.group, req.key);
  try {
    await withFileLock(
      lockPathFor(path),
      async () => {
        const series = req.build(readPrevious(path, req.group));
        checkSeriesForKey(req.group, req.key, series);
        writeFileAtomic(path, await encodeSeries(series));
      },
      req.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    );
  } catch (err) {
    throw directoryError(req.dir, err);
  }
  return path;
}
