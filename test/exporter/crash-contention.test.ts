/**
 * The crash-and-contention run: eight writers record runs of one job at once while random ones are
 * SIGKILLed (mid-write, lock held, or between writes) and replaced, and a reader polls the file all
 * along. It must find no partial file, no lost last success and no timestamp going backwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordBackup } from '../../src/exporter/record.js';
import { isExporterTempFile, parseExposition } from '../../src/exporter/textfile.js';
import { metrics } from '../../src/schema/catalog.js';
import { tempDir } from '../support/temp.js';
import { REPO_ROOT } from '../support/tools.js';
import { ubm } from './helpers.js';

const CONTENDER = join(REPO_ROOT, 'test', 'exporter', 'contender.mjs');
const WRITERS = 8;
/** Emits the run waits for (acknowledged writes; the killed ones come on top). */
const EMITS = 200;
/** SIGKILLs the run waits for. */
const KILLS = 20;
/**
 * The run gives up here: a machine too loaded to reach EMITS fails the test rather than run for
 * ever. An idle 2-core machine needs about 5 s.
 */
const MAX_RUN_MS = 40_000;

/** Every metric a backup file of ours holds after any run: one missing means a partial file. */
const ALWAYS = [
  metrics.resticBackupStatus,
  metrics.resticBackupDurationSeconds,
  metrics.resticBackupExitCode,
  metrics.resticBackupLastRunTimestampSeconds,
  metrics.resticBackupFirstRunTimestampSeconds,
  metrics.resticBackupDurationBaselineRuns,
].map((m) => m.name);

/** One writer process: `ready` once loaded (it writes once told to go). */
interface Writer {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  ready: boolean;
}

/** Spare writers kept loaded, so that a killed writer's place is taken at once (Node takes a while to start). */
const SPARES = 3;

