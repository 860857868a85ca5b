/**
 * Running a program to completion without blocking the event loop, so that servers the test itself
 * serves (the Alertmanager webhook receiver) keep answering while a command runs.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { UBM_BIN, toolPath } from './tools.js';

/** What a finished process left behind. */
export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bin args` with extra environment variables (PATH holds the local tools); resolves when it exits. */
export function runProcess(bin: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProcessResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, PATH: toolPath(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    // A signal-killed process reports 128 + N, as a shell would.
    child.once('close', (code, signal) => resolveRun({ code: code ?? 128 + (signal === null ? 0 : constants.signals[signal]), stdout, stderr }));
  });
}

/** Runs the built CLI (`node bin/ubm.js ARGS`). */
export function runUbm(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [UBM_BIN, ...args], env);
}
