/**
 * `ubm locks --repository R`: looks at the locks of the repository that restic's own environment
 * selects (as `ubm verify` does), without taking one, and records how many there are, how many are
 * exclusive and the oldest one's time. A timer runs it hourly; `--repository` is only the label.
 */
import { LOCK_MAX_AGE_SECONDS } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/model.js';
import { suggestion } from '../config/suggest.js';
import { DEFAULT_TEXTFILE_DIR } from '../exporter/dirs.js';
import { record } from '../exporter/record.js';
import { resticLocksGroup } from '../groups/restic-locks.js';
import { metrics } from '../schema/catalog.js';
import { type ResticLock, resticLocks, summarizeLocks } from '../sources/restic-locks.js';
import { formatDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { oneLine, quote } from '../util/quote.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { loadOptionalConfig, withConfigTextfileDir } from './optional-config.js';
import { requireTool } from './require-tool.js';
import { durationFlag, labelFlag, resolveTarget, targetFlagSpecs } from './target-flags.js';
import { checkResticEnv } from './verify.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  repository: { type: 'string', value: 'R', help: "repository name for the label (restic's environment selects the repository); required" },
  'max-age': { type: 'string', value: 'D', help: `a lock this old is a finding (exit 1) (default: the config's ubm.locks.maxAge, else ${formatDuration(LOCK_MAX_AGE_SECONDS)})` },
  config: { type: 'string', value: 'FILE', help: 'backup config: the repository must be one of its repositories; its max age and textfile directory' },
  ...targetFlagSpecs,
  'textfile-dir': { type: 'string', value: 'DIR', help: `textfile directory (default $UBM_TEXTFILE_DIR, else the config's, else ${DEFAULT_TEXTFILE_DIR})` },
};

const USAGE = 'ubm locks --repository R [--max-age D] [--textfile-dir DIR] [--hostname H] [--config FILE]';
const DESCRIPTION = `Lists the repository's locks with \`restic list locks --no-lock\` and reads each with
\`restic cat lock ID --no-lock\`, taking no lock itself, and records ${metrics.resticRepositoryLocks.name},
${metrics.resticRepositoryExclusiveLocks.name}, ${metrics.resticRepositoryOldestLockTimestampSeconds.name} and the check's time.
Prints one line per lock (age, exclusive or shared, PID and host) on stdout. A running restic refreshes
its lock every 5 minutes: an old lock was left by a killed or hung process.
Exit 0 when recorded, 1 when a lock is older than the max age or the locks cannot be read (then nothing
is written), 2 on usage errors or when restic is missing.`;

/** Checks that the repository label is one of the config's repositories (a typo would start a series of its own). */
function checkRepository(repository: string, config: ResolvedConfig | undefined): void {
  if (config === undefined) return;
  const names = config.repositories.map((r) => r.name);
  if (!names.includes(repository)) throw new UsageError(`--repository ${quote(repository)} is not a repository of the config; ${suggestion(repository, names)}`);
}

/** One stdout line per lock: its short ID, age, kind and owner (never a label: unbounded). */
function describeLock(lock: ResticLock, nowMs: number): string {
  const age = formatDuration(Math.max(0, (nowMs - lock.timeMs) / 1000));
  const owner = `PID ${lock.pid ?? 'unknown'} on ${oneLine(lock.hostname ?? 'an unknown host')}`;
  return `lock ${lock.id.slice(0, 8)}: ${lock.exclusive ? 'exclusive' : 'shared'}, ${age} old (${new Date(lock.timeMs).toISOString()}), ${owner}`;
}

/** `ubm locks`: see DESCRIPTION. */
export async function locks(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const repository = labelFlag(v, 'repository');
  const config = loadOptionalConfig('locks', stringFlag(v, 'config'), io);
  checkRepository(repository, config);
  const maxAgeSeconds = durationFlag(v, 'max-age') ?? config?.locks.maxAgeSeconds ?? LOCK_MAX_AGE_SECONDS;
  const { target, hostname } = resolveTarget(withConfigTextfileDir(v, config, io), io, config);
  checkResticEnv(io.env);
  requireTool('restic', io.env);

  const outcome = await resticLocks(io.env);
  if (!outcome.ok) {
    io.stderr(`ubm locks: cannot read the locks of repository ${oneLine(repository)}: ${outcome.reason}\n`);
    return 1;
  }
  const nowMs = io.now();
  const summary = summarizeLocks(outcome.locks);
  await record(target, resticLocksGroup, { hostname, repository, ...summary, endedAtMs: nowMs });
  const sorted = [...outcome.locks].sort((a, b) => a.timeMs - b.timeMs || (a.id < b.id ? -1 : 1));
  for (const lock of sorted) io.stdout(`${describeLock(lock, nowMs)}\n`);
  const oldestAge = summary.oldestLockMs === undefined ? 0 : (nowMs - summary.oldestLockMs) / 1000;
  if (oldestAge <= maxAgeSeconds) return 0;
  io.stderr(
    `ubm locks: repository ${oneLine(repository)} holds a lock ${formatDuration(oldestAge)} old (max age ${formatDuration(maxAgeSeconds)}): ` +
      'its restic was killed or hangs; once no restic runs on the repository, `restic unlock` removes it\n',
  );
  return 1;
}
