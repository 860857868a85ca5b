/**
 * Generated promtool tests of each alert: quiet just before its threshold, firing at it (labels
 * and annotations exact) and resolved after recovery on one timeline; quiet without its data on
 * another. Each alert's timeline is written here once.
 */
import { type AlertDef, type AlertName, type QueryId } from '../alerts.js';
import { runbookUrl } from '../groups.js';
import { evaluateTemplate } from '../template.js';
import { type CheckKind, externalMetrics, metrics } from '../../schema/catalog.js';
import { sourceShare } from '../../groups/restic-backup.js';
import { SHRINK_RATIO } from '../../config/defaults.js';
import { PG_BACKUP_TYPES, type PgBackupType } from '../../config/model.js';
import { type TestContext, healthySeries, scraped } from './context.js';
import type { ExpectedAlert, UnitTest } from './model.js';
import { STALE, type SeriesSpec, evalTime, firstEvalAfter, inputSeries, onGrid, pieces, stepAt } from './series.js';

/** How one alert behaves over time in its tests. */
export interface AlertCase {
  /** Series that make the alert fire, then recover. */
  readonly timeline: readonly SeriesSpec[];
  /** Related series without the data the alert needs: it must stay quiet. */
  readonly absent: readonly SeriesSpec[];
  /** Seconds: the first evaluation at which the condition holds. */
  readonly activeAt: number;
  /** Seconds: the first evaluation after recovery (must be after the alert fired). */
  readonly recoverAt: number;
  /** The alert's labels besides severity. */
  readonly labels: Readonly<Record<string, string>>;
  /** The alert's value at an evaluation time. */
  readonly value: (t: number) => number;
  /** What the description's queries return at an evaluation time. */
  readonly answers?: Partial<Record<QueryId, (t: number) => number | undefined>>;
}

/**
 * Seconds between evaluations of tests that span days: promtool evaluates every rule at every
 * step, and a month at one-minute steps would take it minutes.
 */
export const LONG_STEP = 1800;
/** Seconds between evaluations otherwise. */
export const SHORT_STEP = 60;

/** The evaluation step an alert's tests need: a `for:` of 6 hours or more is tested every 30 minutes. */
export function stepFor(def: AlertDef): number {
  return def.forSeconds >= 6 * 3600 ? LONG_STEP : SHORT_STEP;
}

/**
 * When a rule with the config's `for:` fires after its condition starts to hold at `activeAt`: the
 * first evaluation (every `step` seconds) at which it holds, then the first evaluation `for:` later.
 */
export function firesAt(c: { activeAt: number }, def: AlertDef, step = SHORT_STEP): number {
  return onGrid(onGrid(c.activeAt, step) + def.forSeconds, step);
}

const FAIL_MINUTE = 10;
/** A restic job's usual source in the tests: 10,000 files of 20 GiB. */
export const SOURCE_FILES = 10_000;
/** Bytes of that source. */
export const SOURCE_BYTES = 20 * 1024 ** 3;
/** pgBackRest's status code of an unreachable or unreadable repository. */
export const PGBACKREST_OTHER_ERROR = 99;

/** A status gauge: good, bad from minute 10, good again from `recoverMinute`. */
function statusTimeline(recoverMinute: number): (m: number) => number {
  return pieces([[0, 1], [FAIL_MINUTE, 0], [recoverMinute, 1]]) as (m: number) => number;
}

/** The recovery minute of an alert active from `activeAt`: five evaluations after it fired. */
function recoveryMinute(def: AlertDef, activeAt: number, step: number): number {
  return (firesAt({ activeAt }, def, step) + 5 * step) / 60;
}

interface StatusMetrics {
  readonly status: { name: string };
  readonly lastSuccess: { name: string };
}

