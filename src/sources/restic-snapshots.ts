/**
 * Finding a job's latest snapshot in a repository that several jobs share: the job's selection
 * (its tags, else its paths, and the host it backs up as) becomes `restic snapshots --json --latest 1`
 * filters, and the newest snapshot restic lists is the one the restore test samples.
 */
import { classifyResticFailure } from './restic-check.js';
import { parseRfc3339Nanos } from './restic-ls.js';
import { requireExecutable, runTool } from './run-tool.js';
import { quote } from '../util/quote.js';

/** What identifies one job's snapshots: restic's `--tag` (all of them), `--host` and `--path` filters. */
export interface SnapshotSelection {
  /** Tags the snapshot must all carry (restic's `--tag a,b`); empty for a job selected by paths. */
  readonly tags: readonly string[];
  /** The hostname the job backs up as (restic's `--host`). */
  readonly host: string;
  /** Paths the snapshot must all include (restic's `--path`); used only when the job has no tags. */
  readonly paths: readonly string[];
}

/** A job as the selection needs it: its tags and paths from the config. */
export interface SelectableJob {
  readonly tags: readonly string[];
  readonly paths: readonly string[];
}

/** A job's selection, or why its snapshots cannot be told apart from other jobs'. */
export type SelectionResult = { readonly selection: SnapshotSelection } | { readonly problem: string };

/**
 * The selection of a job's snapshots: its tags when it has any (the design runs each job with
 * `--tag` per tag), else its paths; always its host. A job with neither has no selection, and a tag
 * restic cannot filter by (empty, or holding the comma that separates restic's tag lists) is a problem.
 */
export function jobSelection(job: SelectableJob, host: string): SelectionResult {
  const badTag = job.tags.find((t) => t === '' || t.includes(','));
  if (badTag !== undefined) {
    return { problem: badTag === '' ? 'it has an empty tag, which restic cannot select snapshots by' : `tag ${quote(badTag)} holds a comma, which restic cannot select snapshots by` };
  }
  if (job.tags.length > 0) return { selection: { tags: [...job.tags], host, paths: [] } };
  const relative = job.paths.find((p) => !p.startsWith('/'));
  if (relative !== undefined) return { problem: `path ${quote(relative)} is not absolute, and restic records snapshots by absolute paths` };
  if (job.paths.length > 0) return { selection: { tags: [], host, paths: [...job.paths] } };
  return { problem: 'it has neither tags nor paths to tell its snapshots from other jobs\' in the repository' };
}

/** The arguments of `restic snapshots` that list the latest snapshot of each host and path set matching a selection. */
export function snapshotsArgs(selection: SnapshotSelection): string[] {
  // `--flag=value`: a value that starts with a dash is never read as a flag.
  const args = ['snapshots', '--json', '--latest', '1', `--host=${selection.host}`];
  if (selection.tags.length > 0) args.push(`--tag=${selection.tags.join(',')}`);
  for (const path of selection.paths) args.push(`--path=${path}`);
  return args;
}

/** In one line, how a selection picks snapshots (for reports and error lines: tags, paths and host, never a repository). */
export function describeSelection(selection: SnapshotSelection): string {
  const what = selection.tags.length > 0 ? `tags ${selection.tags.join(',')}` : `paths ${selection.paths.join(',')}`;
  return `${what} on host ${selection.host}`;
}

/** A snapshot as `restic snapshots --json` lists it: its full ID and time. */
export interface ListedSnapshot {
  readonly id: string;
  /** The snapshot's time in nanoseconds since the epoch. */
  readonly timeNs: bigint;
}

/**
 * The newest snapshot of `restic snapshots --json` output, or undefined when it lists none. restic's
 * `--latest 1` keeps one per host and path set, so a job whose paths changed lists several.
 * Throws when the output is not restic's JSON list.
 */
export function newestSnapshot(stdout: string): ListedSnapshot | undefined {
  const parsed: unknown = JSON.parse(stdout.trim() === '' ? '[]' : stdout);
  if (!Array.isArray(parsed)) throw new Error('restic snapshots printed no JSON list');
  let newest: ListedSnapshot | undefined;
  for (const entry of parsed as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const timeNs = typeof e.time === 'string' ? parseRfc3339Nanos(e.time) : undefined;
    if (typeof e.id !== 'string' || timeNs === undefined) continue;
    if (newest === undefined || timeNs > newest.timeNs) newest = { id: e.id, timeNs };
  }
  return newest;
}

/** What looking for a job's latest snapshot found: its ID, none, or a restic failure (the repository's, not the job's). */
export type LatestSnapshot =
  | { readonly kind: 'found'; readonly id: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'failed'; readonly reason: string };

/** Finds the newest snapshot matching a selection in the repository restic's environment selects. Throws ToolNotFoundError when restic is missing. */
export async function latestSnapshot(env: Readonly<Record<string, string | undefined>>, selection: SnapshotSelection): Promise<LatestSnapshot> {
  const restic = requireExecutable('restic', env.PATH);
  const result = await runTool(restic, snapshotsArgs(selection), { env });
  if (result.code !== 0) return { kind: 'failed', reason: classifyResticFailure(result) };
  let newest: ListedSnapshot | undefined;
  try {
    newest = newestSnapshot(result.stdout);
  } catch {
    return { kind: 'failed', reason: 'restic snapshots printed output that is not its JSON list' };
  }
  return newest === undefined ? { kind: 'none' } : { kind: 'found', id: newest.id };
}
