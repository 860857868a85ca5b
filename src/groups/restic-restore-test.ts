/** The `restic_restore_test` group: one file per repository, written by `ubm verify` and `ubm emit restore-test`. */
import { metrics } from '../schema/catalog.js';
import { maybeSample } from '../schema/series.js';
import { type CheckRun, checkGroup } from './check.js';

/** A sample-restore test of one repository: a check plus how many sample files came back right and wrong. */
export interface RestoreTestRun extends CheckRun {
  readonly repository: string;
  readonly filesRestored?: number | undefined;
  readonly filesFailed?: number | undefined;
}

/** The restic_restore_test group. */
export const resticRestoreTestGroup = checkGroup(
  'restic_restore_test',
  'ubm_restic_restore_test',
  {
    status: metrics.resticRestoreTestStatus,
    duration: metrics.resticRestoreTestDurationSeconds,
    lastRun: metrics.resticRestoreTestLastRunTimestampSeconds,
    lastSuccess: metrics.resticRestoreTestLastSuccessTimestampSeconds,
  },
  (run: RestoreTestRun) => ({ hostname: run.hostname, repository: run.repository }),
  (run, l) => [maybeSample(metrics.resticRestoreTestFilesRestored, l, run.filesRestored), maybeSample(metrics.resticRestoreTestFilesFailed, l, run.filesFailed)],
);
