/**
 * Reading `restic ls --json SNAPSHOT` as a stream and choosing the restore test's sample files:
 * a reservoir sample seeded by the snapshot ID, so the same snapshot always gives the same sample
 * (a failure can be reproduced) and each new snapshot gives a different one (coverage over time).
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../util/random.js';

/** A regular file of a snapshot, as restic lists it. */
export interface SnapshotFile {
  /** Absolute path inside the snapshot. */
  readonly path: string;
  readonly size: number;
  /** Modification time as restic prints it (RFC 3339 with nanoseconds). */
  readonly mtime: string;
}

/** What a listing gave: the snapshot's full ID, how many regular files it holds, and the sample. */
export interface SnapshotSample {
  readonly snapshotId: string | undefined;
  readonly totalFiles: number;
  /** The sample, sorted by path. */
  readonly files: readonly SnapshotFile[];
}

/** A 32-bit seed derived from a text (the snapshot ID). */
export function seedFrom(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** Collects the snapshot ID and a reservoir sample of `size` regular files from `restic ls --json` lines. */
export function sampleCollector(size: number): { onLine: (line: string) => void; result: () => SnapshotSample } {
  let snapshotId: string | undefined;
  let random = seededRandom(0);
  let seen = 0;
  const reservoir: SnapshotFile[] = [];
  const onLine = (line: string): void => {
    if (line.trim() === '') return;
    let node: unknown;
    try {
      node = JSON.parse(line);
    } catch {
      return; // restic prints nothing else on stdout, but a stray line must not end the test
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.struct_type === 'snapshot' && typeof n.id === 'string') {
      snapshotId = n.id;
      random = seededRandom(seedFrom(n.id));
      return;
    }
    if (n.struct_type !== 'node' || n.type !== 'file' || typeof n.path !== 'string') return;
    const file: SnapshotFile = { path: n.path, size: typeof n.size === 'number' ? n.size : 0, mtime: typeof n.mtime === 'string' ? n.mtime : '' };
    // Algorithm R: every file ends up in the sample with the same probability, in one pass and O(size) memory.
    if (seen < size) reservoir.push(file);
    else {
      const j = Math.floor(random() * (seen + 1));
      if (j < size) reservoir[j] = file;
    }
    seen++;
  };
  const result = (): SnapshotSample => ({
    snapshotId,
    totalFiles: seen,
    files: [...reservoir].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  });
  return { onLine, result };
}

/** Parses an RFC 3339 time with up to nanosecond precision into nanoseconds since the epoch. */
export function parseRfc3339Nanos(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Escapes a path for restic's `--include` (filepath.Match syntax per path component). */
export function includePattern(path: string): string {
  return path.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}
