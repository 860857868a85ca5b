/**
 * The jobs a config declares, in the design's precedence: `restic.jobs` (hand-declared, which the
 * design lets override discovered ones), `_internal.allJobs`, `services.<name>.backup` as
 * `service-<name>`, and the implicit `postgres-pgbackrest` when `postgres.pgbackrest.enableOffsite`.
 * Works on unvalidated data too, so that cross-field checks run beside the schema's.
 */
import type { JobSource } from './model.js';
import { asRecord } from '../util/record.js';

/** The restic job that carries the pgBackRest archives offsite (the design's name). */
export const PGBACKREST_OFFSITE_JOB = 'postgres-pgbackrest';
/** The design's default for `postgres.pgbackrest.offsiteRepository`. */
export const DEFAULT_OFFSITE_REPOSITORY = 'r2-offsite';
/** The design's tags of the implicit pgBackRest offsite job. */
const PGBACKREST_OFFSITE_TAGS = ['postgresql', 'pgbackrest', 'database'];

/** One declaration of a job, before duplicates are merged. */
export interface DeclaredJob {
  readonly name: string;
  /** Where it is declared, for error messages. */
  readonly path: readonly string[];
  readonly source: JobSource;
  /** The job's fields as written (for the implicit job: the design's values). */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Tags including those the design adds (a service's own name). */
  readonly tags: readonly string[];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A job's `paths` as the model carries them: present only when the job lists some (the restore test selects a job without tags by them). */
export function jobPaths(spec: Readonly<Record<string, unknown>>): { paths?: readonly string[] } {
  const paths = strings(spec.paths);
  return paths.length > 0 ? { paths } : {};
}

/** Whether the PostgreSQL part is on: present and not `enable: false` (and the whole tree not disabled). */
export function postgresEnabled(root: unknown): boolean {
  const r = asRecord(root);
  const pg = asRecord(r?.postgres);
  return r?.enable !== false && pg !== undefined && pg.enable !== false;
}

/** Whether the design's restic offsite job for pgBackRest exists (enableOffsite defaults to true, as in the design). */
export function pgbackrestOffsiteEnabled(root: unknown): boolean {
  const pgbackrest = asRecord(asRecord(asRecord(root)?.postgres)?.pgbackrest);
  return postgresEnabled(root) && pgbackrest?.enableOffsite !== false;
}

/** The offsite job's repository (the design's default when absent). */
export function offsiteRepositoryName(root: unknown): string {
  const v = asRecord(asRecord(asRecord(root)?.postgres)?.pgbackrest)?.offsiteRepository;
  return typeof v === 'string' ? v : DEFAULT_OFFSITE_REPOSITORY;
}

/** Every job declaration in precedence order (the first declaration of a name wins). */
export function declaredJobs(root: unknown): DeclaredJob[] {
  const r = asRecord(root);
  const out: DeclaredJob[] = [];
  const fromMap = (map: unknown, path: string[], source: JobSource): void => {
    for (const [name, spec] of Object.entries(asRecord(map) ?? {})) {
      const s = asRecord(spec);
      if (s !== undefined) out.push({ name, path: [...path, name], source, spec: s, tags: [...new Set(strings(s.tags))] });
    }
  };
  fromMap(asRecord(r?.restic)?.jobs, ['restic', 'jobs'], 'restic.jobs');
  fromMap(asRecord(r?._internal)?.allJobs, ['_internal', 'allJobs'], 'allJobs');
  for (const [service, decl] of Object.entries(asRecord(r?.services) ?? {})) {
    const d = asRecord(decl);
    const backup = asRecord(d?.backup);
    if (d === undefined || backup === undefined) continue;
    // The design's discovery: the service's own name is its first tag.
    const enabled = d.enable !== false && backup.enable === true;
    out.push({
      name: `service-${service}`,
      path: ['services', service, 'backup'],
      source: 'service',
      spec: { ...backup, enable: enabled },
      tags: [...new Set([service, ...strings(backup.tags)])],
    });
  }
  if (pgbackrestOffsiteEnabled(root)) {
    out.push({
      name: PGBACKREST_OFFSITE_JOB,
      path: ['postgres', 'pgbackrest', 'offsiteRepository'],
      source: 'pgbackrest-offsite',
      spec: { enable: true, repository: offsiteRepositoryName(root), frequency: 'daily' },
      tags: PGBACKREST_OFFSITE_TAGS,
    });
  }
  return out;
}

/** The effective jobs: one per name (first declaration wins), enabled ones only, sorted by name. */
export function effectiveJobs(root: unknown): DeclaredJob[] {
  const r = asRecord(root);
  if (r?.enable === false || asRecord(r?.restic)?.enable === false) return [];
  const seen = new Map<string, DeclaredJob>();
  for (const j of declaredJobs(root)) if (!seen.has(j.name)) seen.set(j.name, j);
  return [...seen.values()].filter((j) => j.spec.enable !== false).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
