/**
 * `ubm check`: the config is valid, the files in DIR are exactly what `ubm generate` would write
 * now, and (when promtool and amtool are on PATH) promtool accepts the rules and passes their
 * tests, and amtool accepts the inhibit rules.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import type { OutputFormat } from '../config/output.js';
import { RULE_FILES } from '../rules/files.js';
import { VMALERT_RULE_FILE } from '../rules/vmalert.js';
import { findExecutable } from '../sources/run-tool.js';
import { loadCommandConfig } from './command-config.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { produceAll } from './outputs.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: 'string', value: 'FILE', help: 'backup config, YAML or JSON (default: the built-in example)' },
  dir: { type: 'string', value: 'DIR', help: 'directory holding the generated rules/ (default: .)' },
};

const USAGE = 'ubm check [--config FILE] [--dir DIR]';
const DESCRIPTION = `Validates the config, regenerates everything in memory and compares it with DIR; then runs
promtool check rules, promtool test rules and amtool check-config when they are on PATH.
Exit 0 all good, 1 drift or a failed check, 2 usage or config error.`;

/** The first line at which two texts differ (1-based). */
function firstDifference(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1;
  return 0;
}

/** What differs between the generated files and DIR, one short line each. */
export function driftLines(dir: string, files: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const [rel, content] of files) {
    let actual: string;
    try {
      actual = readFileSync(join(dir, rel), 'utf8');
    } catch {
      lines.push(`${rel}: missing`);
      continue;
    }
    if (actual !== content) lines.push(`${rel}: differs from the generated output from line ${firstDifference(actual, content)}`);
  }
  return lines;
}

function run(bin: string, args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(bin, [...args], { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The output's last meaningful lines, for a failure message. */
function tail(output: string, n = 20): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n);
}

/** Wraps the inhibit rules into the smallest Alertmanager config that amtool accepts. */
export function minimalAlertmanagerConfig(inhibitYaml: string): string {
  const parsed = load(inhibitYaml) as { inhibit_rules?: unknown } | null;
  return dump({ route: { receiver: 'default' }, receivers: [{ name: 'default' }], inhibit_rules: parsed?.inhibit_rules ?? [] }, { lineWidth: -1, noRefs: true });
}

/** Runs promtool and amtool over DIR's files; returns the problems found. */
async function toolChecks(dir: string, files: ReadonlyMap<string, string>, io: Io): Promise<string[]> {
  const problems: string[] = [];
  const rulesDir = join(dir, 'rules');
  const promtool = findExecutable('promtool', io.env.PATH);
  if (promtool === undefined) {
    io.stderr('ubm check: promtool is not on PATH: rule files not checked with promtool\n');
  } else {
    const tests = [...files.keys()].filter((p) => p.startsWith('rules/') && p.endsWith('.test.yml')).map((p) => p.slice('rules/'.length));
    // One promtool per test file, side by side: the files take seconds each.
    const [checkRules, ...testRuns] = await Promise.all([
      run(promtool, ['check', 'rules', RULE_FILES.rules.slice('rules/'.length)], rulesDir),
      ...tests.map((t) => run(promtool, ['test', 'rules', t], rulesDir)),
    ]);
    if (checkRules !== undefined && checkRules.code !== 0) problems.push(`promtool check rules failed (exit ${checkRules.code}):`, ...tail(checkRules.output));
    testRuns.forEach((r, i) => {
      if (r.code !== 0) problems.push(`promtool test rules ${tests[i] ?? ''} failed (exit ${r.code}):`, ...tail(r.output));
    });
  }
  const amtool = findExecutable('amtool', io.env.PATH);
  const inhibit = files.get(RULE_FILES.inhibit);
  if (amtool === undefined) {
    io.stderr('ubm check: amtool is not on PATH: inhibit rules not checked with amtool\n');
  } else if (inhibit !== undefined) {
    const tmp = mkdtempSync(join(tmpdir(), 'ubm-check-'));
    try {
      const config = join(tmp, 'alertmanager.yml');
      writeFileSync(config, minimalAlertmanagerConfig(inhibit));
      const r = await run(amtool, ['check-config', config], tmp);
      if (r.code !== 0) problems.push(`amtool check-config failed on the inhibit rules (exit ${r.code}):`, ...tail(r.output));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return problems;
}

/** `ubm check [--config FILE] [--dir DIR]`. */
export async function check(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const dirFlag = stringFlag(v, 'dir') ?? '.';
  const configFlag = stringFlag(v, 'config');
  const loaded = loadCommandConfig('check', configFlag, io);
  const dir = resolve(io.cwd, dirFlag);
  // A PrometheusRule object in DIR means it was generated with --format prometheus-operator.
  const format: OutputFormat = existsSync(join(dir, RULE_FILES.operator)) ? 'prometheus-operator' : 'prometheus';
  // So does a vmalert rule file with --engine victoriametrics.
  const engine = existsSync(join(dir, VMALERT_RULE_FILE)) ? 'victoriametrics' : 'prometheus';
  const files = await produceAll(loaded.config, { configName: loaded.name, format, engine });
  const drift = driftLines(dir, files);
  if (drift.length > 0) {
    for (const line of drift) io.stderr(`ubm check: ${join(dirFlag, line)}\n`);
    const config = configFlag === undefined ? '' : ` --config ${configFlag}`;
    io.stderr(`ubm check: ${drift.length} of ${files.size} generated files are out of date: run 'ubm generate${config} --out ${dirFlag}${format === 'prometheus' ? '' : ` --format ${format}`}${engine === 'prometheus' ? '' : ` --engine ${engine}`}'\n`);
    return 1;
  }
  const problems = await toolChecks(dir, files, io);
  for (const line of problems) io.stderr(`ubm check: ${line}\n`);
  if (problems.length > 0) return 1;
  io.stdout(`ok: ${files.size} generated files in ${dirFlag} are up to date\n`);
  return 0;
}
