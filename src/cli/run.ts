/**
 * `ubm run --job J --repository R [...] -- COMMAND...`: runs a backup command, records its metrics,
 * and exits with the command's own exit code. Monitoring never blocks a backup: once a command
 * follows `--`, it runs whatever is wrong with ubm's own flags, config or textfile directory; each
 * problem is one line on stderr, the run is recorded if it can be, and a successful command whose
 * monitoring failed exits MONITORING_FAILED_EXIT_CODE, never 0.
 */
import type { ResolvedConfig } from '../config/model.js';
import { resolveHostname } from '../exporter/dirs.js';
import type { RecordTarget } from '../exporter/record.js';
import { MONITORING_FAILED_EXIT_CODE, type RunBackupResult, runBackup, runExitCode } from '../hooks/run-backup.js';
import { runMaintenance } from '../hooks/run-maintenance.js';
import type { MaintenanceOperation } from '../schema/catalog.js';
import { OUTPUT_DRAIN_LIMIT_MS, OUTPUT_IDLE_GRACE_MS, runCommand } from '../hooks/run-command.js';
import { UsageError } from '../util/errors.js';
import { oneLine, quote } from '../util/quote.js';
import { type FlagSpec, type ParsedFlags, parseFlags, renderHelp, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { OPERATION_FLAG, operationFlag, pruneThresholdOf } from './maintenance-flags.js';
import {
  EXPECTED_INTERVAL_FLAG,
  JOB_FLAG,
  REPOSITORY_FLAG,
  configFlag,
  configTargetFlagSpecs,
  durationFlag,
  labelFlag,
  resolveDestination,
  resolveTarget,
} from './target-flags.js';
import { pushHostname } from './push-hostname.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  job: JOB_FLAG,
  operation: { ...OPERATION_FLAG, help: `instead of --job: COMMAND is a maintenance run of the repository (${OPERATION_FLAG.help.replace(/; required$/, '')})` },
  repository: REPOSITORY_FLAG,
  'expected-interval': EXPECTED_INTERVAL_FLAG,
  ...configTargetFlagSpecs,
};

const USAGE = `ubm run --job J --repository R [--textfile-dir DIR | --pushgateway URL] [--config FILE] [--hostname H] [--expected-interval D] -- COMMAND...
       ubm run --operation forget|prune|check --repository R [--textfile-dir DIR | --pushgateway URL] [--config FILE] [--hostname H] -- COMMAND...`;
const DESCRIPTION = `Runs COMMAND (typically \`restic backup --json ...\`) with its input and output passed through, times it,
reads restic's JSON summary when there is one, records the run's metrics and exits with the command's
own exit code (128+N when a signal N killed it; SIGTERM, SIGINT, SIGHUP and SIGQUIT are forwarded to it).
The run ends when COMMAND exits: its output is read on until it ends or stays quiet for ${OUTPUT_IDLE_GRACE_MS} ms (a background
process may hold it open), ${OUTPUT_DRAIN_LIMIT_MS / 1000} s at most. A reader that closes the output early stops only the passing on.

Monitoring never blocks a backup: once COMMAND follows '--', it runs whatever is wrong with these flags,
the config or the textfile directory. Each problem is one line on stderr, and the run is recorded when
the job, the repository and the textfile directory (or Pushgateway) are usable.

With --operation instead of --job, COMMAND is a maintenance run of the repository after the backups:
prune for \`restic forget --prune\` (what NixOS's pruneOpts runs) or \`restic prune\`, forget for a \`restic forget\`
without --prune (it frees no space), check for a \`restic check\`. Its status, duration, exit code and last
success are recorded per repository and operation; a prune given --config also records the repository's
prune stale threshold, derived from its pruneSchedule.

Exit codes: COMMAND's own when it failed; 0 when it succeeded and the run was recorded;
${MONITORING_FAILED_EXIT_CODE} when it succeeded but the run could not be recorded or ubm's own setup had a problem
(stderr says which; restic never exits ${MONITORING_FAILED_EXIT_CODE}); 2 when no COMMAND follows '--' (a usage error: nothing runs).`;

