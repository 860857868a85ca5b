/** The `postgres_verification` group: one file per stanza, written by `ubm pgbackrest --verify` and `ubm emit postgres-verification`. */
import { metrics } from '../schema/catalog.js';
import { type CheckRun, checkGroup } from './check.js';

/** A PostgreSQL backup verification of one stanza. */
export interface PostgresVerificationRun extends CheckRun {
  readonly stanza: string;
}

/** The postgres_verification group. */
export const postgresVerificationGroup = checkGroup(
  'postgres_verification',
  'ubm_postgres_verification',
  {
    status: metrics.postgresBackupVerificationStatus,
    duration: metrics.postgresBackupVerificationDurationSeconds,
    lastRun: metrics.postgresBackupVerificationLastRunTimestampSeconds,
    lastSuccess: metrics.postgresBackupVerificationLastSuccessTimestampSeconds,
  },
  (run: PostgresVerificationRun) => ({ hostname: run.hostname, stanza: run.stanza }),
);
