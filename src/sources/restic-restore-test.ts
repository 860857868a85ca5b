/**
 * The sample-restore test: pick N regular files of a snapshot (the latest, or a job's), restore them with
 * `restic restore` into a private temporary directory, and compare each restored file's SHA-256
 * with a reference: the live file when it is unchanged since the snapshot (same size and
 * modification time to the nanosecond), else the snapshot's own content through `restic dump`.
 * The temporary directory is always removed.
 */
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { classifyResticFailure } from './restic-check.js';
import { lineSplitter } from '../util/lines.js';
import { type SnapshotFile, includePattern, parseRfc3339Nanos, sampleCollector } from './restic-ls.js';
import { requireExecutable, runTool } from './run-tool.js';

/** What the restore test found. */
export interface RestoreTestOutcome {
  readonly ok: boolean;
  /** Why it failed, in one line with no paths or repository names. */
  readonly reason: string | undefined;
  readonly durationSeconds: number;
  /** Sample files restored and matched. */
  readonly filesRestored: number;
  /** Sample files that did not restore or did not match. */
  readonly filesFailed: number;
  /** The full ID of the snapshot sampled, when restic listed one. */
  readonly snapshotId?: string | undefined;
}

/** Options of the restore test. */
export interface RestoreTestOptions {
  /** restic's environment (RESTIC_REPOSITORY, RESTIC_PASSWORD_FILE, ... and PATH). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How many sample files (at least 1). */
  readonly sampleFiles: number;
  /** Parent of the private temporary directory. */
  readonly tempParent: string;
  /** The snapshot to sample (a full ID, as a job's latest snapshot is found); default restic's `latest` of the repository. */
  readonly snapshot?: string | undefined;
}

/** SHA-256 of a file's content, or undefined when it cannot be read. */
async function hashFile(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path);
    stream.on('data', (chunk) => hash.update(chunk));
    stream.once('error', () => resolve(undefined));
    stream.once('end', () => resolve(hash.digest('hex')));
  });
}

/** True when the live file at the snapshot's path is a regular file unchanged since the snapshot. */
function liveFileUnchanged(file: SnapshotFile): boolean {
  const recorded = parseRfc3339Nanos(file.mtime);
  if (recorded === undefined) return false;
  try {
    const st = statSync(file.path, { bigint: true });
    return st.isFile() && st.size === BigInt(file.size) && st.mtimeNs === recorded;
  } catch {
    return false;
  }
}

/** The reference hash of a sample: the unchanged live file's, else `restic dump`'s; undefined when neither can be read. */
async function referenceHash(restic: string, env: RestoreTestOptions['env'], snapshotId: string, file: SnapshotFile): Promise<string | undefined> {
  if (liveFileUnchanged(file)) return hashFile(file.path);
  const hash = createHash('sha256');
  const result = await runTool(restic, ['dump', snapshotId, file.path], { env, onStdout: (chunk) => hash.update(chunk) });
  return result.code === 0 ? hash.digest('hex') : undefined;
}

/** Removes a directory tree even where a restored directory's mode forbids it (restic restores modes). */
function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
    // Fall through: make every directory writable and try again.
  }
  const open = (d: string): void => {
    try {
      chmodSync(d, 0o700);
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (lstatSync(p).isDirectory()) open(p);
      }
    } catch {
      // Best effort; rmSync below reports what is left.
    }
  };
  open(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Restores the samples into `target` and counts how many match their reference. */
async function restoreAndCompare(
  restic: string,
  env: RestoreTestOptions['env'],
  snapshotId: string,
  files: readonly SnapshotFile[],
  target: string,
): Promise<{ restored: number; failed: number; restoreFailed: boolean }> {
  const includes = files.flatMap((f) => ['--include', includePattern(f.path)]);
  // restic exits non-zero when a file cannot be restored; each sample's own check below is the verdict.
  const restore = await runTool(restic, ['restore', snapshotId, '--target', target, ...includes], { env });
  let restored = 0;
  let failed = 0;
  for (const file of files) {
    const restoredPath = join(target, file.path);
    let matches = false;
    try {
      const st = lstatSync(restoredPath);
      if (st.isFile() && st.size === file.size) {
        const got = await hashFile(restoredPath);
        const want = await referenceHash(restic, env, snapshotId, file);
        matches = got !== undefined && want !== undefined && got === want;
      }
    } catch {
      matches = false;
    }
    if (matches) restored++;
    else failed++;
  }
  return { restored, failed, restoreFailed: restore.code !== 0 };
}

/** Runs the sample-restore test of one snapshot of the repository that restic's environment selects. Throws ToolNotFoundError when restic is missing. */
export async function resticRestoreTest(options: RestoreTestOptions): Promise<RestoreTestOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const restic = requireExecutable('restic', options.env.PATH);
  const collector = sampleCollector(options.sampleFiles);
  const lines = lineSplitter(collector.onLine);
  const snapshot = options.snapshot ?? 'latest';
  const ls = await runTool(restic, ['ls', '--json', snapshot], { env: options.env, onStdout: lines.push });
  lines.end();
  const fail = (reason: string, failed = 0): RestoreTestOutcome => ({ ok: false, reason, durationSeconds: elapsed(), filesRestored: 0, filesFailed: failed });
  if (ls.code !== 0) return fail(classifyResticFailure(ls));
  const sample = collector.result();
  // restic 0.14 exits 0 with no output when the repository has no snapshot.
  if (sample.snapshotId === undefined) return fail('the repository has no snapshot');
  if (sample.files.length === 0) return { ...fail(`the ${options.snapshot === undefined ? 'latest ' : ''}snapshot holds no regular file to restore`), snapshotId: sample.snapshotId };
  const target = mkdtempSync(join(options.tempParent, 'ubm-restore-test-'));
  try {
    const { restored, failed, restoreFailed } = await restoreAndCompare(restic, options.env, sample.snapshotId, sample.files, target);
    const ok = failed === 0;
    const reason = ok
      ? undefined
      : `${failed} of ${sample.files.length} sample files ${restoreFailed ? 'failed to restore or ' : ''}did not match the snapshot`;
    return { ok, reason, durationSeconds: elapsed(), filesRestored: restored, filesFailed: failed, snapshotId: sample.snapshotId };
  } finally {
    removeTree(target);
  }
}
