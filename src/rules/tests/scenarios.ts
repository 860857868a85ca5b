/**
 * Scenario tests, by name: the ways backups go wrong (or right) over days, replayed minute by
 * minute through promtool. Each reads like the sentence that names it.
 */
import type { AlertDef, AlertName } from '../alerts.js';
import { STALE_THRESHOLD_RECORD } from '../records.js';
import { humanizeDuration } from '../template.js';
import { num, sel } from '../../promql/selector.js';
import { externalMetrics, metrics } from '../../schema/catalog.js';
import { staleScale } from '../../config/defaults.js';
import type { ResolvedJob } from '../../config/model.js';
import { BASELINE_ALPHA } from '../../exporter/families.js';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from '../../util/duration.js';
import { seededRandom } from '../../util/random.js';
import { type TestContext, healthySeries, jobLabelsOf, scraped } from './context.js';
import type { AlertRuleTest, UnitTest } from './model.js';
import { STALE, type SeriesSpec, type Timeline, evalTime, firstEvalAfter, inputSeries, pieces, seriesName } from './series.js';
import { LONG_STEP, SHORT_STEP, expectedAlert, firesAt } from './unit.js';

const DAY = SECONDS_PER_DAY;
/** A nightly run's usual duration: 15 minutes. */
const RUN_SECONDS = 900;
/** How far past the stale threshold the day-by-day scenarios keep running, so the alert has fired by their end. */
const PAST_THRESHOLD_SECONDS = 2 * SECONDS_PER_HOUR;

/** One run of a scheduled job: when it ended, how long it took, whether it succeeded. */
interface Run {
  readonly end: number;
  readonly duration: number;
  readonly ok: boolean;
}

/**
 * A daily job at 02:00 plus a random delay of up to 30 minutes, running 15 minutes +-20 %,
 * for `days` days from time 0, plus the run of the day before (so the job has history at 0).
 */
function dailyRuns(days: number, seed: number): Run[] {
  // Seeded: generated files must not change between runs.
  const next = seededRandom(seed);
  const runs: Run[] = [];
  for (let day = -1; day < days; day++) {
    const start = day * DAY + 2 * 3600 + Math.floor(next() * 30) * 60;
    const duration = Math.round(RUN_SECONDS * (0.8 + 0.4 * next()));
    runs.push({ end: start + duration, duration, ok: true });
  }
  return runs;
}

/** The metrics `ubm run` writes for a job after each run, as minute timelines (a run's file is scraped the minute after it ends). */
function jobSeries(ctx: TestContext, job: ResolvedJob, runs: readonly Run[], gaps: (m: number) => boolean = () => false): SeriesSpec[] {
  const labels = jobLabelsOf(ctx, job);
  const lastRunAt = (m: number): number => {
    let i = -1;
    runs.forEach((r, k) => {
      if (r.end < m * 60) i = k;
    });
    return i;
  };
  const state = (m: number): { last: Run; index: number; lastOk: Run | undefined; baseline: number; okRuns: number } | undefined => {
    const index = lastRunAt(m);
    const last = runs[index];
    if (last === undefined) return undefined;
    let baseline = 0;
    let okRuns = 0;
    let lastOk: Run | undefined;
    // The baseline averages earlier successful runs (an EWMA, as the emitter keeps it), never the current one.
    runs.slice(0, index + 1).forEach((r, k) => {
      if (!r.ok) return;
      if (k < index) baseline = okRuns === 0 ? r.duration : BASELINE_ALPHA * r.duration + (1 - BASELINE_ALPHA) * baseline;
      if (k < index) okRuns++;
      lastOk = r;
    });
    return { last, index, lastOk, baseline: Math.round(baseline), okRuns };
  };
  const series = (metric: { name: string }, f: (s: NonNullable<ReturnType<typeof state>>) => number | undefined): SeriesSpec =>
    scraped(ctx, metric, labels, (m) => {
      if (gaps(m)) return undefined;
      const s = state(m);
      return s === undefined ? undefined : f(s);
    });
  const firstEnd = runs[0]?.end ?? 0;
  return [
    series(metrics.resticBackupStatus, (s) => (s.last.ok ? 1 : 0)),
    series(metrics.resticBackupExitCode, (s) => (s.last.ok ? 0 : 1)),
    series(metrics.resticBackupDurationSeconds, (s) => s.last.duration),
    series(metrics.resticBackupLastRunTimestampSeconds, (s) => s.last.end),
    series(metrics.resticBackupLastSuccessTimestamp, (s) => s.lastOk?.end),
    series(metrics.resticBackupFirstRunTimestampSeconds, () => firstEnd),
    series(metrics.resticBackupExpectedIntervalSeconds, () => job.intervalSeconds),
    series(metrics.resticBackupDurationBaselineSeconds, (s) => (s.okRuns > 0 ? s.baseline : undefined)),
    series(metrics.resticBackupDurationBaselineRuns, (s) => s.okRuns),
  ];
}

