/**
 * `ubm emit backup --from-systemd`: records a backup unit's run from its `ExecStopPost=`, so that a
 * unit whose `ExecStart=` lines belong to someone else (NixOS's `services.restic.backups`) is
 * recorded without changing one of them.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { summaryFigures } from '../hooks/run-backup.js';
import { findResticSummary, type ResticSummary } from '../sources/restic.js';
import { journalResticSummary, serviceRunFromEnv, unitElapsedSeconds } from '../sources/systemd.js';
import { UsageError } from '../util/errors.js';
import { oneLine } from '../util/quote.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { EXPECTED_INTERVAL_FLAG, JOB_FLAG, REPOSITORY_FLAG, configTargetFlagSpecs, durationFlag, configFlag, labelFlag, resolveTarget } from './target-flags.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  'from-systemd': { type: 'boolean', help: 'take the result from systemd (this mode)' },
  job: JOB_FLAG,
  repository: REPOSITORY_FLAG,
  unit: { type: 'string', value: 'UNIT', help: "the unit whose run is recorded, for its start time: write %n (required unless --duration)" },
  'expected-interval': EXPECTED_INTERVAL_FLAG,
  duration: { type: 'string', value: 'SECONDS', help: 'wall time of the run (default: since the unit started, from systemctl show)' },
  'summary-file': { type: 'string', value: 'FILE', help: "read restic's --json summary from FILE instead of the journal" },
  ...configTargetFlagSpecs,
};

const USAGE = 'ubm emit backup --from-systemd --job J --repository R --unit %n [--expected-interval D] [--textfile-dir DIR] [--hostname H]';
const DESCRIPTION = `Records the run of a backup unit from its ExecStopPost= line, leaving its ExecStart= lines as they are:
  status     $SERVICE_RESULT (success, else failure: a failed forget or check after the backup counts too)
  exit code  $EXIT_STATUS, or 128+N when $EXIT_CODE says signal N killed it
  duration   from the unit's start (systemctl show --property=InactiveExitTimestampMonotonic UNIT) to now;
             if systemd cannot say, restic's own total_duration
  figures    restic's --json summary line in the journal of this run ($INVOCATION_ID); none without --json
Example: ExecStopPost=+/usr/local/bin/ubm emit backup --from-systemd --unit %n --job system-home --repository nas-primary`;

/** Waits this long for journald to catch up once, when a successful run's summary is not in the journal yet. */
const JOURNAL_RETRY_MS = 1000;

/** The summary from --summary-file, or from the journal of this invocation (warnings on stderr, never fatal). */
async function readSummary(file: string | undefined, success: boolean, io: Io): Promise<ResticSummary | undefined> {
  if (file !== undefined) {
    try {
      return findResticSummary(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`--summary-file ${oneLine(file)}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  const invocation = io.env.INVOCATION_ID;
  if (invocation === undefined || invocation === '') {
    io.stderr('ubm emit: $INVOCATION_ID is not set: no restic summary recorded\n');
    return undefined;
  }
  let reading = await journalResticSummary(invocation, io.env);
  // restic's last line can still be on its way to journald when ExecStopPost= starts.
  if (success && 'value' in reading && reading.value === undefined) {
    await sleep(JOURNAL_RETRY_MS);
    reading = await journalResticSummary(invocation, io.env);
  }
  if ('problem' in reading) {
    io.stderr(`ubm emit: ${reading.problem}: no restic summary recorded\n`);
    return undefined;
  }
  return reading.value;
}

/** `ubm emit backup --from-systemd ...`. */
export async function emitFromSystemd(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const job = labelFlag(v, 'job');
  const repository = labelFlag(v, 'repository');
  const expectedIntervalSeconds = durationFlag(v, 'expected-interval');
  const givenDuration = durationFlag(v, 'duration');
  const unit = stringFlag(v, 'unit');
  const summaryFile = stringFlag(v, 'summary-file');
  if (givenDuration === undefined && unit === undefined) throw new UsageError('give --unit %n (the unit whose start time is read) or --duration');
  const run = serviceRunFromEnv(io.env);
  if (typeof run === 'string') throw new UsageError(run);
  const { values, config } = await configFlag('emit', v, io);
  const { target, hostname } = resolveTarget(values, io, config);

  const summary = await readSummary(summaryFile, run.success, io);
  let durationSeconds = givenDuration;
  if (durationSeconds === undefined && unit !== undefined) {
    const elapsed = await unitElapsedSeconds(unit, io.env);
    if ('value' in elapsed) durationSeconds = elapsed.value;
    else if (summary?.totalDuration !== undefined) {
      io.stderr(`ubm emit: ${elapsed.problem}: recording restic's total_duration instead\n`);
      durationSeconds = summary.totalDuration;
    } else throw new Error(`${elapsed.problem}: no duration to record (give --duration)`);
  }
  if (durationSeconds === undefined) throw new UsageError('no duration: give --unit %n or --duration');

  const { recordBackup } = await import('../exporter/record.js');
  await recordBackup(
    {
      job,
      repository,
      success: run.success,
      durationSeconds,
      hostname,
      endedAtMs: io.now(),
      ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
      ...(expectedIntervalSeconds === undefined ? {} : { expectedIntervalSeconds }),
      ...(summary === undefined ? {} : { summary: summaryFigures(summary) }),
    },
    target,
  );
  return 0;
}
