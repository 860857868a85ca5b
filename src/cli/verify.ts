/**
 * `ubm verify --repository R`: runs `restic check` and a sample-restore test against the repository
 * that restic's own environment selects (RESTIC_REPOSITORY or RESTIC_REPOSITORY_FILE, with
 * RESTIC_PASSWORD, RESTIC_PASSWORD_FILE or RESTIC_PASSWORD_COMMAND), and records both.
 * `--repository` is only the label: the repository's location is never printed or written.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { RESTORE_TEST_SAMPLE_FILES } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/model.js';
import { recordVerification } from '../exporter/record.js';
import { type ReadData, readDataSubsetError, resticCheck } from '../sources/restic-check.js';
import { UsageError } from '../util/errors.js';
import { oneLine, quote } from '../util/quote.js';
import { type FlagSpec, type ParsedFlags, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { requireTool } from './require-tool.js';
import { configTargetFlagSpecs, countFlag, labelFlag, resolveTarget } from './target-flags.js';
import { runRestoreTest } from './verify-restore.js';

/** Sample files restored when --sample-files is not given (the design's `restoreTesting.sampleFiles` default). */
export const DEFAULT_SAMPLE_FILES = RESTORE_TEST_SAMPLE_FILES;

/** Most sample files a restore test takes: each is a command-line pattern and a `restic dump`. */
const MAX_SAMPLE_FILES = 1000;

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  repository: { type: 'string', value: 'R', help: 'repository name for the label (restic\'s environment selects the repository); required' },
  'read-data-subset': { type: 'string', value: 'P', help: 'restic check --read-data-subset: n/t, a percentage (10%) or a size (500M)' },
  'read-data': { type: 'boolean', help: 'restic check --read-data: read all pack data' },
  'skip-check': { type: 'boolean', help: 'skip restic check (only the restore test)' },
  'sample-files': { type: 'string', value: 'N', help: `files to restore and compare, per job with --config (default: the config's restoreTesting.sampleFiles, else ${DEFAULT_SAMPLE_FILES}; 0 skips the restore test)` },
  'restore-dir': { type: 'string', value: 'DIR', help: 'parent of the private temporary restore directory (default: the system temp dir)' },
  ...configTargetFlagSpecs,
  config: {
    type: 'string',
    value: 'FILE',
    help: "backup config: the restore test samples the latest snapshot of each of the repository's jobs (by tags, else paths), and its monitoring.textfileCollector.directory is the textfile directory",
  },
};

const USAGE = 'ubm verify --repository R [--read-data-subset P] [--sample-files N] [--textfile-dir DIR] [--config FILE]';
const DESCRIPTION = `Runs \`restic check\` and a restore test, and records restic_verification_* and restic_restore_test_*.
The restore test restores N regular files of a snapshot (a sample seeded by the snapshot ID)
into a private temporary directory, which is always removed, and compares each file's SHA-256 with the
live file when it is unchanged since the snapshot (same size and mtime), else with \`restic dump\`.
With --config it samples the latest snapshot of each job of the repository, selected as restic selects
it by the job's tags (all of them), else its paths, and the host (--hostname); it records each job's
restic_restore_test_job_* and prints which jobs it covered. Without --config it samples the
repository's latest snapshot. Exit 0 when both pass, 1 when either fails (or a job has no snapshot),
2 on usage errors or when restic is missing.`;

/** How much data the check reads, from --read-data and --read-data-subset. */
function readDataFlag(values: ParsedFlags): ReadData {
  const subset = stringFlag(values, 'read-data-subset');
  if (subset !== undefined && values['read-data'] === true) throw new UsageError('give --read-data or --read-data-subset, not both');
  if (values['read-data'] === true) return { kind: 'all' };
  if (subset === undefined) return { kind: 'none' };
  const error = readDataSubsetError(subset);
  if (error !== undefined) throw new UsageError(`--read-data-subset: ${error} (got ${quote(subset)})`);
  return { kind: 'subset', subset };
}