/** What `ubm health --config` writes for a job: expected, with its thresholds. */
function expectedJobSeries(ctx: TestContext, job: ResolvedJob, gaps: (m: number) => boolean = () => false): SeriesSpec[] {
  const labels = jobLabelsOf(ctx, job);
  const g = (v: number): Timeline => (m) => (gaps(m) ? undefined : v);
  return [
    scraped(ctx, metrics.backupMonitoringExpectedJob, labels, g(1)),
    scraped(ctx, metrics.backupMonitoringJobStaleThresholdSeconds, labels, g(job.staleThresholdSeconds)),
    scraped(ctx, metrics.backupMonitoringJobSlowMultiplier, labels, g(job.slowMultiplier)),
  ];
}

/** A healthy, scraped host: self-check passing and fresh, node_exporter up, textfiles parsed. */
function healthyHost(ctx: TestContext, gaps: (m: number) => boolean = () => false): SeriesSpec[] {
  const gapped = (s: SeriesSpec): SeriesSpec => ({ ...s, at: (m) => (gaps(m) ? undefined : s.at(m)) });
  return [
    ...healthySeries(ctx),
    { metric: externalMetrics.up.name, labels: ctx.scrape, at: () => 1 },
    { metric: externalMetrics.nodeTextfileScrapeError.name, labels: ctx.scrape, at: () => 0 },
  ].map(gapped);
}

/** Quiet just before, firing at: the two checks of a scenario that ends in an alert. */
function firesExactly(
  ctx: TestContext,
  def: AlertDef,
  step: number,
  activeAt: number,
  labels: Readonly<Record<string, string>>,
  value: (t: number) => number,
  answers: Parameters<typeof expectedAlert>[2]['answers'] = {},
): { checks: AlertRuleTest[]; minutes: number } {
  const fire = firesAt({ activeAt }, def, step);
  return {
    checks: [
      { eval_time: evalTime(fire - step), alertname: def.name, exp_alerts: [] },
      { eval_time: evalTime(fire), alertname: def.name, exp_alerts: [expectedAlert(ctx, def, { labels, value, answers }, fire)] },
    ],
    minutes: fire / 60 + 10,
  };
}

/** A test evaluated every `step` seconds, its series sampled as often. */
function stepped(step: number, name: string, specs: readonly SeriesSpec[], minutes: number, checks: Pick<UnitTest, 'alert_rule_test' | 'promql_expr_test'>): UnitTest {
  return { name, interval: evalTime(step), input_series: inputSeries(specs, minutes, step / 60), ...checks };
}

/** `count_over_time(ALERTS[...])` is empty: no alert was even pending. */
function nothingRaised(seconds: number): UnitTest['promql_expr_test'] {
  return [{ expr: `count_over_time(${sel(externalMetrics.alerts)}[${evalTime(seconds)}])`, eval_time: evalTime(seconds), exp_samples: [] }];
}

