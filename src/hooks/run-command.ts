/**
 * Runs a wrapped backup command: stdin and stderr inherited, stdout passed through unchanged while
 * scanned for restic's JSON summary, timed, with SIGTERM/SIGINT/SIGHUP forwarded to the child.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import { type ResticSummary, ResticSummaryScanner } from '../sources/restic.js';

/** Signals `ubm run` passes on to the command instead of dying from them. */
export const FORWARDED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** What happened to the command. */
export interface CommandResult {
  /** The exit code a shell would report: the command's own, 128+N when killed by signal N, 127 not found, 126 not executable. */
  readonly exitCode: number;
  /** The signal that killed the command, if one did. */
  readonly signal?: NodeJS.Signals;
  readonly durationSeconds: number;
  /** restic's summary line, when the command printed one. */
  readonly summary?: ResticSummary;
  /** Why the command could not start (not found, not executable), for one line on stderr. */
  readonly startError?: string;
}

/** Options of runCommand. */
export interface RunCommandOptions {
  /** Where the command's stdout goes (default: this process's stdout). */
  readonly stdout?: Writable;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Forward SIGTERM/SIGINT/SIGHUP received by this process to the command (default true). */
  readonly forwardSignals?: boolean;
}

/** The shell's exit code for a death by signal. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Runs `argv[0]` with `argv[1..]`; resolves when it has exited and its output is drained. Never rejects. */
export function runCommand(argv: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const [command, ...args] = argv;
  const out = options.stdout ?? process.stdout;
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  if (command === undefined || command === '') return Promise.resolve({ exitCode: 127, durationSeconds: 0, startError: 'no command given' });
  return new Promise((resolve) => {
    const scanner = new ResticSummaryScanner();
    const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'inherit'], env: options.env ?? process.env, cwd: options.cwd ?? process.cwd() });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    if (options.forwardSignals !== false) for (const s of FORWARDED_SIGNALS) process.on(s, forward);
    const cleanup = (): void => {
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    };
    let settled = false;
    const finish = (result: CommandResult): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(result);
    };
    child.stdout.on('data', (chunk: Buffer) => scanner.push(chunk));
    // pipe() handles backpressure; `end: false` keeps our own stdout open.
    child.stdout.pipe(out, { end: false });
    child.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code === 'ENOENT' ? 127 : err.code === 'EACCES' ? 126 : 1;
      const why = err.code === 'ENOENT' ? 'command not found' : err.code === 'EACCES' ? 'permission denied' : (err.message.split('\n')[0] ?? 'failed');
      finish({ exitCode: code, durationSeconds: elapsed(), startError: `${command}: ${why}` });
    });
    child.once('close', (code, signal) => {
      const durationSeconds = elapsed();
      const summary = scanner.end();
      const base = summary === undefined ? {} : { summary };
      if (signal !== null) finish({ ...base, exitCode: signalExitCode(signal), signal, durationSeconds });
      else finish({ ...base, exitCode: code ?? 1, durationSeconds });
    });
  });
}
