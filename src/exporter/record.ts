/**
 * The recording API: typed functions that record what `ubm emit` records, to the textfile
 * directory or a Pushgateway. Each writes one textfile group through the group's own builder.
 */
import { basename } from 'node:path';
import type { GroupKey, TextfileGroup } from '../groups/group.js';
import { monitoringHealthGroup, type HealthRun } from '../groups/monitoring-health.js';
import { postgresOffsiteGroup } from '../groups/postgres-offsite.js';
import { postgresVerificationGroup } from '../groups/postgres-verification.js';
import { type BackupRun, resticBackupGroup } from '../groups/restic-backup.js';
import { type RestoreTestRun, resticRestoreTestGroup } from '../groups/restic-restore-test.js';
import { type MaintenanceRun, resticMaintenanceGroup } from '../groups/restic-maintenance.js';
import { resticVerificationGroup } from '../groups/restic-verification.js';
import type { CheckRun } from '../groups/check.js';
import type { GroupId } from '../schema/catalog.js';
import type { SeriesValue } from '../schema/series.js';
import { resolveHostname, resolveTextfileDir } from './dirs.js';
import { writeGroup } from './textfile.js';
import { UsageError } from '../util/errors.js';
import { labelValueProblem } from '../util/labels.js';

/** Where metrics go: a textfile directory (default: $UBM_TEXTFILE_DIR, else node_exporter's) or a Pushgateway URL. */
export interface RecordTarget {
  readonly textfileDir?: string | undefined;
  readonly pushgateway?: string | undefined;
  /** How long to wait for another writer of the same file. */
  readonly lockTimeoutMs?: number | undefined;
  /**
   * Told of each file of the older name (without the hostname) that a write carried forward and
   * removed; by default one line on stderr names it, since evidence is never removed unnamed.
   */
  readonly onMigrated?: ((from: string, to: string) => void) | undefined;
}

/** The default report of a migrated file: one line on stderr (never stdout, which `ubm run` passes through). */
function reportMigration(from: string, to: string): void {
  process.stderr.write(`ubm: removed ${from}: carried forward into ${basename(to)} (file names now carry the hostname)\n`);
}

/** Fields every record call may leave out: the hostname label (default: the host's name) and the end time (default: now). */
interface Defaults {
  readonly hostname?: string | undefined;
  readonly endedAtMs?: number | undefined;
}

/** A backup run to record; hostname and end time are optional. */
export type BackupRecord = Omit<BackupRun, 'hostname' | 'endedAtMs'> & Defaults;
/** A check result to record (verification, PostgreSQL verification, offsite status); hostname and end time are optional. */
export type CheckRecord = Omit<CheckRun, 'hostname' | 'endedAtMs'> & Defaults;
/** A restore-test result to record. */
export type RestoreTestRecord = Omit<RestoreTestRun, 'hostname' | 'endedAtMs' | 'repository'> & Defaults;
/** A maintenance run to record (forget, prune or check of a repository); hostname and end time are optional. */
export type MaintenanceRecord = Omit<MaintenanceRun, 'hostname' | 'endedAtMs'> & Defaults;
/** A self-check result to record. */
export type HealthRecord = Omit<HealthRun, 'hostname' | 'endedAtMs'> & Defaults;

/** Writes one group to the target; returns the file path or the Pushgateway grouping path. */
export async function recordGroup(
  target: RecordTarget,
  group: GroupId,
  hostname: string,
  key: GroupKey,
  build: (previous: readonly SeriesValue[]) => readonly SeriesValue[],
): Promise<string> {
  checkLabelValues(hostname, key);
  if (target.pushgateway !== undefined) {
    // Loaded on demand: most hosts write textfiles, and every module costs `ubm emit` start-up time.
    const { pushGroup } = await import('./pushgateway.js');
    return pushGroup({ url: target.pushgateway, group, hostname, key, build });
  }
  const dir = resolveTextfileDir(target.textfileDir, process.env);
  return writeGroup({ dir, group, hostname, key, build, lockTimeoutMs: target.lockTimeoutMs, onMigrated: target.onMigrated ?? reportMigration });
}

/** Throws naming the label whose value is not UTF-8 or holds URL credentials (library callers get what the CLI checks). */
function checkLabelValues(hostname: string, key: GroupKey): void {
  for (const [label, value] of [['hostname', hostname], ...Object.entries(key)]) {
    const problem = value === undefined ? undefined : labelValueProblem(value);
    if (problem !== undefined) throw new UsageError(`label ${label} ${problem}`);
  }
}

/** Records one input of a group: its key picks the file, its builder makes the series. */
export async function record<G extends GroupId, I extends { readonly hostname: string }>(target: RecordTarget, group: TextfileGroup<G, I>, input: I): Promise<string> {
  return recordGroup(target, group.id, input.hostname, group.key(input), (previous) => group.build(previous, input));
}

/**
 * Fills in the hostname and end time. A push names its host: the machine's name, which a
 * Kubernetes pod changes every run, would make every run a new host.
 */
function complete<T extends Defaults>(r: T, target: RecordTarget): T & { hostname: string; endedAtMs: number } {
  if (target.pushgateway !== undefined && r.hostname === undefined) {
    throw new UsageError("a push to a Pushgateway needs a hostname: a stable name for this host (the machine's own name is never used when pushing)");
  }
  return { ...r, hostname: resolveHostname(r.hostname), endedAtMs: r.endedAtMs ?? Date.now() };
}

/** Records a restic backup run (status, duration, exit code, summary; last success carried forward). */
export async function recordBackup(backup: BackupRecord, target: RecordTarget = {}): Promise<string> {
  return record(target, resticBackupGroup, complete(backup, target));
}

/** Records a `restic check` of a repository. */
export async function recordVerification(repository: string, check: CheckRecord, target: RecordTarget = {}): Promise<string> {
  return record(target, resticVerificationGroup, { ...complete(check, target), repository });
}

/** Records a sample-restore test of a repository. */
export async function recordRestoreTest(repository: string, test: RestoreTestRecord, target: RecordTarget = {}): Promise<string> {
  return record(target, resticRestoreTestGroup, { ...complete(test, target), repository });
}

/** Records a maintenance run (forget, prune or check) of a repository: status, duration, exit code; last success carried forward. */
export async function recordMaintenance(run: MaintenanceRecord, target: RecordTarget = {}): Promise<string> {
  return record(target, resticMaintenanceGroup, complete(run, target));
}

/** Records a PostgreSQL backup verification of a stanza. */
export async function recordPostgresVerification(stanza: string, check: CheckRecord, target: RecordTarget = {}): Promise<string> {
  return record(target, postgresVerificationGroup, { ...complete(check, target), stanza });
}

/** Records the status of a stanza's offsite copy in a repository. */
export async function recordPostgresOffsite(stanza: string, repository: string, check: CheckRecord, target: RecordTarget = {}): Promise<string> {
  return record(target, postgresOffsiteGroup, { ...complete(check, target), stanza, repository });
}

/** Records a monitoring self-check. */
export async function recordHealth(health: HealthRecord, target: RecordTarget = {}): Promise<string> {
  return record(target, monitoringHealthGroup, complete(health, target));
}
