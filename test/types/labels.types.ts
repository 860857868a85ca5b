/**
 * Type-level tests of series labels, checked by `tsc` (test/types.test.ts runs it on this file):
 * every `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import type { TextfileGroup } from '../../src/groups/group.js';
import { textfileGroup } from '../../src/groups/group.js';
import { metrics } from '../../src/schema/catalog.js';
import { type GroupSample, sample } from '../../src/schema/series.js';

const host = 'h';

/** Samples with exactly their metric's labels compile. */
export const good: GroupSample[] = [
  sample(metrics.resticBackupStatus, { hostname: host, backup_job: 'j', repository: 'r' }, 1),
  sample(metrics.backupMonitoringHealthy, { hostname: host }, 1),
  sample(metrics.pgbackrestBackupLastSizeBytes, { hostname: host, stanza: 's', repository: 'repo1', backup_type: 'full' }, 1),
];

/** A job metric without its repository label. */
// @ts-expect-error repository is missing
export const missing = sample(metrics.resticBackupStatus, { hostname: host, backup_job: 'j' }, 1);

/** A host metric with a job's labels. */
// @ts-expect-error backup_job is not a label of backup_monitoring_healthy
export const extra = sample(metrics.backupMonitoringHealthy, { hostname: host, backup_job: 'j' }, 1);

const jobLabels = { hostname: host, backup_job: 'j', repository: 'r' };
/** Extra labels are caught through a variable too, not only in an object literal. */
// @ts-expect-error backup_job and repository are not labels of backup_monitoring_last_check
export const extraViaVariable = sample(metrics.backupMonitoringLastCheck, jobLabels, 1);

/** A stanza metric without the stanza, and a typed-repository metric without its backup type. */
// @ts-expect-error stanza is missing
export const noStanza = sample(metrics.pgbackrestStanzaStatus, { hostname: host }, 0);
// @ts-expect-error backup_type is missing
export const noType = sample(metrics.pgbackrestBackupLastSizeBytes, { hostname: host, stanza: 's', repository: 'repo1' }, 1);

/** A label value that is not a string. */
// @ts-expect-error hostname must be a string
export const notAString = sample(metrics.backupMonitoringHealthy, { hostname: 1 }, 1);

/** A hand-made object is not a checked sample: only sample() makes one. */
// @ts-expect-error the brand is missing
export const handMade: GroupSample = { metric: metrics.resticBackupStatus, labels: { hostname: host }, value: 1 };

/** A group's builder may return only its own metrics. */
export const wrongGroup: TextfileGroup<'monitoring_health', { hostname: string }> = textfileGroup({
  id: 'monitoring_health',
  filePrefix: 'x',
  keyLabels: [],
  key: () => ({}),
  // @ts-expect-error restic_backup_status belongs to restic_backup, not monitoring_health
  build: (_previous, input) => [sample(metrics.resticBackupStatus, { hostname: input.hostname, backup_job: 'j', repository: 'r' }, 1)],
});
