/**
 * Runs a wrapped backup command: stdin and stderr inherited, stdout passed through unchanged while
 * scanned for restic's JSON summary, timed, with SIGTERM/SIGINT/SIGHUP/SIGQUIT forwarded to the child.
 * Its end is the command's exit: neither a broken stdout nor a grandchild that holds the output pipe
 * open can hold it up or take it down.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import { type ResticSummary, ResticSummaryScanner } from '../sources/restic.js';

/** Signals `ubm run` passes on to the command instead of dying from them. */
export const FORWARDED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * After the command exits, how long its output may stay quiet before we stop reading it (ms). The
 * output normally ends with the command; a background grandchild that inherited the pipe keeps it
 * open, and must not keep `ubm run` (and the backup unit) waiting.
 */
export const OUTPUT_IDLE_GRACE_MS = 200;

/** After the command exits, the longest we keep passing on output that is still flowing (ms). */
export const OUTPUT_DRAIN_LIMIT_MS = 5_000;

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
  /**
   * Why the command's output stopped being passed on (our stdout failed, other than a reader that
   * went away, EPIPE, which is the reader's choice); the rest was read and discarded.
   */
  readonly outputError?: string;
}

/** Options of runCommand. */
export interface RunCommandOptions {
  /** Where the command's stdout goes (default: this process's stdout). */
  readonly stdout?: Writable;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Forward SIGTERM/SIGINT/SIGHUP/SIGQUIT received by this process to the command (default true). */
  readonly forwardSignals?: boolean;
}

/** The shell's exit code for a death by signal. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** A start failure as a shell reports it: 127 not found, 126 not executable, else 126 with the reason. */
function startFailure(command: string, err: unknown, durationSeconds: number): CommandResult {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const why = code === 'ENOENT' ? 'command not found' : code === 'EACCES' ? 'permission denied' : ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed');
  return { exitCode: code === 'ENOENT' ? 127 : 126, durationSeconds, startError: `${command}: ${why}` };
}

/**
 * Runs `argv[0]` with `argv[1..]`; resolves when it has exited and its output has drained (or gone
 * quiet for OUTPUT_IDLE_GRACE_MS). Never rejects.
 */
export function runCommand(argv: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const [command, ...args] = argv;
  const out = options.stdout ?? process.stdout;
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  if (command === undefined || command === '') return Promise.resolve({ exitCode: 127, durationSeconds: 0, startError: 'no command given' });
  let child: ChildProcessByStdio<null, Readable, null>;
  try {
    child = spawn(command, args, { stdio: ['inherit', 'pipe', 'inherit'], env: options.env ?? process.env, cwd: options.cwd ?? process.cwd() });
  } catch (err) {
    // Arguments Node refuses outright (a NUL byte): nothing ran.
    return Promise.resolve(startFailure(command, err, elapsed()));
  }
  const output = child.stdout;
  return new Promise((resolve) => {
    const scanner = new ResticSummaryScanner();
    let forwarding = true;
    let outputError: string | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null; durationSeconds: number } | undefined;
    let outputEnded = false;
    let idle: NodeJS.Timeout | undefined;
    let limit: NodeJS.Timeout | undefined;
    let settled = false;

    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    if (options.forwardSignals !== false) for (const s of FORWARDED_SIGNALS) process.on(s, forward);

    const finish = (result: CommandResult): void => {
      if (settled) return;
      settled = true;
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      clearTimeout(idle);
      clearTimeout(limit);
      // A stdout that failed keeps our listener: its 'error' event may still be on its way.
      if (forwarding) out.off('error', onOutError);
      out.off('drain', onDrain);
      // A grandchild may still hold the pipe: stop reading it (it gets EPIPE if it writes again).
      if (!outputEnded) output.destroy();
      resolve(result);
    };
    const finishExited = (): void => {
      if (exited === undefined) return;
      const summary = scanner.end();
      const { code, signal, durationSeconds } = exited;
      const extra = { ...(summary === undefined ? {} : { summary }), ...(outputError === undefined ? {} : { outputError }) };
      if (signal !== null) finish({ ...extra, exitCode: signalExitCode(signal), signal, durationSeconds });
      else finish({ ...extra, exitCode: code ?? 1, durationSeconds });
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      if (exited !== undefined && !settled) idle = setTimeout(finishExited, OUTPUT_IDLE_GRACE_MS);
    };

    // Our stdout failed (the reader went away, a full disk): stop passing output on, keep draining the command.
    function onOutError(err: unknown): void {
      if (!forwarding) return;
      forwarding = false;
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
      if (code !== 'EPIPE') outputError = `cannot pass the command's output on (${code === '' ? 'error' : code}); the rest is discarded`;
      out.off('drain', onDrain);
      output.resume();
      armIdle();
    }
    function onDrain(): void {
      output.resume();
      armIdle();
    }
    // Our stdout can no longer be written (an earlier failure destroyed it, or it was ended): no 'drain' would come.
    const broken = (): boolean => out.destroyed || out.writableEnded;
    out.on('error', onOutError);

    output.on('data', (chunk: Buffer) => {
      scanner.push(chunk);
      armIdle();
      if (forwarding && broken()) onOutError(out.errored);
      if (!forwarding) return;
      let flowing: boolean;
      try {
        flowing = out.write(chunk);
      } catch (err) {
        onOutError(err);
        return;
      }
      // A write that failed at once destroys the stream before its 'error' event: no 'drain' will come.
      if (!flowing && broken()) onOutError(out.errored);
      else if (!flowing) {
        // Backpressure from our reader: wait for it, not for the idle grace.
        output.pause();
        clearTimeout(idle);
        out.once('drain', onDrain);
      }
    });
    const onOutputEnd = (): void => {
      outputEnded = true;
      finishExited();
    };
    output.once('end', onOutputEnd);
    output.once('error', onOutputEnd);

    child.once('error', (err) => {
      // Only a failure to start ends the run here; a failed kill of a running command changes nothing.
      if (child.pid === undefined) finish(startFailure(command, err, elapsed()));
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal, durationSeconds: elapsed() };
      if (outputEnded) {
        finishExited();
        return;
      }
      armIdle();
      limit = setTimeout(finishExited, OUTPUT_DRAIN_LIMIT_MS);
    });
  });
}