/** Fails early, with restic's own variable names, when nothing selects a repository or a password. */
export function checkResticEnv(env: Io['env']): void {
  const set = (name: string): boolean => (env[name] ?? '') !== '';
  if (!set('RESTIC_REPOSITORY') && !set('RESTIC_REPOSITORY_FILE')) {
    throw new UsageError('no repository selected: set RESTIC_REPOSITORY or RESTIC_REPOSITORY_FILE (restic\'s own environment)');
  }
  if (!set('RESTIC_PASSWORD') && !set('RESTIC_PASSWORD_FILE') && !set('RESTIC_PASSWORD_COMMAND')) {
    throw new UsageError('no repository password: set RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND or RESTIC_PASSWORD');
  }
  // restic reads the password file first and, when it is missing, fails in words that read like a damaged repository.
  const passwordFile = env.RESTIC_PASSWORD_FILE ?? '';
  if (passwordFile !== '') {
    const problem = passwordFileProblem(passwordFile);
    if (problem !== undefined) throw new UsageError(`RESTIC_PASSWORD_FILE ${oneLine(passwordFile)} ${problem}: restic cannot read the repository password`);
  }
}

/** Why restic (which runs in this process's directory) cannot read the password file at `path`, or undefined when it can. */
function passwordFileProblem(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return 'is a directory';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
  }
}

/** The config of --config (its parser loads only when the flag is given) and the flags with its textfile directory applied. */
async function withConfig(values: ParsedFlags, io: Io): Promise<{ values: ParsedFlags; config: ResolvedConfig | undefined }> {
  const path = stringFlag(values, 'config');
  if (path === undefined) return { values, config: undefined };
  const { loadOptionalConfig, withConfigTextfileDir } = await import('./optional-config.js');
  const config = loadOptionalConfig('verify', path, io);
  return { values: withConfigTextfileDir(values, config, io), config };
}

/** True when `path` is an existing directory. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `ubm verify`: see DESCRIPTION. */
export async function verify(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const repository = labelFlag(v, 'repository');
  const readData = readDataFlag(v);
  const skipCheck = v['skip-check'] === true;
  if (skipCheck && readData.kind !== 'none') throw new UsageError('--skip-check and --read-data(-subset) contradict each other');
  const sampleFlag = countFlag(v, 'sample-files', MAX_SAMPLE_FILES);
  if (skipCheck && sampleFlag === 0) throw new UsageError('--skip-check with --sample-files 0 leaves nothing to do');
  const tempParent = stringFlag(v, 'restore-dir') ?? tmpdir();
  if (!isDirectory(tempParent)) throw new UsageError(`--restore-dir ${oneLine(tempParent)} is not a directory`);
  const { values, config } = await withConfig(v, io);
  const { target, hostname } = resolveTarget(values, io, config);
  const sampleFiles = sampleFlag ?? config?.verification.restoreTesting.sampleFiles ?? DEFAULT_SAMPLE_FILES;
  checkResticEnv(io.env);
  requireTool('restic', io.env);

  const findings: string[] = [];
  if (!skipCheck) {
    const check = await resticCheck(io.env, readData);
    await recordVerification(repository, { success: check.ok, durationSeconds: check.durationSeconds, hostname, endedAtMs: io.now() }, target);
    if (!check.ok) findings.push(`restic check of ${repository} failed: ${check.reason ?? 'unknown reason'}`);
  }
  if (sampleFiles > 0) {
    const test = await runRestoreTest({ repository, env: io.env, sampleFiles, tempParent, hostname, config, target, now: io.now });
    for (const line of test.report) io.stdout(`${line}\n`);
    findings.push(...test.findings);
  }
  for (const line of findings) io.stderr(`ubm verify: ${line}\n`);
  return findings.length === 0 ? 0 : 1;
}
