/**
 * Loading a config: read the file (or take the built-in example), parse, validate against the
 * schema and the cross-field rules, resolve. Every problem is reported at once as a ConfigError.
 */
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, problemLines, problemsFromIssues, sortByDocument } from './errors.js';
import { EXAMPLE_CONFIG } from './example.js';
import type { ResolvedConfig } from './model.js';
import { parseConfigText } from './parse.js';
import { crossCheck, resolveConfig } from './resolve.js';
import { configSchema } from './schema.js';
import { InputFileError, readInputFile } from '../util/input-file.js';
import { oneLine } from '../util/quote.js';

/** A resolved config and the name generated files mention (a file's base name, never its path). */
export interface LoadedConfig {
  readonly config: ResolvedConfig;
  readonly name: string;
}

/** The name generated files give the built-in example. */
export const EXAMPLE_CONFIG_NAME = 'the built-in example config';

/** A JSON Schema document as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

let jsonSchemaCache: JsonSchema | undefined;

/** The config's JSON Schema, derived from the zod schema (what `ubm schema` prints). */
export function configJsonSchema(): JsonSchema {
  jsonSchemaCache ??= z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return jsonSchemaCache;
}

/** Validates and resolves parsed config data; `file` names it in error lines. Throws ConfigError. */
export function resolveConfigData(raw: unknown, file: string): ResolvedConfig {
  const parsed = configSchema.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues, raw, configJsonSchema())),
    ...crossCheck(raw),
  ];
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problemLines(file, sortByDocument(raw, problems)));
  return resolveConfig(parsed.data);
}

/** Parses, validates and resolves config text. Throws ConfigError. */
export function loadConfigText(text: string, file: string): ResolvedConfig {
  return resolveConfigData(parseConfigText(text, file), file);
}

/** Loads `--config FILE` (relative to cwd), or the built-in example when the flag is absent. Throws ConfigError. */
export function loadConfig(file: string | undefined, cwd: string): LoadedConfig {
  if (file === undefined) return { config: resolveConfigData(EXAMPLE_CONFIG, EXAMPLE_CONFIG_NAME), name: EXAMPLE_CONFIG_NAME };
  let text: string;
  try {
    // Bounded and regular files only: /dev/zero or a FIFO must not hang or exhaust the process.
    text = readInputFile(resolve(cwd, file));
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    throw new ConfigError([`${oneLine(file)}: ${err.reason}`]);
  }
  return { config: loadConfigText(text, file), name: basename(file) };
}