/** The job's file, read whole: its samples by name, or why it is not whole. */
function readJobFile(dir: string): { values: Map<string, number> } | { problem: string } | undefined {
  const name = readdirSync(dir).find((n) => n.endsWith('.prom'));
  if (name === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(join(dir, name), 'utf8');
  } catch (err) {
    // Rename is atomic: the file never vanishes once it exists.
    return { problem: `cannot read ${name}: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const values = new Map(parseExposition(text).map((s) => [s.name, s.value]));
    const missing = ALWAYS.filter((m) => !values.has(m));
    return missing.length === 0 ? { values } : { problem: `partial file: no ${missing.join(', ')}` };
  } catch (err) {
    return { problem: `unparsable file: ${err instanceof Error ? err.message : String(err)}` };
  }
}

describe('the crash-and-contention run', () => {
  it('finds no partial file, no lost last success and no backwards timestamp across 200+ emits, random SIGKILLs and 8 writers of one job', async () => {
    const dir = tempDir('crash-contention');
    let acknowledged = 0;
    let kills = 0;
    let reads = 0;
    let partial = 0;
    let lostSuccess = 0;
    let backwards = 0;
    const problems: string[] = [];
    // The newest successful run any writer has acknowledged: the file's last success may never be older.
    let ackedSuccess = 0;
    let lastRun = 0;
    let lastSuccess = 0;

    const spawnWriter = (): Writer => {
      const child = spawn(process.execPath, [CONTENDER, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
      let rest = '';
      const writer: Writer = { child, exited: new Promise<void>((resolve) => child.once('close', () => resolve())), ready: false };
      child.stdout?.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (line === 'ready') writer.ready = true;
          const m = /^ok (\d) (\d+)$/.exec(line);
          if (m === null) continue;
          acknowledged++;
          if (m[1] === '1') ackedSuccess = Math.max(ackedSuccess, Number(m[2]));
        }
      });
      // A killed writer's stdin is gone: writing to it is not a failure of the run.
      child.stdin?.on('error', () => undefined);
      child.stderr?.on('data', (chunk: Buffer) => problems.push(`writer stderr: ${chunk.toString().trim()}`));
      return writer;
    };
    const go = (w: Writer): void => {
      w.child.stdin?.write('go\n');
    };
    const waitReady = async (ws: readonly Writer[]): Promise<void> => {
      while (!ws.every((w) => w.ready)) await new Promise((r) => setTimeout(r, 20));
    };

    /** Reads the file and checks it against everything acknowledged so far. */
    const check = (): void => {
      const acked = ackedSuccess;
      const read = readJobFile(dir);
      if (read === undefined) return;
      reads++;
      if ('problem' in read) {
        partial++;
        problems.push(read.problem);
        return;
      }
      const run = read.values.get(metrics.resticBackupLastRunTimestampSeconds.name) ?? 0;
      const success = read.values.get(metrics.resticBackupLastSuccessTimestamp.name) ?? 0;
      if (run < lastRun || success < lastSuccess) {
        backwards++;
        problems.push(`went back: last run ${lastRun} -> ${run}, last success ${lastSuccess} -> ${success}`);
      }
      if (success < acked) {
        lostSuccess++;
        problems.push(`last success ${success} is older than an acknowledged success at ${acked}`);
      }
      lastRun = Math.max(lastRun, run);
      lastSuccess = Math.max(lastSuccess, success);
    };

    const writers: Writer[] = Array.from({ length: WRITERS }, spawnWriter);
    const spares: Writer[] = Array.from({ length: SPARES }, spawnWriter);
    await waitReady([...writers, ...spares]);
    for (const w of writers) go(w);
    const started = Date.now();
    let nextKill = started + 100;
    while ((acknowledged < EMITS || kills < KILLS) && Date.now() - started < MAX_RUN_MS) {
      check();
      const victim = Math.floor(Math.random() * WRITERS);
      const old = writers[victim];
      const spare = spares.findIndex((w) => w.ready);
      if (Date.now() >= nextKill && old !== undefined && spare >= 0) {
        // Kill anywhere in the write loop: between writes, waiting for the lock, holding it, or halfway through a temp file.
        old.child.kill('SIGKILL');
        kills++;
        const [next] = spares.splice(spare, 1);
        if (next !== undefined) {
          go(next);
          writers[victim] = next;
        }
        spares.push(spawnWriter());
        nextKill = Date.now() + 50 + Math.random() * 200;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const w of [...writers, ...spares]) w.child.kill('SIGKILL');
    await Promise.all([...writers, ...spares].map((w) => w.exited));
    check();

    // A last writer gets through the locks the killed ones left, and the file stays whole.
    const before = Date.now();
    const final = await ubm(['emit', 'backup', '--job', 'home', '--repository', 'nas', '--hostname', 'h', '--status', 'failure', '--duration', '1', '--textfile-dir', dir]);
    expect({ code: final.code, stderr: final.stderr }).toEqual({ code: 0, stderr: '' });
    expect(Date.now() - before).toBeLessThan(5000);
    check();
    const leftovers = readdirSync(dir).filter((n) => isExporterTempFile(n)).length;

    console.info(
      `crash-and-contention: ${acknowledged} emits acknowledged by ${WRITERS} writers of one job, ${kills} SIGKILLs, ${reads} reads: ` +
        `${partial} partial files, ${lostSuccess} lost last-success values, ${backwards} backwards timestamps (${leftovers} temporary files left by killed writers)`,
    );
    expect(problems.slice(0, 5)).toEqual([]);
    expect({ partial, lostSuccess, backwards }).toEqual({ partial: 0, lostSuccess: 0, backwards: 0 });
    expect(acknowledged).toBeGreaterThanOrEqual(EMITS);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
  }, 90_000);
});

describe('last-run times', () => {
  const run = (endedAtMs: number, success: boolean, dir: string): Promise<string> =>
    recordBackup({ job: 'home', repository: 'nas', hostname: 'h', success, durationSeconds: 1, endedAtMs }, { textfileDir: dir });
  const value = (path: string, name: string): number | undefined => parseExposition(readFileSync(path, 'utf8')).find((s) => s.name === name)?.value;
  const T = Date.UTC(2025, 0, 1, 2);

  it.each([
    ['a writer whose clock read is 2 s older than the last write (it waited for the lock)', T - 2000, T / 1000],
    ['a clock 5 minutes behind, the most a waiting writer may be', T - 300_000, T / 1000],
    ['a clock an hour behind, which is a clock that was wrong rather than a writer that waited', T - 3_600_000, (T - 3_600_000) / 1000],
  ])('keeps last run and last success where they were for %s, or moves them', async (_case, later, expected) => {
    const dir = tempDir('monotonic');
    await run(T, true, dir);
    const path = await run(later, true, dir);
    expect([value(path, metrics.resticBackupLastRunTimestampSeconds.name), value(path, metrics.resticBackupLastSuccessTimestamp.name)]).toEqual([expected, expected]);
  });
});