/** A "Failed" alert: its status drops to 0 at minute 10 and returns to 1 later; the last success was at 0. */
function failedCase(ctx: TestContext, def: AlertDef, step: number, m: StatusMetrics, labels: Readonly<Record<string, string>>, extra: SeriesSpec[] = []): AlertCase {
  const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
  return {
    timeline: [
      scraped(ctx, m.status, labels, statusTimeline(recover)),
      scraped(ctx, m.lastSuccess, labels, pieces([[0, 0], [recover, recover * 60]])),
      ...extra,
    ],
    absent: [scraped(ctx, m.lastSuccess, labels, () => 0)],
    activeAt: FAIL_MINUTE * 60,
    recoverAt: recover * 60,
    labels,
    value: () => 0,
    answers: { lastSuccessAge: (t) => t, exitCode: () => 1 },
  };
}

/**
 * A "Stale" alert: the last success lies so far back that its age crosses the threshold at
 * minute 10 (ages can be long while test time stays short), then a fresh success recovers it.
 */
function staleCase(ctx: TestContext, def: AlertDef, step: number, lastSuccess: { name: string }, labels: Readonly<Record<string, string>>, thresholdSeconds: number, extra: SeriesSpec[] = []): AlertCase {
  const since = FAIL_MINUTE * 60 - thresholdSeconds;
  const activeAt = firstEvalAfter(FAIL_MINUTE * 60, step);
  const recover = recoveryMinute(def, activeAt, step);
  return {
    // After recovery it keeps succeeding every minute, so it is not stale again by the time keep_firing_for ends.
    timeline: [scraped(ctx, lastSuccess, labels, (m) => (m < recover ? since : m * 60)), ...extra],
    absent: extra,
    activeAt,
    recoverAt: recover * 60,
    labels,
    value: (t) => t - since,
    answers: { staleThreshold: () => thresholdSeconds },
  };
}

/** The backup type the PgbackrestBackupStale test follows: the config's scheduled type with the shortest threshold, else incr at the daily stale threshold. */
export function pgbackrestTestType(ctx: TestContext): { type: PgBackupType; thresholdSeconds: number } {
  const scheduled = PG_BACKUP_TYPES.flatMap((type) => {
    const seconds = ctx.config.postgres.backupStaleThresholds[type];
    return seconds === undefined ? [] : [{ type, thresholdSeconds: seconds }];
  }).sort((a, b) => a.thresholdSeconds - b.thresholdSeconds);
  return scheduled[0] ?? { type: 'incr', thresholdSeconds: Math.round(ctx.config.alerting.dailyStaleSeconds) };
}

/** The labels of the pgBackRest repository the tests use: the config's first that is not offsite, else the first. */
export function pgbackrestRepoLabels(ctx: TestContext): Readonly<Record<'hostname' | 'stanza' | 'repository', string>> {
  const repos = ctx.config.postgres.pgbackrestRepos;
  return { hostname: ctx.hostname, stanza: ctx.stanza, repository: (repos.find((r) => !r.offsite) ?? repos[0])?.name ?? 'repo1' };
}

/**
 * ResticStaleLock: a check every evaluation sees one shared lock whose age crosses the threshold at
 * minute 10; then it is removed (`restic unlock`), and the next check drops its timestamp.
 */
function staleLockCase(ctx: TestContext, def: AlertDef, step: number, repo: Readonly<Record<string, string>>): AlertCase {
  const lockedAt = FAIL_MINUTE * 60 - ctx.config.locks.maxAgeSeconds;
  const activeAt = firstEvalAfter(FAIL_MINUTE * 60, step);
  const recover = recoveryMinute(def, activeAt, step);
  const checked = scraped(ctx, metrics.resticRepositoryLocksLastCheckTimestampSeconds, repo, (m) => m * 60);
  return {
    timeline: [
      checked,
      scraped(ctx, metrics.resticRepositoryLocks, repo, pieces([[0, 1], [recover, 0]])),
      scraped(ctx, metrics.resticRepositoryExclusiveLocks, repo, () => 0),
      // A series the file no longer has is marked stale at the next scrape.
      scraped(ctx, metrics.resticRepositoryOldestLockTimestampSeconds, repo, (m) => (m < recover ? lockedAt : m === recover ? STALE : undefined)),
    ],
    absent: [checked, scraped(ctx, metrics.resticRepositoryLocks, repo, () => 0)],
    activeAt,
    recoverAt: recover * 60,
    labels: repo,
    value: (t) => t - lockedAt,
    answers: { lockCheckAge: () => 0, locks: () => 1, exclusiveLocks: () => 0 },
  };
}

