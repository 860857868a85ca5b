/**
 * `ubm health`: the monitoring self-check. The textfile directory must exist and be writable, and
 * node_exporter's user must be able to list it and read every `.prom` in it, each parsing as
 * strictly as node_exporter parses and none clashing with another; nobody else may write them. Our
 * temporary files older than an hour are removed, this host's files of the older name (without the
 * hostname) get today's; with --config, the host's expected job set is written, and files of jobs
 * the config does not list are reported, and removed only once older than the retention. The
 * result is written as metrics, also when the config is invalid.
 */
import { closeSync, lstatSync, openSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { NODE_EXPORTER_USER } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/model.js';
import { record, recordHealth } from '../exporter/record.js';
import { textfileDirProblem } from '../exporter/dirs.js';
import { groupFilePath, tempPathFor } from '../exporter/filename.js';
import { decodeUtf8Strict } from '../exporter/parse.js';
import { DEFAULT_TEXTFILE_DIR, type OwnFile, migrateLegacyFile, recogniseOwnFile, resolveHostname, resolveTextfileDir } from '../exporter/textfile.js';
import { type MonitoringProblem, metrics } from '../schema/catalog.js';
import { monitoringExpectedJobsGroup } from '../groups/monitoring-expected-jobs.js';
import { configuredChecks } from '../config/expected-checks.js';
import { type Reader, directoryAccessProblem, fileAccessProblem, lookupReader, primaryGidLookup, writableByOthersAt } from '../hooks/textfile-access.js';
import { type JobFile, type TextFile, type TextfileFinding, judgeTextfiles, staleTempFiles, unexpectedJobFiles } from '../hooks/textfile-health.js';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from '../util/duration.js';
import { oneLine } from '../util/quote.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { expectedJobs, loadHealthConfig } from './health-config.js';
import { withConfigTextfileDir } from './optional-config.js';

/** Age after which a temporary or lock file of ours is a leftover: a write takes milliseconds, a lock is broken after a minute. */
export const TEMP_FILE_MAX_AGE_SECONDS = SECONDS_PER_HOUR;

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: 'string', value: 'FILE', help: 'backup config: writes the expected job set and reports files of jobs it does not list' },
  'textfile-dir': { type: 'string', value: 'DIR', help: `textfile directory (default $UBM_TEXTFILE_DIR, else the config's, else ${DEFAULT_TEXTFILE_DIR})` },
  pushgateway: {
    type: 'string',
    value: 'URL',
    help: "push the self-check's result (and, with --config, the expected set) to this Pushgateway instead; no textfile directory is judged; needs --hostname or the config's ubm.pushgateway.hostname",
  },
  hostname: { type: 'string', value: 'H', help: "hostname label (default: this host's name; with --pushgateway: the config's ubm.pushgateway.hostname, else required)" },
  'node-exporter-user': {
    type: 'string',
    value: 'USER',
    help: `the user (name or uid) node_exporter runs as, whose view of the files is judged (default: the config's ubm.nodeExporterUser, else ${NODE_EXPORTER_USER})`,
  },
};

const USAGE = `ubm health [--config FILE] [--textfile-dir DIR] [--node-exporter-user USER] [--hostname H]
       ubm health --pushgateway URL [--config FILE] [--hostname H]`;
const DESCRIPTION = `The monitoring self-check, judging the textfile directory as node_exporter (running as its own
user) sees it: the directory and every .prom file are reachable and readable by that user (symlinks
followed), every file parses as strictly as node_exporter parses (no CRLF, a final newline, UTF-8, no
timestamps), families keep one HELP and TYPE across files and no series is in two files; none is
world-writable or group-writable by a group other than root's and its owner's own. Each problem
names its file on stderr.
Removes our temporary files older than ${TEMP_FILE_MAX_AGE_SECONDS / SECONDS_PER_HOUR}h, and gives this host's files of the older name
(without the hostname) today's name. With --config, writes the expected job set and reports this
host's files of jobs the config does not list (${metrics.backupMonitoringUnexpectedJob.name}); such a file is removed,
and named, only once its last write is older than monitoring.textfileCollector.retentionDays.
Writes ${metrics.backupMonitoringHealthy.name}, ${metrics.backupMonitoringLastCheck.name} and ${metrics.backupMonitoringProblem.name}
(a fixed set of reasons), also when the config is invalid.
With --pushgateway (a host that pushes, such as a Kubernetes CronJob), no directory is judged: it pushes
${metrics.backupMonitoringHealthy.name} (0 with the config_invalid reason when the config is invalid) and, with --config,
the expected set, each group its own push that replaces only that group. The hostname is --hostname, else the
config's ubm.pushgateway.hostname; never this machine's name, which a pod changes every run.
Exit 0 healthy, 1 unhealthy or the Pushgateway failed, 2 usage error or invalid config (the metrics are still written then).`;

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

