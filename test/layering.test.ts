/**
 * The house's data flow, checked on the imports of src/: nothing imports the CLI, and the
 * generators (schema, promql, rules, dashboards) use no Node module, so they stay pure.
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

/** Whether a relative import of `from` (a path under src/) lands in the CLI: src/cli.ts or src/cli/. */
function importsCli(from: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = underSrc(resolve(dirname(join(SRC, from)), specifier));
  return target === 'cli.js' || target === 'cli.ts' || target.startsWith('cli/');
}

/** Whether a file under src/ belongs to the CLI itself. */
function isCli(file: string): boolean {
  return file === 'cli.ts' || file.startsWith('cli/');
}

/** `file: specifier` for each import of `file` (under src/) that the rule forbids. */
function violations(file: string, source: string): string[] {
  const generator = /^(schema|promql|rules|dashboards)\//.test(file);
  return importsOf(source)
    .filter((spec) => (!isCli(file) && importsCli(file, spec)) || (generator && spec.startsWith('node:')))
    .map((spec) => `${file}: ${spec}`);
}

describe('the layers of src/', () => {
  it.each([
    ['the exporter importing the CLI', 'exporter/dirs.ts', "import { UsageError } from '../cli/io.js';"],
    ['a source re-exporting from the CLI', 'sources/restic.ts', "export { run } from '../cli/run.js';"],
    ['a generator loading the CLI on demand', 'rules/files.ts', "const m = await import('../cli.js');"],
    ['a generator reading the disk', 'dashboards/index.ts', "import { readFileSync } from 'node:fs';"],
  ])('the import check catches %s', (_case, file, source) => {
    expect(violations(file, source)).toHaveLength(1);
  });

  it.each([
    ['the CLI importing its own files', 'cli/emit.ts', "import { parseFlags } from './flags.js';"],
    ['the dispatcher loading a command', 'cli.ts', "const m = await import('./cli/generate.js');"],
    ['the exporter using Node', 'exporter/atomic.ts', "import { renameSync } from 'node:fs';"],
    ['a generator using the shared errors', 'rules/groups.ts', "import { UsageError } from '../util/errors.js';"],
  ])('the import check allows %s', (_case, file, source) => {
    expect(violations(file, source)).toEqual([]);
  });

  it('has no module outside src/cli/ that imports the CLI, and no generator that imports a Node module', () => {
    const found = tsFiles(SRC).flatMap((path) => violations(underSrc(path), readFileSync(path, 'utf8')));
    expect(found).toEqual([]);
  });
});
