/**
 * Scenario tests, by name: the ways backups go wrong (or right) over days, replayed minute by
 * minute through promtool. Each reads like the sentence that names it.
 */
import type { AlertDef, AlertName } from '../alerts.js';
import { PGBACKREST_STALE_THRESHOLD_RECORD, STALE_THRESHOLD_RECORD } from '../records.js';
import { humanizeDuration } from '../template.js';
import { num, sel } from '../../promql/selector.js';
import { MONITORING_PROBLEMS, MONITORING_PROBLEM_REASONS, type MonitoringProblem, externalMetrics, metrics } from '../../schema/catalog.js';
import { RANDOMIZED_DELAY_SECONDS, graceShare } from '../../config/defaults.js';
import { slowMultiplierFloor } from '../../promql/thresholds.js';
import { PG_BACKUP_TYPES, type ResolvedAlerting, type ResolvedJob } from '../../config/model.js';
import { type DurationBaseline, EMPTY_BASELINE, foldDuration, spreadFactor } from '../../groups/duration-baseline.js';
import { SOURCE_FOLLOW_RUNS, type SourceBaseline, foldSourceBaseline, sourceShare } from '../../groups/restic-backup.js';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from '../../util/duration.js';
import { seededRandom } from '../../util/random.js';
import { type TestContext, healthySeries, jobLabelsOf, scraped } from './context.js';
import { startLate } from './late-start.js';
import { twoClustersStayApart } from './clusters.js';
import type { AlertRuleTest, UnitTest } from './model.js';
import { STALE, type SeriesSpec, type Timeline, evalTime, firstEvalAfter, inputSeries, onGrid, pieces, seriesName } from './series.js';
import { LONG_STEP, SHORT_STEP, SOURCE_BYTES, SOURCE_FILES, expectedAlert, firesAt, pgbackrestRepoLabels } from './unit.js';

const DAY = SECONDS_PER_DAY;
const HOUR = SECONDS_PER_HOUR;
/** A nightly run's usual duration: 15 minutes. */
const RUN_SECONDS = 900;
/** How far past the stale threshold the day-by-day scenarios keep running, so the alert has fired by their end. */
const PAST_THRESHOLD_SECONDS = 2 * HOUR;
/** The minute at which a short scenario's input turns bad. */
const TURN_MINUTE = 10;
/** Minutes of input past a scenario's last evaluation. */
const TAIL_MINUTES = 10;

/** One run of a scheduled job: when it ended, how long it took, whether it succeeded. */
interface Run {
  readonly end: number;
  readonly duration: number;
  readonly ok: boolean;
  /** restic's files and bytes processed (a successful run's only). */
  readonly files?: number;
  readonly bytes?: number;
  /** restic's data added (a full-looking run, one that added most of what it processed, stays out of the duration baseline). */
  readonly added?: number;
}

/** Which minutes have no samples at all (Prometheus was down). */
type Gaps = (minute: number) => boolean;
const NO_GAPS: Gaps = () => false;

/** What a scenario is built from: the test context, the daily job it follows, the alerts generated. */
interface Scene {
  readonly ctx: TestContext;
  /** The daily job the scenarios follow, and the labels of its series. */
  readonly job: ResolvedJob;
  readonly labels: Readonly<Record<string, string>>;
  readonly alerting: ResolvedAlerting;
  /** The factor by which the rules' fallback stale threshold exceeds a recorded interval, before the default randomized delay is added (as rendered: 6 decimals). */
  readonly graceFactor: number;
  /** Seconds between the scenario's evaluations (and samples). */
  readonly step: number;
  /** The generated alert of that name, or undefined when the config does not generate it. */
  readonly def: (name: AlertName) => AlertDef | undefined;
}

/** The checks of a test: alerts at evaluation times, expressions at evaluation times. */
type Checks = Pick<UnitTest, 'alert_rule_test' | 'promql_expr_test'>;

/** A scenario's test before it is named: its series over `minutes` minutes, and what to check. */
interface Body {
  readonly specs: readonly SeriesSpec[];
  readonly minutes: number;
  readonly checks: Checks;
}

/** A named scenario: its sentence, its evaluation step, and its test (undefined: left out for this config). */
interface Scenario {
  readonly name: string | ((s: Scene) => string);
  readonly step: number;
  readonly build: (s: Scene) => Body | undefined;
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
    const start = day * DAY + 2 * HOUR + Math.floor(next() * 30) * 60;
    const duration = Math.round(RUN_SECONDS * (0.8 + 0.4 * next()));
    // A source that grows a little every day and dips every fourth (outside the random stream, so the schedule stays the same).
    const dip = day % 4 === 0 ? 0.995 : 1;
    runs.push({ end: start + duration, duration, ok: true, files: Math.round((SOURCE_FILES + 7 * (day + 1)) * dip), bytes: Math.round((SOURCE_BYTES + (day + 1) * 2 ** 20) * dip) });
  }
  return runs;
}

/**
 * An hourly job whose timer adds a random delay of up to 30 minutes, running 3 minutes +-20 %, for
 * `days` days from time 0 (plus the run of the hour before). Hours 5 and 6 take the extremes, so that
 * the longest normal gap (90 minutes and the run-time spread) is in every test.
 */
function hourlyRuns(days: number, seed: number): Run[] {
  const next = seededRandom(seed);
  const runs: Run[] = [];
  for (let hour = -1; hour < days * 24; hour++) {
    const random = next();
    const delay = hour === 5 ? 0 : hour === 6 ? 30 * 60 : Math.floor(random * 30) * 60;
    const duration = Math.round(180 * (0.8 + 0.4 * next()));
    runs.push({ end: hour * HOUR + delay + duration, duration, ok: true });
  }
  return runs;
}

/** A daily job at 02:00 whose durations are given run by run (from the day before time 0 on), with restic's data added. */
function dailyDurations(durations: readonly number[], added: (k: number) => number = () => 2 ** 20): Run[] {
  return durations.map((duration, k) => ({ end: (k - 1) * DAY + 2 * HOUR + duration, duration, ok: true, files: SOURCE_FILES, bytes: SOURCE_BYTES, added: added(k) }));
}

/** The slow threshold the recording rule resolves for the scene's job after `runs[0..index)` folded in (ubm health writes its multiplier). */
function slowThresholdAfter(s: Scene, runs: readonly Run[], index: number): { threshold: number; baseline: number } {
  const b = runs.slice(0, index).reduce((acc, r) => (r.ok ? foldDuration(acc, { durationSeconds: r.duration, dataAddedBytes: r.added, totalBytesProcessed: r.bytes }) : acc), EMPTY_BASELINE);
  const baseline = Math.round(b.seconds ?? 0);
  const multiple = Math.max(Number(spreadFactor(b.spread).toFixed(4)), s.job.slowMultiplier, slowMultiplierFloor(s.ctx.config));
  return { threshold: multiple * baseline, baseline };
}

