/** The flags several commands share: where metrics go, the hostname and the job, repository and stanza labels, validated before anything runs. */
import type { ResolvedConfig } from '../config/model.js';
import type { RecordTarget } from '../exporter/record.js';
import { parsePushgatewayUrl } from '../exporter/pushgateway-url.js';
import { DEFAULT_TEXTFILE_DIR, checkTextfileDir, resolveHostname, resolveTextfileDir } from '../exporter/dirs.js';
import { parseDurationSeconds } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { labelValueProblem } from '../util/labels.js';
import { quote } from '../util/quote.js';
import { type FlagSpec, type ParsedFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { pushHostname } from './push-hostname.js';

/** Flag specs of the target and hostname. */
export const targetFlagSpecs: Readonly<Record<string, FlagSpec>> = {
  'textfile-dir': { type: 'string', value: 'DIR', help: `textfile directory (default $UBM_TEXTFILE_DIR, else ${DEFAULT_TEXTFILE_DIR})` },
  pushgateway: { type: 'string', value: 'URL', help: 'push to this Pushgateway instead of writing a textfile' },
  hostname: { type: 'string', value: 'H', help: "hostname label (default: this host's name; with --pushgateway: the config's ubm.pushgateway.hostname, else required)" },
};

/** `--config FILE` of the recording commands (`emit`, `run`, `verify`): where the textfile directory comes from. */
export const CONFIG_FLAG: FlagSpec = {
  type: 'string',
  value: 'FILE',
  help: "backup config: its monitoring.textfileCollector.directory is the textfile directory; with --pushgateway, its ubm.pushgateway.hostname is the hostname when --hostname is not given",
};

/** `--textfile-dir` of a command that takes `--config`. */
export const CONFIG_TEXTFILE_DIR_FLAG: FlagSpec = {
  type: 'string',
  value: 'DIR',
  help: `textfile directory (default $UBM_TEXTFILE_DIR, else the config's, else ${DEFAULT_TEXTFILE_DIR})`,
};

/** The target and hostname flags of a command that takes `--config`, with `--config` itself. */
export const configTargetFlagSpecs: Readonly<Record<string, FlagSpec>> = {
  ...targetFlagSpecs,
  'textfile-dir': CONFIG_TEXTFILE_DIR_FLAG,
  config: CONFIG_FLAG,
};

/**
 * The flags with the textfile directory of `--config FILE` applied (flag > $UBM_TEXTFILE_DIR >
 * config > default). The config's parser loads only when the flag is given: it costs more than the
 * rest of a recording command. A bad config prints its problems and throws, as for `ubm health`.
 */
export async function withConfigFlag(command: string, values: ParsedFlags, io: Io): Promise<ParsedFlags> {
  return (await configFlag(command, values, io)).values;
}

/** withConfigFlag, with the config itself too (undefined without `--config`), for a command that reads more of it than the directory. */
export async function configFlag(command: string, values: ParsedFlags, io: Io): Promise<{ values: ParsedFlags; config?: ResolvedConfig }> {
  const path = stringFlag(values, 'config');
  if (path === undefined) return { values };
  const { loadOptionalConfig, withConfigTextfileDir } = await import('./optional-config.js');
  const config = loadOptionalConfig(command, path, io);
  return { values: withConfigTextfileDir(values, config, io), ...(config === undefined ? {} : { config }) };
}

/** `--job`: the backup job's label. */
export const JOB_FLAG: FlagSpec = { type: 'string', value: 'J', help: 'backup job name; required' };
/** `--repository`: the repository's label. */
export const REPOSITORY_FLAG: FlagSpec = { type: 'string', value: 'R', help: 'repository name; required' };
/** `--stanza`: the pgBackRest stanza's label. */
export const STANZA_FLAG: FlagSpec = { type: 'string', value: 'S', help: 'pgBackRest stanza; required' };
/** `--expected-interval` of a backup job's runs. */
export const EXPECTED_INTERVAL_FLAG: FlagSpec = { type: 'string', value: 'D', help: 'expected interval between runs: 86400 or 24h (default: the previous value)' };

/**
 * Resolves and checks the target (directory exists and is writable, or a valid URL) and the
 * hostname. A push's hostname is `--hostname`, else the config's `ubm.pushgateway.hostname`, never
 * the machine's name (see push-hostname.ts); a textfile's falls back to the machine's name.
 */
export function resolveTarget(values: ParsedFlags, io: Io, config?: ResolvedConfig): { target: RecordTarget; hostname: string } {
  const target = resolveDestination(values, io);
  const flag = stringFlag(values, 'hostname');
  return { target, hostname: target.pushgateway === undefined ? resolveHostname(flag) : pushHostname(flag, config) };
}

/** Where metrics go, checked (an existing writable directory, or an http(s) Pushgateway URL; not both), without the hostname. */
export function resolveDestination(values: ParsedFlags, io: Io): RecordTarget {
  const dirFlag = stringFlag(values, 'textfile-dir');
  const push = stringFlag(values, 'pushgateway');
  if (push !== undefined) {
    if (dirFlag !== undefined) throw new UsageError('give --textfile-dir or --pushgateway, not both');
    parsePushgatewayUrl(push);
    return { pushgateway: push };
  }
  const dir = resolveTextfileDir(dirFlag, io.env);
  checkTextfileDir(dir);
  return { textfileDir: dir };
}

/** A required, non-empty label value (`--job`, `--repository`, `--stanza`): valid UTF-8, no URL credentials. */
export function labelFlag(values: ParsedFlags, name: string): string {
  const value = stringFlag(values, name, true);
  const problem = labelValueProblem(value);
  if (problem !== undefined) throw new UsageError(`--${name} ${problem}`);
  return value;
}

/** Parses `--status`: success|failure|1|0. */
export function statusFlag(values: ParsedFlags): boolean {
  const v = stringFlag(values, 'status', true);
  if (v === 'success' || v === '1') return true;
  if (v === 'failure' || v === '0') return false;
  throw new UsageError(`--status must be success, failure, 1 or 0 (got ${quote(v)})`);
}

/** Parses a duration flag in seconds or as `2m30s`; undefined when absent and optional. */
export function durationFlag(values: ParsedFlags, name: string, required: true): number;
export function durationFlag(values: ParsedFlags, name: string, required?: false): number | undefined;
export function durationFlag(values: ParsedFlags, name: string, required = false): number | undefined {
  const v = required ? stringFlag(values, name, true) : stringFlag(values, name);
  if (v === undefined) return undefined;
  const seconds = parseDurationSeconds(v);
  if (seconds === undefined) throw new UsageError(`--${name} must be seconds (145, 12.5) or a duration (2m30s, 26h), not negative (got ${quote(v)})`);
  return seconds;
}

/** Parses a whole, non-negative number flag (a count or a size in bytes). */
export function countFlag(values: ParsedFlags, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = stringFlag(values, name);
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > max) throw new UsageError(`--${name} must be a whole number from 0 to ${max} (got ${quote(v)})`);
  return n;
}
