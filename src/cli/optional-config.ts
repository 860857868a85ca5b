/** The `--config FILE` option of the commands that record (`pgbackrest`, `health`, `emit`, `run`, `verify`): the resolved config, or undefined without the flag. */
import type { ResolvedConfig } from '../config/model.js';
import { loadCommandConfig } from './command-config.js';
import type { ParsedFlags } from './flags.js';
import type { Io } from './io.js';

/**
 * Loads and resolves the config at `path`, or undefined without one (these commands have no use for
 * the built-in example). A bad config prints one line per problem and exits 2, as `ubm generate` does.
 */
export function loadOptionalConfig(command: string, path: string | undefined, io: Io): ResolvedConfig | undefined {
  return path === undefined ? undefined : loadCommandConfig(command, path, io).config;
}

/**
 * The flags with `--textfile-dir` taken from the config's `monitoring.textfileCollector.directory`
 * when neither the flag nor $UBM_TEXTFILE_DIR gives one (flag > environment > config > default), and
 * no `--pushgateway` sends the metrics elsewhere.
 */
export function withConfigTextfileDir(values: ParsedFlags, config: ResolvedConfig | undefined, io: Io): ParsedFlags {
  if (config === undefined || values['textfile-dir'] !== undefined || values.pushgateway !== undefined || (io.env.UBM_TEXTFILE_DIR ?? '') !== '') return values;
  return { ...values, 'textfile-dir': config.monitoring.textfileDirectory };
}
