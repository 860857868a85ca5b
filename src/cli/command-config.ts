/** The `--config FILE` of `ubm generate` and `ubm check`: the file's config, or the built-in example without the flag. */
import { ConfigError } from '../config/errors.js';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { UsageError } from '../util/errors.js';
import type { Io } from './io.js';

/**
 * Loads the config; a bad one prints `ubm COMMAND: FILE: path.to.field: message` per problem, all
 * of them, and exits 2 (the last line travels as the UsageError the CLI prints).
 */
export function loadCommandConfig(command: string, file: string | undefined, io: Io): LoadedConfig {
  try {
    return loadConfig(file, io.cwd);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = [...err.lines];
    const last = lines.pop() ?? `${file ?? 'config'}: invalid config`;
    for (const line of lines) io.stderr(`ubm ${command}: ${line}\n`);
    throw new UsageError(last);
  }
}
