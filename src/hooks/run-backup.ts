/**
 * Run a backup command and record its run: what `ubm run` does, as a library function. A failure
 * to record is returned beside the command's result, never in place of it.
 */
import type { RecordTarget } from '../exporter/record.js';
import type { BackupSummaryFigures } from '../groups/restic-backup.js';
import type { ResticSummary } from '../sources/restic.js';
import { type CommandResult, type RunCommandOptions, runCommand } from './run-command.js';

/**
 * The exit code of a run whose command succeeded but whose monitoring did not: the run could not be
 * recorded, or `ubm run`'s own flags, config or textfile directory had a problem. 78 is sysexits'
 * EX_CONFIG (systemd shows `status=78/CONFIG`); restic never exits with it (0, 1, 2, 3, 10-12, 130).
 */
export const MONITORING_FAILED_EXIT_CODE = 78;

/**
 * `ubm run`'s exit code: the command's own when it failed (a monitoring problem never hides a failed
 * backup), else MONITORING_FAILED_EXIT_CODE unless the monitoring worked, never 0 for an unrecorded run.
 */
export function runExitCode(commandExitCode: number, monitoringOk: boolean): number {
  if (commandExitCode !== 0) return commandExitCode;
  return monitoringOk ? 0 : MONITORING_FAILED_EXIT_CODE;
}

/** What to run and how to label it. */
export interface RunBackupOptions extends RunCommandOptions {
  readonly job: string;
  readonly repository: string;
  /** The command and its arguments (`['restic', 'backup', '--json', '/home']`). */
  readonly command: readonly string[];
  readonly hostname?: string;
  readonly expectedIntervalSeconds?: number;
  readonly target?: RecordTarget;
  /** Clock for the end time, in milliseconds (default Date.now). */
  readonly now?: () => number;
}

/** The command's result and, when recording failed, why. */
export interface RunBackupResult extends CommandResult {
  /** The file written (or Pushgateway grouping path), when recording worked. */
  readonly recordedTo?: string;
  /** One line saying why the metrics could not be recorded. */
  readonly recordError?: string;
}

/** restic's summary in the exporter's terms. */
export function summaryFigures(s: ResticSummary): BackupSummaryFigures {
  return {
    filesNew: s.filesNew,
    filesChanged: s.filesChanged,
    filesUnmodified: s.filesUnmodified,
    dataAddedBytes: s.dataAdded,
    totalFilesProcessed: s.totalFilesProcessed,
    totalBytesProcessed: s.totalBytesProcessed,
  };
}

/**
 * Runs `command` (output passed through, signals forwarded), then `record`s its result; never rejects
 * because of recording: a failure to record comes back as `recordError` beside the command's result.
 * `record` starts loading the exporter at once, so its import time hides inside the command's run.
 */
export async function runThenRecord(
  command: readonly string[],
  options: RunCommandOptions,
  record: (running: Promise<CommandResult>) => Promise<string>,
): Promise<RunBackupResult> {
  const running = runCommand(command, options);
  try {
    return { ...(await running), recordedTo: await record(running) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ...(await running), recordError: message.split('\n')[0] ?? 'failed' };
  }
}

/** Runs the command (output passed through, signals forwarded), then records the run; never rejects because of recording. */
export async function runBackup(options: RunBackupOptions): Promise<RunBackupResult> {
  return runThenRecord(options.command, options, async (running) => {
    // The exporter (encoder, locks) loads while the command runs, so its import time hides inside the backup's.
    const { recordBackup } = await import('../exporter/record.js');
    (await import('../exporter/encode.js')).promClient();
    const result = await running;
    return recordBackup(
      {
        job: options.job,
        repository: options.repository,
        success: result.exitCode === 0,
        durationSeconds: result.durationSeconds,
        exitCode: result.exitCode,
        endedAtMs: (options.now ?? Date.now)(),
        ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
        ...(options.expectedIntervalSeconds === undefined ? {} : { expectedIntervalSeconds: options.expectedIntervalSeconds }),
        ...(result.summary === undefined ? {} : { summary: summaryFigures(result.summary) }),
      },
      options.target ?? {},
    );
  });
}
