/**
 * Drives the real emitter (dist/record.js) through the simulated histories: every run is recorded
 * with `recordBackup` at its simulated end time, the self-check with `recordHealth` every 5 minutes,
 * and the expected job set is written once by the real `ubm health --config` (its thresholds come
 * from the config resolver). After each write the textfile is read back: its content is what
 * node_exporter serves until the next write.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PERIOD_S, START_S } from './population.mjs';

/** The simulated host's name (the hostname label the emitter writes). */
export const HOSTNAME = 'sim-host';
/** The self-check's period, as a timer running `ubm health` every 5 minutes. */
export const HEALTH_EVERY_S = 300;

/** A series' identity inside one history: its name and sorted labels. */
export function seriesKey(name, labels) {
  return `${name}{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;
}

/** A directory for textfiles: in memory when /dev/shm exists (the emitter fsyncs every write). */
function textfileDir() {
  for (const base of ['/dev/shm', tmpdir()]) {
    try {
      const dir = mkdtempSync(join(base, 'ubm-sim-textfiles-'));
      chmodSync(dir, 0o755);
      return dir;
    } catch {
      // try the next place
    }
  }
  throw new Error('no place for a textfile directory');
}

/** Keeps the samples of the wanted metric names from a textfile's text. */
function readBack(parseExposition, path, wanted) {
  const out = new Map();
  for (const s of parseExposition(readFileSync(path, 'utf8'))) {
    if (wanted.has(s.name)) out.set(seriesKey(s.name, s.labels), { name: s.name, labels: s.labels, value: s.value });
  }
  return out;
}

/**
 * The expected job set as the real `ubm health --config` writes it (run once: it only changes with
 * the config): returns its samples of the wanted names.
 */
function expectedSet({ root, parseExposition, config, wanted }) {
  const dir = textfileDir();
  try {
    const cfg = join(dir, 'simulation-config.json');
    writeFileSync(cfg, JSON.stringify(config));
    const tf = join(dir, 'textfiles');
    mkdirSync(tf);
    chmodSync(tf, 0o755);
    try {
      execFileSync(process.execPath, [join(root, 'bin', 'ubm.js'), 'health', '--config', cfg, '--textfile-dir', tf, '--hostname', HOSTNAME], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      // Exit 1 = "unhealthy" (this machine has no node_exporter user): the expected set is written all the same.
      if (err.status !== 1) throw err;
    }
    const file = readdirSync(tf).find((n) => n.startsWith('ubm_monitoring_expected_jobs') && n.endsWith('.prom'));
    if (file === undefined) throw new Error('ubm health --config wrote no expected job set');
    return readBack(parseExposition, join(tf, file), wanted);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Records every job's runs and the self-check through the real recorders; returns the histories:
 * one per textfile, each a list of writes `{ t, samples }` (t in seconds, samples keyed by series).
 * `wanted` holds the metric names kept (those the evaluated rules read).
 */
export async function emitHistories({ root, jobs, runsByJob, days, config, wanted, withExpectedSet = true, log = () => {} }) {
  const dist = await import(pathToFileURL(join(root, 'dist', 'record.js')).href);
  const { parseExposition } = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  const dir = textfileDir();
  const target = { textfileDir: dir, onMigrated: () => {} };
  const histories = [];
  let writes = 0;
  const started = Date.now();
  try {
    for (const job of jobs) {
      const history = { file: job.name, job: job.name, writes: [] };
      for (const run of runsByJob.get(job.name)) {
        const path = await dist.recordBackup(
          {
            job: job.name,
            repository: job.repository,
            hostname: HOSTNAME,
            success: run.success,
            durationSeconds: run.durationS,
            expectedIntervalSeconds: PERIOD_S[job.frequency],
            summary: run.summary,
            endedAtMs: run.endS * 1000,
          },
          target,
        );
        history.writes.push({ t: run.endS, samples: readBack(parseExposition, path, wanted) });
        writes++;
      }
      histories.push(history);
    }
    log(`simulate: ${writes} backup runs recorded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const health = { file: 'health', writes: [] };
    for (let t = START_S; t < START_S + days * 86_400; t += HEALTH_EVERY_S) {
      const path = await dist.recordHealth({ hostname: HOSTNAME, healthy: true, invalidTextfiles: 0, problems: [], endedAtMs: t * 1000 }, target);
      health.writes.push({ t, samples: readBack(parseExposition, path, wanted) });
    }
    histories.push(health);
    if (withExpectedSet) histories.push({ file: 'expected', expectedSet: true, writes: [{ t: START_S, samples: expectedSet({ root, parseExposition, config, wanted }) }] });
    log(`simulate: ${health.writes.length} self-checks recorded; all writes took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return histories;
}
