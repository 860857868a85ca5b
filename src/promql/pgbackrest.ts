/**
 * pgBackRest's backup staleness and WAL archiving as PromQL, written once for the rules (recording
 * rule and alerts) and the dashboards, so that a panel's colours agree with the alerts. Each reads
 * one sample per series: thresholds travel with the metrics, nothing reads a range.
 */
import { PG_BACKUP_TYPES, type PgBackupType } from '../config/model.js';
import { metrics } from '../schema/catalog.js';
import { type Identify, NO_IDENTITY } from './identity.js';
import { type Matchers, STANZA_LABELS, STANZA_REPOSITORY_LABELS, by, num, on, quote, sel } from './selector.js';

/** The labels of a stale threshold: per stanza and backup type (every repository of the stanza shares it). */
export const STANZA_TYPE_LABELS = ['hostname', 'stanza', 'backup_type'] as const;
/** The labels of a backup age per level: per stanza, repository and backup type. */
export const STANZA_REPOSITORY_TYPE_LABELS = ['hostname', 'stanza', 'repository', 'backup_type'] as const;

/** `label_replace(expr, label, value, "", "")`: adds a constant label. */
function withLabel(expr: string, label: string, value: string): string {
  return `label_replace(${expr}, ${quote(label)}, ${quote(value)}, "", "")`;
}

/** The types whose backups count for `type`: itself and the more complete ones (a full counts for a diff, any backup for an incr). */
export function countingTypes(type: PgBackupType): PgBackupType[] {
  return PG_BACKUP_TYPES.slice(0, PG_BACKUP_TYPES.indexOf(type) + 1);
}

/**
 * Each stanza's stale threshold per backup type, in seconds: the thresholds `ubm pgbackrest --config`
 * writes; for a stanza that writes none, `fallback` (the generating config's) for every stanza that
 * reports a status. `separator` joins the lines (a line break in rule files, a space in panels).
 */
export function pgbackrestStaleThresholdExpr(fallback: Readonly<Partial<Record<PgBackupType, number>>>, filter: Matchers = {}, separator = '\n', id: Identify = NO_IDENTITY): string {
  const written = `max ${by(id(STANZA_TYPE_LABELS))} (${sel(metrics.pgbackrestBackupStaleThresholdSeconds, filter)})`;
  const constants = PG_BACKUP_TYPES.flatMap((type) => {
    const seconds = fallback[type];
    return seconds === undefined ? [] : [withLabel(`group ${by(id(STANZA_LABELS))} (${sel(metrics.pgbackrestStanzaStatus, filter)}) * ${num(seconds)}`, 'backup_type', type)];
  });
  if (constants.length === 0) return written;
  // A stanza that writes any threshold has its own schedule: the fallback never adds a type it left out.
  return [written, 'or', '(', constants.join(`${separator}or${separator}`), ')', `  unless ${on(id(STANZA_LABELS))} ${sel(metrics.pgbackrestBackupStaleThresholdSeconds, filter)}`].join(separator);
}

/**
 * The age in seconds of each repository's newest backup per level, labelled with the level's type:
 * for `full` the newest full, for `diff` the newest diff or full, for `incr` the newest of any type.
 */
export function pgbackrestBackupAgeExpr(filter: Matchers = {}, separator = '\n', id: Identify = NO_IDENTITY): string {
  return PG_BACKUP_TYPES.map((type) => {
    const types = countingTypes(type);
    const matcher = types.length === 1 ? type : { re: types.join('|') };
    const newest = `max ${by(id(STANZA_REPOSITORY_LABELS))} (${sel(metrics.pgbackrestBackupLastCompletionTimestampSeconds, { ...filter, backup_type: matcher })})`;
    return `time() - ${withLabel(newest, 'backup_type', type)}`;
  }).join(`${separator}or${separator}`);
}

/**
 * How long each repository's newest archived WAL segment has stayed the same, in seconds, as of the
 * last read of pgbackrest info (so a host that reads rarely is not called stuck between reads).
 */
export function walUnchangedExpr(filter: Matchers = {}, id: Identify = NO_IDENTITY): string {
  return `max ${by(id(STANZA_LABELS))} (${sel(metrics.pgbackrestInfoLastRunTimestampSeconds, filter)}) - ${on(id(STANZA_LABELS))} group_right () max ${by(id(STANZA_REPOSITORY_LABELS))} (${sel(metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, filter)})`;
}

/**
 * pgBackRest's status code per repository when it is not 0; for a stanza whose own status is an
 * error while no repository reports one, the stanza's code on each of its repositories.
 */
export function pgbackrestErrorExpr(filter: Matchers = {}, separator = '\n', id: Identify = NO_IDENTITY): string {
  const repoStatus = `max ${by(id(STANZA_REPOSITORY_LABELS))} (${sel(metrics.pgbackrestRepoStatus, filter)})`;
  const stanzaOnRepos = `(${repoStatus} * 0 + ${on(id(STANZA_LABELS))} group_left () max ${by(id(STANZA_LABELS))} (${sel(metrics.pgbackrestStanzaStatus, filter)}) != 0)`;
  return [`${repoStatus} != 0`, 'or', `(${stanzaOnRepos} unless ${on(id(STANZA_LABELS))} (${sel(metrics.pgbackrestRepoStatus, filter)} != 0))`].join(separator);
}
