/**
 * Reader of `restic backup --json` output: finds the one `message_type: summary` line among the
 * status lines. restic 0.14's fields are read; newer versions' extra fields are optional.
 */
import { lineSplitter } from '../util/lines.js';

/** The figures of restic's backup summary that the metrics use (undefined when restic left one out). */
export interface ResticSummary {
  readonly filesNew?: number | undefined;
  readonly filesChanged?: number | undefined;
  readonly filesUnmodified?: number | undefined;
  readonly dirsNew?: number | undefined;
  readonly dirsChanged?: number | undefined;
  readonly dirsUnmodified?: number | undefined;
  readonly dataBlobs?: number | undefined;
  readonly treeBlobs?: number | undefined;
  readonly dataAdded?: number | undefined;
  /** Newer restic only: bytes added after compression. */
  readonly dataAddedPacked?: number | undefined;
  readonly totalFilesProcessed?: number | undefined;
  readonly totalBytesProcessed?: number | undefined;
  /** restic's own measure of the run, in seconds. */
  readonly totalDuration?: number | undefined;
  readonly snapshotId?: string | undefined;
}

/** A count or size: a finite, non-negative number, else undefined. */
function figure(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Parses one output line; returns the summary when it is restic's summary line, else undefined. */
export function parseResticSummaryLine(line: string): ResticSummary | undefined {
  // Cheap filter first: restic prints a status line every few hundred milliseconds.
  if (!line.includes('"summary"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  if (o.message_type !== 'summary') return undefined;
  return {
    filesNew: figure(o.files_new),
    filesChanged: figure(o.files_changed),
    filesUnmodified: figure(o.files_unmodified),
    dirsNew: figure(o.dirs_new),
    dirsChanged: figure(o.dirs_changed),
    dirsUnmodified: figure(o.dirs_unmodified),
    dataBlobs: figure(o.data_blobs),
    treeBlobs: figure(o.tree_blobs),
    dataAdded: figure(o.data_added),
    dataAddedPacked: figure(o.data_added_packed),
    totalFilesProcessed: figure(o.total_files_processed),
    totalBytesProcessed: figure(o.total_bytes_processed),
    totalDuration: figure(o.total_duration),
    snapshotId: typeof o.snapshot_id === 'string' ? o.snapshot_id : undefined,
  };
}

/** Lines longer than this are not restic's summary (about 400 bytes) and are not buffered. */
const MAX_LINE_BYTES = 64 * 1024;

/** Scans a stream of output chunks for restic's summary line, keeping at most one line in memory. */
export class ResticSummaryScanner {
  private readonly lines = lineSplitter((line) => {
    const summary = parseResticSummaryLine(line);
    if (summary !== undefined) this.summary = summary;
  }, MAX_LINE_BYTES);
  /** The last summary line seen so far. */
  summary: ResticSummary | undefined;

  /** Feeds a chunk of output. */
  push(chunk: Buffer | string): void {
    this.lines.push(chunk);
  }

  /** Ends the stream: a last line without a newline counts too. */
  end(): ResticSummary | undefined {
    this.lines.end();
    return this.summary;
  }
}

/** Finds the summary in a whole captured output. */
export function findResticSummary(output: string): ResticSummary | undefined {
  const scanner = new ResticSummaryScanner();
  scanner.push(output);
  return scanner.end();
}