/** UnifiedBackupSlow as promtool must see it for run `index` of `runs`. */
function slowAlert(s: Scene, slow: AlertDef, runs: readonly Run[], index: number, t: number): AlertRuleTest {
  const { threshold, baseline } = slowThresholdAfter(s, runs, index);
  const duration = runs[index]?.duration ?? 0;
  return {
    eval_time: evalTime(t),
    alertname: slow.name,
    exp_alerts: [expectedAlert(s.ctx, slow, { labels: s.labels, value: () => duration, answers: { slowThreshold: () => threshold, slowMultiplier: () => threshold / baseline, baseline: () => baseline } }, t)],
  };
}

/** When run `index` of `runs` has been scraped and held for the alert's `for:`. */
function firesForRun(s: Scene, def: AlertDef, runs: readonly Run[], index: number): number {
  // Its file is scraped at the first minute after it ended.
  return firesAt({ activeAt: firstEvalAfter(runs[index]?.end ?? 0, s.step) }, def, s.step);
}

/**
 * Three full backups at 20 times the later runs' time (restic added all it processed), three
 * incremental runs, then one three times slower: the first full backups stay out of the baseline,
 * so the slow run is caught as soon as the baseline has its minimum of runs.
 */
function slowAfterFullBackups(s: Scene, slow: AlertDef): Body | undefined {
  const minRuns = s.alerting.slowMinBaselineRuns;
  const normal = Math.max(RUN_SECONDS, s.alerting.slowMinDurationSeconds);
  const fulls = 3;
  const durations = [...Array.from({ length: fulls }, () => 20 * normal), ...Array.from({ length: minRuns }, () => normal), 3 * normal];
  const runs = dailyDurations(durations, (k) => (k < fulls ? SOURCE_BYTES : 2 ** 20));
  const plant = runs.length - 1;
  if (slowThresholdAfter(s, runs, plant).threshold >= 3 * normal) return undefined;
  const fire = firesForRun(s, slow, runs, plant);
  return {
    specs: dailyLife(s, runs),
    minutes: fire / 60 + TAIL_MINUTES,
    checks: { alert_rule_test: [{ eval_time: evalTime(fire - s.step), alertname: slow.name, exp_alerts: [] }, slowAlert(s, slow, runs, plant, fire)] },
  };
}

/**
 * Five steady runs, then every run about three times slower: UnifiedBackupSlow fires for each slow
 * run with that run's own duration (it is not folded into the baseline), not once.
 */
function lastingSlowdown(s: Scene, slow: AlertDef): Body | undefined {
  const normal = Math.max(RUN_SECONDS, s.alerting.slowMinDurationSeconds);
  const steady = Math.max(5, s.alerting.slowMinBaselineRuns + 1);
  const slowRuns = 4;
  const runs = dailyDurations([...Array.from({ length: steady }, () => normal), ...Array.from({ length: slowRuns }, (_, k) => 3 * normal + 60 * k)]);
  if (slowThresholdAfter(s, runs, steady).threshold >= 3 * normal) return undefined;
  const checks = Array.from({ length: slowRuns }, (_, k) => steady + k).map((i) => slowAlert(s, slow, runs, i, firesForRun(s, slow, runs, i)));
  const last = firesForRun(s, slow, runs, runs.length - 1);
  return { specs: dailyLife(s, runs), minutes: last / 60 + TAIL_MINUTES, checks: { alert_rule_test: checks } };
}

/**
 * A noisy job (runs of 0.6, 1 and 1.6 times its usual time, in turn, for 30 days), then a run 2.5
 * times its baseline: within what its own spread allows, so UnifiedBackupSlow stays quiet although
 * the run is past the slow multiplier.
 */
function noisyJobQuiet(s: Scene, slow: AlertDef): Body | undefined {
  const normal = Math.max(RUN_SECONDS, s.alerting.slowMinDurationSeconds);
  const noisy = Array.from({ length: 30 }, (_, k) => Math.round(normal * ([0.6, 1, 1.6][k % 3] ?? 1)));
  const probe = dailyDurations(noisy);
  const { threshold, baseline } = slowThresholdAfter(s, probe, probe.length);
  const long = Math.round(2.5 * baseline);
  // Only where the run is past the multiplier but within the spread does the scenario say something.
  if (long <= baseline * Math.max(s.job.slowMultiplier, slowMultiplierFloor(s.ctx.config)) || long >= threshold) return undefined;
  const runs = dailyDurations([...noisy, long]);
  const at = firesForRun(s, slow, runs, runs.length - 1);
  return { specs: dailyLife(s, runs), minutes: at / 60 + TAIL_MINUTES, checks: { alert_rule_test: [{ eval_time: evalTime(at), alertname: slow.name, exp_alerts: [] }] } };
}

/**
 * A job that fails from minute 10 while node_exporter is away for two hours (no samples at all from
 * minute 60 to 180): UnifiedBackupFailed fires once and stays firing through the gap and after it,
 * never pending again, which would mean a second notification for the same failure.
 */
