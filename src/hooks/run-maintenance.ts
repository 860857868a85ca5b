/**
 * Run a repository maintenance command (`restic forget --prune`, `restic check`) and record its run:
 * what `ubm run --operation` does, as a library function. As with runBackup, a failure to record is
 * returned beside the command's result, never in place of it.
 */
import type { RecordTarget } from '../exporter/record.js';
import type { MaintenanceOperation } from '../schema/catalog.js';
import { type RunBackupResult, runThenRecord } from './run-backup.js';
import type { RunCommandOptions } from './run-command.js';

/** What to run and how to label it. */
export interface RunMaintenanceOptions extends RunCommandOptions {
  readonly repository: string;
  readonly operation: MaintenanceOperation;
  /** The command and its arguments (`['restic', 'forget', '--prune', '--keep-daily', '7']`). */
  readonly command: readonly string[];
  readonly hostname?: string;
  /** A prune's stale threshold, from the repository's pruneSchedule; carried forward from the previous run when absent. */
  readonly staleThresholdSeconds?: number;
  readonly target?: RecordTarget;
  /** Clock for the end time, in milliseconds (default Date.now). */
  readonly now?: () => number;
}

/** Runs the command (output passed through, signals forwarded), then records the run; never rejects because of recording. */
export async function runMaintenance(options: RunMaintenanceOptions): Promise<RunBackupResult> {
  return runThenRecord(options.command, options, async (running) => {
    // The exporter loads while the command runs, so its import time hides inside the command's.
    const { recordMaintenance } = await import('../exporter/record.js');
    const result = await running;
    return recordMaintenance(
      {
        repository: options.repository,
        operation: options.operation,
        success: result.exitCode === 0,
        durationSeconds: result.durationSeconds,
        exitCode: result.exitCode,
        endedAtMs: (options.now ?? Date.now)(),
        ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
        ...(options.staleThresholdSeconds === undefined ? {} : { staleThresholdSeconds: options.staleThresholdSeconds }),
      },
      options.target ?? {},
    );
  });
}