/**
 * A check's NeverReported alert: ubm health has expected it since so long ago that the expectation's
 * age crosses its threshold at minute 10, and its first status is scraped at recovery. Without the
 * expected set, a check that never reports is not this alert's business.
 */
function neverReportedCase(
  ctx: TestContext,
  def: AlertDef,
  step: number,
  check: CheckKind,
  labels: Readonly<Record<string, string>>,
  status: { name: string },
  thresholdSeconds: number,
  statusExtra: Readonly<Record<string, string>> = {},
): AlertCase {
  const since = FAIL_MINUTE * 60 - thresholdSeconds;
  const activeAt = firstEvalAfter(FAIL_MINUTE * 60, step);
  const recover = recoveryMinute(def, activeAt, step);
  const checkLabels = { hostname: ctx.hostname, check, stanza: labels.stanza ?? '', repository: labels.repository ?? '' };
  return {
    timeline: [
      scraped(ctx, metrics.backupMonitoringExpectedCheckSinceTimestampSeconds, checkLabels, () => since),
      scraped(ctx, metrics.backupMonitoringExpectedCheckStaleThresholdSeconds, checkLabels, () => thresholdSeconds),
      scraped(ctx, status, { ...labels, ...statusExtra }, (m) => (m < recover ? undefined : 1)),
    ],
    absent: [scraped(ctx, status, { ...labels, ...statusExtra }, () => 1)],
    activeAt,
    recoverAt: recover * 60,
    labels,
    value: (t) => t - since,
    answers: { staleThreshold: () => thresholdSeconds },
  };
}

