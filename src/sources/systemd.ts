/**
 * Readers of what systemd tells an `ExecStopPost=` command about the run that just ended: the
 * service result and exit status from the environment, the unit's start time from `systemctl show`,
 * and the invocation's output (restic's `--json` summary) from the journal.
 */
import { constants } from 'node:os';
import { type ResticSummary, ResticSummaryScanner } from './restic.js';
import { findExecutable, runTool } from './run-tool.js';
import { oneLine, quote } from '../util/quote.js';

/** The result of a service run as systemd hands it to `ExecStopPost=`. */
export interface ServiceRun {
  /** True when `$SERVICE_RESULT` is `success`. */
  readonly success: boolean;
  /** The shell-style exit code: the process's own, or 128+N when signal N killed it; undefined when no process ran. */
  readonly exitCode: number | undefined;
  /** `$SERVICE_RESULT` itself (`success`, `exit-code`, `signal`, `timeout`, `core-dump`, `watchdog`, `resources`, ...). */
  readonly serviceResult: string;
}

/** Values systemd documents for `$SERVICE_RESULT` (systemd.exec(5)); anything else is not systemd's. */
const SERVICE_RESULTS = new Set(['success', 'protocol', 'timeout', 'exit-code', 'signal', 'core-dump', 'watchdog', 'start-limit-hit', 'resources', 'oom-kill']);

/**
 * Reads `$SERVICE_RESULT`, `$EXIT_CODE` and `$EXIT_STATUS`. Returns a string naming the problem
 * when they are missing or not systemd's (the command was not run from `ExecStopPost=`).
 */
export function serviceRunFromEnv(env: Readonly<Record<string, string | undefined>>): ServiceRun | string {
  const serviceResult = env.SERVICE_RESULT;
  if (serviceResult === undefined || serviceResult === '') return '$SERVICE_RESULT is not set: run this from the unit\'s ExecStopPost=';
  if (!SERVICE_RESULTS.has(serviceResult)) return `$SERVICE_RESULT ${quote(serviceResult)} is not a systemd service result`;
  const how = env.EXIT_CODE;
  const status = env.EXIT_STATUS;
  let exitCode: number | undefined;
  if (how === 'exited') {
    exitCode = status !== undefined && /^\d+$/.test(status) ? Number(status) : undefined;
    if (exitCode === undefined || exitCode > 255) return `$EXIT_STATUS ${quote(status ?? '')} is not an exit status`;
  } else if (how === 'killed' || how === 'dumped') {
    // systemd gives the signal's name without SIG (TERM, KILL); older versions may give its number.
    const number = status !== undefined && /^\d+$/.test(status) ? Number(status) : constants.signals[`SIG${status ?? ''}` as NodeJS.Signals];
    if (number === undefined) return `$EXIT_STATUS ${quote(status ?? '')} is not a signal`;
    exitCode = 128 + number;
  }
  return { success: serviceResult === 'success', exitCode, serviceResult };
}

/** A tool's first line of stderr without its closing full stop, or undefined when it printed nothing. */
function firstLine(stderr: string): string | undefined {
  const line = stderr.trim().split('\n')[0]?.trim().replace(/\.$/, '');
  return line === undefined || line === '' ? undefined : oneLine(line);
}

/** Parses `systemctl show --value` output of a `*TimestampMonotonic` property (microseconds; 0 = never). */
export function parseMonotonicMicros(text: string): bigint | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value)) return undefined;
  const micros = BigInt(value);
  return micros > 0n ? micros : undefined;
}

/** How a read from systemd went: a value, or one line saying why there is none. */
export type Reading<T> = { readonly value: T } | { readonly problem: string };

/**
 * Seconds since `unit` left the inactive state (the start of its run, ExecStartPre= included),
 * read from `systemctl show` on systemd's monotonic clock, which is also Node's hrtime clock.
 */
export async function unitElapsedSeconds(unit: string, env: Readonly<Record<string, string | undefined>>): Promise<Reading<number>> {
  const systemctl = findExecutable('systemctl', env.PATH);
  if (systemctl === undefined) return { problem: 'systemctl not found on PATH' };
  const r = await runTool(systemctl, ['show', '--property=InactiveExitTimestampMonotonic', '--value', '--', unit], { env });
  const nowMicros = process.hrtime.bigint() / 1000n;
  if (r.code !== 0) return { problem: `systemctl show ${oneLine(unit)} failed: ${firstLine(r.stderr) ?? `exit ${String(r.code)}`}` };
  const started = parseMonotonicMicros(r.stdout);
  if (started === undefined || started > nowMicros) return { problem: `systemctl show ${oneLine(unit)} gave no start time (is it the unit's own name, %n?)` };
  return { value: Number(nowMicros - started) / 1e6 };
}

/** restic's `--json` summary among the journal lines of one invocation of a unit, if it printed one. */
export async function journalResticSummary(invocationId: string, env: Readonly<Record<string, string | undefined>>): Promise<Reading<ResticSummary | undefined>> {
  if (!/^[0-9a-f]{32}$/.test(invocationId)) return { problem: `$INVOCATION_ID ${quote(invocationId)} is not a systemd invocation ID` };
  const journalctl = findExecutable('journalctl', env.PATH);
  if (journalctl === undefined) return { problem: 'journalctl not found on PATH' };
  const scanner = new ResticSummaryScanner();
  const r = await runTool(journalctl, [`_SYSTEMD_INVOCATION_ID=${invocationId}`, '--output=cat', '--no-pager', '--quiet'], {
    env,
    onStdout: (chunk) => scanner.push(chunk),
  });
  if (r.code !== 0) return { problem: `journalctl failed: ${firstLine(r.stderr) ?? `exit ${String(r.code)}`}` };
  return { value: scanner.end() };
}
