/**
 * The library API for hooks written in TypeScript: typed functions that record what `ubm emit`
 * records, to the textfile directory or a Pushgateway.
 */
import type { GroupId, LabelName } from '../schema/catalog.js';
import type { SeriesValue } from './encode.js';
import {
  type BackupRun,
  type CheckRun,
  type HealthRun,
  type RestoreTestRun,
  backupSeries,
  healthSeries,
  postgresOffsiteSeries,
  postgresVerificationSeries,
  restoreTestSeries,
  verificationSeries,
} from './families.js';
import { resolveHostname, resolveTextfileDir, writeGroup } from './textfile.js';

/** Where metrics go: a textfile directory (default: $UBM_TEXTFILE_DIR, else node_exporter's) or a Pushgateway URL. */
export interface RecordTarget {
  readonly textfileDir?: string;
  readonly pushgateway?: string;
  /** How long to wait for another writer of the same file. */
  readonly lockTimeoutMs?: number;
}

/** Fields every record call may leave out: the hostname label (default: the host's name) and the end time (default: now). */
interface Defaults {
  readonly hostname?: string;
  readonly endedAtMs?: number;
}

/** A backup run to record; hostname and end time are optional. */
export type BackupRecord = Omit<BackupRun, 'hostname' | 'endedAtMs'> & Defaults;
/** A check result to record (verification, PostgreSQL verification, offsite status); hostname and end time are optional. */
export type CheckRecord = Omit<CheckRun, 'hostname' | 'endedAtMs'> & Defaults;
/** A restore-test result to record. */
export type RestoreTestRecord = Omit<RestoreTestRun, 'hostname' | 'endedAtMs'> & Defaults;
/** A self-check result to record. */
export type HealthRecord = Omit<HealthRun, 'hostname' | 'endedAtMs'> & Defaults;

/** Writes one group to the target; returns the file path or the Pushgateway grouping path. */
export async function recordGroup(
  target: RecordTarget,
  group: GroupId,
  hostname: string,
  key: Readonly<Partial<Record<LabelName, string>>>,
  build: (previous: readonly SeriesValue[]) => readonly SeriesValue[],
): Promise<string> {
  if (target.pushgateway !== undefined) {
    // Loaded on demand: most hosts write textfiles, and every module costs `ubm emit` start-up time.
    const { pushGroup } = await import('./pushgateway.js');
    return pushGroup({ url: target.pushgateway, group, hostname, key, build });
  }
  const dir = resolveTextfileDir(target.textfileDir, process.env);
  return writeGroup({ dir, group, key, build, ...(target.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: target.lockTimeoutMs }) });
}

/** Fills in the hostname and end time. */
function complete<T extends Defaults>(r: T): T & { hostname: string; endedAtMs: number } {
  return { ...r, hostname: resolveHostname(r.hostname), endedAtMs: r.endedAtMs ?? Date.now() };
}

/** Records a restic backup run (status, duration, exit code, summary; last success carried forward). */
export async function recordBackup(record: BackupRecord, target: RecordTarget = {}): Promise<string> {
  const run = complete(record);
  return recordGroup(target, 'restic_backup', run.hostname, { backup_job: run.job, repository: run.repository }, (prev) => backupSeries(prev, run));
}

/** Records a `restic check` of a repository. */
export async function recordVerification(repository: string, record: CheckRecord, target: RecordTarget = {}): Promise<string> {
  const run = complete(record);
  return recordGroup(target, 'restic_verification', run.hostname, { repository }, (prev) => verificationSeries(prev, repository, run));
}

/** Records a sample-restore test of a repository. */
export async function recordRestoreTest(repository: string, record: RestoreTestRecord, target: RecordTarget = {}): Promise<string> {
  const run = complete(record);
  return recordGroup(target, 'restic_restore_test', run.hostname, { repository }, (prev) => restoreTestSeries(prev, repository, run));
}

/** Records a PostgreSQL backup verification of a stanza. */
export async function recordPostgresVerification(stanza: string, record: CheckRecord, target: RecordTarget = {}): Promise<string> {
  const run = complete(record);
  return recordGroup(target, 'postgres_verification', run.hostname, { stanza }, (prev) => postgresVerificationSeries(prev, stanza, run));
}

/** Records the status of a stanza's offsite copy in a repository. */
export async function recordPostgresOffsite(stanza: string, repository: string, record: CheckRecord, target: RecordTarget = {}): Promise<string> {
  const run = complete(record);
  return recordGroup(target, 'postgres_offsite', run.hostname, { stanza, repository }, (prev) => postgresOffsiteSeries(prev, stanza, repository, run));
}

/** Records a monitoring self-check. */
export async function recordHealth(record: HealthRecord, target: RecordTarget = {}): Promise<string> {
  const run = complete(record);
  return recordGroup(target, 'monitoring_health', run.hostname, {}, () => healthSeries(run));
}
