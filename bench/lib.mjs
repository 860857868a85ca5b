// Shared helpers of the benchmark sections: wall-clock timing of real processes, medians, and the
// machine's description. No timed assertions: the numbers go to bench/RESULTS.md for people to read.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The built CLI. */
export const UBM = join(ROOT, 'bin', 'ubm.js');

/** A private temporary directory. */
export function benchDir(prefix) {
  return mkdtempSync(join(tmpdir(), `ubm-bench-${prefix}-`));
}

/** Runs a command to completion and returns its wall time in milliseconds; throws if it fails. */
export function timeOnce(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const expected = options.expectStatus ?? 0;
  if (result.status !== expected) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr?.toString() ?? ''}`);
  return ms;
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times several commands round-robin (so drifting machine load hits them alike) and returns each
 * one's samples and median. `cases` maps a name to a function that runs once and returns ms.
 */
export function interleaved(cases, rounds, warmup = 1) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const ms = run();
      if (round >= warmup) samples[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, { samples: list, median: median(list) }]));
}

/** Formats milliseconds. */
export function ms(value) {
  return `${value.toFixed(1)} ms`;
}

/** A one-line version of a tool, or "not found". */
function version(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : 'not found';
}

/** The machine's description as a markdown list. */
export function machineDescription() {
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  let os = 'unknown';
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // Not Linux, or no os-release.
  }
  return [
    `- CPUs (nproc): ${cpus().length} × ${cpuModel}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os}`,
    `- Node: ${process.version}`,
    `- restic: ${version('restic', ['version'])}`,
    `- Load average when the run started (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`,
  ].join('\n');
}
