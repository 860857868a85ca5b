/**
 * Every catalog metric has a writer: each textfile group's builder, fed an input that sets every
 * optional figure, writes exactly its members; together the groups write the whole catalog.
 */
import { describe, expect, it } from 'vitest';
import { textfileGroups } from '../src/groups/index.js';
import { monitoringExpectedJobsGroup } from '../src/groups/monitoring-expected-jobs.js';
import { monitoringHealthGroup } from '../src/groups/monitoring-health.js';
import { pgbackrestGroup } from '../src/groups/pgbackrest.js';
import { postgresOffsiteGroup } from '../src/groups/postgres-offsite.js';
import { postgresVerificationGroup } from '../src/groups/postgres-verification.js';
import { resticBackupGroup } from '../src/groups/restic-backup.js';
import { resticLocksGroup } from '../src/groups/restic-locks.js';
import { resticMaintenanceGroup } from '../src/groups/restic-maintenance.js';
import { resticRestoreTestGroup } from '../src/groups/restic-restore-test.js';
import { resticVerificationGroup } from '../src/groups/restic-verification.js';
import { type GroupId, allMetrics, findMetric, metrics } from '../src/schema/catalog.js';
import { type SeriesValue, sample } from '../src/schema/series.js';

const hostname = 'h';
const endedAtMs = Date.parse('2026-12-01T03:00:00Z');
const job = { hostname, backup_job: 'j', repository: 'r' };
/** A previous successful run, so the duration and source baselines are folded in. */
const previousRun: SeriesValue[] = [
  sample(metrics.resticBackupStatus, job, 1),
  sample(metrics.resticBackupDurationSeconds, job, 60),
  sample(metrics.resticBackupFilesProcessed, job, 5),
  sample(metrics.resticBackupProcessedBytes, job, 6),
];
const check = { hostname, success: true, durationSeconds: 3, endedAtMs };
const latest = { completionSeconds: 1, durationSeconds: 2, sizeBytes: 3, repoSizeBytes: 4 };

/** For each group, the series its builder writes from an input that leaves nothing out (the mapped type demands every group). */
const fullWrites: { readonly [G in GroupId]: () => readonly SeriesValue[] } = {
  restic_backup: () =>
    resticBackupGroup.build(previousRun, {
      job: 'j', repository: 'r', hostname, success: true, durationSeconds: 61, exitCode: 0, expectedIntervalSeconds: 86_400, endedAtMs,
      summary: { filesNew: 1, filesChanged: 2, filesUnmodified: 3, dataAddedBytes: 4, totalFilesProcessed: 5, totalBytesProcessed: 6 },
    }),
  restic_verification: () => resticVerificationGroup.build([], { ...check, repository: 'r' }),
  restic_restore_test: () => resticRestoreTestGroup.build([], { ...check, repository: 'r', filesRestored: 5, filesFailed: 0, jobs: [{ job: 'j', success: true }] }),
  restic_locks: () => resticLocksGroup.build([], { hostname, repository: 'r', locks: 2, exclusiveLocks: 1, oldestLockMs: endedAtMs - 3_600_000, endedAtMs }),
  restic_maintenance: () => resticMaintenanceGroup.build([], { ...check, repository: 'r', operation: 'prune', exitCode: 0, staleThresholdSeconds: 756_000 }),
  postgres_verification: () => postgresVerificationGroup.build([], { ...check, stanza: 's' }),
  postgres_offsite: () => postgresOffsiteGroup.build([], { ...check, stanza: 's', repository: 'repo2' }),
  pgbackrest: () =>
    pgbackrestGroup.build([], {
      hostname, stanza: 's', statusCode: 0, endedAtMs, backupStaleThresholds: { full: 756_000 },
      repos: [{ repo: 'repo1', statusCode: 0, backupCount: 1, latest: { full: latest }, walPresent: true, walMaxSegment: 7 }],
    }),
  monitoring_health: () => monitoringHealthGroup.build([], { hostname, healthy: false, invalidTextfiles: 1, problems: ['textfile_invalid'], endedAtMs }),
  monitoring_expected_jobs: () =>
    monitoringExpectedJobsGroup.build([], {
      hostname,
      jobs: [{ name: 'j', repository: 'r', staleThresholdSeconds: 1, slowMultiplier: 2, shrinkRatio: 0.5 }],
      checks: [{ check: 'restic_verification', stanza: '', repository: 'r', staleThresholdSeconds: 1 }],
      writtenAtMs: 1_700_000_000_000,
      unexpected: [{ name: 'typo', repository: 'r' }],
    }),
};

/** Distinct metric names among series. */
const namesOf = (series: readonly SeriesValue[]): string[] => [...new Set(series.map((s) => s.metric.name))].sort();

