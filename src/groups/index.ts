/**
 * Every textfile group, by id. The mapped type makes the compiler demand a group (layout, members,
 * builder) for every `GroupId` of the catalog.
 */
import type { GroupId } from '../schema/catalog.js';
import type { TextfileGroup } from './group.js';
import { monitoringExpectedJobsGroup } from './monitoring-expected-jobs.js';
import { monitoringHealthGroup } from './monitoring-health.js';
import { pgbackrestGroup } from './pgbackrest.js';
import { postgresOffsiteGroup } from './postgres-offsite.js';
import { postgresVerificationGroup } from './postgres-verification.js';
import { resticBackupGroup } from './restic-backup.js';
import { resticLocksGroup } from './restic-locks.js';
import { resticMaintenanceGroup } from './restic-maintenance.js';
import { resticRestoreTestGroup } from './restic-restore-test.js';
import { resticVerificationGroup } from './restic-verification.js';

/** The textfile groups; `never` input because callers that build use the group's own module. */
export const textfileGroups: { readonly [G in GroupId]: TextfileGroup<G, never> } = {
  restic_backup: resticBackupGroup,
  restic_verification: resticVerificationGroup,
  restic_restore_test: resticRestoreTestGroup,
  restic_locks: resticLocksGroup,
  restic_maintenance: resticMaintenanceGroup,
  postgres_verification: postgresVerificationGroup,
  postgres_offsite: postgresOffsiteGroup,
  pgbackrest: pgbackrestGroup,
  monitoring_health: monitoringHealthGroup,
  monitoring_expected_jobs: monitoringExpectedJobsGroup,
};

export type { GroupKey, GroupLayout, TextfileGroup } from './group.js';
