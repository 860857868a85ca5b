/** `ubm emit FAMILY [flags]`: writes one family group's metrics from a backup hook. */
import {
  recordBackup,
  recordHealth,
  recordMaintenance,
  recordPostgresOffsite,
  recordPostgresVerification,
  recordRestoreTest,
  recordVerification,
  type CheckRecord,
  type RecordTarget,
} from '../exporter/record.js';
import { UsageError } from '../util/errors.js';
import { quote } from '../util/quote.js';
import { type FlagSpec, type ParsedFlags, parseFlags } from './flags.js';
import type { ResolvedConfig } from '../config/model.js';
import type { Io } from './io.js';
import { OPERATION_FLAG, operationFlag, pruneThresholdOf } from './maintenance-flags.js';
import {
  EXPECTED_INTERVAL_FLAG,
  JOB_FLAG,
  REPOSITORY_FLAG,
  STANZA_FLAG,
  configFlag,
  configTargetFlagSpecs,
  countFlag,
  durationFlag,
  labelFlag,
  resolveTarget,
  statusFlag,
} from './target-flags.js';

/** What a family's write gets: the checked target and hostname, and the time. */
interface EmitContext {
  readonly target: RecordTarget;
  readonly hostname: string;
  readonly endedAtMs: number;
  /** The config `--config` names, when it does. */
  readonly config?: ResolvedConfig | undefined;
}

/** One `emit` family: its flags, a line of help, and how it records. */
interface Family {
  readonly description: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Validates the flags (throwing a UsageError) and returns the write to do, so nothing is written on bad input. */
  readonly prepare: (values: ParsedFlags) => (ctx: EmitContext) => Promise<string>;
}

const STATUS: FlagSpec = { type: 'string', value: 'STATUS', help: 'success or failure (also 1 or 0); required' };
const DURATION = (required: boolean): FlagSpec => ({ type: 'string', value: 'SECONDS', help: `wall time: 145, 12.5 or 2m30s${required ? '; required' : ''}` });
const count = (help: string): FlagSpec => ({ type: 'string', value: 'N', help });

/** A pass/fail check's result from `--status` and `--duration` (validated now), completed with the write's hostname and time. */
function checkRecord(values: ParsedFlags): (ctx: EmitContext) => CheckRecord {
  const success = statusFlag(values);
  const durationSeconds = durationFlag(values, 'duration');
  return (ctx) => ({ success, hostname: ctx.hostname, endedAtMs: ctx.endedAtMs, ...(durationSeconds === undefined ? {} : { durationSeconds }) });
}