/** The `.prom` names node_exporter reads, in its order. */
function promNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.prom'))
    .sort();
}

/** Our own regular files among the `.prom` files, recognised by name and content, with their modification times. */
function ownFiles(dir: string): Array<OwnFile & { name: string; mtimeMs: number }> {
  const out: Array<OwnFile & { name: string; mtimeMs: number }> = [];
  for (const name of promNames(dir)) {
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isFile()) continue;
      const own = recogniseOwnFile(name, decodeUtf8Strict(readFileSync(path)));
      if (own !== undefined) out.push({ ...own, name, mtimeMs: st.mtimeMs });
    } catch {
      // Vanished, unreadable or not UTF-8: not recognisably ours; the judging below names it if it matters.
    }
  }
  return out;
}

/**
 * Judges each `.prom` file as node_exporter's user reads it: reachable and readable (else it is
 * left out of the parse, as node_exporter leaves it out), written by nobody but its owner, and then
 * parsed and compared across files. `reader` undefined: the directory itself is the finding, and
 * each file's content is judged as if it were readable.
 */
function judgeFiles(dir: string, reader: Reader | undefined, ownerGid: (uid: number) => number | undefined): TextfileFinding[] {
  const findings: TextfileFinding[] = [];
  const readable: TextFile[] = [];
  for (const name of promNames(dir)) {
    const path = join(dir, name);
    const access = reader === undefined ? undefined : fileAccessProblem(dir, name, reader);
    if (access !== undefined) {
      findings.push({ file: name, message: access, problem: 'textfile_unreadable' });
      continue;
    }
    const writable = writableByOthersAt(path, ownerGid);
    if (writable !== undefined) findings.push({ file: name, message: writable, problem: 'textfile_writable_by_others' });
    try {
      // A directory named *.prom reads as empty to node_exporter: nothing to judge.
      if (!statSync(path).isFile()) continue;
      readable.push({ name, bytes: readFileSync(path) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') findings.push({ file: name, message: `cannot read (${code ?? 'error'})`, problem: 'textfile_unreadable' });
    }
  }
  return [...findings, ...judgeTextfiles(readable)];
}

/** The date a kept file of an unexpected job will be removed at, for messages. */
function removalDate(mtimeMs: number, retentionMs: number): string {
  return new Date(mtimeMs + retentionMs).toISOString().slice(0, 10);
}

/**
 * This host's files of jobs the config does not list: those whose last write is older than the
 * retention are removed, each named on stdout; the others are named on stderr and returned.
 */
function sortUnexpectedJobs(dir: string, config: ResolvedConfig, hostname: string, io: Io): readonly JobFile[] {
  const files: JobFile[] = ownFiles(dir)
    .filter((f) => f.group === 'restic_backup' && !f.legacy && f.hostname === hostname)
    .map((f) => ({ file: f.name, name: f.key.backup_job ?? '', repository: f.key.repository ?? '', mtimeMs: f.mtimeMs }));
  const days = config.monitoring.retentionDays;
  const retentionMs = days * SECONDS_PER_DAY * 1000;
  const { kept, expired } = unexpectedJobFiles(files, config.jobs.map((j) => ({ name: j.name, repository: j.repository })), io.now(), retentionMs);
  const removed = new Set(removeAll(dir, expired.map((f) => f.file)));
  for (const f of expired) {
    if (removed.has(f.file)) io.stdout(`removed ${oneLine(f.file)}: job ${oneLine(f.name)} (repository ${oneLine(f.repository)}) is not in the config and the file was last written more than ${days} days ago (retentionDays)\n`);
  }
  for (const f of kept) {
    io.stderr(`ubm health: ${oneLine(f.file)}: job ${oneLine(f.name)} (repository ${oneLine(f.repository)}) is not in the config; its file is kept until ${removalDate(f.mtimeMs, retentionMs)} (retentionDays ${days})\n`);
  }
  return kept;
}

/** `ubm health`: see DESCRIPTION. */
export async function health(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  // A host that pushes has no textfile directory to judge: its own, smaller check.
  if (v.pushgateway !== undefined) return (await import('./health-push.js')).healthPush(v, io);
  const { config, invalid: configInvalid } = loadHealthConfig(stringFlag(v, 'config'), io);
  const dir = resolveTextfileDir(stringFlag(withConfigTextfileDir(v, config, io), 'textfile-dir'), io.env);
  const hostname = resolveHostname(stringFlag(v, 'hostname'));
  const reader = lookupReader(stringFlag(v, 'node-exporter-user') ?? config?.monitoring.nodeExporterUser ?? NODE_EXPORTER_USER);

  const problem = directoryProblem(dir);
  if (problem !== undefined) {
    // Nothing can be recorded; the alert on a stopped self-check (backup_monitoring_last_check) covers this.
    io.stderr(`ubm health: ${problem}\n`);
    return configInvalid ? 2 : 1;
  }
  if (!reader.known) io.stderr(`ubm health: node_exporter user ${oneLine(reader.user)} does not exist here; judging the files as any other user would see them (see --node-exporter-user)\n`);
  const nowMs = io.now();
  for (const name of removeAll(dir, staleTempFiles(listEntries(dir), nowMs, TEMP_FILE_MAX_AGE_SECONDS * 1000))) {
    io.stdout(`removed ${oneLine(name)}: temporary file older than ${TEMP_FILE_MAX_AGE_SECONDS / SECONDS_PER_HOUR}h\n`);
  }
  // Files of the older name that this host wrote last get today's name (content and time kept); other hosts' are theirs to move.
  for (const own of ownFiles(dir).filter((f) => f.legacy && f.hostname === hostname)) {
    const to = await migrateLegacyFile(dir, own);
    const path = groupFilePath(dir, own.group, own.hostname, own.key);
    if (to === 'renamed') io.stdout(`renamed ${oneLine(own.name)} to ${oneLine(basename(path))}: file names now carry the hostname\n`);
  }
  const target = { textfileDir: dir, onMigrated: (from: string) => io.stdout(`removed ${oneLine(from)}: carried forward under today's name (file names now carry the hostname)\n`) };
  if (config !== undefined) {
    const jobs = expectedJobs(config);
    const unexpected = sortUnexpectedJobs(dir, config, hostname, io);
    const checks = configuredChecks(config);
    await record(target, monitoringExpectedJobsGroup, { hostname, jobs, checks, writtenAtMs: nowMs, unexpected: unexpected.map((f) => ({ name: f.name, repository: f.repository })) });
  }

  const dirAccess = directoryAccessProblem(dir, reader);
  const ownerGid = primaryGidLookup();
  const dirWritable = writableByOthersAt(dir, ownerGid);
  const dirFindings: Array<{ message: string; problem: MonitoringProblem }> = [
    ...(dirAccess === undefined ? [] : [{ message: dirAccess, problem: 'textfile_unreadable' as const }]),
    ...(dirWritable === undefined ? [] : [{ message: dirWritable, problem: 'textfile_writable_by_others' as const }]),
  ];
  for (const f of dirFindings) io.stderr(`ubm health: textfile directory ${oneLine(dir)}: ${oneLine(f.message)}\n`);
  // A directory node_exporter cannot list is one finding, not one per file in it.
  const findings = judgeFiles(dir, dirAccess === undefined ? reader : undefined, ownerGid);
  for (const f of findings) io.stderr(`ubm health: ${oneLine(f.file)}: ${oneLine(f.message)}\n`);

  const problems = new Set<MonitoringProblem>([...(configInvalid ? ['config_invalid' as const] : []), ...dirFindings.map((f) => f.problem), ...findings.map((f) => f.problem)]);
  const invalidFiles = new Set(findings.map((f) => f.file)).size;
  await recordHealth({ healthy: problems.size === 0, invalidTextfiles: invalidFiles, problems: [...problems], hostname, endedAtMs: io.now() }, target);
  if (configInvalid) return 2;
  return problems.size === 0 ? 0 : 1;
}
