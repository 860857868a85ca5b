import type { GroupId, LabelName } from './catalog.js';

/** How one family group is laid out on disk. */
export interface GroupLayout {
  /** Labels whose values pick the file: one file per group and key. */
  readonly keyLabels: readonly LabelName[];
  /** File name prefix; the key's values follow it. */
  readonly filePrefix: string;
}

/** The textfile layout of every family group. */
export const groupLayouts: Readonly<Record<GroupId, GroupLayout>> = {
  restic_backup: { keyLabels: ['backup_job', 'repository'], filePrefix: 'ubm_restic_backup' },
  restic_verification: { keyLabels: ['repository'], filePrefix: 'ubm_restic_verification' },
  restic_restore_test: { keyLabels: ['repository'], filePrefix: 'ubm_restic_restore_test' },
  postgres_verification: { keyLabels: ['stanza'], filePrefix: 'ubm_postgres_verification' },
  postgres_offsite: { keyLabels: ['stanza', 'repository'], filePrefix: 'ubm_postgres_offsite' },
  pgbackrest: { keyLabels: ['stanza'], filePrefix: 'ubm_pgbackrest' },
  monitoring_health: { keyLabels: [], filePrefix: 'ubm_monitoring_health' },
  monitoring_expected_jobs: { keyLabels: [], filePrefix: 'ubm_monitoring_expected_jobs' },
};
