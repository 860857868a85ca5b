/**
 * The `restic_maintenance` group: one file per repository and operation (forget, prune, check),
 * written by `ubm run --operation` and `ubm emit maintenance`. A pass/fail check's samples (status,
 * duration, last run, last success carried forward) plus the exit code, and for a prune the stale
 * threshold its recorder derived from the config, carried forward across runs that give none.
 */
import { type MaintenanceOperation, metrics } from '../schema/catalog.js';
import { carried, maybeSample, present, sample } from '../schema/series.js';
import { type CheckRun, checkSamples } from './check.js';
import { textfileGroup } from './group.js';

/** One run of a maintenance operation on a repository. */
export interface MaintenanceRun extends CheckRun {
  readonly repository: string;
  readonly operation: MaintenanceOperation;
  /** The command's exit code; defaults to 0 on success and 1 on failure. */
  readonly exitCode?: number | undefined;
  /** Seconds without a successful prune after which the repository is unpruned (a prune's only); carried forward when absent. */
  readonly staleThresholdSeconds?: number | undefined;
}

/** The restic_maintenance group. */
export const resticMaintenanceGroup = textfileGroup({
  id: 'restic_maintenance',
  filePrefix: 'ubm_restic_maintenance',
  keyLabels: ['repository', 'operation'],
  key: (run: MaintenanceRun) => ({ repository: run.repository, operation: run.operation }),
  build: (previous, run) => {
    const l = { hostname: run.hostname, repository: run.repository, operation: run.operation };
    const m = {
      status: metrics.resticMaintenanceStatus,
      duration: metrics.resticMaintenanceDurationSeconds,
      lastRun: metrics.resticMaintenanceLastRunTimestampSeconds,
      lastSuccess: metrics.resticMaintenanceLastSuccessTimestampSeconds,
    };
    // Only a prune frees space: the other operations have no stale threshold.
    const threshold = run.operation === 'prune' ? (run.staleThresholdSeconds ?? carried(previous, metrics.resticMaintenanceStaleThresholdSeconds)) : undefined;
    return present([
      ...checkSamples(m, l, previous, run),
      sample(metrics.resticMaintenanceExitCode, l, run.exitCode ?? (run.success ? 0 : 1)),
      maybeSample(metrics.resticMaintenanceStaleThresholdSeconds, l, threshold),
    ]);
  },
});