/**
 * The scenario tests for a config's alerts (those whose alert is not generated are left out):
 * `short` ones evaluated every minute, `long` ones (spanning days) every 30 minutes.
 */
export function scenarioTests(ctx: TestContext, defs: readonly AlertDef[]): { short: UnitTest[]; long: UnitTest[] } {
  const def = (name: AlertName): AlertDef | undefined => defs.find((d) => d.name === name);
  const tests: UnitTest[] = [];
  const long: UnitTest[] = [];
  const L = LONG_STEP;
  const job = ctx.dailyJob;
  const labels = jobLabelsOf(ctx, job);
  const th = job.staleThresholdSeconds;
  const a = ctx.config.alerting;
  const stale = def('UnifiedBackupStale');
  const staleAnswers = { staleThreshold: (): number => th };

  if (stale !== undefined) {
    // Succeeded at 0, then fails every day from the next run on: the last success is carried forward.
    const failing: Run[] = [{ end: 0, duration: RUN_SECONDS, ok: true }];
    for (let day = 1; day * DAY < th + PAST_THRESHOLD_SECONDS; day++) failing.push({ end: day * DAY, duration: RUN_SECONDS, ok: false });
    const keepsFailing = firesExactly(ctx, stale, L, firstEvalAfter(th, L), labels, (t) => t, staleAnswers);
    long.push(
      stepped(L, 'A job that keeps failing still goes stale after its threshold', [...jobSeries(ctx, job, failing), ...expectedJobSeries(ctx, job), ...healthyHost(ctx)], keepsFailing.minutes, {
        alert_rule_test: keepsFailing.checks,
      }),
    );

    const stopped = firesExactly(ctx, stale, L, firstEvalAfter(th, L), labels, (t) => t, staleAnswers);
    long.push(
      stepped(L, 'A job that stopped running goes stale', [...jobSeries(ctx, job, [{ end: 0, duration: RUN_SECONDS, ok: true }]), ...expectedJobSeries(ctx, job), ...healthyHost(ctx)], stopped.minutes, {
        alert_rule_test: stopped.checks,
      }),
    );

    const neverRuns: Run[] = [];
    for (let day = 0; day * DAY < th + PAST_THRESHOLD_SECONDS; day++) neverRuns.push({ end: day * DAY, duration: RUN_SECONDS, ok: false });
    const never = firesExactly(ctx, stale, L, firstEvalAfter(th, L), labels, (t) => t, staleAnswers);
    long.push(
      stepped(L, 'A job that never succeeded goes stale', [...jobSeries(ctx, job, neverRuns), ...expectedJobSeries(ctx, job), ...healthyHost(ctx)], never.minutes, {
        alert_rule_test: never.checks,
      }),
    );

    // No ubm health gauge: the recorded interval, scaled like a daily job, is the threshold.
    const hourlyOfConfig = ctx.config.jobs.find((j) => j.intervalSeconds === 3600) ?? job;
    const hourly: ResolvedJob = { ...hourlyOfConfig, frequency: 'hourly', intervalSeconds: 3600, staleThresholdSeconds: Math.round(3600 * staleScale(a.backupStaleHours)) };
    const scaled = firesExactly(ctx, stale, SHORT_STEP, firstEvalAfter(hourly.staleThresholdSeconds), jobLabelsOf(ctx, hourly), (t) => t, { staleThreshold: () => hourly.staleThresholdSeconds });
    tests.push({
      name: `An hourly job goes stale after ${humanizeDuration(hourly.staleThresholdSeconds)} without ubm health's thresholds`,
      interval: '1m',
      input_series: inputSeries([...jobSeries(ctx, hourly, [{ end: 0, duration: 60, ok: true }]), ...healthyHost(ctx)], scaled.minutes),
      alert_rule_test: scaled.checks,
    });
  }

  const neverReported = def('UnifiedBackupNeverReported');
  if (neverReported !== undefined) {
    // Configured from the second evaluation on: a for: of 0s still has a quiet evaluation before it fires.
    const silent = firesExactly(ctx, neverReported, L, L, labels, () => 1);
    const configured = expectedJobSeries(ctx, job, (m) => m < L / 60);
    long.push(stepped(L, 'A configured job that never reported alerts', [...configured, ...healthyHost(ctx)], silent.minutes, { alert_rule_test: silent.checks }));
  }

  const slow = def('UnifiedBackupSlow');
  if (slow !== undefined) {
    const slowCase = (baseline: number, duration: number, runs: number): SeriesSpec[] => [
      scraped(ctx, metrics.resticBackupStatus, labels, () => 1),
      scraped(ctx, metrics.resticBackupDurationSeconds, labels, pieces([[0, baseline], [10, duration]])),
      scraped(ctx, metrics.resticBackupDurationBaselineSeconds, labels, () => baseline),
      scraped(ctx, metrics.resticBackupDurationBaselineRuns, labels, () => runs),
    ];
    const quietAt = [{ eval_time: evalTime(firesAt({ activeAt: 600 }, slow) + 600), alertname: slow.name, exp_alerts: [] }];
    const baseline = Math.max(600, a.slowMinDurationSeconds);
    tests.push({
      name: 'UnifiedBackupSlow stays quiet while the baseline has too few runs',
      interval: '1m',
      input_series: inputSeries(slowCase(baseline, Math.ceil(baseline * job.slowMultiplier * 2), a.slowMinBaselineRuns - 1), 60),
      alert_rule_test: quietAt,
    });
    if (a.slowMinDurationSeconds > 0) {
      tests.push({
        name: 'UnifiedBackupSlow stays quiet for runs shorter than its minimum duration',
        interval: '1m',
        input_series: inputSeries(slowCase(Math.max(1, Math.floor(a.slowMinDurationSeconds / (job.slowMultiplier * 2))), a.slowMinDurationSeconds, a.slowMinBaselineRuns + 2), 60),
        alert_rule_test: quietAt,
      });
    }
  }

  const unhealthy = def('BackupMonitoringUnhealthy');
  if (unhealthy !== undefined) {
    const host = { hostname: ctx.hostname };
    const target = (up: Timeline, scrapeError: Timeline, scrape = ctx.scrape): SeriesSpec[] => [
      { metric: externalMetrics.up.name, labels: scrape, at: up },
      { metric: externalMetrics.nodeTextfileScrapeError.name, labels: scrape, at: scrapeError },
    ];
    const stoppedAt = firstEvalAfter(a.healthStaleSeconds);
    const stopped = firesExactly(ctx, unhealthy, SHORT_STEP, stoppedAt, { ...host, reason: 'the self-check stopped reporting' }, () => 0);
    tests.push({
      name: 'BackupMonitoringUnhealthy fires when the self-check stops reporting',
      interval: '1m',
      input_series: inputSeries([
        scraped(ctx, metrics.backupMonitoringHealthy, host, () => 1),
        scraped(ctx, metrics.backupMonitoringLastCheck, host, () => 0),
        ...target(() => 1, () => 0),
      ], stopped.minutes),
      // The value is the self-check's age; the description does not show it.
      alert_rule_test: stopped.checks,
    });

    // The target's address says nothing about the host: its hostname comes from the ubm metrics it serves.
    const addressed = { job: ctx.scrape.job, instance: '192.0.2.10:9100' };
    const parse = firesExactly(ctx, unhealthy, SHORT_STEP, 600, { ...host, reason: 'node_exporter cannot parse a textfile' }, () => 1);
    tests.push({
      name: "BackupMonitoringUnhealthy fires on a textfile scrape error, named by the target's hostname",
      interval: '1m',
      input_series: inputSeries([
        { metric: metrics.backupMonitoringHealthy.name, labels: { ...host, ...addressed }, at: () => 1 },
        { metric: metrics.backupMonitoringLastCheck.name, labels: { ...host, ...addressed }, at: (m) => m * 60 },
        ...target(() => 1, pieces([[0, 0], [10, 1]]), addressed),
      ], parse.minutes),
      alert_rule_test: parse.checks,
    });

    // A target that is down serves nothing: its hostname is the instance's host part.
    const down = firesExactly(ctx, unhealthy, SHORT_STEP, 600, { hostname: ctx.scrape.instance.replace(/:\d+$/, ''), reason: 'node_exporter is not scraped' }, () => 0);
    // A failed scrape marks the target's series stale at once.
    const gone = (at: Timeline): Timeline => (m) => (m < 10 ? at(m) : m === 10 ? STALE : undefined);
    tests.push({
      name: "BackupMonitoringUnhealthy fires when node_exporter is not scraped, named by the instance's host",
      interval: '1m',
      input_series: inputSeries([
        ...healthySeries(ctx).map((s) => ({ ...s, at: gone(s.at) })),
        ...target(pieces([[0, 1], [10, 0]]), gone(() => 0)),
      ], down.minutes),
      alert_rule_test: down.checks,
    });
  }

  // Thirty days of normal life: nothing may fire, nor even be pending.
  const days = 30;
  const month = dailyRuns(days, 20_240_601);
  const monthEnd = days * DAY + L;
  long.push(
    stepped(L, '30 days of a daily schedule with a 30-minute random delay and normal durations raise nothing', [...jobSeries(ctx, job, month), ...expectedJobSeries(ctx, job), ...healthyHost(ctx)], monthEnd / 60 + 10, {
      promql_expr_test: nothingRaised(monthEnd),
    }),
  );

  // Prometheus is down for two hours across the nightly run: no samples at all, then the new state.
  const restart = dailyRuns(3, 7);
  const gap = (m: number): boolean => m >= DAY / 60 + 90 && m < DAY / 60 + 210;
  const restartEnd = 3 * DAY + L;
  long.push(
    stepped(L, 'A Prometheus restart gap raises nothing false', [...jobSeries(ctx, job, restart, gap), ...expectedJobSeries(ctx, job, gap), ...healthyHost(ctx, gap)], restartEnd / 60 + 10, {
      promql_expr_test: nothingRaised(restartEnd),
    }),
  );

  // Where each job's stale threshold comes from.
  const record = (value: number): Array<{ labels: string; value: number }> => [{ labels: seriesName(STALE_THRESHOLD_RECORD.name, labels), value }];
  const interval = scraped(ctx, metrics.resticBackupExpectedIntervalSeconds, labels, () => 3600);
  const status = scraped(ctx, metrics.resticBackupStatus, labels, () => 1);
  const gauge = scraped(ctx, metrics.backupMonitoringJobStaleThresholdSeconds, labels, () => th);
  const recordTest = (name: string, specs: SeriesSpec[], value: number): UnitTest => ({
    name,
    interval: '1m',
    input_series: inputSeries(specs, 10),
    promql_expr_test: [{ expr: STALE_THRESHOLD_RECORD.name, eval_time: '5m', exp_samples: record(value) }],
  });
  tests.push(recordTest("The stale threshold is the one ubm health writes when it is present", [status, interval, gauge], th));
  tests.push(
    recordTest(
      `Without ubm health, the stale threshold is the recorded interval times ${num(staleScale(a.backupStaleHours))}`,
      [status, interval],
      // The rule multiplies by the scale as rendered (6 decimals), so the expectation must too.
      3600 * Number(num(staleScale(a.backupStaleHours))),
    ),
  );
  tests.push(recordTest("Without an interval either, a job gets a daily job's stale threshold", [status], a.backupStaleHours * 3600));
  return { short: tests, long };
}
