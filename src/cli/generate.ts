/**
 * `ubm generate`: the config -> DIR/rules/ (rules, promtool tests, inhibit rules) and whatever
 * else the producers make. Everything is generated in memory first; then each file is written to a
 * temporary name beside it and renamed into place, so a failure leaves no partial file.
 */
import { join, resolve } from 'node:path';
import { OUTPUT_FORMATS, type OutputFormat, RULE_ENGINES, type RuleEngine } from '../config/output.js';
import { UsageError } from '../util/errors.js';
import { quote } from '../util/quote.js';
import { loadCommandConfig } from './command-config.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { produceAll } from './outputs.js';
import { writeOutputs } from './write-outputs.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: 'string', value: 'FILE', help: 'backup config, YAML or JSON (default: the built-in example)' },
  out: { type: 'string', value: 'DIR', help: 'output directory; files go to DIR/rules/ and DIR/dashboards/ (default: .)' },
  format: { type: 'string', value: 'FORMAT', help: `prometheus (default) or prometheus-operator (adds a PrometheusRule object and a ConfigMap per dashboard, with ubm.kubernetes's namespace and labels)` },
  engine: { type: 'string', value: 'ENGINE', help: 'prometheus (default) or victoriametrics (adds rules/ubm-rules.vmalert.yml, the rules without keep_firing_for, which vmalert 1.79 rejects)' },
};

const USAGE = 'ubm generate [--config FILE] [--out DIR] [--format prometheus|prometheus-operator] [--engine prometheus|victoriametrics]';
const DESCRIPTION = `Writes Prometheus recording and alert rules, their promtool tests and Alertmanager inhibit
rules into DIR/rules/ (and the other generated files beside them). Exit 0 written, 1 generation
failed, 2 usage or config error.`;

/** Reads the --format flag. */
export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'prometheus';
  const format = OUTPUT_FORMATS.find((f) => f === value);
  if (format === undefined) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, not ${quote(value)}`);
  return format;
}

/** Reads the --engine flag. */
export function parseEngine(value: string | undefined): RuleEngine {
  if (value === undefined) return 'prometheus';
  const engine = RULE_ENGINES.find((e) => e === value);
  if (engine === undefined) throw new UsageError(`--engine must be one of ${RULE_ENGINES.join(', ')}, not ${quote(value)}`);
  return engine;
}

/** `ubm generate [--config FILE] [--out DIR] [--format F] [--engine E]`. */
export async function generate(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const format = parseFormat(stringFlag(v, 'format'));
  const engine = parseEngine(stringFlag(v, 'engine'));
  const out = stringFlag(v, 'out') ?? '.';
  const loaded = loadCommandConfig('generate', stringFlag(v, 'config'), io);
  const files = await produceAll(loaded.config, { configName: loaded.name, format, engine });
  const dir = resolve(io.cwd, out);
  let written: string[];
  try {
    written = writeOutputs(dir, files);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write to ${out} (${code}); nothing was changed`);
  }
  for (const rel of written) io.stdout(`wrote ${join(out, rel)}\n`);
  if (written.length === 0) io.stdout(`${files.size} files in ${out} already up to date\n`);
  return 0;
}
