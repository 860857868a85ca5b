/**
 * What `ubm report` asks Prometheus: one range query per catalog metric it reads, aggregated to the
 * metric's own labels (the scrape's job and instance dropped), over the period's sample grid.
 */
import { metrics } from '../schema/catalog.js';
import type { ReportPeriod } from './model.js';
import { type Endpoint, type RangeSeries, ReportSourceError, queryInstant, queryRange } from './prometheus.js';

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

/**
 * The metrics whose absence the report reads: no data on a job's timeline, an offsite status
 * missing, and the summary figures a failed run does not write. Only these need the `vanished`
 * query; the others are written with every event and read where one was seen.
 */
const ABSENCE_MATTERS: ReadonlySet<ReportMetric> = new Set<ReportMetric>(['lastSuccess', 'lastRun', 'offsiteStatus', 'dataAdded', 'processed']);

/** Every metric's series over the period, by key. */
export type ReportData = Readonly<Record<ReportMetric, readonly RangeSeries[]>>;

/**
 * The metrics the report reads only at the period's end (a baseline, a threshold, the last pass of
 * a check): one instant query each, of the last value the period saw (also of a series gone
 * before its end), no range query.
 */
const END_ONLY: ReadonlySet<ReportMetric> = new Set<ReportMetric>([
  'baseline',
  'jobStaleThreshold',
  'jobSlowMultiplier',
  'verificationLastSuccess',
  'restoreLastSuccess',
  'pgVerificationLastSuccess',
  'offsiteLastSuccess',
  'walPresent',
]);

/** The expression of one metric: its newest value per series of its own labels, `offset` seconds back. */
function aggregated(key: ReportMetric, offsetSeconds = 0): string {
  const m = REPORT_METRICS[key];
  return `max by (${m.labels.join(', ')}) (${m.name}${offsetSeconds > 0 ? ` offset ${offsetSeconds}s` : ''})`;
}

/**
 * The three queries that give a metric's series as change points over the grid, so that an answer
 * holds tens of points per series rather than one per step (a 1,000-job month stays small):
 * `seed`, an instant query of the value at the period's start; `changes`, a range query that keeps a
 * sample only where it differs from the previous step's (or the series appears); `vanished`, a
 * range query that marks where a series present one step earlier is gone; and `lastSeen`, the last
 * value in a window, for the metrics read only at the period's end.
 */
export function reportQueries(key: ReportMetric, stepSeconds: number): { seed: string; changes: string; vanished: string; lastSeen: (rangeSeconds: number) => string } {
  const now = aggregated(key);
  const before = aggregated(key, stepSeconds);
  const by = `by (${REPORT_METRICS[key].labels.join(', ')})`;
  const name = REPORT_METRICS[key].name;
  return {
    seed: now,
    changes: `${now} unless (${now} == ${before})`,
    vanished: `group ${by} (${name} offset ${stepSeconds}s) unless group ${by} (${name})`,
    lastSeen: (rangeSeconds) => `max ${by} (last_over_time(${name}[${rangeSeconds}s]))`,
  };
}

/** The grid's sample times: from, from + step, ... before to. */
export function gridTimes(period: ReportPeriod): number[] {
  const out: number[] = [];
  for (let t = period.from; t < period.to; t += period.stepSeconds) out.push(t);
  return out;
}

/** One metric's change points: the seed and the changes as they are, the vanishings as NaN. */
async function changePoints(base: Endpoint, key: ReportMetric, period: ReportPeriod, last: number): Promise<RangeSeries[]> {
  const q = reportQueries(key, period.stepSeconds);
  if (END_ONLY.has(key)) return (await queryInstant(base, q.lastSeen(last - period.from + period.stepSeconds), last)).map((s) => ({ labels: s.labels, points: [[last, s.value] as const] }));
  const [seed, changed, vanished] = await Promise.all([
    queryInstant(base, q.seed, period.from),
    queryRange(base, q.changes, period.from, last, period.stepSeconds),
    last > period.from && ABSENCE_MATTERS.has(key) ? queryRange(base, q.vanished, period.from + period.stepSeconds, last, period.stepSeconds) : Promise.resolve([]),
  ]);
  return [
    ...seed.map((s) => ({ labels: s.labels, points: [[period.from, s.value] as const] })),
    ...changed,
    ...vanished.map((s) => ({ labels: s.labels, points: s.points.map(([t]) => [t, Number.NaN] as const) })),
  ];
}

/**
 * Reads every report metric from the Prometheus at `base` over the period. Throws a
 * ReportSourceError when Prometheus has no backup metric at all in it.
 */
export async function fetchReportData(base: Endpoint, period: ReportPeriod): Promise<ReportData> {
  const times = gridTimes(period);
  const last = times[times.length - 1] ?? period.from;
  const keys = Object.keys(REPORT_METRICS) as ReportMetric[];
  // A few metrics at a time: Prometheus evaluates each query on its own cores.
  const out: Partial<Record<ReportMetric, readonly RangeSeries[]>> = {};
  for (let i = 0; i < keys.length; i += 4) {
    const batch = keys.slice(i, i + 4);
    const answers = await Promise.all(batch.map((k) => changePoints(base, k, period, last)));
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
