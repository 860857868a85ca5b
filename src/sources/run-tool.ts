/**
 * Running the backup tools (restic, pgbackrest): find the executable on PATH, spawn it without a
 * shell, collect or stream its output, and time it.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The tool is not installed (not on PATH). */
export class ToolNotFoundError extends Error {
  /** The executable's name. */
  readonly tool: string;
  constructor(tool: string) {
    super(`${tool} not found on PATH`);
    this.name = 'ToolNotFoundError';
    this.tool = tool;
  }
}

/** What a finished tool run left behind. */
export interface ToolResult {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Collected stdout (empty when it was streamed to `onStdout`). */
  readonly stdout: string;
  /** The last 64 KiB of stderr. */
  readonly stderr: string;
  readonly durationSeconds: number;
}

/** How to run a tool. */
export interface RunOptions {
  /** The environment of the child (also its PATH for lookup). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Receives stdout as it arrives instead of collecting it (for large listings and file contents). */
  readonly onStdout?: (chunk: Buffer) => void;
}

const STDERR_KEEP = 64 * 1024;

/** Returns the absolute path of an executable named `name` on `pathEnv`, or undefined. */
export function findExecutable(name: string, pathEnv: string | undefined): string | undefined {
  const candidates = isAbsolute(name) ? [name] : (pathEnv ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}

/** Like findExecutable, but throws ToolNotFoundError when the tool is missing. */
export function requireExecutable(name: string, pathEnv: string | undefined): string {
  const found = findExecutable(name, pathEnv);
  if (found === undefined) throw new ToolNotFoundError(name);
  return found;
}

/** Runs `file` with `args` (no shell) and resolves when it exits; rejects only when it cannot be started. */
export async function runTool(file: string, args: readonly string[], options: RunOptions): Promise<ToolResult> {
  const started = process.hrtime.bigint();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout !== undefined) options.onStdout(chunk);
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new ToolNotFoundError(file) : e);
    });
    child.once('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: err,
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
  });
}
