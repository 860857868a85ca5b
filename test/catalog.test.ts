/**
 * The catalog is the only place a metric name is spelled, and every family it defines is one
 * that promtool accepts without a lint warning.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { encodeSeries } from '../src/exporter/encode.js';
import type { SeriesValue } from '../src/exporter/textfile.js';
import { type LabelName, allMetrics, externalMetrics } from '../src/schema/catalog.js';
import { textfileGroups } from '../src/groups/index.js';
import { tsFiles } from './support/source-files.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const CATALOG = join('src', 'schema', 'catalog.ts');

/** Names that must only be spelled in the catalog: ours, and the external ones specific enough to search for (not `up` or `ALERTS`, which are words too). */
const guardedNames = [...allMetrics.map((m) => m.name), ...Object.values(externalMetrics).map((m) => m.name).filter((n) => n.includes('_'))];

/** One string literal of a source file that spells a metric name. */
interface Finding {
  readonly line: number;
  readonly name: string;
  readonly literal: string;
}

/** Finds every string or template literal text in a TypeScript source that contains a guarded name as a whole word. */
export function metricNameLiterals(fileName: string, source: string, names: readonly string[]): Finding[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const patterns = names.map((name) => ({ name, re: new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`) }));
  const findings: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      for (const { name, re } of patterns) {
        if (re.test(node.text)) findings.push({ line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1, name, literal: node.text });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
}

describe('the metric catalog', () => {
  it.each([
    ['a plain string', `const q = 'restic_backup_status';`, ['restic_backup_status']],
    ['a PromQL expression in a template', 'const q = `max(restic_backup_duration_seconds{backup_job="${j}"})`;', ['restic_backup_duration_seconds']],
    ['the tail of a template', 'const q = `${a} > restic_backup_exit_code`;', ['restic_backup_exit_code']],
    ['a double-quoted selector', `const q = "node_textfile_scrape_error == 1";`, ['node_textfile_scrape_error']],
  ])('the literal scanner catches a metric name planted in %s', (_case, source, expected) => {
    expect(metricNameLiterals('planted.ts', source, guardedNames).map((f) => f.name)).toEqual(expected);
  });

  it.each([
    ['a comment', `// restic_backup_status is written by ubm run\nconst x = 1;`],
    ['a longer name that merely starts with one', `const q = 'restic_backup_status_total';`],
    ['a reference through the catalog', 'const q = `${metrics.resticBackupStatus.name} == 0`;'],
  ])('the literal scanner ignores %s', (_case, source) => {
    expect(metricNameLiterals('clean.ts', source, guardedNames)).toEqual([]);
  });

  it('spells no metric name as a string literal anywhere in src/ outside the catalog', () => {
    const offenders = tsFiles(join(REPO_ROOT, 'src'))
      .filter((path) => relative(REPO_ROOT, path) !== CATALOG)
      .flatMap((path) =>
        metricNameLiterals(path, readFileSync(path, 'utf8'), guardedNames).map((f) => `${relative(REPO_ROOT, path)}:${f.line}: ${f.name} in ${JSON.stringify(f.literal)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('gives every metric a unique name, HELP text and labels that start with hostname and include its group key', () => {
    expect(new Set(allMetrics.map((m) => m.name)).size).toBe(allMetrics.length);
    for (const m of allMetrics) {
      expect(m.help.length, m.name).toBeGreaterThan(10);
      expect(m.labels[0], m.name).toBe('hostname');
      expect(m.labels, m.name).not.toContain('job');
      expect(m.labels, m.name).not.toContain('instance');
      for (const key of textfileGroups[m.group].keyLabels) expect(m.labels, m.name).toContain(key);
    }
  });

  it('passes promtool check metrics with no error and no lint warning when every family is in one file', async () => {
    const series: SeriesValue[] = allMetrics.map((metric) => {
      const labels: Partial<Record<LabelName, string>> = {};
      for (const l of metric.labels) labels[l] = l === 'backup_type' ? 'full' : `example-${l}`;
      return { metric, labels, value: metric.unit === 'timestamp_seconds' ? 1_700_000_000 : 1 };
    });
    const text = await encodeSeries(series);
    for (const m of allMetrics) expect(text).toContain(`# TYPE ${m.name} ${m.kind}\n`);
    const result = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: '' });
  });
});
