/**
 * The `pgbackrest` group: pgBackRest's view of one stanza (one file per stanza), written by
 * `ubm pgbackrest`. Labels stay bounded: repository and backup type, never a backup label or a time.
 * Carries forward when each repository's newest archived WAL segment last changed.
 */
import { metrics } from '../schema/catalog.js';
import { type GroupSample, type SeriesValue, maybeSample, present, sample } from '../schema/series.js';
import { textfileGroup, unixSeconds } from './group.js';

/** The newest backup of one type in one repository. */
export interface PgbackrestLatestBackup {
  readonly completionSeconds: number;
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly repoSizeBytes: number | undefined;
}

/** One repository of the stanza, as `pgbackrest info` describes it. */
export interface PgbackrestRepoState {
  readonly repo: string;
  readonly statusCode: number;
  readonly backupCount: number;
  /** The newest backup per type (`full`, `diff`, `incr`). */
  readonly latest: Readonly<Partial<Record<string, PgbackrestLatestBackup>>>;
  readonly walPresent: boolean;
  readonly walMaxSegment: number | undefined;
}

/** What one `ubm pgbackrest` read of a stanza records. */
export interface PgbackrestRead {
  readonly hostname: string;
  readonly stanza: string;
  readonly statusCode: number;
  readonly repos: readonly PgbackrestRepoState[];
  /** When pgbackrest info was read, in milliseconds since the epoch. */
  readonly endedAtMs: number;
  /** Stale threshold in seconds per scheduled backup type, from the config (none without one). */
  readonly backupStaleThresholds?: Readonly<Partial<Record<string, number>>> | undefined;
}

/** The value a metric had for one repository in the previous file. */
function previousOfRepo(previous: readonly SeriesValue[], metric: { readonly name: string }, repo: string): number | undefined {
  return previous.find((s) => s.metric.name === metric.name && s.labels.repository === repo)?.value;
}

/**
 * When the repository's newest archived WAL segment last changed: now on the first read, or when it
 * differs from the previous read's; else the previous time, carried. A change either way counts:
 * after a restore or stanza-upgrade the position restarts lower, yet WAL is flowing. A read after one
 * without a WAL archive (a repository unreachable for a while) has nothing to compare with and keeps
 * the time, so that an outage never restarts the clock of archiving that is still stuck.
 */
export function walLastAdvance(previous: readonly SeriesValue[], repo: PgbackrestRepoState, nowSeconds: number): number | undefined {
  const before = previousOfRepo(previous, metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, repo.repo);
  if (repo.walMaxSegment === undefined) return before;
  if (before === undefined) return nowSeconds;
  const segmentBefore = previousOfRepo(previous, metrics.pgbackrestWalArchiveMaxSegment, repo.repo);
  return segmentBefore !== undefined && segmentBefore !== repo.walMaxSegment ? nowSeconds : before;
}

/** The series of one repository of the stanza. */
function repoSamples(read: PgbackrestRead, previous: readonly SeriesValue[], repo: PgbackrestRepoState): GroupSample<'pgbackrest'>[] {
  const l = { hostname: read.hostname, stanza: read.stanza, repository: repo.repo };
  const out = [
    sample(metrics.pgbackrestRepoStatus, l, repo.statusCode),
    sample(metrics.pgbackrestRepoBackups, l, repo.backupCount),
    sample(metrics.pgbackrestWalArchivePresent, l, repo.walPresent ? 1 : 0),
    maybeSample(metrics.pgbackrestWalArchiveMaxSegment, l, repo.walMaxSegment),
    maybeSample(metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, l, walLastAdvance(previous, repo, unixSeconds(read.endedAtMs))),
  ];
  for (const [type, b] of Object.entries(repo.latest)) {
    if (b === undefined) continue;
    const t = { ...l, backup_type: type };
    out.push(
      sample(metrics.pgbackrestBackupLastCompletionTimestampSeconds, t, b.completionSeconds),
      sample(metrics.pgbackrestBackupLastDurationSeconds, t, b.durationSeconds),
      sample(metrics.pgbackrestBackupLastSizeBytes, t, b.sizeBytes),
      maybeSample(metrics.pgbackrestBackupLastRepoSizeBytes, t, b.repoSizeBytes),
    );
  }
  return present(out);
}

/** The pgbackrest group. */
export const pgbackrestGroup = textfileGroup({
  id: 'pgbackrest',
  filePrefix: 'ubm_pgbackrest',
  keyLabels: ['stanza'],
  key: (read: PgbackrestRead) => ({ stanza: read.stanza }),
  build: (previous, read) => {
    const l = { hostname: read.hostname, stanza: read.stanza };
    const thresholds = Object.entries(read.backupStaleThresholds ?? {}).map(([type, seconds]) =>
      maybeSample(metrics.pgbackrestBackupStaleThresholdSeconds, { ...l, backup_type: type }, seconds),
    );
    return [
      sample(metrics.pgbackrestStanzaStatus, l, read.statusCode),
      sample(metrics.pgbackrestInfoLastRunTimestampSeconds, l, unixSeconds(read.endedAtMs)),
      ...present(thresholds),
      ...read.repos.flatMap((repo) => repoSamples(read, previous, repo)),
    ];
  },
});