/** The test timeline of every alert. */
export function alertCase(ctx: TestContext, def: AlertDef, step: number): AlertCase {
  const job = ctx.jobLabels;
  const repo = { hostname: ctx.hostname, repository: ctx.verifyRepository };
  const stanza = { hostname: ctx.hostname, stanza: ctx.stanza };
  const offsite = { ...stanza, repository: ctx.offsiteRepository };
  const pgRepo = pgbackrestRepoLabels(ctx);
  const prune = { ...repo, operation: 'prune' };
  const c = ctx.config;
  const name: AlertName = def.name;
  switch (name) {
    case 'UnifiedBackupFailed': {
      const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
      return failedCase(ctx, def, step, { status: metrics.resticBackupStatus, lastSuccess: metrics.resticBackupLastSuccessTimestamp }, job, [
        scraped(ctx, metrics.resticBackupExitCode, job, pieces([[0, 0], [FAIL_MINUTE, 1], [recover, 0]])),
      ]);
    }
    case 'UnifiedBackupStale':
      return staleCase(ctx, def, step, metrics.resticBackupLastSuccessTimestamp, job, ctx.job.staleThresholdSeconds, [
        scraped(ctx, metrics.resticBackupStatus, job, () => 1),
        scraped(ctx, metrics.backupMonitoringJobStaleThresholdSeconds, job, () => ctx.job.staleThresholdSeconds),
      ]);
    case 'UnifiedBackupSlow': {
      const baseline = Math.max(600, Math.ceil(c.alerting.slowMinDurationSeconds / 60) * 60);
      const slow = Math.ceil((baseline * ctx.job.slowMultiplier * 1.5) / 60) * 60;
      const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
      const common = [
        scraped(ctx, metrics.resticBackupStatus, job, () => 1),
        scraped(ctx, metrics.resticBackupDurationBaselineRuns, job, () => c.alerting.slowMinBaselineRuns + 2),
        scraped(ctx, metrics.backupMonitoringJobSlowMultiplier, job, () => ctx.job.slowMultiplier),
      ];
      return {
        timeline: [
          ...common,
          scraped(ctx, metrics.resticBackupDurationBaselineSeconds, job, () => baseline),
          scraped(ctx, metrics.resticBackupDurationSeconds, job, pieces([[0, baseline], [FAIL_MINUTE, slow], [recover, baseline]])),
        ],
        absent: [...common, scraped(ctx, metrics.resticBackupDurationSeconds, job, () => slow)],
        activeAt: FAIL_MINUTE * 60,
        recoverAt: recover * 60,
        labels: job,
        value: () => slow,
        // The threshold as its recording rule multiplies it; the description divides it back into the multiplier.
        answers: { slowThreshold: () => ctx.job.slowMultiplier * baseline, slowMultiplier: () => ctx.job.slowMultiplier, baseline: () => baseline },
      };
    }
    case 'UnifiedBackupNeverReported': {
      // Expected from the second evaluation on, so that a for: of 0s still has a quiet evaluation before it fires.
      const recover = recoveryMinute(def, step, step);
      return {
        timeline: [
          scraped(ctx, metrics.backupMonitoringExpectedJob, job, stepAt(step / 60, undefined, 1)),
          scraped(ctx, metrics.resticBackupStatus, job, stepAt(recover, undefined, 1)),
        ],
        absent: [{ metric: externalMetrics.up.name, labels: ctx.scrape, at: () => 1 }],
        activeAt: step,
        recoverAt: recover * 60,
        labels: job,
        value: () => 1,
      };
    }
    case 'UnifiedBackupSourceShrunk': {
      // A job of 10,000 files and 20 GiB whose run at minute 10 processed a tenth of its ratio (nothing
      // at all when the ratio is 0, which the test replaces with the default to see the rule fire).
      const ratio = ctx.job.shrinkRatio > 0 ? ctx.job.shrinkRatio : SHRINK_RATIO;
      const files = SOURCE_FILES;
      const bytes = SOURCE_BYTES;
      const shrunk = Math.floor(files * ratio * 0.1);
      const shrunkBytes = Math.floor(bytes * ratio * 0.1);
      const share = sourceShare({ files, bytes, heldRuns: 0 }, { files: shrunk, bytes: shrunkBytes }) ?? 0;
      const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
      const common = [
        scraped(ctx, metrics.resticBackupStatus, job, () => 1),
        scraped(ctx, metrics.backupMonitoringJobShrinkRatio, job, () => ratio),
      ];
      const processed = [
        scraped(ctx, metrics.resticBackupFilesProcessed, job, pieces([[0, files], [FAIL_MINUTE, shrunk], [recover, files]])),
        scraped(ctx, metrics.resticBackupProcessedBytes, job, pieces([[0, bytes], [FAIL_MINUTE, shrunkBytes], [recover, bytes]])),
      ];
      return {
        timeline: [
          ...common,
          ...processed,
          scraped(ctx, metrics.resticBackupFilesProcessedBaseline, job, () => files),
          scraped(ctx, metrics.resticBackupProcessedBaselineBytes, job, () => bytes),
          // The emitter's share of the baselines: the smaller of files and bytes.
          scraped(ctx, metrics.resticBackupSourceShare, job, pieces([[0, 1], [FAIL_MINUTE, share], [recover, 1]])),
        ],
        // A job without baselines yet (its first run): nothing to compare with, and no share written.
        absent: [...common, ...processed],
        activeAt: FAIL_MINUTE * 60,
        recoverAt: recover * 60,
        labels: job,
        value: () => share,
        answers: { filesProcessed: () => shrunk, bytesProcessed: () => shrunkBytes, filesBaseline: () => files, bytesBaseline: () => bytes, shrinkRatio: () => ratio },
      };
    }
    case 'UnifiedBackupUnexpectedJob': {
      // ubm health reports a job the config does not list from minute 10, until its file is gone (a
      // fixed config, or the file aged out): the series ends with a staleness marker.
      const unexpected = { ...job, backup_job: `${job.backup_job}-unlisted` };
      const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
      const lastRun = scraped(ctx, metrics.resticBackupLastRunTimestampSeconds, unexpected, () => 0);
      return {
        timeline: [lastRun, scraped(ctx, metrics.backupMonitoringUnexpectedJob, unexpected, (m) => (m < FAIL_MINUTE ? undefined : m < recover ? 1 : m === recover ? STALE : undefined))],
        absent: [lastRun, scraped(ctx, metrics.backupMonitoringExpectedJob, job, () => 1)],
        activeAt: FAIL_MINUTE * 60,
        recoverAt: recover * 60,
        labels: unexpected,
        value: () => 1,
        answers: { lastRunAge: (t) => t },
      };
    }
    case 'ResticVerificationFailed':
      return failedCase(ctx, def, step, { status: metrics.resticVerificationStatus, lastSuccess: metrics.resticVerificationLastSuccessTimestampSeconds }, repo);
    case 'ResticVerificationStale':
      return staleCase(ctx, def, step, metrics.resticVerificationLastSuccessTimestampSeconds, repo, c.verification.staleThresholdSeconds, [
        scraped(ctx, metrics.resticVerificationStatus, repo, () => 1),
      ]);
    case 'ResticRestoreTestFailed':
      return failedCase(ctx, def, step, { status: metrics.resticRestoreTestStatus, lastSuccess: metrics.resticRestoreTestLastSuccessTimestampSeconds }, repo);
    case 'ResticRestoreTestStale':
      return staleCase(ctx, def, step, metrics.resticRestoreTestLastSuccessTimestampSeconds, repo, c.verification.restoreTesting.staleThresholdSeconds, [
        scraped(ctx, metrics.resticRestoreTestStatus, repo, () => 1),
      ]);
    case 'ResticVerificationNeverReported':
      return neverReportedCase(ctx, def, step, 'restic_verification', repo, metrics.resticVerificationStatus, c.verification.staleThresholdSeconds);
    case 'ResticRestoreTestNeverReported':
      return neverReportedCase(ctx, def, step, 'restic_restore_test', repo, metrics.resticRestoreTestStatus, c.verification.restoreTesting.staleThresholdSeconds);
    case 'PostgresBackupVerificationNeverReported':
      return neverReportedCase(ctx, def, step, 'postgres_verification', stanza, metrics.postgresBackupVerificationStatus, c.postgres.verification.staleThresholdSeconds);
    case 'PostgresOffsiteBackupNeverReported':
      return neverReportedCase(ctx, def, step, 'postgres_offsite', offsite, metrics.postgresPgbackrestOffsiteBackupStatus, c.postgres.offsiteMaxAgeSeconds);
    case 'ResticMaintenanceNeverReported': {
      const prune = c.repositories.find((r) => r.pruneSchedule !== undefined);
      return neverReportedCase(ctx, def, step, 'restic_prune', repo, metrics.resticMaintenanceStatus, prune?.pruneStaleThresholdSeconds ?? c.maintenance.fallbackStaleThresholdSeconds, { operation: 'prune' });
    }
    case 'PgbackrestNeverReported':
      return neverReportedCase(ctx, def, step, 'pgbackrest', stanza, metrics.pgbackrestStanzaStatus, pgbackrestTestType(ctx).thresholdSeconds);
    case 'ResticStaleLock':
      return staleLockCase(ctx, def, step, repo);
    case 'ResticLockCheckStale':
      return staleCase(ctx, def, step, metrics.resticRepositoryLocksLastCheckTimestampSeconds, repo, c.locks.checkStaleSeconds, [
        scraped(ctx, metrics.resticRepositoryLocks, repo, () => 0),
      ]);
    case 'ResticMaintenanceFailed': {
      // The prune of the test repository fails at minute 10 with restic's exit 1, and succeeds again later.
      const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
      return failedCase(ctx, def, step, { status: metrics.resticMaintenanceStatus, lastSuccess: metrics.resticMaintenanceLastSuccessTimestampSeconds }, prune, [
        scraped(ctx, metrics.resticMaintenanceExitCode, prune, pieces([[0, 0], [FAIL_MINUTE, 1], [recover, 0]])),
      ]);
    }
    case 'ResticMaintenanceStale': {
      // The threshold as `ubm run --operation prune --config` writes it for the repository.
      const threshold = c.repositories.find((r) => r.name === prune.repository)?.pruneStaleThresholdSeconds ?? c.maintenance.fallbackStaleThresholdSeconds;
      return staleCase(ctx, def, step, metrics.resticMaintenanceLastSuccessTimestampSeconds, prune, threshold, [
        scraped(ctx, metrics.resticMaintenanceStatus, prune, () => 1),
        scraped(ctx, metrics.resticMaintenanceStaleThresholdSeconds, prune, () => threshold),
      ]);
    }
    case 'PostgresBackupVerificationFailed':
      return failedCase(ctx, def, step, { status: metrics.postgresBackupVerificationStatus, lastSuccess: metrics.postgresBackupVerificationLastSuccessTimestampSeconds }, stanza);
    case 'PostgresBackupVerificationStale':
      return staleCase(ctx, def, step, metrics.postgresBackupVerificationLastSuccessTimestampSeconds, stanza, c.postgres.verification.staleThresholdSeconds, [
        scraped(ctx, metrics.postgresBackupVerificationStatus, stanza, () => 1),
      ]);
    case 'PostgresOffsiteBackupFailed':
      return failedCase(ctx, def, step, { status: metrics.postgresPgbackrestOffsiteBackupStatus, lastSuccess: metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds }, offsite);
    case 'PostgresOffsiteBackupStale':
      return staleCase(ctx, def, step, metrics.postgresPgbackrestOffsiteLastSuccessTimestampSeconds, offsite, c.postgres.offsiteMaxAgeSeconds, [
        scraped(ctx, metrics.postgresPgbackrestOffsiteBackupStatus, offsite, () => 1),
      ]);
    case 'PgbackrestBackupStale': {
      // The threshold as the host writes it (the test passes whatever the config schedules).
      const { type, thresholdSeconds } = pgbackrestTestType(ctx);
      return staleCase(ctx, def, step, metrics.pgbackrestBackupLastCompletionTimestampSeconds, { ...pgRepo, backup_type: type }, thresholdSeconds, [
        scraped(ctx, metrics.pgbackrestStanzaStatus, stanza, () => 0),
        scraped(ctx, metrics.pgbackrestBackupStaleThresholdSeconds, { ...stanza, backup_type: type }, () => thresholdSeconds),
      ]);
    }
    case 'PgbackrestWalArchivingStuck': {
      // Read every minute; the segment last changed so long ago that it crosses the threshold at minute 10, then changes again.
      const threshold = c.postgres.walArchiveStuckSeconds;
      const since = FAIL_MINUTE * 60 - threshold;
      const activeAt = firstEvalAfter(FAIL_MINUTE * 60, step);
      const recover = recoveryMinute(def, activeAt, step);
      const lastRead = scraped(ctx, metrics.pgbackrestInfoLastRunTimestampSeconds, stanza, (m) => m * 60);
      return {
        timeline: [lastRead, scraped(ctx, metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds, pgRepo, (m) => (m < recover ? since : m * 60))],
        absent: [lastRead],
        activeAt,
        recoverAt: recover * 60,
        labels: pgRepo,
        value: (t) => t - since,
        answers: { lastReadAge: () => 0 },
      };
    }
    case 'PgbackrestStanzaError': {
      const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
      const unreachable = pieces([[0, 0], [FAIL_MINUTE, PGBACKREST_OTHER_ERROR], [recover, 0]]);
      return {
        timeline: [scraped(ctx, metrics.pgbackrestStanzaStatus, stanza, unreachable), scraped(ctx, metrics.pgbackrestRepoStatus, pgRepo, unreachable)],
        absent: [scraped(ctx, metrics.pgbackrestInfoLastRunTimestampSeconds, stanza, (m) => m * 60)],
        activeAt: FAIL_MINUTE * 60,
        recoverAt: recover * 60,
        labels: pgRepo,
        value: () => PGBACKREST_OTHER_ERROR,
      };
    }
    case 'BackupMonitoringUnhealthy': {
      const recover = recoveryMinute(def, FAIL_MINUTE * 60, step);
      const target = [
        { metric: externalMetrics.up.name, labels: ctx.scrape, at: () => 1 },
        { metric: externalMetrics.nodeTextfileScrapeError.name, labels: ctx.scrape, at: () => 0 },
      ];
      const [, lastCheck] = healthySeries(ctx);
      return {
        timeline: [
          ...target,
          scraped(ctx, metrics.backupMonitoringHealthy, { hostname: ctx.hostname }, statusTimeline(recover)),
          ...(lastCheck === undefined ? [] : [lastCheck]),
        ],
        absent: target,
        activeAt: FAIL_MINUTE * 60,
        recoverAt: recover * 60,
        labels: { hostname: ctx.hostname, reason: 'the self-check failed' },
        value: () => 0,
      };
    }
  }
}

