/** The `postgres_offsite` group: one file per stanza and repository, written by `ubm pgbackrest` and `ubm emit postgres-offsite`. */
import { metrics } from '../schema/catalog.js';
import { type CheckRun, checkGroup } from './check.js';

/** One evaluation of a stanza's offsite copy in a repository (its check time is its last run; no duration). */
export interface OffsiteRun extends CheckRun {
  readonly stanza: string;
  readonly repository: string;
}

/** The postgres_offsite group. */
export const postgresOffsiteGroup = checkGroup(
  'postgres_offsite',
  'ubm_postgres_offsite',
  {
    status: metrics.postgresPgbackrestOffsiteBackupStatus,
    lastRun: metrics.postgresPgbackrestOffsiteLastCheckTimestampSeconds,
    lastSuccess: metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds,
  },
  (run: OffsiteRun) => ({ hostname: run.hostname, stanza: run.stanza, repository: run.repository }),
);
