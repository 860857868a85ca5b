/**
 * The checks besides backup jobs that a config turns on, each with the labels its own metrics
 * carry and its stale threshold: what `ubm health --config` writes as the host's expected set, so
 * that a verification, restore test, prune or PostgreSQL check that was never set up is missed.
 */
import type { CheckKind } from '../schema/catalog.js';
import type { ResolvedConfig } from './model.js';

/** A check the config turns on (the shape of the expected-jobs group's `ExpectedCheck`). */
export interface ConfiguredCheck {
  readonly check: CheckKind;
  /** The stanza of a PostgreSQL check, '' for a restic one. */
  readonly stanza: string;
  /** The repository the check's metrics name, '' for one without (pgBackRest's stanza status, PostgreSQL verification). */
  readonly repository: string;
  readonly staleThresholdSeconds: number;
}

/** The repositories that hold a job's backups, sorted: the ones verification and restore tests cover. */
function jobRepositories(config: ResolvedConfig): string[] {
  return [...new Set(config.jobs.map((j) => j.repository))].filter((r) => r !== '').sort();
}

/** The repositories the offsite status is written for: pgBackRest repositories marked offsite, else the design's offsite restic repository. */
function offsiteRepositories(config: ResolvedConfig): string[] {
  const marked = config.postgres.pgbackrestRepos.filter((r) => r.offsite).map((r) => r.name);
  if (marked.length > 0) return [...marked].sort();
  return config.postgres.offsiteRepository === undefined ? [] : [config.postgres.offsiteRepository];
}

/** Every check the config turns on, in a stable order. */
export function configuredChecks(config: ResolvedConfig): ConfiguredCheck[] {
  const out: ConfiguredCheck[] = [];
  const v = config.verification;
  for (const repository of jobRepositories(config)) {
    if (v.enabled) out.push({ check: 'restic_verification', stanza: '', repository, staleThresholdSeconds: v.staleThresholdSeconds });
    if (v.restoreTesting.enabled) out.push({ check: 'restic_restore_test', stanza: '', repository, staleThresholdSeconds: v.restoreTesting.staleThresholdSeconds });
  }
  for (const r of config.repositories) {
    if (r.pruneSchedule !== undefined) out.push({ check: 'restic_prune', stanza: '', repository: r.name, staleThresholdSeconds: r.pruneStaleThresholdSeconds });
  }
  const pg = config.postgres;
  if (!pg.enabled) return out;
  const thresholds = Object.values(pg.backupStaleThresholds);
  // pgbackrest info is read at least as often as the most frequent scheduled backup must be seen.
  const infoThreshold = thresholds.length > 0 ? Math.min(...thresholds) : config.alerting.dailyStaleSeconds;
  for (const stanza of pg.stanzas) {
    out.push({ check: 'pgbackrest', stanza, repository: '', staleThresholdSeconds: infoThreshold });
    if (pg.verification.enabled) out.push({ check: 'postgres_verification', stanza, repository: '', staleThresholdSeconds: pg.verification.staleThresholdSeconds });
    for (const repository of offsiteRepositories(config)) out.push({ check: 'postgres_offsite', stanza, repository, staleThresholdSeconds: pg.offsiteMaxAgeSeconds });
  }
  return out;
}
