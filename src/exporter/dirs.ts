/**
 * Where metrics go and under which hostname: the defaults and the directory check, kept apart from
 * the writer so that commands can validate their flags before loading the encoder.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { TEXTFILE_DIRECTORY } from '../config/defaults.js';
import { UsageError } from '../util/errors.js';
import { labelValueProblem } from '../util/labels.js';
import { oneLine } from '../util/quote.js';

/** The kit's default textfile directory (the design's path; Debian's node_exporter reads /var/lib/prometheus/node-exporter). */
export const DEFAULT_TEXTFILE_DIR = TEXTFILE_DIRECTORY;

/** The textfile directory: the flag, else $UBM_TEXTFILE_DIR, else the kit's default. */
export function resolveTextfileDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag !== undefined) return flag;
  const fromEnv = env.UBM_TEXTFILE_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_TEXTFILE_DIR;
}

/** The hostname label: the flag (valid UTF-8, no URL credentials, else a UsageError), else the host's name. */
export function resolveHostname(flag: string | undefined): string {
  if (flag === undefined) return osHostname();
  const problem = labelValueProblem(flag);
  if (problem !== undefined) throw new UsageError(`--hostname ${problem}`);
  return flag;
}

/** Why `dir` is not an existing directory (missing, not a directory, not usable), or undefined when it is one. */
export function textfileDirProblem(dir: string): string | undefined {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `textfile directory ${oneLine(dir)} does not exist`;
    return `textfile directory ${oneLine(dir)} is not usable (${code ?? 'error'})`;
  }
  return isDir ? undefined : `textfile directory ${oneLine(dir)} is not a directory`;
}

/** Throws a UsageError naming `dir` unless it is an existing, writable directory. */
export function checkTextfileDir(dir: string): void {
  const problem = textfileDirProblem(dir);
  if (problem !== undefined) throw new UsageError(problem);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`textfile directory ${oneLine(dir)} is not writable`);
  }
}