function failureThroughGap(s: Scene, failed: AlertDef): Body | undefined {
  const gapFrom = 60;
  const gapTo = 180;
  if (failed.keepFiringForSeconds < (gapTo - gapFrom) * 60) return undefined;
  const runs: Run[] = [SUCCEEDED_AT_0, { end: TURN_MINUTE * 60 - 60, duration: RUN_SECONDS, ok: false }];
  const end = (gapTo + 30) * 60;
  const firedAt = firesAt({ activeAt: firstEvalAfter(TURN_MINUTE * 60, s.step) }, failed, s.step);
  const alerts = (state: string): string => `${sel(externalMetrics.alerts, { alertname: failed.name, alertstate: state })}`;
  const window = end - firedAt;
  return {
    specs: dailyLife(s, runs, (m) => m >= gapFrom && m < gapTo),
    minutes: end / 60 + TAIL_MINUTES,
    checks: {
      promql_expr_test: [
        // Firing at every evaluation from the first firing on, the gap included (Prometheus 2's ranges include both ends)...
        { expr: `count_over_time(${alerts('firing')}[${evalTime(window)}])`, eval_time: evalTime(end), exp_samples: [{ labels: `{${Object.entries({ ...s.ctx.identity, ...s.labels, alertname: failed.name, alertstate: 'firing', severity: s.ctx.config.alerting.severityMap[failed.severity] }).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}="${v}"`).join(',')}}`, value: window / s.step + 1 }] },
        // ...and never pending again after it.
        { expr: `count_over_time(${alerts('pending')}[${evalTime(window)}])`, eval_time: evalTime(end), exp_samples: [] },
      ],
    },
  };
}

/** A run that succeeded at time 0. */
const SUCCEEDED_AT_0: Run = { end: 0, duration: RUN_SECONDS, ok: true };

/** A failed run every midnight from day `from` on, until the daily job's stale alert must have fired. */
function failingDays(s: Scene, from: number): Run[] {
  const runs: Run[] = [];
  for (let day = from; day * DAY < s.job.staleThresholdSeconds + PAST_THRESHOLD_SECONDS; day++) runs.push({ end: day * DAY, duration: RUN_SECONDS, ok: false });
  return runs;
}

/** The metrics `ubm run` writes for a job after each run, as minute timelines (a run's file is scraped the minute after it ends). */
function jobSeries(ctx: TestContext, job: ResolvedJob, runs: readonly Run[], gaps: Gaps = NO_GAPS): SeriesSpec[] {
  const labels = jobLabelsOf(ctx, job);
  const lastRunAt = (m: number): number => {
    let i = -1;
    runs.forEach((r, k) => {
      if (r.end < m * 60) i = k;
    });
    return i;
  };
  const state = (m: number): { last: Run; index: number; lastOk: Run | undefined; baseline: DurationBaseline; source: SourceBaseline } | undefined => {
    const index = lastRunAt(m);
    const last = runs[index];
    if (last === undefined) return undefined;
    let baseline = EMPTY_BASELINE;
    let lastOk: Run | undefined;
    // The baseline folds earlier successful runs as the emitter does, never the current one.
    runs.slice(0, index + 1).forEach((r, k) => {
      if (!r.ok) return;
      if (k < index) baseline = foldDuration(baseline, { durationSeconds: r.duration, dataAddedBytes: r.added, totalBytesProcessed: r.bytes });
      lastOk = r;
    });
    return { last, index, lastOk, baseline, source: sourceBaselineOf(runs, index) };
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
    series(metrics.resticBackupDurationBaselineSeconds, (s) => (s.baseline.seconds === undefined ? undefined : Math.round(s.baseline.seconds))),
    series(metrics.resticBackupDurationBaselineRuns, (s) => s.baseline.runs),
    series(metrics.resticBackupDurationSpreadFactor, (s) => Number(spreadFactor(s.baseline.spread).toFixed(4))),
    // restic's figures and the source baselines, when the runs have figures (promtool's time goes with the series count).
    ...(runs.some((r) => r.files !== undefined || r.bytes !== undefined)
      ? [
          series(metrics.resticBackupFilesProcessed, (s) => (s.last.ok ? s.last.files : undefined)),
          series(metrics.resticBackupProcessedBytes, (s) => (s.last.ok ? s.last.bytes : undefined)),
          series(metrics.resticBackupFilesProcessedBaseline, (s) => s.source.files),
          series(metrics.resticBackupProcessedBaselineBytes, (s) => s.source.bytes),
          series(metrics.resticBackupSourceShare, (s) => (s.last.ok ? sourceShare(s.source, { files: s.last.files, bytes: s.last.bytes }) : undefined)),
          series(metrics.resticBackupSourceShrunkRuns, (s) => s.source.heldRuns),
        ]
      : []),
  ];
}

/** The source baselines the emitter writes with run `index`: earlier successful runs folded in, as `ubm run` folds them. */
function sourceBaselineOf(runs: readonly Run[], index: number): SourceBaseline {
  return runs.slice(0, Math.max(0, index)).reduce<SourceBaseline>((b, r) => (r.ok ? foldSourceBaseline(b, { files: r.files, bytes: r.bytes }) : b), { files: undefined, bytes: undefined, heldRuns: 0 });
}

/** What `ubm health --config` writes for a job: expected, with its thresholds. */
function expectedJobSeries(ctx: TestContext, job: ResolvedJob, gaps: Gaps): SeriesSpec[] {
  const labels = jobLabelsOf(ctx, job);
  const g = (v: number): Timeline => (m) => (gaps(m) ? undefined : v);
  return [
    scraped(ctx, metrics.backupMonitoringExpectedJob, labels, g(1)),
    scraped(ctx, metrics.backupMonitoringJobStaleThresholdSeconds, labels, g(job.staleThresholdSeconds)),
    scraped(ctx, metrics.backupMonitoringJobSlowMultiplier, labels, g(job.slowMultiplier)),
    scraped(ctx, metrics.backupMonitoringJobShrinkRatio, labels, g(job.shrinkRatio)),
  ];
}

/** node_exporter's own series for a target: whether it is scraped, whether a textfile failed to parse. */
function nodeExporter(scrape: Readonly<Record<string, string>>, up: Timeline, scrapeError: Timeline): SeriesSpec[] {
  return [
    { metric: externalMetrics.up.name, labels: scrape, at: up },
    { metric: externalMetrics.nodeTextfileScrapeError.name, labels: scrape, at: scrapeError },
  ];
}

/** A healthy, scraped host: self-check passing and fresh, node_exporter up, textfiles parsed. */
function healthyHost(ctx: TestContext, gaps: Gaps = NO_GAPS): SeriesSpec[] {
  const gapped = (s: SeriesSpec): SeriesSpec => ({ ...s, at: (m) => (gaps(m) ? undefined : s.at(m)) });
  return [...healthySeries(ctx), ...nodeExporter(ctx.scrape, () => 1, () => 0)].map(gapped);
}

/** The daily job's life as Prometheus sees it: its runs, ubm health's thresholds for it, a healthy host. */
function dailyLife(s: Scene, runs: readonly Run[], gaps: Gaps = NO_GAPS): SeriesSpec[] {
  return [...jobSeries(s.ctx, s.job, runs, gaps), ...expectedJobSeries(s.ctx, s.job, gaps), ...healthyHost(s.ctx, gaps)];
}

/** Quiet just before, firing at: the two checks of a scenario that ends in an alert. */
function firesExactly(
  s: Scene,
  def: AlertDef,
  activeAt: number,
  labels: Readonly<Record<string, string>>,
  value: (t: number) => number,
  answers: Parameters<typeof expectedAlert>[2]['answers'] = {},
): Omit<Body, 'specs'> {
  const fire = firesAt({ activeAt }, def, s.step);
  const checks: AlertRuleTest[] = [
    { eval_time: evalTime(fire - s.step), alertname: def.name, exp_alerts: [] },
    { eval_time: evalTime(fire), alertname: def.name, exp_alerts: [expectedAlert(s.ctx, def, { labels, value, answers }, fire)] },
  ];
  return { checks: { alert_rule_test: checks }, minutes: fire / 60 + TAIL_MINUTES };
}

/** `job` goes stale at the first evaluation past its threshold (its last success was at 0). */
function goesStale(s: Scene, stale: AlertDef, job: ResolvedJob): Omit<Body, 'specs'> {
  const threshold = job.staleThresholdSeconds;
  return firesExactly(s, stale, firstEvalAfter(threshold, s.step), jobLabelsOf(s.ctx, job), (t) => t, { staleThreshold: () => threshold });
}

/** `days` days of the daily job's seeded schedule: nothing may fire, nor even be pending. */
function raisesNothing(s: Scene, days: number, seed: number, gaps: Gaps = NO_GAPS): Body {
  const end = days * DAY + s.step;
  const nothing = { expr: `count_over_time(${sel(externalMetrics.alerts)}[${evalTime(end)}])`, eval_time: evalTime(end), exp_samples: [] };
  return { specs: dailyLife(s, dailyRuns(days, seed), gaps), minutes: end / 60 + TAIL_MINUTES, checks: { promql_expr_test: [nothing] } };
}

/** UnifiedBackupSlow stays quiet when a run of `duration` seconds (from minute 10) meets a baseline of `baseline` seconds over `runs` runs. */
function slowStaysQuiet(s: Scene, slow: AlertDef, baseline: number, duration: number, runs: number): Body {
  return {
    specs: [
      scraped(s.ctx, metrics.resticBackupStatus, s.labels, () => 1),
      scraped(s.ctx, metrics.resticBackupDurationSeconds, s.labels, pieces([[0, baseline], [TURN_MINUTE, duration]])),
      scraped(s.ctx, metrics.resticBackupDurationBaselineSeconds, s.labels, () => baseline),
      scraped(s.ctx, metrics.resticBackupDurationBaselineRuns, s.labels, () => runs),
    ],
    minutes: 60,
    checks: { alert_rule_test: [{ eval_time: evalTime(firesAt({ activeAt: TURN_MINUTE * 60 }, slow, s.step) + TURN_MINUTE * 60), alertname: slow.name, exp_alerts: [] }] },
  };
}

/** The config's hourly job (or the daily one, re-scheduled), with the threshold it has without ubm health: derived from its interval with the default allowances, unrounded as the rule computes it. */
function hourlyJob(s: Scene): ResolvedJob {
  const ofConfig = s.ctx.config.jobs.find((j) => j.intervalSeconds === HOUR) ?? s.job;
  return { ...ofConfig, frequency: 'hourly', intervalSeconds: HOUR, staleThresholdSeconds: HOUR * s.graceFactor + RANDOMIZED_DELAY_SECONDS };
}

/** The stale threshold recorded for the daily job is `value` when its status and the series of `sources` are scraped. */
function thresholdRecorded(s: Scene, value: number, sources: ReadonlyArray<'interval' | 'ubm health'>): Body {
  const source = {
    interval: scraped(s.ctx, metrics.resticBackupExpectedIntervalSeconds, s.labels, () => HOUR),
    'ubm health': scraped(s.ctx, metrics.backupMonitoringJobStaleThresholdSeconds, s.labels, () => s.job.staleThresholdSeconds),
  };
  return {
    specs: [scraped(s.ctx, metrics.resticBackupStatus, s.labels, () => 1), ...sources.map((k) => source[k])],
    minutes: 10,
    checks: { promql_expr_test: [{ expr: STALE_THRESHOLD_RECORD.name, eval_time: '5m', exp_samples: [{ labels: seriesName(STALE_THRESHOLD_RECORD.name, { ...s.ctx.identity, ...s.labels }), value }] }] },
  };
}

/** A build that needs the alert `name`: the scenario is left out when the config does not generate it. */
function about(name: AlertName, build: (s: Scene, def: AlertDef) => Body | undefined): (s: Scene) => Body | undefined {
  return (s) => {
    const def = s.def(name);
    return def === undefined ? undefined : build(s, def);
  };
}

/** A second stanza of the test host, for scenarios that contrast two. */
const OTHER_STANZA = 'other';

/**
 * Two repositories with the same old diff backup, one of them with a fresh full too, under a
 * written diff schedule: only the one without the full is stale (a full counts for a diff schedule).
 */
function fullCountsForDiff(s: Scene, stale: AlertDef): Body {
  const repo = pgbackrestRepoLabels(s.ctx);
  const stanza = { hostname: repo.hostname, stanza: repo.stanza };
  const other = { ...repo, repository: repo.repository === 'repo9' ? 'repo8' : 'repo9' };
  const threshold = Math.round(s.alerting.dailyStaleSeconds);
  // Five thresholds old: stale at the first evaluation, whatever the config.
  const oldDiff = -5 * threshold;
  const completion = (labels: Readonly<Record<string, string>>, type: string, at: number): SeriesSpec =>
    scraped(s.ctx, metrics.pgbackrestBackupLastCompletionTimestampSeconds, { ...labels, backup_type: type }, () => at);
  const fire = firesAt({ activeAt: 0 }, stale, s.step);
  return {
    specs: [
      scraped(s.ctx, metrics.pgbackrestStanzaStatus, stanza, () => 0),
      scraped(s.ctx, metrics.pgbackrestBackupStaleThresholdSeconds, { ...stanza, backup_type: 'diff' }, () => threshold),
      completion(repo, 'diff', oldDiff),
      completion(repo, 'full', 0),
      completion(other, 'diff', oldDiff),
    ],
    minutes: fire / 60 + TAIL_MINUTES,
    checks: {
      alert_rule_test: [
        {
          eval_time: evalTime(fire),
          alertname: stale.name,
          exp_alerts: [expectedAlert(s.ctx, stale, { labels: { ...other, backup_type: 'diff' }, value: (t) => t - oldDiff, answers: { staleThreshold: () => threshold } }, fire)],
        },
      ],
    },
  };
}

/** One stanza writes no thresholds (it gets the config's schedule), another writes a diff threshold only (it gets that alone). */
function pgbackrestThresholdsRecorded(s: Scene): Body {
  const own = { hostname: s.ctx.hostname, stanza: s.ctx.stanza };
  const other = { hostname: s.ctx.hostname, stanza: own.stanza === OTHER_STANZA ? `${OTHER_STANZA}-2` : OTHER_STANZA };
  const written = Math.round(s.alerting.dailyStaleSeconds);
  const fallback = s.ctx.config.postgres.backupStaleThresholds;
  const sample = (labels: Readonly<Record<string, string>>, type: string, value: number): { labels: string; value: number } => ({
    labels: seriesName(PGBACKREST_STALE_THRESHOLD_RECORD.name, { ...s.ctx.identity, ...labels, backup_type: type }),
    value,
  });
  return {
    specs: [
      scraped(s.ctx, metrics.pgbackrestStanzaStatus, own, () => 0),
      scraped(s.ctx, metrics.pgbackrestStanzaStatus, other, () => 0),
      scraped(s.ctx, metrics.pgbackrestBackupStaleThresholdSeconds, { ...other, backup_type: 'diff' }, () => written),
    ],
    minutes: 10,
    checks: {
      promql_expr_test: [
        {
          expr: PGBACKREST_STALE_THRESHOLD_RECORD.name,
          eval_time: '5m',
          exp_samples: [...PG_BACKUP_TYPES.flatMap((type) => (fallback[type] === undefined ? [] : [sample(own, type, fallback[type])])), sample(other, 'diff', written)],
        },
      ],
    },
  };
}

/**
 * One stanza read once at time 0, another read every step, neither with a new WAL segment since 0:
 * only the one read after the threshold is stuck (the age counts to the last read, not to now).
 */
function walStuckAsOfLastRead(s: Scene, stuck: AlertDef): Body {
  const rare = pgbackrestRepoLabels(s.ctx);
  const often = { ...rare, stanza: rare.stanza === OTHER_STANZA ? `${OTHER_STANZA}-2` : OTHER_STANZA };
  const stanzaOf = (l: typeof rare): Record<string, string> => ({ hostname: l.hostname, stanza: l.stanza });
  const fire = firesAt({ activeAt: firstEvalAfter(s.ctx.config.postgres.walArchiveStuckSeconds, s.step) }, stuck, s.step);
  return {
    specs: [
      scraped(s.ctx, metrics.pgbackrestInfoLastRunTimestampSeconds, stanzaOf(rare), () => 0),
      scraped(s.ctx, metrics.pgbackrestInfoLastRunTimestampSeconds, stanzaOf(often), (m) => m * 60),
      scraped(s.ctx, metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, rare, () => 0),
      scraped(s.ctx, metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, often, () => 0),
    ],
    minutes: fire / 60 + TAIL_MINUTES,
    checks: {
      alert_rule_test: [
        { eval_time: evalTime(fire), alertname: stuck.name, exp_alerts: [expectedAlert(s.ctx, stuck, { labels: often, value: (t) => t, answers: { lastReadAge: () => 0 } }, fire)] },
      ],
    },
  };
}

/** Repository repo2 unreachable (99), repo1 fine, the stanza "different across repositories" (4): one alert, on repo2, with its own code. */
function oneRepositoryInError(s: Scene, error: AlertDef): Body {
  const repo = pgbackrestRepoLabels(s.ctx);
  const stanza = { hostname: repo.hostname, stanza: repo.stanza };
  const broken = { ...repo, repository: repo.repository === 'repo9' ? 'repo8' : 'repo9' };
  const fire = firesAt({ activeAt: 0 }, error, s.step);
  return {
    specs: [
      scraped(s.ctx, metrics.pgbackrestStanzaStatus, stanza, () => 4),
      scraped(s.ctx, metrics.pgbackrestRepoStatus, repo, () => 0),
      scraped(s.ctx, metrics.pgbackrestRepoStatus, broken, () => 99),
    ],
    minutes: fire / 60 + TAIL_MINUTES,
    checks: { alert_rule_test: [{ eval_time: evalTime(fire), alertname: error.name, exp_alerts: [expectedAlert(s.ctx, error, { labels: broken, value: () => 99 }, fire)] }] },
  };
}

/** A stanza in error (2, no valid backups) whose repository reports no error: the stanza's code, on its repository. */
function stanzaOnlyInError(s: Scene, error: AlertDef): Body {
  const repo = pgbackrestRepoLabels(s.ctx);
  const fire = firesAt({ activeAt: 0 }, error, s.step);
  return {
    specs: [scraped(s.ctx, metrics.pgbackrestStanzaStatus, { hostname: repo.hostname, stanza: repo.stanza }, () => 2), scraped(s.ctx, metrics.pgbackrestRepoStatus, repo, () => 0)],
    minutes: fire / 60 + TAIL_MINUTES,
    checks: { alert_rule_test: [{ eval_time: evalTime(fire), alertname: error.name, exp_alerts: [expectedAlert(s.ctx, error, { labels: repo, value: () => 2 }, fire)] }] },
  };
}

/** The daily job's run on day `day` at 02:00, a minute long, that processed `share` of its usual source. */
function shrunkRun(day: number, share: number): Run {
  return { end: day * DAY + 2 * HOUR + 60, duration: 60, ok: true, files: Math.floor(SOURCE_FILES * share), bytes: Math.floor(SOURCE_BYTES * share) };
}

/** UnifiedBackupSourceShrunk as promtool must see it at `t`, for the run in effect then. */
function shrunkAlert(s: Scene, def: AlertDef, runs: readonly Run[], t: number): ReturnType<typeof expectedAlert> {
  const index = runs.reduce((i, r, k) => (r.end < t ? k : i), -1);
  const run = runs[index];
  const baseline = sourceBaselineOf(runs, index);
  const files = run?.files ?? 0;
  const bytes = run?.bytes ?? 0;
  return expectedAlert(
    s.ctx,
    def,
    {
      labels: s.labels,
      // The emitter's share: the smaller of files and bytes.
      value: () => sourceShare(baseline, { files, bytes }) ?? 0,
      answers: { filesProcessed: () => files, bytesProcessed: () => bytes, filesBaseline: () => baseline.files, bytesBaseline: () => baseline.bytes, shrinkRatio: () => s.job.shrinkRatio },
    },
    t,
  );
}

/** Three days of the seeded schedule, then the run of day 3 backs up an empty mount point: 0 files, 0 bytes, status 1. */
function emptyMountPoint(s: Scene, shrunk: AlertDef): Body | undefined {
  // A ratio of 0 turns the check off for the job: nothing to show.
  if (s.job.shrinkRatio <= 0) return undefined;
  const runs = [...dailyRuns(3, 11), shrunkRun(3, 0)];
  const empty = runs[runs.length - 1];
  if (empty === undefined) return undefined;
  // The run's file is scraped at the first evaluation after it ends.
  const fire = firesAt({ activeAt: firstEvalAfter(empty.end, s.step) }, shrunk, s.step);
  // Day 0's run dipped a little under its baseline, as sources do: no alert when it would have fired.
  const dipped = firesAt({ activeAt: firstEvalAfter(runs.find((r) => r.end > 0)?.end ?? 0, s.step) }, shrunk, s.step);
  const checks: AlertRuleTest[] = [
    { eval_time: evalTime(dipped), alertname: shrunk.name, exp_alerts: [] },
    { eval_time: evalTime(fire - s.step), alertname: shrunk.name, exp_alerts: [] },
    { eval_time: evalTime(fire), alertname: shrunk.name, exp_alerts: [shrunkAlert(s, shrunk, runs, fire)] },
  ];
  return { specs: dailyLife(s, runs), minutes: fire / 60 + TAIL_MINUTES, checks: { alert_rule_test: checks } };
}

/**
 * The source loses three quarters of its data for good from day 2: the alert fires for each of the
 * SOURCE_FOLLOW_RUNS shrunk runs held out of the baseline, then the baseline follows and it resolves.
 */
function shrankForGood(s: Scene, shrunk: AlertDef): Body | undefined {
  // A quarter is under the ratio only when the ratio is above it.
  if (s.job.shrinkRatio <= 0.25) return undefined;
  const smaller = Array.from({ length: SOURCE_FOLLOW_RUNS + 2 }, (_, k) => shrunkRun(2 + k, 0.25));
  const runs = [...dailyRuns(2, 13), ...smaller];
  const at = (day: number): number => firesAt({ activeAt: firstEvalAfter(2 * HOUR + 60 + day * DAY, s.step) }, shrunk, s.step);
  const firing = (t: number): AlertRuleTest => ({ eval_time: evalTime(t), alertname: shrunk.name, exp_alerts: [shrunkAlert(s, shrunk, runs, t)] });
  const quiet = (t: number): AlertRuleTest => ({ eval_time: evalTime(t), alertname: shrunk.name, exp_alerts: [] });
  const lastHeld = 2 + SOURCE_FOLLOW_RUNS - 1;
  // Resolved once the followed run's file is scraped and keep_firing_for has run out.
  const followed = onGrid(at(lastHeld + 1) + shrunk.keepFiringForSeconds, s.step);
  return {
    specs: dailyLife(s, runs),
    minutes: followed / 60 + TAIL_MINUTES,
    checks: { alert_rule_test: [quiet(at(2) - s.step), firing(at(2)), firing(at(lastHeld)), firing(at(lastHeld) + 12 * HOUR), quiet(followed)] },
  };
}

/** A run at minute 10 that processed all its files but a tenth of its ratio in bytes (its big files gone): the bytes branch fires. */
function lostItsBytes(s: Scene, shrunk: AlertDef): Body | undefined {
  const ratio = s.job.shrinkRatio;
  if (ratio <= 0) return undefined;
  const bytes = Math.floor(SOURCE_BYTES * ratio * 0.1);
  const answers = { filesProcessed: () => SOURCE_FILES, bytesProcessed: () => bytes, filesBaseline: () => SOURCE_FILES, bytesBaseline: () => SOURCE_BYTES, shrinkRatio: () => ratio };
  return {
    specs: [
      scraped(s.ctx, metrics.resticBackupStatus, s.labels, () => 1),
      scraped(s.ctx, metrics.backupMonitoringJobShrinkRatio, s.labels, () => ratio),
      scraped(s.ctx, metrics.resticBackupFilesProcessed, s.labels, () => SOURCE_FILES),
      scraped(s.ctx, metrics.resticBackupFilesProcessedBaseline, s.labels, () => SOURCE_FILES),
      scraped(s.ctx, metrics.resticBackupProcessedBaselineBytes, s.labels, () => SOURCE_BYTES),
      scraped(s.ctx, metrics.resticBackupProcessedBytes, s.labels, pieces([[0, SOURCE_BYTES], [TURN_MINUTE, bytes]])),
      scraped(s.ctx, metrics.resticBackupSourceShare, s.labels, pieces([[0, 1], [TURN_MINUTE, bytes / SOURCE_BYTES]])),
    ],
    ...firesExactly(s, shrunk, TURN_MINUTE * 60, s.labels, () => bytes / SOURCE_BYTES, answers),
  };
}

/**
 * ResticStaleLock stays quiet while a long backup keeps refreshing its lock, even when the lock
 * checks are further apart than the threshold: each check sees a lock 4 minutes old, and the age
 * is the one seen at the check, never time() minus the lock's time (which would pass the threshold
 * before each next check). Checks `maxAge + 1 h` apart; quiet just before each of the next three.
 */
function liveLockStaysQuiet(s: Scene, staleLock: AlertDef): Body {
  const repo = { hostname: s.ctx.hostname, repository: s.ctx.verifyRepository };
  const every = Math.ceil((s.ctx.config.locks.maxAgeSeconds + HOUR) / s.step) * s.step;
  // Checks at `every * k + step`, so that the first lock's time is positive; no file before the first check.
  const lastCheck = (m: number): number | undefined => (m * 60 < s.step ? undefined : Math.floor((m * 60 - s.step) / every) * every + s.step);
  const fromCheck = (f: (checked: number) => number): Timeline => (m) => {
    const checked = lastCheck(m);
    return checked === undefined ? undefined : f(checked);
  };
  // Just before each next check, time() minus the lock's time is `every - step + 4 min`, past the threshold.
  const quiet = [1, 2, 3].map((k): AlertRuleTest => ({ eval_time: evalTime(k * every), alertname: staleLock.name, exp_alerts: [] }));
  return {
    specs: [
      scraped(s.ctx, metrics.resticRepositoryLocksLastCheckTimestampSeconds, repo, fromCheck((c) => c)),
      scraped(s.ctx, metrics.resticRepositoryLocks, repo, fromCheck(() => 1)),
      scraped(s.ctx, metrics.resticRepositoryExclusiveLocks, repo, fromCheck(() => 0)),
      scraped(s.ctx, metrics.resticRepositoryOldestLockTimestampSeconds, repo, fromCheck((c) => c - LIVE_LOCK_AGE_SECONDS)),
    ],
    minutes: (3 * every) / 60 + TAIL_MINUTES,
    checks: { alert_rule_test: quiet },
  };
}

/** How old a live restic's lock is when a check sees it: restic rewrites it every 5 minutes. */
const LIVE_LOCK_AGE_SECONDS = 240;

/**
 * Two repositories whose last successful prune lies the config's fallback prune threshold back at
 * minute 10: the one whose prune wrote a threshold of its own (twice as long, from its pruneSchedule)
 * stays quiet, the one whose prune was recorded without --config goes stale at the fallback.
 */
function pruneThresholdTravels(s: Scene, stale: AlertDef): Body {
  const fallback = s.ctx.config.maintenance.fallbackStaleThresholdSeconds;
  const since = TURN_MINUTE * 60 - fallback;
  const own = { hostname: s.ctx.hostname, repository: 'monthly-pruned', operation: 'prune' };
  const bare = { ...own, repository: 'pruned-without-config' };
  const pruned = (labels: Readonly<Record<string, string>>): SeriesSpec[] => [
    scraped(s.ctx, metrics.resticMaintenanceStatus, labels, () => 1),
    scraped(s.ctx, metrics.resticMaintenanceLastSuccessTimestampSeconds, labels, () => since),
  ];
  return {
    specs: [...pruned(own), scraped(s.ctx, metrics.resticMaintenanceStaleThresholdSeconds, own, () => 2 * fallback), ...pruned(bare)],
    ...firesExactly(s, stale, firstEvalAfter(TURN_MINUTE * 60, s.step), bare, (t) => t - since),
  };
}

/** The scenarios, in the order their tests appear in each file. */
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'A job that keeps failing still goes stale after its threshold',
    step: LONG_STEP,
    // Succeeded at 0, then fails every day from the next run on: the last success is carried forward.
    build: about('UnifiedBackupStale', (s, stale) => ({ specs: dailyLife(s, [SUCCEEDED_AT_0, ...failingDays(s, 1)]), ...goesStale(s, stale, s.job) })),
  },
  {
    name: 'A job that stopped running goes stale',
    step: LONG_STEP,
    build: about('UnifiedBackupStale', (s, stale) => ({ specs: dailyLife(s, [SUCCEEDED_AT_0]), ...goesStale(s, stale, s.job) })),
  },
  {
    name: 'A job that never succeeded goes stale',
    step: LONG_STEP,
    build: about('UnifiedBackupStale', (s, stale) => ({ specs: dailyLife(s, failingDays(s, 0)), ...goesStale(s, stale, s.job) })),
  },
  {
    name: (s) => `An hourly job goes stale after ${humanizeDuration(hourlyJob(s).staleThresholdSeconds)} without ubm health's thresholds`,
    step: SHORT_STEP,
    // No ubm health gauge: the recorded interval, scaled like a daily job, is the threshold.
    build: about('UnifiedBackupStale', (s, stale) => {
      const hourly = hourlyJob(s);
      return { specs: [...jobSeries(s.ctx, hourly, [{ end: 0, duration: 60, ok: true }]), ...healthyHost(s.ctx)], ...goesStale(s, stale, hourly) };
    }),
  },
  {
    name: 'A configured job that never reported alerts',
    step: LONG_STEP,
    // Configured from the second evaluation on: a for: of 0s still has a quiet evaluation before it fires.
    build: about('UnifiedBackupNeverReported', (s, neverReported) => ({
      specs: [...expectedJobSeries(s.ctx, s.job, (m) => m < s.step / 60), ...healthyHost(s.ctx)],
      ...firesExactly(s, neverReported, s.step, s.labels, () => 1),
    })),
  },
  {
    name: 'UnifiedBackupSlow stays quiet while the baseline has too few runs',
    step: SHORT_STEP,
    build: about('UnifiedBackupSlow', (s, slow) => {
      const baseline = Math.max(600, s.alerting.slowMinDurationSeconds);
      return slowStaysQuiet(s, slow, baseline, Math.ceil(baseline * s.job.slowMultiplier * 2), s.alerting.slowMinBaselineRuns - 1);
    }),
  },
  {
    name: 'UnifiedBackupSlow stays quiet for runs shorter than its minimum duration',
    step: SHORT_STEP,
    build: about('UnifiedBackupSlow', (s, slow) => {
      const min = s.alerting.slowMinDurationSeconds;
      // Without a minimum duration no run is too short.
      if (min <= 0) return undefined;
      return slowStaysQuiet(s, slow, Math.max(1, Math.floor(min / (s.job.slowMultiplier * 2))), min, s.alerting.slowMinBaselineRuns + 2);
    }),
  },
  {
    name: 'A backup of an empty mount point raises UnifiedBackupSourceShrunk',
    step: LONG_STEP,
    build: about('UnifiedBackupSourceShrunk', emptyMountPoint),
  },
  {
    name: 'A run that kept its files but lost its bytes raises UnifiedBackupSourceShrunk',
    step: SHORT_STEP,
    build: about('UnifiedBackupSourceShrunk', lostItsBytes),
  },
  {
    name: `A source that shrank for good raises UnifiedBackupSourceShrunk for ${SOURCE_FOLLOW_RUNS} runs, then its baseline follows`,
    step: LONG_STEP,
    build: about('UnifiedBackupSourceShrunk', shrankForGood),
  },
  {
    name: 'BackupMonitoringUnhealthy fires when the self-check stops reporting',
    step: SHORT_STEP,
    build: about('BackupMonitoringUnhealthy', (s, unhealthy) => {
      const host = { hostname: s.ctx.hostname };
      return {
        specs: [
          scraped(s.ctx, metrics.backupMonitoringHealthy, host, () => 1),
          scraped(s.ctx, metrics.backupMonitoringLastCheck, host, () => 0),
          ...nodeExporter(s.ctx.scrape, () => 1, () => 0),
        ],
        // The value is the self-check's age; the description does not show it.
        ...firesExactly(s, unhealthy, firstEvalAfter(s.alerting.healthStaleSeconds, s.step), { ...host, reason: 'the self-check stopped reporting' }, () => 0),
      };
    }),
  },
  {
    name: 'BackupMonitoringUnhealthy names the problem the self-check found, once (an invalid config)',
    step: SHORT_STEP,
    build: about('BackupMonitoringUnhealthy', (s, unhealthy) => {
      const host = { hostname: s.ctx.hostname };
      const turns = pieces([[0, 1], [TURN_MINUTE, 0]]);
      const problem = (reason: MonitoringProblem, at: Timeline): SeriesSpec => scraped(s.ctx, metrics.backupMonitoringProblem, { ...host, reason }, at);
      return {
        specs: [
          scraped(s.ctx, metrics.backupMonitoringHealthy, host, turns),
          scraped(s.ctx, metrics.backupMonitoringLastCheck, host, (m) => m * 60),
          // Every reason is written; only the one found is 1, and it replaces "the self-check failed".
          ...MONITORING_PROBLEM_REASONS.map((reason) => problem(reason, reason === 'config_invalid' ? pieces([[0, 0], [TURN_MINUTE, 1]]) : () => 0)),
          ...nodeExporter(s.ctx.scrape, () => 1, () => 0),
        ],
        ...firesExactly(s, unhealthy, TURN_MINUTE * 60, { ...host, reason: MONITORING_PROBLEMS.config_invalid }, () => 1),
      };
    }),
  },
  {
    name: "BackupMonitoringUnhealthy fires on a textfile scrape error, named by the target's hostname",
    step: SHORT_STEP,
    build: about('BackupMonitoringUnhealthy', (s, unhealthy) => {
      const host = { hostname: s.ctx.hostname };
      // The target's address says nothing about the host: its hostname comes from the ubm metrics it serves.
      const addressed = { ...s.ctx.scrape, instance: '192.0.2.10:9100' };
      return {
        specs: [
          { metric: metrics.backupMonitoringHealthy.name, labels: { ...host, ...addressed }, at: () => 1 },
          { metric: metrics.backupMonitoringLastCheck.name, labels: { ...host, ...addressed }, at: (m) => m * 60 },
          ...nodeExporter(addressed, () => 1, pieces([[0, 0], [TURN_MINUTE, 1]])),
        ],
        ...firesExactly(s, unhealthy, TURN_MINUTE * 60, { ...host, reason: 'node_exporter cannot parse a textfile' }, () => 1),
      };
    }),
  },
  {
    name: "BackupMonitoringUnhealthy fires when node_exporter is not scraped, named by the instance's host",
    step: SHORT_STEP,
    build: about('BackupMonitoringUnhealthy', (s, unhealthy) => {
      // A failed scrape marks the target's series stale at once.
      const gone = (at: Timeline): Timeline => (m) => (m < TURN_MINUTE ? at(m) : m === TURN_MINUTE ? STALE : undefined);
      // A target that is down serves nothing: its hostname is the instance's host part.
      const hostname = s.ctx.scrape.instance.replace(/:\d+$/, '');
      return {
        specs: [...healthySeries(s.ctx).map((x) => ({ ...x, at: gone(x.at) })), ...nodeExporter(s.ctx.scrape, pieces([[0, 1], [TURN_MINUTE, 0]]), gone(() => 0))],
        ...firesExactly(s, unhealthy, TURN_MINUTE * 60, { hostname, reason: 'node_exporter is not scraped' }, () => 0),
      };
    }),
  },
  {
    name: "A repository's prune threshold travels with its metrics; one recorded without a config gets the config's fallback",
    step: SHORT_STEP,
    build: about('ResticMaintenanceStale', pruneThresholdTravels),
  },
  {
    name: 'A lock that a long backup keeps refreshing never goes stale, however far apart the lock checks are',
    step: LONG_STEP,
    build: about('ResticStaleLock', liveLockStaysQuiet),
  },
  {
    name: '30 days of a daily schedule with a 30-minute random delay and normal durations raise nothing',
    step: LONG_STEP,
    build: (s) => raisesNothing(s, 30, 20_240_601),
  },
  {
    name: 'A day of an hourly schedule with a 30-minute random delay raises nothing (its longest normal gap is 90 minutes)',
    step: SHORT_STEP,
    build: (s) => {
      const job = { ...hourlyJob(s), staleThresholdSeconds: s.ctx.config.jobs.find((j) => j.intervalSeconds === HOUR)?.staleThresholdSeconds ?? hourlyJob(s).staleThresholdSeconds };
      const hourly: Scene = { ...s, job, labels: jobLabelsOf(s.ctx, job) };
      const end = DAY + s.step;
      const nothing = { expr: `count_over_time(${sel(externalMetrics.alerts)}[${evalTime(end)}])`, eval_time: evalTime(end), exp_samples: [] };
      return { specs: dailyLife(hourly, hourlyRuns(1, 20_261_202)), minutes: end / 60 + TAIL_MINUTES, checks: { promql_expr_test: [nothing] } };
    },
  },
  {
    name: 'A 3x slow run after three full backups at 20x is caught once the baseline has its minimum of incremental runs',
    step: SHORT_STEP,
    build: about('UnifiedBackupSlow', slowAfterFullBackups),
  },
  {
    name: 'A job that stays 3x slower keeps UnifiedBackupSlow firing run after run, with each run\'s own duration',
    step: SHORT_STEP,
    build: about('UnifiedBackupSlow', lastingSlowdown),
  },
  {
    name: 'A noisy job\'s run at 2.5 times its baseline raises no UnifiedBackupSlow: its own spread allows it',
    step: LONG_STEP,
    build: about('UnifiedBackupSlow', noisyJobQuiet),
  },
  {
    name: 'A failure stays one firing alert through a 2-hour node_exporter outage: never pending again, so never notified twice',
    step: SHORT_STEP,
    build: about('UnifiedBackupFailed', failureThroughGap),
  },
  {
    name: 'A Prometheus restart gap raises nothing false',
    step: LONG_STEP,
    // Prometheus is down for two hours across the nightly run: no samples at all, then the new state.
    build: (s) => raisesNothing(s, 3, 7, (m) => m >= DAY / 60 + 90 && m < DAY / 60 + 210),
  },
  {
    name: 'The stale threshold is the one ubm health writes when it is present',
    step: SHORT_STEP,
    build: (s) => thresholdRecorded(s, s.job.staleThresholdSeconds, ['interval', 'ubm health']),
  },
  {
    name: (s) => `Without ubm health, the stale threshold is the recorded interval times ${num(s.graceFactor)} plus the default randomized delay`,
    step: SHORT_STEP,
    build: (s) => thresholdRecorded(s, HOUR * s.graceFactor + RANDOMIZED_DELAY_SECONDS, ['interval']),
  },
  {
    name: "Without an interval either, a job gets a daily job's stale threshold",
    step: SHORT_STEP,
    build: (s) => thresholdRecorded(s, s.alerting.dailyStaleSeconds, []),
  },
  {
    name: "A stanza without pgBackRest thresholds of its own gets the config's schedule; one that writes a diff threshold gets only that",
    step: SHORT_STEP,
    build: pgbackrestThresholdsRecorded,
  },
  {
    name: 'A full backup newer than the last diff satisfies a diff schedule; the repository without one is stale',
    step: SHORT_STEP,
    build: about('PgbackrestBackupStale', fullCountsForDiff),
  },
  {
    name: 'PgbackrestStanzaError fires on the repository in error only, with its own status code',
    step: SHORT_STEP,
    build: about('PgbackrestStanzaError', oneRepositoryInError),
  },
  {
    name: "PgbackrestStanzaError fires with the stanza's code when no repository reports one",
    step: SHORT_STEP,
    build: about('PgbackrestStanzaError', stanzaOnlyInError),
  },
  {
    name: 'WAL archiving counts as stuck only as of the last read of pgbackrest info: a host that read once is not stuck, one that keeps reading is',
    step: LONG_STEP,
    build: about('PgbackrestWalArchivingStuck', walStuckAsOfLastRead),
  },
  {
    name: 'Two clusters with the same hostname stay apart',
    step: SHORT_STEP,
    // Only with identifying labels (ubm.labels.identifying): clusters.ts.
    build: about('UnifiedBackupFailed', (s, failed) => {
      const stale = s.def('UnifiedBackupStale');
      return stale === undefined ? undefined : twoClustersStayApart(s.ctx, failed, stale, s.step);
    }),
  },
];

/**
 * The scenario tests for a config's alerts (those whose alert is not generated are left out):
 * `short` ones evaluated every minute, `long` ones (spanning days) every 30 minutes.
 */
export function scenarioTests(ctx: TestContext, defs: readonly AlertDef[]): { short: UnitTest[]; long: UnitTest[] } {
  const short: UnitTest[] = [];
  const long: UnitTest[] = [];
  const job = ctx.dailyJob;
  const { alerting } = ctx.config;
  for (const scenario of SCENARIOS) {
    const { step } = scenario;
    const s: Scene = { ctx, job, labels: jobLabelsOf(ctx, job), alerting, graceFactor: Number(num(1 + graceShare(alerting.dailyStaleSeconds))), step, def: (name) => defs.find((d) => d.name === name) };
    const built = scenario.build(s);
    if (built === undefined) continue;
    // A long threshold must not make the test, or its generation, as long (see late-start.ts).
    const body = startLate(built, step, (alertname) => defs.find((d) => d.name === alertname)?.forSeconds);
    const name = typeof scenario.name === 'string' ? scenario.name : scenario.name(s);
    (step === LONG_STEP ? long : short).push({ name, interval: evalTime(step), input_series: inputSeries(body.specs, body.minutes, step / 60), ...body.checks });
  }
  return { short, long };
}
