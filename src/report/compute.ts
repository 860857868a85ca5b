/**
 * The report from Prometheus' answers: pure (data, period, config) -> Report. The thresholds are the
 * config's (the ones the alerts use); without --config, the built-in defaults and what hosts reported.
 */
import { configuredChecks } from '../config/expected-checks.js';
import type { ResolvedConfig } from '../config/model.js';
import { formatDuration } from './format.js';
import { gridTimes, type ReportData } from './fetch.js';
import { repositoryReports, stanzaReports } from './checks.js';
import { jobReports } from './jobs.js';
import { type Report, type ReportPeriod, worst } from './model.js';

/** The sources of the report's thresholds and expected sets. */
export interface ComputeOptions {
  readonly period: ReportPeriod;
  /** The config passed with --config: its jobs and checks are expected (missing when never reported). */
  readonly config?: ResolvedConfig;
  /** Thresholds for what the config does not cover: the config itself, else the built-in defaults. */
  readonly defaults: ResolvedConfig;
}

/** The rules behind the verdicts, stated on the page. */
function rules(t: ResolvedConfig): string[] {
  return [
    "A job is not compliant when, at any time in the period, its last success was older than its stale threshold (the UnifiedBackupStale alert's threshold: daily jobs " +
      `${formatDuration(t.alerting.dailyStaleSeconds)}, other schedules their interval plus its allowances; breaches begin and end to the second), when there is no data to judge (a gap in the data that the last-success timestamp bridges, with the same or a later value after it, is judged from that timestamp), or when the config lists it and it never reported.`,
    `A job is at risk when it stayed within its RPO but had failed runs, or its duration p95 exceeded its slow multiplier (default ${t.alerting.slowBackupMultiplier}) times its baseline.`,
    `A restic check is not compliant when its last pass is older than ${formatDuration(t.verification.staleThresholdSeconds)} at the period's end or it never passed; a restore test when older than ${formatDuration(t.verification.restoreTesting.staleThresholdSeconds)}; at risk when a run failed in the period.`,
    `A PostgreSQL verification is not compliant when its last pass is older than ${formatDuration(t.postgres.verification.staleThresholdSeconds)}; the offsite copy when it is not good at the period's end or its last good check is older than ${formatDuration(t.postgres.offsiteMaxAgeSeconds)}, at risk when it was not good for part of the period.`,
    'The overall verdict is the worst verdict of any item.',
  ];
}

/** Computes the report. */
export function computeReport(data: ReportData, options: ComputeOptions): Report {
  const { period, config, defaults } = options;
  const t = config ?? defaults;
  const times = gridTimes(period);
  const missingHostname = config?.hostnames[0] ?? '';
  const jobs = jobReports(data, {
    period,
    times,
    missingHostname,
    expected: (config?.jobs ?? []).map((j) => ({ job: j.name, repository: j.repository, thresholds: { staleThresholdSeconds: j.staleThresholdSeconds, slowMultiplier: j.slowMultiplier } })),
    fallback: { staleThresholdSeconds: t.alerting.dailyStaleSeconds, slowMultiplier: t.alerting.slowBackupMultiplier },
  });
  const checkInputs = {
    period,
    times,
    missingHostname,
    verificationStaleSeconds: t.verification.staleThresholdSeconds,
    restoreTestStaleSeconds: t.verification.restoreTesting.staleThresholdSeconds,
    pgVerificationStaleSeconds: t.postgres.verification.staleThresholdSeconds,
    offsiteMaxAgeSeconds: t.postgres.offsiteMaxAgeSeconds,
    ...(config === undefined ? {} : { expected: configuredChecks(config) }),
  };
  const repositories = repositoryReports(data, checkInputs);
  const stanzas = stanzaReports(data, checkInputs);
  const verdicts = [...jobs, ...repositories, ...stanzas].map((i) => i.verdict);
  return {
    period,
    verdict: worst(verdicts),
    rules: rules(t),
    summary: {
      compliant: verdicts.filter((v) => v === 'compliant').length,
      atRisk: verdicts.filter((v) => v === 'at_risk').length,
      notCompliant: verdicts.filter((v) => v === 'not_compliant').length,
    },
    jobs,
    repositories,
    stanzas,
  };
}