/** Where and how a backup run is recorded, when it can be. */
interface BackupRecording {
  readonly kind: 'backup';
  readonly job: string;
  readonly repository: string;
  readonly hostname: string;
  readonly target: RecordTarget;
  readonly expectedIntervalSeconds?: number;
}

/** Where and how a maintenance run (`--operation`) is recorded, when it can be. */
interface MaintenanceRecording {
  readonly kind: 'maintenance';
  readonly operation: MaintenanceOperation;
  readonly repository: string;
  readonly hostname: string;
  readonly target: RecordTarget;
  readonly staleThresholdSeconds?: number;
}

/** Where and how the run is recorded, when it can be. */
type Recording = BackupRecording | MaintenanceRecording;

/** What `ubm run` knows before the command starts: its own problems, one line each, and the recording when one is possible. */
interface RunSetup {
  readonly problems: readonly string[];
  readonly recording?: Recording;
}

/** An error's first line. */
function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed';
}

/**
 * The flags as far as they can be read, for a command that runs anyway: parsed strictly, else
 * leniently, where an unknown flag is dropped with the value after it, and a flag whose value is
 * missing (`--job` last, or followed by another flag) is `spoilt`: absent, never a value.
 */
function readFlags(flagArgs: readonly string[]): { values: ParsedFlags; problems: string[]; spoilt: ReadonlySet<string> } {
  try {
    const parsed = parseFlags(flagArgs, FLAGS, { usage: USAGE, description: DESCRIPTION, print: () => undefined, positionals: true });
    const values = parsed?.values ?? {};
    const [stray] = parsed?.positionals ?? [];
    return { values, problems: stray === undefined ? [] : [`unexpected argument ${quote(stray)} before '--'`], spoilt: new Set() };
  } catch (err) {
    const problem = firstLine(err);
    const values: ParsedFlags = {};
    const spoilt = new Set<string>();
    for (let i = 0; i < flagArgs.length; i++) {
      const arg = flagArgs[i] ?? '';
      if (!arg.startsWith('-')) continue;
      const eq = arg.indexOf('=');
      const name = (eq === -1 ? arg : arg.slice(0, eq)).replace(/^--?/, '');
      const next = flagArgs[i + 1];
      const nextIsValue = eq === -1 && next !== undefined && !next.startsWith('-');
      const spec = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
      if (spec?.type === 'boolean') values[name] = true;
      else if (spec !== undefined && eq !== -1) values[name] = arg.slice(eq + 1);
      else if (spec !== undefined && nextIsValue) values[name] = next;
      else if (spec !== undefined) spoilt.add(name);
      if (nextIsValue && spec?.type !== 'boolean') i++;
    }
    // The parser names one problem; another flag without its value gets its own line.
    const others = [...spoilt].filter((name) => !problem.includes(quote(`--${name}`))).map((name) => `flag ${quote(`--${name}`)} needs a value`);
    return { values, problems: [problem, ...others], spoilt };
  }
}

/**
 * Where the run is recorded, or no target, with the reason among `problems`, when that is unknown or
 * unusable; and the config, when `--config` names one that loads.
 */
async function recordTarget(values: ParsedFlags, spoilt: ReadonlySet<string>, io: Io, problems: string[]): Promise<{ target?: RecordTarget; config?: ResolvedConfig }> {
  if (spoilt.has('textfile-dir') || spoilt.has('pushgateway')) return {};
  let flags = values;
  let config: ResolvedConfig | undefined;
  let configFailed = spoilt.has('config');
  if (!configFailed) {
    try {
      ({ values: flags, config } = await configFlag('run', values, io));
    } catch (err) {
      problems.push(firstLine(err));
      configFailed = true;
    }
  }
  const named = values['textfile-dir'] !== undefined || values.pushgateway !== undefined || (io.env.UBM_TEXTFILE_DIR ?? '') !== '';
  if (configFailed && !named) {
    // The directory the config names is unknown; node_exporter's default would only be a guess.
    problems.push('no textfile directory to record the run in: the config could not be read, and neither --textfile-dir nor $UBM_TEXTFILE_DIR names one');
    return {};
  }
  const loaded = config === undefined ? {} : { config };
  try {
    return { target: resolveDestination(flags, io), ...loaded };
  } catch (err) {
    problems.push(firstLine(err));
    return loaded;
  }
}

