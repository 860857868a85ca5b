/** The `monitoring_health` group: the self-check's result (one file per host), written by `ubm health` and `ubm emit health`. */
import { MONITORING_PROBLEM_REASONS, type MonitoringProblem, metrics } from '../schema/catalog.js';
import { type GroupSample, carried, maybeSample, present, sample } from '../schema/series.js';
import { hostGroup, monotonicSeconds } from './group.js';

/** A monitoring self-check's result. */
export interface HealthRun {
  readonly hostname: string;
  readonly healthy: boolean;
  /** How many `.prom` files the check found a problem with, when it counted them. */
  readonly invalidTextfiles?: number | undefined;
  /** The problems the check found, when it looked for them: every known reason is then written, 1 when found, else 0. */
  readonly problems?: readonly MonitoringProblem[] | undefined;
  readonly endedAtMs: number;
}

/** The monitoring_health group. */
export const monitoringHealthGroup = hostGroup('monitoring_health', 'ubm_monitoring_health', (previous, run: HealthRun) => {
  const l = { hostname: run.hostname };
  const found = new Set(run.problems ?? []);
  // Every reason, found or not, so that a fixed problem reads 0 rather than vanishing.
  const problems: GroupSample<'monitoring_health'>[] =
    run.problems === undefined ? [] : MONITORING_PROBLEM_REASONS.map((reason) => sample(metrics.backupMonitoringProblem, { ...l, reason }, found.has(reason) ? 1 : 0));
  return present([
    sample(metrics.backupMonitoringHealthy, l, run.healthy ? 1 : 0),
    sample(metrics.backupMonitoringLastCheck, l, monotonicSeconds(run.endedAtMs, carried(previous, metrics.backupMonitoringLastCheck))),
    maybeSample(metrics.backupMonitoringInvalidTextfiles, l, run.invalidTextfiles),
    ...problems,
  ]);
});
