/**
 * Atomicity and serialisation under stress, with real processes: a reader never sees a torn file
 * during 10,000 writes, SIGKILL mid-write leaves a whole file, and concurrent emits lose nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isExporterTempFile, parseExposition } from '../../src/exporter/textfile.js';
import { metrics } from '../../src/schema/catalog.js';
import { tempDir } from '../support/temp.js';
import { REPO_ROOT } from '../support/tools.js';
import { ubm } from './helpers.js';

const WRITER = join(REPO_ROOT, 'test', 'exporter', 'writer.mjs');
const FILE = 'ubm_monitoring_expected_jobs.torture.prom';

/** The job name writer.mjs pairs with a counter value. */
function jobFor(counter: number): string {
  return `w${counter}-${'x'.repeat((counter * 7919) % 1500)}`;
}

/** Reads the writer's file and checks it is whole; returns its counter. Throws on a torn or foreign file. */
function readWhole(path: string): number {
  const samples = parseExposition(readFileSync(path, 'utf8'));
  const counter = samples.find((s) => s.name === metrics.backupMonitoringJobStaleThresholdSeconds.name);
  if (counter === undefined || samples.length !== 3) throw new Error(`incomplete file: ${samples.length} samples`);
  for (const s of samples) {
    if (s.labels.backup_job !== jobFor(counter.value)) throw new Error(`job of ${s.name} does not match counter ${counter.value}`);
  }
  return counter.value;
}

/** Starts writer.mjs; resolves its exit. */
function startWriter(dir: string, count: number): { child: ChildProcess; exited: Promise<number | null>; ready: Promise<void> } {
  const child = spawn(process.execPath, [WRITER, dir, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => {
      if (code !== 0 && signal === null) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, exited, ready };
}

describe('the textfile writer under stress', () => {
  it('never shows a polling reader a partial or unparsable .prom file during 10,000 writes', async () => {
    const dir = tempDir('torture');
    const writes = 10_000;
    const writer = startWriter(dir, writes);
    let done = false;
    void writer.exited.then(() => (done = true));
    let reads = 0;
    let lastSeen = 0;
    const problems: string[] = [];
    while (!done) {
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.prom')) {
          if (!isExporterTempFile(name)) problems.push(`unexpected file ${name}`);
          continue;
        }
        try {
          const counter = readWhole(join(dir, name));
          if (counter < lastSeen) problems.push(`counter went back from ${lastSeen} to ${counter}`);
          lastSeen = counter;
          reads++;
        } catch (err) {
          // The file can vanish only if rename were not atomic: any error here is a failure.
          problems.push(err instanceof Error ? err.message : String(err));
        }
      }
      // Poll every millisecond: fast enough to catch any torn state, without starving the writer of CPU.
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await writer.exited).toBe(0);
    expect(problems.slice(0, 5)).toEqual([]);
    expect(readWhole(join(dir, FILE))).toBe(writes);
    // The reader really ran alongside the writer.
    expect(reads).toBeGreaterThan(1000);
    expect(readdirSync(dir)).toEqual([FILE]);
  }, 120_000);

  it('leaves the old or the new file, never a broken one, when the writer is SIGKILLed at random points', async () => {
    const dir = tempDir('sigkill');
    let last = 0;
    let leftovers = 0;
    for (let round = 0; round < 25; round++) {
      const writer = startWriter(dir, 0);
      // Kill inside the write loop (a write takes 1-3 ms), at a random point of a random write.
      await writer.ready;
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      writer.child.kill('SIGKILL');
      await writer.exited;
      const path = join(dir, FILE);
      if (!existsSync(path)) {
        expect(last).toBe(0);
        continue;
      }
      const counter = readWhole(path);
      expect(counter).toBeGreaterThanOrEqual(last);
      last = counter;
      leftovers += readdirSync(dir).filter((n) => isExporterTempFile(n)).length;
    }
    // A lock or temporary file left by a killed writer never stops the next one.
    const final = startWriter(dir, 1);
    expect(await final.exited).toBe(0);
    expect(readWhole(join(dir, FILE))).toBe(last + 1);
    expect(last).toBeGreaterThan(0);
    console.info(`sigkill: ${last} writes over 25 kills, ${leftovers} leftover temp/lock files seen`);
  }, 120_000);

  it('loses no carry-forward when 8 emits of one job run at once', async () => {
    const dir = tempDir('eight');
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ubm(['emit', 'backup', '--job', 'home', '--repository', 'nas', '--status', 'success', '--duration', String(60 + i), '--hostname', 'h', '--textfile-dir', dir]),
      ),
    );
    expect(runs.map((r) => [r.code, r.stderr])).toEqual(Array.from({ length: 8 }, () => [0, '']));
    const samples = parseExposition(readFileSync(join(dir, 'ubm_restic_backup.h.home.nas.prom'), 'utf8'));
    const value = (name: string): number | undefined => samples.find((s) => s.name === name)?.value;
    // Each successful run folds its predecessor into the baseline: 8 serialised runs leave 7 folded.
    // (Durations within a few percent of each other, so that no run is held out of the baseline as slow, whatever the order.)
    expect(value(metrics.resticBackupDurationBaselineRuns.name)).toBe(7);
    expect(readdirSync(dir)).toEqual(['ubm_restic_backup.h.home.nas.prom']);
  }, 60_000);
});