/**
 * The run's hostname label. For a textfile a bad `--hostname` costs only that value: the host's name
 * is the label. A push takes `--hostname`, else the config's `ubm.pushgateway.hostname`, never the
 * machine's name (a pod's changes every run): without one the run is not recorded (undefined, the
 * reason among the problems), and the command still runs.
 */
function runHostname(
  values: ParsedFlags,
  spoilt: ReadonlySet<string>,
  target: RecordTarget | undefined,
  config: ResolvedConfig | undefined,
  read: <T>(name: string, parse: () => T) => T | undefined,
): string | undefined {
  if (target?.pushgateway === undefined) return read('hostname', () => resolveHostname(stringFlag(values, 'hostname'))) ?? resolveHostname(undefined);
  // A --hostname without its value is noted already; the config's may still name the host.
  return read('push-hostname', () => pushHostname(spoilt.has('hostname') ? undefined : stringFlag(values, 'hostname'), config));
}

/** Whether the flags ask for a maintenance run (`--operation`, even one without its value). */
function isMaintenance(values: ParsedFlags, spoilt: ReadonlySet<string>): boolean {
  return values.operation !== undefined || spoilt.has('operation');
}

/** The flags that a maintenance run cannot take, one problem each: --job (which run is it?) and --expected-interval (a backup's). */
function maintenanceConflicts(values: ParsedFlags, spoilt: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (values.job !== undefined || spoilt.has('job')) out.push("--job and --operation exclude each other: --job records a backup job's run, --operation a maintenance run of the repository");
  if (values['expected-interval'] !== undefined || spoilt.has('expected-interval')) {
    out.push("--expected-interval is a backup job's: a prune's threshold comes from the repository's pruneSchedule (give --config)");
  }
  return out;
}

/** Reads the flags, the config and the target without ever refusing: every problem becomes a line. */
async function prepare(flagArgs: readonly string[], io: Io): Promise<RunSetup> {
  const { values, problems, spoilt } = readFlags(flagArgs);
  /** A flag's value, or undefined with its problem noted (a spoilt flag's problem is noted already). */
  const read = <T>(name: string, parse: () => T): T | undefined => {
    if (spoilt.has(name)) return undefined;
    try {
      return parse();
    } catch (err) {
      problems.push(firstLine(err));
      return undefined;
    }
  };
  if (isMaintenance(values, spoilt)) return prepareMaintenance(values, spoilt, io, problems, read);
  const job = read('job', () => labelFlag(values, 'job'));
  const repository = read('repository', () => labelFlag(values, 'repository'));
  // A bad interval costs only that value: the previous interval is carried forward.
  const expectedIntervalSeconds = read('expected-interval', () => durationFlag(values, 'expected-interval'));
  const { target, config } = await recordTarget(values, spoilt, io, problems);
  const hostname = runHostname(values, spoilt, target, config, read);
  if (job === undefined || repository === undefined || target === undefined || hostname === undefined) return { problems };
  return {
    problems,
    recording: { kind: 'backup', job, repository, hostname, target, ...(expectedIntervalSeconds === undefined ? {} : { expectedIntervalSeconds }) },
  };
}

