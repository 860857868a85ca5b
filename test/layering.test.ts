/**
 * The house's data flow, checked on the imports of src/: nothing imports the CLI; the generators
 * (schema, promql, rules, dashboards) use no Node module, so they stay pure; and the recording side
 * flows one way, docs/architecture.md's picture:
 *
 *   schema <- groups <- exporter <- hooks -> sources
 *
 * `sources/` parses what tools print and imports none of the others; `groups/` builds series from
 * the catalog alone; `exporter/` encodes and writes and knows no tool; `hooks/` joins them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tsFiles } from './support/source-files.js';
import { REPO_ROOT } from './support/tools.js';

const SRC = join(REPO_ROOT, 'src');

/** Every module a TypeScript source imports (static, re-exported or dynamic), as written. */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The file's path under src/, with `/` separators. */
function underSrc(path: string): string {
  return relative(SRC, path).split('\\').join('/');
}

/** The path under src/ that a relative import of `from` lands on, or undefined for a package or Node import. */
function targetOf(from: string, specifier: string): string | undefined {
  return specifier.startsWith('.') ? underSrc(resolve(dirname(join(SRC, from)), specifier)) : undefined;
}

/** Whether a relative import of `from` (a path under src/) lands in the CLI: src/cli.ts or src/cli/. */
function importsCli(from: string, specifier: string): boolean {
  const target = targetOf(from, specifier);
  return target !== undefined && (target === 'cli.js' || target === 'cli.ts' || target.startsWith('cli/'));
}

/** The folders each recording-side folder may import besides itself (util/ is open to all). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  sources: [],
  groups: ['schema'],
  exporter: ['schema', 'groups', 'config'],
  hooks: ['schema', 'groups', 'exporter', 'sources'],
};

/** Whether an import crosses the recording side's one-way flow. */
function crossesFlow(from: string, specifier: string): boolean {
  const own = from.split('/')[0] ?? '';
  const allowed = ALLOWED[own];
  const target = targetOf(from, specifier);
  if (allowed === undefined || target === undefined) return false;
  const folder = target.includes('/') ? (target.split('/')[0] ?? '') : '';
  return folder !== own && folder !== 'util' && !allowed.includes(folder);
}

/** Whether a file under src/ belongs to the CLI itself. */
function isCli(file: string): boolean {
  return file === 'cli.ts' || file.startsWith('cli/');
}

/** `file: specifier` for each import of `file` (under src/) that the rule forbids. */
function violations(file: string, source: string): string[] {
  const generator = /^(schema|promql|rules|dashboards)\//.test(file);
  return importsOf(source)
    .filter((spec) => (!isCli(file) && importsCli(file, spec)) || (generator && spec.startsWith('node:')) || crossesFlow(file, spec))
    .map((spec) => `${file}: ${spec}`);
}

describe('the layers of src/', () => {
  it.each([
    ['the exporter importing the CLI', 'exporter/dirs.ts', "import { UsageError } from '../cli/io.js';"],
    ['a source re-exporting from the CLI', 'sources/restic.ts', "export { run } from '../cli/run.js';"],
    ['a generator loading the CLI on demand', 'rules/files.ts', "const m = await import('../cli.js');"],
    ['a generator reading the disk', 'dashboards/index.ts', "import { readFileSync } from 'node:fs';"],
    ['the exporter reading a tool\'s output', 'exporter/textfile.ts', "import { ResticSummaryScanner } from '../sources/restic.js';"],
    ['a source writing a textfile', 'sources/restic.ts', "import { writeGroup } from '../exporter/textfile.js';"],
    ['a source building a group\'s series', 'sources/pgbackrest-summary.ts', "import type { PgbackrestRead } from '../groups/pgbackrest.js';"],
    ['a group importing the exporter', 'groups/restic-backup.ts', "import { encodeSeries } from '../exporter/encode.js';"],
    ['the exporter loading the glue on demand', 'exporter/record.ts', "const m = await import('../hooks/run-backup.js');"],
  ])('the import check catches %s', (_case, file, source) => {
    expect(violations(file, source)).toHaveLength(1);
  });

  it.each([
    ['the CLI importing its own files', 'cli/emit.ts', "import { parseFlags } from './flags.js';"],
    ['the dispatcher loading a command', 'cli.ts', "const m = await import('./cli/generate.js');"],
    ['the exporter using Node', 'exporter/atomic.ts', "import { renameSync } from 'node:fs';"],
    ['a generator using the shared errors', 'rules/groups.ts', "import { UsageError } from '../util/errors.js';"],
    ['the glue joining a source and the exporter', 'hooks/run-backup.ts', "import type { ResticSummary } from '../sources/restic.js';"],
    ['the exporter using a group\'s layout', 'exporter/filename.ts', "import { textfileGroups } from '../groups/index.js';"],
    ['a group using the catalog', 'groups/check.ts', "import { metrics } from '../schema/catalog.js';"],
  ])('the import check allows %s', (_case, file, source) => {
    expect(violations(file, source)).toEqual([]);
  });

  it('has no module outside src/cli/ that imports the CLI, no generator that imports a Node module, and no import against the recording flow', () => {
    const found = tsFiles(SRC).flatMap((path) => violations(underSrc(path), readFileSync(path, 'utf8')));
    expect(found).toEqual([]);
  });

  it('keeps the recording entry (src/record.ts) free of the config loader, the generators, zod and the Grafana SDK', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(readFileSync(join(SRC, file), 'utf8'))) {
        const target = targetOf(file, spec);
        if (target === undefined) packages.add(spec);
        else visit(target.replace(/\.js$/, '.ts'));
      }
    };
    visit('record.ts');
    const heavy = [...seen].filter((f) => /^(rules|dashboards|promql|cli)\//.test(f) || (f.startsWith('config/') && f !== 'config/defaults.ts' && f !== 'config/alert-names.ts'));
    expect(heavy).toEqual([]);
    expect([...new Set([...packages].filter((p) => !p.startsWith('node:')).map((p) => p.split('/')[0]))]).toEqual(['prom-client']);
  });
});
