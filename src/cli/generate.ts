/**
 * `ubm generate`: the config -> DIR/rules/ (rules, promtool tests, inhibit rules) and whatever
 * else the producers make. Everything is generated in memory first; then each file is written to a
 * temporary name beside it and renamed into place, so a failure leaves no partial file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OUTPUT_FORMATS, type OutputFormat } from '../config/output.js';
import { loadCommandConfig } from './command-config.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import { type Io, UsageError } from './io.js';
import { produceAll } from './outputs.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: 'string', value: 'FILE', help: 'backup config, YAML or JSON (default: the built-in example)' },
  out: { type: 'string', value: 'DIR', help: 'output directory; files go to DIR/rules/ and DIR/dashboards/ (default: .)' },
  format: { type: 'string', value: 'FORMAT', help: `prometheus (default) or prometheus-operator (adds a PrometheusRule object)` },
};

const USAGE = 'ubm generate [--config FILE] [--out DIR] [--format prometheus|prometheus-operator]';
const DESCRIPTION = `Writes Prometheus recording and alert rules, their promtool tests and Alertmanager inhibit
rules into DIR/rules/ (and the other generated files beside them). Exit 0 written, 1 generation
failed, 2 usage or config error.`;

/** Reads the --format flag. */
export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'prometheus';
  const format = OUTPUT_FORMATS.find((f) => f === value);
  if (format === undefined) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, not '${value}'`);
  return format;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    // Missing, or not a file (its replacement then fails at the rename, and everything is rolled back).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw err;
  }
}

/** Writes content under a fresh temporary name beside `target` (never following what is there) and fsyncs it. */
function stage(target: string, content: string): string {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.ubm-tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/**
 * Writes the files under `dir`: every changed file is staged under a temporary name first, then
 * each is renamed over its target (readers see the old file or the new one). If anything fails,
 * the files already replaced get their old content back and the temporary files go: nothing has
 * changed. Returns the paths written (unchanged files are left alone).
 */
export function writeOutputs(dir: string, files: ReadonlyMap<string, string>): string[] {
  const staged: Array<{ temp: string; target: string; rel: string; previous: string | undefined }> = [];
  const replaced: typeof staged = [];
  try {
    for (const [rel, content] of files) {
      const target = join(dir, rel);
      const previous = readIfExists(target);
      if (previous === content) continue;
      mkdirSync(dirname(target), { recursive: true });
      staged.push({ temp: stage(target, content), target, rel, previous });
    }
    for (const s of staged) {
      renameSync(s.temp, s.target);
      replaced.push(s);
    }
  } catch (err) {
    for (const s of replaced.reverse()) {
      if (s.previous === undefined) removeQuietly(s.target);
      else renameSync(stage(s.target, s.previous), s.target);
    }
    for (const s of staged) removeQuietly(s.temp);
    throw err;
  }
  return staged.map((s) => s.rel);
}

/** `ubm generate [--config FILE] [--out DIR] [--format F]`. */
export async function generate(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const format = parseFormat(stringFlag(v, 'format'));
  const out = stringFlag(v, 'out') ?? '.';
  const loaded = loadCommandConfig('generate', stringFlag(v, 'config'), io);
  const files = await produceAll(loaded.config, { configName: loaded.name, format });
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
