/** The `restic_verification` group: one file per repository, written by `ubm verify` and `ubm emit verification`. */
import { metrics } from '../schema/catalog.js';
import { type CheckRun, checkGroup } from './check.js';

/** A `restic check` of one repository. */
export interface VerificationRun extends CheckRun {
  readonly repository: string;
}

/** The restic_verification group. */
export const resticVerificationGroup = checkGroup(
  'restic_verification',
  'ubm_restic_verification',
  {
    status: metrics.resticVerificationStatus,
    duration: metrics.resticVerificationDurationSeconds,
    lastRun: metrics.resticVerificationLastRunTimestampSeconds,
    lastSuccess: metrics.resticVerificationLastSuccessTimestampSeconds,
  },
  (run: VerificationRun) => ({ hostname: run.hostname, repository: run.repository }),
);
