/** The `monitoring_health` group: the self-check's result (one file per host), written by `ubm health` and `ubm emit health`. */
import { metrics } from '../schema/catalog.js';
import { maybeSample, present, sample } from '../schema/series.js';
import { hostGroup, unixSeconds } from './group.js';

/** A monitoring self-check's result. */
export interface HealthRun {
  readonly hostname: string;
  readonly healthy: boolean;
  /** How many `.prom` files failed to parse, when the check counted them. */
  readonly invalidTextfiles?: number | undefined;
  readonly endedAtMs: number;
}

/** The monitoring_health group. */
export const monitoringHealthGroup = hostGroup('monitoring_health', 'ubm_monitoring_health', (_previous, run: HealthRun) => {
  const l = { hostname: run.hostname };
  return present([
    sample(metrics.backupMonitoringHealthy, l, run.healthy ? 1 : 0),
    sample(metrics.backupMonitoringLastCheck, l, unixSeconds(run.endedAtMs)),
    maybeSample(metrics.backupMonitoringInvalidTextfiles, l, run.invalidTextfiles),
  ]);
});
