/**
 * The example labels and thresholds generated tests use, taken from the config so that the tests
 * speak about its own hosts, jobs and repositories.
 */
import type { ResolvedConfig, ResolvedJob } from '../../config/model.js';
import { metrics } from '../../schema/catalog.js';
import { SECONDS_PER_DAY } from '../../util/duration.js';
import type { SeriesSpec, Timeline } from './series.js';

/** Labels and knobs for generated tests. */
export interface TestContext {
  readonly config: ResolvedConfig;
  readonly hostname: string;
  /**
   * The identifying labels (`ubm.labels.identifying`) and the values the tests give them (`a`): the
   * scrape adds them to every series, and every alert carries them. Empty without the knob.
   */
  readonly identity: Readonly<Record<string, string>>;
  /** The node_exporter target the ubm metrics are scraped from (scrape labels job and instance, and the identifying labels). */
  readonly scrape: Readonly<Record<'job' | 'instance', string>> & Readonly<Record<string, string>>;
  /** The job the tests use: the one with the shortest threshold (the quickest to test). */
  readonly job: ResolvedJob;
  /** A job of the config with a daily schedule (or the test job, re-scheduled daily, when none is). */
  readonly dailyJob: ResolvedJob;
  /** Labels of the test job's series (without scrape labels). */
  readonly jobLabels: Readonly<Record<'hostname' | 'backup_job' | 'repository', string>>;
  readonly verifyRepository: string;
  readonly stanza: string;
  readonly offsiteRepository: string;
}

/** The job tests use when the config has none; its thresholds come from the config's alerting knobs. */
const FALLBACK_JOB: Omit<ResolvedJob, 'staleThresholdSeconds' | 'slowMultiplier' | 'shrinkRatio'> = {
  name: 'example-job',
  repository: 'example-repository',
  frequency: 'daily',
  intervalSeconds: SECONDS_PER_DAY,
  tags: [],
  source: 'restic.jobs',
};

/** Picks the test's labels from the config. */
export function testContext(config: ResolvedConfig): TestContext {
  const hostname = config.hostnames[0] ?? 'localhost';
  const byThreshold = [...config.jobs].sort((a, b) => a.staleThresholdSeconds - b.staleThresholdSeconds || (a.name < b.name ? -1 : 1));
  const dailyStaleSeconds = config.alerting.dailyStaleSeconds;
  const job = byThreshold[0] ?? { ...FALLBACK_JOB, staleThresholdSeconds: dailyStaleSeconds, slowMultiplier: config.alerting.slowBackupMultiplier, shrinkRatio: config.alerting.shrinkRatio };
  const daily = config.jobs.find((j) => j.intervalSeconds === SECONDS_PER_DAY) ?? { ...job, frequency: 'daily', intervalSeconds: SECONDS_PER_DAY, staleThresholdSeconds: dailyStaleSeconds };
  const offsite = config.postgres.pgbackrestRepos.find((r) => r.offsite)?.name ?? config.postgres.offsiteRepository ?? 'repo2';
  const identity = identityOf(config, IDENTITY_VALUE);
  return {
    config,
    hostname,
    identity,
    scrape: { ...identity, job: config.alerting.nodeExporterJob, instance: `${hostname}:9100` },
    job,
    dailyJob: daily,
    jobLabels: { hostname, backup_job: job.name, repository: job.repository },
    verifyRepository: job.repository,
    stanza: config.postgres.stanzas[0] ?? 'main',
    offsiteRepository: offsite,
  };
}

/** The value each identifying label has in the generated tests (the two-cluster scenario adds a second, `b`). */
export const IDENTITY_VALUE = 'a';

/** Every identifying label of the config with the value `value`. */
export function identityOf(config: ResolvedConfig, value: string): Readonly<Record<string, string>> {
  return Object.fromEntries(config.labels.identifying.map((l) => [l, value]));
}

/** A series of a ubm metric as Prometheus stores it after the scrape: its labels plus job and instance. */
export function scraped(ctx: TestContext, metric: { name: string }, labels: Readonly<Record<string, string>>, at: Timeline): SeriesSpec {
  return { metric: metric.name, labels: { ...labels, ...ctx.scrape }, at };
}

/** The labels of a job's series. */
export function jobLabelsOf(ctx: TestContext, job: ResolvedJob): Readonly<Record<'hostname' | 'backup_job' | 'repository', string>> {
  return { hostname: ctx.hostname, backup_job: job.name, repository: job.repository };
}

/** The health series that keep BackupMonitoringUnhealthy quiet: a passing, fresh self-check and a scraped target. */
export function healthySeries(ctx: TestContext): SeriesSpec[] {
  return [
    scraped(ctx, metrics.backupMonitoringHealthy, { hostname: ctx.hostname }, () => 1),
    scraped(ctx, metrics.backupMonitoringLastCheck, { hostname: ctx.hostname }, (m) => m * 60),
  ];
}
