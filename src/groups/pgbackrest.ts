/**
 * The `pgbackrest` group: pgBackRest's view of one stanza (one file per stanza), written by
 * `ubm pgbackrest`. Labels stay bounded: repository and backup type, never a backup label or a time.
 */
import { metrics } from '../schema/catalog.js';
import { type GroupSample, maybeSample, present, sample } from '../schema/series.js';
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
}

/** The series of one repository of the stanza. */
function repoSamples(hostname: string, stanza: string, repo: PgbackrestRepoState): GroupSample<'pgbackrest'>[] {
  const l = { hostname, stanza, repository: repo.repo };
  const out = [
    sample(metrics.pgbackrestRepoStatus, l, repo.statusCode),
    sample(metrics.pgbackrestRepoBackups, l, repo.backupCount),
    sample(metrics.pgbackrestWalArchivePresent, l, repo.walPresent ? 1 : 0),
    maybeSample(metrics.pgbackrestWalArchiveMaxSegment, l, repo.walMaxSegment),
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
  build: (_previous, read) => {
    const l = { hostname: read.hostname, stanza: read.stanza };
    return [
      sample(metrics.pgbackrestStanzaStatus, l, read.statusCode),
      sample(metrics.pgbackrestInfoLastRunTimestampSeconds, l, unixSeconds(read.endedAtMs)),
      ...read.repos.flatMap((repo) => repoSamples(read.hostname, read.stanza, repo)),
    ];
  },
});
