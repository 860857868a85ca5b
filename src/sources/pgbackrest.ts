/**
 * Reading `pgbackrest info --output=json`: validation of the parts we use, with 64-bit integers
 * kept exact, into typed stanzas (see pgbackrest-summary.ts for what the metrics make of them).
 */
import { z } from 'zod';
import { parseJsonLossless } from './lossless-json.js';

/** pgBackRest's backup types, which are the `backup_type` label values. */
export const BACKUP_TYPES = ['full', 'diff', 'incr'] as const;

/** A pgBackRest backup type. */
export type BackupType = (typeof BACKUP_TYPES)[number];

/** What pgBackRest's status codes mean (info command); the text we print instead of pgBackRest's own message, which may name paths. */
export const PGBACKREST_STATUS_TEXT: Readonly<Record<number, string>> = {
  0: 'ok',
  1: 'missing stanza path',
  2: 'no valid backups',
  3: 'missing stanza data',
  4: 'different across repos',
  5: 'database mismatch across repos',
  6: 'requested backup not found',
  99: 'other error (repository unreachable or unreadable?)',
};

/** The meaning of a pgBackRest status code, for one-line diagnostics. */
export function statusText(code: number): string {
  return PGBACKREST_STATUS_TEXT[code] ?? 'unknown status';
}

// Integers beyond 2^53 arrive as exact strings (see lossless-json); sizes that large are still fine as doubles.
const integer = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);
const status = z.object({ code: integer, message: z.string().optional() });
const dbRef = z.object({ id: integer, 'repo-key': integer.optional() });

const stanzaSchema = z.object({
  name: z.string(),
  status,
  repo: z.array(z.object({ key: integer, status })).optional(),
  backup: z
    .array(
      z.object({
        label: z.string(),
        type: z.enum(BACKUP_TYPES),
        error: z.boolean().optional(),
        timestamp: z.object({ start: integer, stop: integer }),
        info: z.object({ size: integer, repository: z.object({ size: integer.optional(), delta: integer.optional() }).optional() }),
        database: dbRef,
      }),
    )
    .default([]),
  archive: z
    .array(z.object({ id: z.string(), database: dbRef, min: z.string().nullable().optional(), max: z.string().nullable().optional() }))
    .default([]),
  db: z
    .array(
      z.object({
        id: integer,
        'repo-key': integer.optional(),
        // Kept as the exact decimal text: it is a 64-bit integer.
        'system-id': z.union([z.string(), z.number()]).transform(String),
        version: z.string(),
      }),
    )
    .default([]),
});

/** One backup as pgBackRest reports it. */
export interface PgbackrestBackup {
  readonly label: string;
  readonly type: BackupType;
  readonly repoKey: number;
  readonly databaseId: number;
  readonly startSeconds: number;
  readonly stopSeconds: number;
  /** Size of the database the backup covers. */
  readonly sizeBytes: number;
  /** Bytes the backup occupies in the repository, when reported. */
  readonly repoSizeBytes: number | undefined;
  /** True when pgBackRest found page checksum errors in the backup. */
  readonly error: boolean;
}

/** The WAL archive range of one database in one repository. */
export interface PgbackrestArchive {
  readonly id: string;
  readonly repoKey: number;
  readonly databaseId: number;
  readonly min: string | undefined;
  readonly max: string | undefined;
}

/** One database (cluster incarnation) known to a repository. */
export interface PgbackrestDb {
  readonly id: number;
  readonly repoKey: number;
  /** pgBackRest's 64-bit system identifier, as exact decimal text. */
  readonly systemId: string;
  readonly version: string;
}

/** One repository of a stanza with its status. */
export interface PgbackrestRepo {
  readonly key: number;
  /** The label value: `repo1`, `repo2`, ... */
  readonly name: string;
  readonly statusCode: number;
}

/** A stanza as `pgbackrest info` reports it. */
export interface PgbackrestStanza {
  readonly name: string;
  readonly statusCode: number;
  readonly repos: readonly PgbackrestRepo[];
  readonly backups: readonly PgbackrestBackup[];
  readonly archives: readonly PgbackrestArchive[];
  readonly dbs: readonly PgbackrestDb[];
}

/** The repository label value of a pgBackRest repo key. */
export function repoName(key: number): string {
  return `repo${key}`;
}

/**
 * Parses `pgbackrest info --output=json` text into stanzas. Throws an Error whose message names the
 * JSON path of the first problem (`[0].backup[1].timestamp.stop: ...`). 64-bit integers are kept exact.
 */
export function parsePgbackrestInfo(text: string): PgbackrestStanza[] {
  let raw: unknown;
  try {
    raw = parseJsonLossless(text);
  } catch (err) {
    throw new Error(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = z.array(stanzaSchema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new Error(`${path === '' ? 'top level' : path}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.map((s) => {
    // pgBackRest before 2.33 had one repository and no repo list or repo-key fields.
    const repos = s.repo?.map((r) => ({ key: r.key, name: repoName(r.key), statusCode: r.status.code })) ?? [{ key: 1, name: repoName(1), statusCode: s.status.code }];
    return {
      name: s.name,
      statusCode: s.status.code,
      repos,
      backups: s.backup.map((b) => ({
        label: b.label,
        type: b.type,
        repoKey: b.database['repo-key'] ?? 1,
        databaseId: b.database.id,
        startSeconds: b.timestamp.start,
        stopSeconds: b.timestamp.stop,
        sizeBytes: b.info.size,
        repoSizeBytes: b.info.repository?.size ?? b.info.repository?.delta,
        error: b.error ?? false,
      })),
      archives: s.archive.map((a) => ({
        id: a.id,
        repoKey: a.database['repo-key'] ?? 1,
        databaseId: a.database.id,
        min: a.min ?? undefined,
        max: a.max ?? undefined,
      })),
      dbs: s.db.map((d) => ({ id: d.id, repoKey: d['repo-key'] ?? 1, systemId: d['system-id'], version: d.version })),
    };
  });
}
