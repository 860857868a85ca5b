/**
 * What `ubm report` asks Prometheus: one range query per catalog metric it reads, aggregated to the
 * metric's own labels (the scrape's job and instance dropped), over the period's sample grid.
 */
import { metrics } from '../schema/catalog.js';
import type { ReportPeriod } from './model.js';
import { type Endpoint, type RangeSeries, ReportSourceError, queryRange } from './prometheus.js';

/** The catalog metrics the report reads. */
export const REPORT_METRICS = {
  lastSuccess: metrics.resticBackupLastSuccessTimestamp,
  lastRun: metrics.resticBackupLastRunTimestampSeconds,
  status: metrics.resticBackupStatus,
  duration: metrics.resticBackupDurationSeconds,
  baseline: metrics.resticBackupDurationBaselineSeconds,
  dataAdded: metrics.resticBackupDataAddedBytes,
  processed: metrics.resticBackupProcessedBytes,
  jobStaleThreshold: metrics.backupMonitoringJobStaleThresholdSeconds,
  jobSlowMultiplier: metrics.backupMonitoringJobSlowMultiplier,
  verificationStatus: metrics.resticVerificationStatus,
  verificationLastRun: metrics.resticVerificationLastRunTimestampSeconds,
  verificationLastSuccess: metrics.resticVerificationLastSuccessTimestampSeconds,
  restoreStatus: metrics.resticRestoreTestStatus,
  restoreLastRun: metrics.resticRestoreTestLastRunTimestampSeconds,
  restoreLastSuccess: metrics.resticRestoreTestLastSuccessTimestampSeconds,
  pgVerificationStatus: metrics.postgresBackupVerificationStatus,
  pgVerificationLastRun: metrics.postgresBackupVerificationLastRunTimestampSeconds,
  pgVerificationLastSuccess: metrics.postgresBackupVerificationLastSuccessTimestampSeconds,
  offsiteStatus: metrics.postgresPgbackrestOffsiteBackupStatus,
  offsiteLastCheck: metrics.postgresPgbackrestOffsiteLastCheckTimestampSeconds,
  offsiteLastSuccess: metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds,
  pgLastCompletion: metrics.pgbackrestBackupLastCompletionTimestampSeconds,
  walPresent: metrics.pgbackrestWalArchivePresent,
} as const;

/** A key of REPORT_METRICS. */
export type ReportMetric = keyof typeof REPORT_METRICS;

/** Every metric's series over the period, by key. */
export type ReportData = Readonly<Record<ReportMetric, readonly RangeSeries[]>>;

/** The range query of one metric: its newest value per series of its own labels. */
export function reportQuery(key: ReportMetric): string {
  const m = REPORT_METRICS[key];
  return `max by (${m.labels.join(', ')}) (${m.name})`;
}

/** The grid's sample times: from, from + step, ... before to. */
export function gridTimes(period: ReportPeriod): number[] {
  const out: number[] = [];
  for (let t = period.from; t < period.to; t += period.stepSeconds) out.push(t);
  return out;
}

/**
 * Reads every report metric from the Prometheus at `base` over the period. Throws a
 * ReportSourceError when Prometheus has no backup metric at all in it.
 */
export async function fetchReportData(base: Endpoint, period: ReportPeriod): Promise<ReportData> {
  const times = gridTimes(period);
  const last = times[times.length - 1] ?? period.from;
  const keys = Object.keys(REPORT_METRICS) as ReportMetric[];
  // Four at a time: the answers are large at a fleet's size, and Prometheus evaluates each on its own cores.
  const out: Partial<Record<ReportMetric, readonly RangeSeries[]>> = {};
  for (let i = 0; i < keys.length; i += 4) {
    const batch = keys.slice(i, i + 4);
    const answers = await Promise.all(batch.map((k) => queryRange(base, reportQuery(k), period.from, last, period.stepSeconds)));
    batch.forEach((k, j) => {
      out[k] = answers[j] ?? [];
    });
  }
  const data = Object.fromEntries(keys.map((k) => [k, out[k] ?? []])) as Record<ReportMetric, readonly RangeSeries[]>;
  if (keys.every((k) => data[k].length === 0)) {
    throw new ReportSourceError(`Prometheus has no backup metrics between ${new Date(period.from * 1000).toISOString()} and ${new Date(period.to * 1000).toISOString()}`);
  }
  return data;
}