/** The families of the SPEC's table, keyed by name. */
const families: Readonly<Record<string, Family>> = {
  backup: {
    description: 'Records a run of a restic backup job (last success is carried forward across failed runs).',
    flags: {
      job: JOB_FLAG,
      repository: REPOSITORY_FLAG,
      status: STATUS,
      duration: DURATION(true),
      'exit-code': count('exit code of the backup command (default 0 on success, 1 on failure)'),
      'expected-interval': EXPECTED_INTERVAL_FLAG,
      'files-new': count('restic summary: new files'),
      'files-changed': count('restic summary: changed files'),
      'files-unmodified': count('restic summary: unmodified files'),
      'data-added': count('restic summary: bytes added to the repository'),
      'total-files-processed': count('restic summary: files processed'),
      'total-bytes-processed': count('restic summary: bytes processed'),
      // Handled by emit-from-systemd.ts (its own flags); listed here so that `ubm emit backup --help` shows it.
      'from-systemd': { type: 'boolean', help: 'record a unit from its ExecStopPost= ($SERVICE_RESULT, journal); see --from-systemd --help' },
    },
    prepare: (v) => {
      const job = labelFlag(v, 'job');
      const repository = labelFlag(v, 'repository');
      const success = statusFlag(v);
      const durationSeconds = durationFlag(v, 'duration', true);
      const exitCode = countFlag(v, 'exit-code', 255);
      const expectedIntervalSeconds = durationFlag(v, 'expected-interval');
      const summary = {
        filesNew: countFlag(v, 'files-new'),
        filesChanged: countFlag(v, 'files-changed'),
        filesUnmodified: countFlag(v, 'files-unmodified'),
        dataAddedBytes: countFlag(v, 'data-added'),
        totalFilesProcessed: countFlag(v, 'total-files-processed'),
        totalBytesProcessed: countFlag(v, 'total-bytes-processed'),
      };
      return (ctx) =>
        recordBackup(
          {
            job,
            repository,
            success,
            durationSeconds,
            summary,
            hostname: ctx.hostname,
            endedAtMs: ctx.endedAtMs,
            ...(exitCode === undefined ? {} : { exitCode }),
            ...(expectedIntervalSeconds === undefined ? {} : { expectedIntervalSeconds }),
          },
          ctx.target,
        );
    },
  },
  verification: {
    description: 'Records a `restic check` of a repository.',
    flags: { repository: REPOSITORY_FLAG, status: STATUS, duration: DURATION(false) },
    prepare: (v) => {
      const repository = labelFlag(v, 'repository');
      const check = checkRecord(v);
      return (ctx) => recordVerification(repository, check(ctx), ctx.target);
    },
  },
  'restore-test': {
    description: 'Records a sample-restore test of a repository.',
    flags: {
      repository: REPOSITORY_FLAG,
      status: STATUS,
      duration: DURATION(false),
      'files-restored': count('sample files restored and matched'),
      'files-failed': count('sample files that failed to restore or did not match'),
    },
    prepare: (v) => {
      const repository = labelFlag(v, 'repository');
      const check = checkRecord(v);
      const filesRestored = countFlag(v, 'files-restored');
      const filesFailed = countFlag(v, 'files-failed');
      return (ctx) =>
        recordRestoreTest(
          repository,
          { ...check(ctx), ...(filesRestored === undefined ? {} : { filesRestored }), ...(filesFailed === undefined ? {} : { filesFailed }) },
          ctx.target,
        );
    },
  },
  maintenance: {
    description: 'Records a maintenance run of a repository: forget, prune (restic forget --prune) or check (last success is carried forward).',
    flags: {
      repository: REPOSITORY_FLAG,
      operation: OPERATION_FLAG,
      status: STATUS,
      duration: DURATION(true),
      'exit-code': count('exit code of the maintenance command (default 0 on success, 1 on failure)'),
    },
    prepare: (v) => {
      const repository = labelFlag(v, 'repository');
      const operation = operationFlag(v);
      const success = statusFlag(v);
      const durationSeconds = durationFlag(v, 'duration', true);
      const exitCode = countFlag(v, 'exit-code', 255);
      return (ctx) => {
        // With --config, a prune carries the repository's threshold from its pruneSchedule; else the previous one is kept.
        const staleThresholdSeconds = pruneThresholdOf(ctx.config, repository, operation);
        return recordMaintenance(
          {
            repository,
            operation,
            success,
            durationSeconds,
            hostname: ctx.hostname,
            endedAtMs: ctx.endedAtMs,
            ...(exitCode === undefined ? {} : { exitCode }),
            ...(staleThresholdSeconds === undefined ? {} : { staleThresholdSeconds }),
          },
          ctx.target,
        );
      };
    },
  },
  'postgres-verification': {
    description: 'Records a PostgreSQL backup verification of a stanza.',
    flags: { stanza: STANZA_FLAG, status: STATUS, duration: DURATION(false) },
    prepare: (v) => {
      const stanza = labelFlag(v, 'stanza');
      const check = checkRecord(v);
      return (ctx) => recordPostgresVerification(stanza, check(ctx), ctx.target);
    },
  },
  'postgres-offsite': {
    description: "Records whether a stanza's offsite copy is present, recent and good.",
    flags: {
      stanza: STANZA_FLAG,
      repository: { type: 'string', value: 'R', help: 'the offsite repository (restic repository or pgBackRest repoN); required' },
      status: STATUS,
    },
    prepare: (v) => {
      const stanza = labelFlag(v, 'stanza');
      const repository = labelFlag(v, 'repository');
      const check = checkRecord(v);
      return (ctx) => recordPostgresOffsite(stanza, repository, check(ctx), ctx.target);
    },
  },
  health: {
    description: 'Records the result of a monitoring self-check.',
    flags: { status: STATUS },
    prepare: (v) => {
      const healthy = statusFlag(v);
      return (ctx) => recordHealth({ healthy, hostname: ctx.hostname, endedAtMs: ctx.endedAtMs }, ctx.target);
    },
  },
};

const USAGE = `Usage: ubm emit FAMILY [--textfile-dir DIR | --pushgateway URL] [--config FILE] [--hostname H] FLAGS...

Writes one family of metrics. Families (\`ubm emit FAMILY --help\` for flags):
${Object.entries(families)
  .map(([name, f]) => `  ${name.padEnd(23)} ${f.description}`)
  .join('\n')}
`;

/** `ubm emit`: validates everything first, then writes one group file (or pushes it). */
export async function emit(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  if (name === undefined || name.startsWith('-')) throw new UsageError(`missing FAMILY before the flags (families: ${Object.keys(families).join(', ')})`);
  const family = Object.hasOwn(families, name) ? families[name] : undefined;
  if (family === undefined) throw new UsageError(`unknown family ${quote(name)} (families: ${Object.keys(families).join(', ')})`);
  if (name === 'backup' && rest.includes('--from-systemd')) return (await import('./emit-from-systemd.js')).emitFromSystemd(rest, io);
  const parsed = parseFlags(rest, { ...family.flags, ...configTargetFlagSpecs }, { usage: `ubm emit ${name} [FLAGS...]`, description: family.description, print: io.stdout });
  if (parsed === undefined) return 0;
  const write = family.prepare(parsed.values);
  const { values, config } = await configFlag('emit', parsed.values, io);
  const { target, hostname } = resolveTarget(values, io, config);
  await write({ target, hostname, endedAtMs: io.now(), config });
  return 0;
}
