/** Helpers shared by the exporter's suites: spawning the real CLI, in-process Io, directory snapshots. */
import { spawn } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { UBM_BIN, toolPath } from '../support/tools.js';
import { asUnprivilegedUbm } from '../support/unprivileged.js';

/** What a spawned command did. */
export interface Spawned {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for spawning `node bin/ubm.js`. */
export interface UbmOptions {
  readonly env?: Record<string, string | undefined>;
  readonly input?: string | Buffer;
  readonly cwd?: string;
  /** Run as the unprivileged user (uid and gid 65534, through setpriv), from a copy of the CLI it can reach. */
  readonly unprivileged?: boolean;
}

/** Spawns any command and collects its output. */
export function spawnCollect(command: string, args: readonly string[], options: UbmOptions = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: { ...process.env, PATH: toolPath(), ...options.env },
      cwd: options.cwd ?? process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A command that never reads its input closes the pipe early; that is not a failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the built CLI (`node bin/ubm.js ARGS`), optionally as an unprivileged user. */
export function ubm(args: readonly string[], options: UbmOptions = {}): Promise<Spawned> {
  if (options.unprivileged === true) return spawnCollect('setpriv', asUnprivilegedUbm(args), { ...options, cwd: options.cwd ?? '/' });
  return spawnCollect(process.execPath, [UBM_BIN, ...args], options);
}

/** An in-process Io that records output, with a fixed clock. */
export function memoryIo(nowMs: number, env: Record<string, string | undefined> = {}): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env,
    cwd: process.cwd(),
    now: () => nowMs,
    out: () => out,
    err: () => err,
  };
}

/** Every entry of a directory (recursively) with its type, mode and content, to prove nothing changed. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = lstatSync(path);
      const key = `${prefix}${name}`;
      if (st.isDirectory()) {
        out[key] = `dir ${(st.mode & 0o777).toString(8)}`;
        walk(path, `${key}/`);
      } else if (st.isFile()) {
        out[key] = `file ${(st.mode & 0o777).toString(8)} ${st.mtimeMs} ${readFileSync(path, 'utf8')}`;
      } else {
        out[key] = `other ${st.mode.toString(8)}`;
      }
    }
  };
  walk(dir, '');
  return out;
}

/** The samples of an exposition text as `name{labels} value` lines, sorted, for comparisons. */
export function sampleLines(samples: ReadonlyArray<{ name: string; labels: Record<string, string>; value: number }>): string[] {
  return samples
    .map((s) => {
      const labels = Object.entries(s.labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      return `${s.name}{${labels}} ${s.value}`;
    })
    .sort();
}
