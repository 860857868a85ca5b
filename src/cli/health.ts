/**
 * `ubm health`: the monitoring self-check. The textfile directory must exist and be writable and
 * every `.prom` in it must be readable by node_exporter; our temporary files older than an hour
 * and (with --config) the files of jobs no longer configured are removed; the result, and the
 * host's expected job set, are written as metrics.
 */
import { closeSync, lstatSync, openSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { record, recordHealth } from '../exporter/record.js';
import { textfileDirProblem } from '../exporter/dirs.js';
import { tempPathFor } from '../exporter/filename.js';
import { DEFAULT_TEXTFILE_DIR, resolveHostname, resolveTextfileDir } from '../exporter/textfile.js';
import { metrics } from '../schema/catalog.js';
import { monitoringExpectedJobsGroup } from '../groups/monitoring-expected-jobs.js';
import { type TextFile, judgeTextfiles, staleJobFiles, staleTempFiles } from '../hooks/textfile-health.js';
import { SECONDS_PER_HOUR } from '../util/duration.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { loadOptionalConfig, withConfigTextfileDir } from './optional-config.js';

/** Age after which a temporary or lock file of ours is a leftover: a write takes milliseconds, a lock is broken after a minute. */
export const TEMP_FILE_MAX_AGE_SECONDS = SECONDS_PER_HOUR;

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: 'string', value: 'FILE', help: 'backup config: writes the expected job set and removes files of jobs it no longer lists' },
  'textfile-dir': { type: 'string', value: 'DIR', help: `textfile directory (default $UBM_TEXTFILE_DIR, else the config's, else ${DEFAULT_TEXTFILE_DIR})` },
  hostname: { type: 'string', value: 'H', help: "hostname label (default: this host's name)" },
};

const USAGE = 'ubm health [--config FILE] [--textfile-dir DIR]';
const DESCRIPTION = `The monitoring self-check: the textfile directory exists and is writable, every .prom file in it
parses (each bad file is named on stderr), families keep one HELP and TYPE across files, and no
sample carries a timestamp. Removes our temporary files older than ${TEMP_FILE_MAX_AGE_SECONDS / SECONDS_PER_HOUR}h and, with --config, the
restic_backup files of jobs the config no longer lists; writes ${metrics.backupMonitoringHealthy.name},
${metrics.backupMonitoringLastCheck.name} and the expected job set. Exit 0 healthy, 1 unhealthy, 2 usage or config error.`;

/** Why the directory cannot hold our files, or undefined when it can (checked by writing a probe, which is honest even for root). */
function directoryProblem(dir: string): string | undefined {
  const missing = textfileDirProblem(dir);
  if (missing !== undefined) return missing;
  // The probe has a temporary file's name, so a crash here leaves nothing that a later check would not remove.
  const probe = tempPathFor(join(dir, 'ubm_health_probe.prom'));
  try {
    closeSync(openSync(probe, 'wx', 0o644));
    unlinkSync(probe);
  } catch (err) {
    return `textfile directory ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return undefined;
}

/** Removes files by name, ignoring ones that vanished meanwhile; returns those removed. */
function removeAll(dir: string, names: readonly string[]): string[] {
  const removed: string[] = [];
  for (const name of names) {
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}

/** The directory's entries with their modification times (lstat: a symlink's own time). */
function listEntries(dir: string): { name: string; mtimeMs: number }[] {
  const out: { name: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    try {
      out.push({ name, mtimeMs: lstatSync(join(dir, name)).mtimeMs });
    } catch {
      // Vanished between readdir and lstat (an atomic rename): not ours to judge.
    }
  }
  return out;
}

/** Reads every `.prom` file node_exporter would read (regular files, symlinks followed); unreadable ones become findings. */
function readPromFiles(dir: string): { files: TextFile[]; unreadable: { file: string; message: string }[] } {
  const files: TextFile[] = [];
  const unreadable: { file: string; message: string }[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.prom')).sort()) {
    const path = join(dir, name);
    try {
      if (!statSync(path).isFile()) continue;
      files.push({ name, text: readFileSync(path, 'utf8') });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') unreadable.push({ file: name, message: `cannot read (${code ?? 'error'})` });
    }
  }
  return { files, unreadable };
}

/** `ubm health`: see DESCRIPTION. */
export async function health(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const config = loadOptionalConfig('health', stringFlag(v, 'config'), io);
  const dir = resolveTextfileDir(stringFlag(withConfigTextfileDir(v, config, io), 'textfile-dir'), io.env);
  const hostname = resolveHostname(stringFlag(v, 'hostname'));

  const problem = directoryProblem(dir);
  if (problem !== undefined) {
    // Nothing can be recorded; the alert on a stopped self-check (backup_monitoring_last_check) covers this.
    io.stderr(`ubm health: ${problem}\n`);
    return 1;
  }
  const nowMs = io.now();
  for (const name of removeAll(dir, staleTempFiles(listEntries(dir), nowMs, TEMP_FILE_MAX_AGE_SECONDS * 1000))) {
    io.stdout(`removed ${name}: temporary file older than ${TEMP_FILE_MAX_AGE_SECONDS / SECONDS_PER_HOUR}h\n`);
  }
  const target = { textfileDir: dir };
  if (config !== undefined) {
    const jobs = config.jobs.map((j) => ({ name: j.name, repository: j.repository, staleThresholdSeconds: j.staleThresholdSeconds, slowMultiplier: j.slowMultiplier }));
    for (const name of removeAll(dir, staleJobFiles(dir, readdirSync(dir), jobs))) {
      io.stdout(`removed ${name}: its job is no longer in the config\n`);
    }
    await record(target, monitoringExpectedJobsGroup, { hostname, jobs });
  }

  const { files, unreadable } = readPromFiles(dir);
  const findings = [...unreadable, ...judgeTextfiles(files)];
  for (const f of findings) io.stderr(`ubm health: ${f.file}: ${f.message}\n`);
  const invalid = new Set(findings.map((f) => f.file)).size;
  await recordHealth({ healthy: findings.length === 0, invalidTextfiles: invalid, hostname, endedAtMs: io.now() }, target);
  return findings.length === 0 ? 0 : 1;
}
