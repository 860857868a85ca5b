/**
 * `ubm run --job J --repository R [...] -- COMMAND...`: runs a backup command, records its metrics,
 * and exits with the command's own exit code.
 */
import { runBackup } from '../hooks/run-backup.js';
import { UsageError } from '../util/errors.js';
import { type FlagSpec, parseFlags } from './flags.js';
import type { Io } from './io.js';
import { EXPECTED_INTERVAL_FLAG, JOB_FLAG, REPOSITORY_FLAG, durationFlag, labelFlag, resolveTarget, targetFlagSpecs } from './target-flags.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  job: JOB_FLAG,
  repository: REPOSITORY_FLAG,
  'expected-interval': EXPECTED_INTERVAL_FLAG,
  ...targetFlagSpecs,
};

const USAGE = 'ubm run --job J --repository R [--textfile-dir DIR | --pushgateway URL] [--hostname H] [--expected-interval D] -- COMMAND...';
const DESCRIPTION = `Runs COMMAND (typically \`restic backup --json ...\`) with its input and output passed through, times it,
reads restic's JSON summary when there is one, records the run's metrics and exits with the command's
own exit code (128+N when a signal N killed it; SIGTERM, SIGINT and SIGHUP are forwarded to it).
Flags are checked before COMMAND runs: a usage error exits 2 and runs nothing.`;

/** `ubm run`: flags before `--`, the command after it. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const dashes = argv.indexOf('--');
  const flagArgs = dashes === -1 ? argv : argv.slice(0, dashes);
  const parsed = parseFlags(flagArgs, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout, positionals: true });
  if (parsed === undefined) return 0;
  const [stray] = parsed.positionals;
  if (stray !== undefined) {
    throw new UsageError(dashes === -1 ? `put the command after '--' (ubm run --job J --repository R -- ${stray} ...)` : `unexpected argument '${stray}' before '--'`);
  }
  const job = labelFlag(parsed.values, 'job');
  const repository = labelFlag(parsed.values, 'repository');
  const expectedIntervalSeconds = durationFlag(parsed.values, 'expected-interval');
  const { target, hostname } = resolveTarget(parsed.values, io);
  const command = dashes === -1 ? [] : argv.slice(dashes + 1);
  if (command.length === 0 || command[0] === '') throw new UsageError("missing command: put it after '--' (ubm run --job J --repository R -- restic backup ...)");

  const result = await runBackup({
    job,
    repository,
    command,
    hostname,
    target,
    env: { ...io.env },
    cwd: io.cwd,
    now: io.now,
    ...(expectedIntervalSeconds === undefined ? {} : { expectedIntervalSeconds }),
  });
  if (result.startError !== undefined) io.stderr(`ubm run: ${result.startError}\n`);
  if (result.recordError !== undefined) {
    io.stderr(`ubm run: could not record metrics: ${result.recordError}\n`);
    // Never turn a failed backup into a success, nor hide a metrics failure behind a successful one.
    return result.exitCode === 0 ? 1 : result.exitCode;
  }
  return result.exitCode;
}