/** prepare() for `--operation`: a maintenance run, never recorded when --job makes it unclear which run it is. */
async function prepareMaintenance(
  values: ParsedFlags,
  spoilt: ReadonlySet<string>,
  io: Io,
  problems: string[],
  read: <T>(name: string, parse: () => T) => T | undefined,
): Promise<RunSetup> {
  const conflicts = maintenanceConflicts(values, spoilt);
  problems.push(...conflicts);
  const operation = read('operation', () => operationFlag(values));
  const repository = read('repository', () => labelFlag(values, 'repository'));
  const { target, config } = await recordTarget(values, spoilt, io, problems);
  const hostname = runHostname(values, spoilt, target, config, read);
  const ambiguous = values.job !== undefined || spoilt.has('job');
  if (operation === undefined || repository === undefined || target === undefined || hostname === undefined || ambiguous) return { problems };
  const staleThresholdSeconds = pruneThresholdOf(config, repository, operation);
  return {
    problems,
    recording: { kind: 'maintenance', operation, repository, hostname, target, ...(staleThresholdSeconds === undefined ? {} : { staleThresholdSeconds }) },
  };
}

/** Without a command nothing runs, so bad flags are the usage error they are for every other command. */
async function refuse(flagArgs: readonly string[], dashes: number, io: Io): Promise<never> {
  const parsed = parseFlags(flagArgs, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout, positionals: true });
  const [stray] = parsed?.positionals ?? [];
  if (stray !== undefined) {
    throw new UsageError(dashes === -1 ? `put the command after '--' (ubm run --job J --repository R -- ${oneLine(stray)} ...)` : `unexpected argument ${quote(stray)} before '--'`);
  }
  const values = parsed?.values ?? {};
  if (values.operation !== undefined) {
    const [conflict] = maintenanceConflicts(values, new Set());
    if (conflict !== undefined) throw new UsageError(conflict);
    operationFlag(values);
  } else {
    labelFlag(values, 'job');
    durationFlag(values, 'expected-interval');
  }
  labelFlag(values, 'repository');
  const checked = await configFlag('run', values, io);
  resolveTarget(checked.values, io, checked.config);
  const example = values.operation === undefined ? '--job J --repository R -- restic backup' : '--operation prune --repository R -- restic forget --prune';
  throw new UsageError(`missing command: put it after '--' (ubm run ${example} ...)`);
}

/** Runs the command and records it as the recording says: a backup job's run or a maintenance run. */
function record(recording: Recording, options: { env: NodeJS.ProcessEnv; cwd: string; command: readonly string[]; now: () => number }): Promise<RunBackupResult> {
  if (recording.kind === 'maintenance') {
    const { kind: _kind, ...maintenance } = recording;
    return runMaintenance({ ...maintenance, ...options });
  }
  const { kind: _kind, ...backup } = recording;
  return runBackup({ ...backup, ...options });
}

/** `ubm run`: flags before `--`, the command after it. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const dashes = argv.indexOf('--');
  const flagArgs = dashes === -1 ? argv : argv.slice(0, dashes);
  const command = dashes === -1 ? [] : argv.slice(dashes + 1);
  if (flagArgs.includes('--help') || flagArgs.includes('-h')) {
    io.stdout(renderHelp(USAGE, DESCRIPTION, FLAGS));
    return 0;
  }
  if (command.length === 0 || command[0] === '') return refuse(flagArgs, dashes, io);

  // One line each, however odd the value quoted in it.
  const say = (line: string): void => io.stderr(`ubm run: ${oneLine(line)}\n`);
  const setup = await prepare(flagArgs, io);
  for (const problem of setup.problems) say(problem);
  const spawnOptions = { env: { ...io.env }, cwd: io.cwd };
  const { recording } = setup;
  if (recording === undefined) {
    const result = await runCommand(command, spawnOptions);
    if (result.startError !== undefined) say(result.startError);
    if (result.outputError !== undefined) say(result.outputError);
    say('the run was not recorded (see above)');
    return runExitCode(result.exitCode, false);
  }
  const result = await record(recording, { ...spawnOptions, command, now: io.now });
  if (result.startError !== undefined) say(result.startError);
  if (result.outputError !== undefined) say(result.outputError);
  // Never turn a failed backup into a success, nor hide a metrics failure behind a successful one.
  if (result.recordError !== undefined) say(`could not record metrics: ${result.recordError}`);
  return runExitCode(result.exitCode, result.recordError === undefined && setup.problems.length === 0);
}
