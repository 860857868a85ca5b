/**
 * What the metrics say about a pgBackRest stanza: per repository its status, the newest backup of
 * each type, the WAL archive range of the current database; and the verdict on an offsite repository.
 */
import { type BackupType, type PgbackrestRepo, type PgbackrestStanza, statusText } from './pgbackrest.js';

/** The newest backup of one type in one repository. */
export interface BackupSummary {
  readonly label: string;
  readonly completionSeconds: number;
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly repoSizeBytes: number | undefined;
}

/** What the metrics say about one repository of a stanza. */
export interface RepoSummary {
  readonly repo: string;
  readonly key: number;
  readonly statusCode: number;
  readonly backupCount: number;
  readonly latest: Readonly<Partial<Record<BackupType, BackupSummary>>>;
  /** Completion time of the newest backup of any type; undefined when the repository holds none. */
  readonly newestCompletionSeconds: number | undefined;
  /** True when the repository holds a WAL archive range for the stanza's current database. */
  readonly walPresent: boolean;
  /** Position of the newest archived WAL segment of the current database (see walSegmentPosition). */
  readonly walMaxSegment: number | undefined;
}

/** What the metrics say about a stanza. */
export interface StanzaSummary {
  readonly stanza: string;
  readonly statusCode: number;
  readonly repos: readonly RepoSummary[];
}

// WAL segments per log file at PostgreSQL's default 16 MiB segment size (2^32 / 2^24).
const SEGMENTS_PER_LOG = 0x100;

/**
 * Turns a WAL file name (`000000010000000A000000FF`: timeline, log, segment) into a position that
 * rises as WAL is archived: log * 256 + segment, exact for the default 16 MiB segments (and rising for larger ones).
 */
export function walSegmentPosition(walFile: string): number | undefined {
  const m = /^[0-9A-Fa-f]{8}([0-9A-Fa-f]{8})([0-9A-Fa-f]{8})$/.exec(walFile);
  if (m === null) return undefined;
  return Number.parseInt(m[1] ?? '', 16) * SEGMENTS_PER_LOG + Number.parseInt(m[2] ?? '', 16);
}

/** Summarises one repository of a stanza. */
function summarizeRepo(stanza: PgbackrestStanza, repo: PgbackrestRepo): RepoSummary {
  const backups = stanza.backups.filter((b) => b.repoKey === repo.key);
  const latest: Partial<Record<BackupType, BackupSummary>> = {};
  for (const b of backups) {
    const prev = latest[b.type];
    if (prev !== undefined && prev.completionSeconds >= b.stopSeconds) continue;
    latest[b.type] = {
      label: b.label,
      completionSeconds: b.stopSeconds,
      durationSeconds: Math.max(0, b.stopSeconds - b.startSeconds),
      sizeBytes: b.sizeBytes,
      repoSizeBytes: b.repoSizeBytes,
    };
  }
  const newest = backups.reduce<number | undefined>((max, b) => (max === undefined || b.stopSeconds > max ? b.stopSeconds : max), undefined);
  // The current database is the repository's newest incarnation (after a pg_upgrade and stanza-upgrade, the highest id).
  const dbIds = stanza.dbs.filter((d) => d.repoKey === repo.key).map((d) => d.id);
  const currentDb = dbIds.length === 0 ? undefined : Math.max(...dbIds);
  const archive = stanza.archives.find((a) => a.repoKey === repo.key && a.databaseId === currentDb && a.max !== undefined);
  return {
    repo: repo.name,
    key: repo.key,
    statusCode: repo.statusCode,
    backupCount: backups.length,
    latest,
    newestCompletionSeconds: newest,
    walPresent: archive !== undefined,
    walMaxSegment: archive?.max === undefined ? undefined : walSegmentPosition(archive.max),
  };
}

/** Summarises a stanza per repository, in repository key order. */
export function summarizeStanza(stanza: PgbackrestStanza): StanzaSummary {
  const repos = [...stanza.repos].sort((a, b) => a.key - b.key);
  return { stanza: stanza.name, statusCode: stanza.statusCode, repos: repos.map((r) => summarizeRepo(stanza, r)) };
}

/** True when pgBackRest knows nothing of the stanza: every repository says its path is missing. */
export function isUnknownStanza(stanza: PgbackrestStanza): boolean {
  return stanza.repos.length > 0 && stanza.repos.every((r) => r.statusCode === 1);
}

/** The verdict on an offsite repository. */
export interface OffsiteVerdict {
  readonly ok: boolean;
  /** Why it is not ok (no paths, no pgBackRest messages). */
  readonly reason: string | undefined;
}

/** Offsite status: the repository reports status ok and its newest backup completed within maxAgeSeconds of now. */
export function evaluateOffsite(repo: RepoSummary | undefined, nowSeconds: number, maxAgeSeconds: number): OffsiteVerdict {
  if (repo === undefined) return { ok: false, reason: 'not listed by pgbackrest info' };
  if (repo.statusCode !== 0) return { ok: false, reason: `pgBackRest status ${repo.statusCode} (${statusText(repo.statusCode)})` };
  if (repo.newestCompletionSeconds === undefined) return { ok: false, reason: 'holds no backup' };
  const age = nowSeconds - repo.newestCompletionSeconds;
  if (age > maxAgeSeconds) return { ok: false, reason: `newest backup is ${Math.round(age)}s old (limit ${Math.round(maxAgeSeconds)}s)` };
  return { ok: true, reason: undefined };
}