describe('the textfile groups', () => {
  it.each(Object.keys(fullWrites) as GroupId[])('%s writes every one of its members and nothing else', (group) => {
    const written = namesOf(fullWrites[group]());
    expect(written).toEqual(textfileGroups[group].members.map((m) => m.name).sort());
  });

  it('write every catalog metric between them: none is written by nobody', () => {
    const written = new Set((Object.keys(fullWrites) as GroupId[]).flatMap((g) => namesOf(fullWrites[g]())));
    expect(allMetrics.map((m) => m.name).filter((n) => !written.has(n))).toEqual([]);
  });

  it('write no name that is not in the catalog', () => {
    const written = (Object.keys(fullWrites) as GroupId[]).flatMap((g) => namesOf(fullWrites[g]()));
    expect(written.filter((n) => findMetric(n) === undefined)).toEqual([]);
  });

  it('give every series exactly its metric\'s labels, the file key included', () => {
    for (const group of Object.keys(fullWrites) as GroupId[]) {
      for (const s of fullWrites[group]()) {
        expect(Object.keys(s.labels).sort(), s.metric.name).toEqual([...s.metric.labels].sort());
        expect(s.metric.group, s.metric.name).toBe(group);
      }
    }
  });

  it('has one distinct file prefix per group', () => {
    const prefixes = Object.values(textfileGroups).map((g) => g.filePrefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});

/** `name{reason} value` of the problem series among a health file's series. */
const problemLines = (series: readonly SeriesValue[]): string[] =>
  series.filter((s) => s.metric.name === metrics.backupMonitoringProblem.name).map((s) => `${s.labels.reason ?? ''} ${s.value}`);

/** The values of a maintenance file's series, by metric name. */
const valuesOf = (series: readonly SeriesValue[]): Record<string, number> => Object.fromEntries(series.map((s) => [s.metric.name, s.value]));

describe('the restic_maintenance group', () => {
  const prune = { hostname, repository: 'r', operation: 'prune' as const, durationSeconds: 12.5 };
  const ok = resticMaintenanceGroup.build([], { ...prune, success: true, endedAtMs, staleThresholdSeconds: 756_000 });
  const later = endedAtMs + 86_400_000;

  it('keeps a failed prune\'s last success and stale threshold from the previous file, with the failure\'s exit code', () => {
    const failed = valuesOf(resticMaintenanceGroup.build(ok, { ...prune, success: false, exitCode: 12, endedAtMs: later }));
    expect(failed).toEqual({
      [metrics.resticMaintenanceStatus.name]: 0,
      [metrics.resticMaintenanceDurationSeconds.name]: 12.5,
      [metrics.resticMaintenanceLastRunTimestampSeconds.name]: later / 1000,
      [metrics.resticMaintenanceLastSuccessTimestampSeconds.name]: endedAtMs / 1000,
      [metrics.resticMaintenanceExitCode.name]: 12,
      [metrics.resticMaintenanceStaleThresholdSeconds.name]: 756_000,
    });
  });

  it('writes no last success for an operation that never succeeded, and exit code 1 for a failure without one', () => {
    const failed = valuesOf(resticMaintenanceGroup.build([], { ...prune, operation: 'check', success: false, endedAtMs }));
    expect(failed[metrics.resticMaintenanceLastSuccessTimestampSeconds.name]).toBeUndefined();
    expect(failed[metrics.resticMaintenanceExitCode.name]).toBe(1);
  });

  it('writes a stale threshold for a prune only: forget and check free no space', () => {
    for (const operation of ['forget', 'check'] as const) {
      const written = valuesOf(resticMaintenanceGroup.build([], { ...prune, operation, success: true, endedAtMs, staleThresholdSeconds: 756_000 }));
      expect(written[metrics.resticMaintenanceStaleThresholdSeconds.name], operation).toBeUndefined();
    }
  });

  it('puts each repository and operation in a file of its own', () => {
    expect(resticMaintenanceGroup.key({ ...prune, success: true, endedAtMs })).toEqual({ repository: 'r', operation: 'prune' });
  });
});

describe('the self-check groups', () => {
  it.each([
    ['ubm health found an invalid config and a conflict', ['config_invalid', 'textfile_conflict'] as const, ['config_invalid 1', 'textfile_unreadable 0', 'textfile_invalid 0', 'textfile_conflict 1', 'textfile_writable_by_others 0']],
    ['ubm health found nothing', [] as const, ['config_invalid 0', 'textfile_unreadable 0', 'textfile_invalid 0', 'textfile_conflict 0', 'textfile_writable_by_others 0']],
    ['ubm emit health looked for no problems', undefined, []],
  ])('monitoring_health writes every problem reason, 1 when found, when %s', (_case, problems, expected) => {
    expect(problemLines(monitoringHealthGroup.build([], { hostname, healthy: problems === undefined || problems.length === 0, problems, endedAtMs }))).toEqual(expected);
  });

  it('monitoring_expected_jobs never writes a job as both expected and unexpected', () => {
    const written = monitoringExpectedJobsGroup.build([], {
      hostname,
      jobs: [{ name: 'j', repository: 'r', staleThresholdSeconds: 1, slowMultiplier: 2, shrinkRatio: 0.5 }],
      unexpected: [{ name: 'j', repository: 'r' }, { name: 'typo', repository: 'r' }, { name: 'typo', repository: 'r' }],
    });
    expect(written.filter((s) => s.metric.name === metrics.backupMonitoringUnexpectedJob.name).map((s) => s.labels.backup_job)).toEqual(['typo']);
  });
});
