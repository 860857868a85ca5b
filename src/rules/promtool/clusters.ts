/**
 * The scenario of the identifying labels (`ubm.labels.identifying`): the same host, job and repository
 * in two clusters, one failing and one going stale. Each alert fires once, for its own cluster only,
 * with the cluster's label; without the labels in every aggregation the two would merge into one series.
 */
import type { AlertDef } from '../alerts.js';
import { externalMetrics, metrics } from '../../schema/catalog.js';
import { type TestContext, healthySeries, identityOf, scraped } from './context.js';
import type { AlertRuleTest } from './model.js';
import { type SeriesSpec, evalTime, firstEvalAfter, pieces } from './series.js';
import { expectedAlert, firesAt } from './unit.js';

/** The value of the identifying labels in the second cluster (the first is the tests' usual `a`). */
export const OTHER_IDENTITY_VALUE = 'b';

/** The minute at which the first cluster's job fails and the second's crosses its stale threshold. */
const TURN_MINUTE = 10;
/** Minutes of input past the last evaluation. */
const TAIL_MINUTES = 10;

/** The test context of the second cluster: the same host and target names, the other identity. */
function otherCluster(ctx: TestContext): TestContext {
  const identity = identityOf(ctx.config, OTHER_IDENTITY_VALUE);
  return { ...ctx, identity, scrape: { ...ctx.scrape, ...identity } };
}

/** A healthy, scraped host in a cluster: self-check passing and fresh, node_exporter up, textfiles parsed. */
function healthyHost(ctx: TestContext): SeriesSpec[] {
  return [
    ...healthySeries(ctx),
    { metric: externalMetrics.up.name, labels: ctx.scrape, at: () => 1 },
    { metric: externalMetrics.nodeTextfileScrapeError.name, labels: ctx.scrape, at: () => 0 },
  ];
}

/** A scenario's body: its series over `minutes` minutes and the alerts it checks. */
export interface ClustersBody {
  readonly specs: readonly SeriesSpec[];
  readonly minutes: number;
  readonly checks: { readonly alert_rule_test: readonly AlertRuleTest[] };
}

/**
 * The test's body: in cluster `a` the job (which succeeded every minute until then) fails from minute
 * 10; in cluster `b` the same hostname, job and repository keeps succeeding, but its last success lies
 * its stale threshold back at minute 10. UnifiedBackupFailed fires for `a` only, UnifiedBackupStale for
 * `b` only (merged, the newest success of `a` would hide `b`'s age), each with its cluster's labels.
 * Undefined without identifying labels.
 */
export function twoClustersStayApart(ctx: TestContext, failed: AlertDef, stale: AlertDef, step: number): ClustersBody | undefined {
  if (ctx.config.labels.identifying.length === 0) return undefined;
  const a = ctx;
  const b = otherCluster(ctx);
  const job = ctx.jobLabels;
  const threshold = ctx.job.staleThresholdSeconds;
  const turn = TURN_MINUTE * 60;
  const lastOfA = turn - 60;
  const sinceB = turn - threshold;
  const failedAt = firesAt({ activeAt: turn }, failed, step);
  const staleAt = firesAt({ activeAt: firstEvalAfter(turn, step) }, stale, step);
  // Cluster a's own success must stay fresh until the end, or it would go stale too.
  if (Math.max(failedAt, staleAt) - lastOfA >= threshold) return undefined;
  const thresholds = (c: TestContext): SeriesSpec => scraped(c, metrics.backupMonitoringJobStaleThresholdSeconds, job, () => threshold);
  const specs: SeriesSpec[] = [
    scraped(a, metrics.resticBackupStatus, job, pieces([[0, 1], [TURN_MINUTE, 0]])),
    scraped(a, metrics.resticBackupExitCode, job, pieces([[0, 0], [TURN_MINUTE, 1]])),
    scraped(a, metrics.resticBackupLastSuccessTimestamp, job, (m) => Math.min(m * 60, lastOfA)),
    thresholds(a),
    ...healthyHost(a),
    scraped(b, metrics.resticBackupStatus, job, () => 1),
    scraped(b, metrics.resticBackupExitCode, job, () => 0),
    scraped(b, metrics.resticBackupLastSuccessTimestamp, job, () => sinceB),
    thresholds(b),
    ...healthyHost(b),
  ];
  const quiet = (def: AlertDef, t: number): AlertRuleTest => ({ eval_time: evalTime(t), alertname: def.name, exp_alerts: [] });
  const checks: AlertRuleTest[] = [
    quiet(failed, failedAt - step),
    { eval_time: evalTime(failedAt), alertname: failed.name, exp_alerts: [expectedAlert(a, failed, { labels: job, value: () => 0, answers: { exitCode: () => 1, lastSuccessAge: (t) => t - lastOfA } }, failedAt)] },
    quiet(stale, staleAt - step),
    { eval_time: evalTime(staleAt), alertname: stale.name, exp_alerts: [expectedAlert(b, stale, { labels: job, value: (t) => t - sinceB, answers: { staleThreshold: () => threshold } }, staleAt)] },
  ];
  return { specs, minutes: Math.max(failedAt, staleAt) / 60 + TAIL_MINUTES, checks: { alert_rule_test: checks } };
}