/** The alert as promtool must see it firing at time t. */
export function expectedAlert(ctx: TestContext, def: AlertDef, c: Pick<AlertCase, 'labels' | 'value' | 'answers'>, t: number): ExpectedAlert {
  const description = evaluateTemplate(def.description, {
    labels: c.labels,
    value: c.value(t),
    query: (part) => ('id' in part && typeof part.id === 'string' ? c.answers?.[part.id as QueryId]?.(t) : undefined),
  });
  // The scrape put the identifying labels on every series, and every alert keeps them (a case's own labels may say otherwise).
  const labels: Record<string, string> = { ...ctx.identity, ...c.labels, severity: ctx.config.alerting.severityMap[def.severity] };
  return {
    exp_labels: Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k] ?? ''])),
    exp_annotations: { description, runbook_url: runbookUrl(ctx.config, def.name), summary: def.summary },
  };
}

/** The tests of one alert, and the evaluation step they are written for. */
export function alertUnitTests(ctx: TestContext, def: AlertDef): { step: number; tests: UnitTest[] } {
  const step = stepFor(def);
  const c = alertCase(ctx, def, step);
  const fire = firesAt(c, def, step);
  if (c.recoverAt <= fire) throw new Error(`test case of ${def.name} recovers before it fires`);
  // keep_firing_for: the alert outlives its recovery (as it was at its last active evaluation), then resolves.
  const keep = def.keepFiringForSeconds;
  const resolvedAt = onGrid(c.recoverAt + keep, step);
  const minutes = resolvedAt / 60 + 10;
  const stepMinutes = step / 60;
  const interval = evalTime(step);
  const timeline = inputSeries(c.timeline, minutes, stepMinutes);
  const quiet = (t: number): { eval_time: string; alertname: string; exp_alerts: [] } => ({ eval_time: evalTime(t), alertname: def.name, exp_alerts: [] });
  const firing = { eval_time: evalTime(fire), alertname: def.name, exp_alerts: [expectedAlert(ctx, def, c, fire)] };
  const kept = keep > 0 ? [{ eval_time: evalTime(c.recoverAt), alertname: def.name, exp_alerts: [expectedAlert(ctx, def, c, c.recoverAt - step)] }] : [];
  return {
    step,
    tests: [
      {
        name:
          keep > 0
            ? `${def.name} is quiet just before its threshold, fires at it, outlives recovery by keep_firing_for and then resolves`
            : `${def.name} is quiet just before its threshold, fires at it and resolves after recovery`,
        interval,
        input_series: timeline,
        alert_rule_test: [quiet(fire - step), firing, ...kept, quiet(resolvedAt)],
      },
      { name: `${def.name} stays quiet without its data`, interval, input_series: inputSeries(c.absent, minutes, stepMinutes), alert_rule_test: [quiet(fire), quiet(c.recoverAt)] },
    ],
  };
}
