/**
 * Configured checks that never reported, as PromQL: the expected-check series `ubm health --config`
 * writes, against each kind's own status series. The alerts and the health dashboards read the
 * same expression.
 */
import { type CheckKind, metrics } from '../schema/catalog.js';
import { type Identify, NO_IDENTITY } from './identity.js';
import { REPOSITORY_LABELS, STANZA_LABELS, STANZA_REPOSITORY_LABELS, type Matchers, type SelectableMetric, by, on, sel } from './selector.js';

/** Per kind of check: the labels that identify one, and the status series whose existence says it reported. */
export const CHECK_REPORTS: Readonly<Record<CheckKind, { readonly labels: readonly string[]; readonly status: SelectableMetric; readonly matchers?: Matchers }>> = {
  restic_verification: { labels: REPOSITORY_LABELS, status: metrics.resticVerificationStatus },
  restic_restore_test: { labels: REPOSITORY_LABELS, status: metrics.resticRestoreTestStatus },
  restic_prune: { labels: REPOSITORY_LABELS, status: metrics.resticMaintenanceStatus, matchers: { operation: 'prune' } },
  pgbackrest: { labels: STANZA_LABELS, status: metrics.pgbackrestStanzaStatus },
  postgres_verification: { labels: STANZA_LABELS, status: metrics.postgresBackupVerificationStatus },
  postgres_offsite: { labels: STANZA_REPOSITORY_LABELS, status: metrics.postgresPgbackrestOffsiteBackupStatus },
};

/**
 * A configured check that has not reported within its threshold since ubm health first expected it:
 * the expectation's age over the check's threshold (both from the expected set), unless a status
 * series of the check exists. Its value is how long the check has been expected.
 */
export function neverReportedExpr(check: CheckKind, filter: Matchers = {}, separator = '\n', id: Identify = NO_IDENTITY): string {
  const { status, matchers } = CHECK_REPORTS[check];
  const labels = id(CHECK_REPORTS[check].labels);
  const m = { ...filter, check };
  return [
    `time() - max ${by(labels)} (${sel(metrics.backupMonitoringExpectedCheckSinceTimestampSeconds, m)})`,
    `  > ${on(labels)} max ${by(labels)} (${sel(metrics.backupMonitoringExpectedCheckStaleThresholdSeconds, m)})`,
    `unless ${on(labels)} ${sel(status, { ...filter, ...matchers })}`,
  ].join(separator);
}
