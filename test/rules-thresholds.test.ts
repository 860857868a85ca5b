/**
 * Long thresholds in the generated promtool tests: a stale threshold of two years makes tests no
 * longer than one of a day (they start late, see src/rules/promtool/late-start.ts), promtool still
 * passes them, and they still catch a rule that drifts from its threshold.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../src/config/load.js';
import { RULE_FILES, generateRuleFiles } from '../src/rules/files.js';
import { runProcess } from './support/processes.js';
import { tempDir } from './support/temp.js';
import { requireTool } from './support/tools.js';

const promtool = requireTool('promtool');

/** A config whose every stale threshold and age is `t`. */
function thresholdsOf(t: string): string {
  return [
    'repositories: { nas: { type: local } }',
    'restic: { jobs: { home: { repository: nas, frequency: daily }, hourly: { repository: nas, frequency: hourly } } }',
    'postgres: { pgbackrest: { offsiteRepository: nas } }',
    'ubm:',
    `  alerting: { healthStaleAfter: ${t} }`,
    `  jobs: { home: { staleAfter: ${t} } }`,
    `  verification: { staleAfter: ${t} }`,
    `  restoreTesting: { staleAfter: ${t} }`,
    `  postgres: { offsiteMaxAge: ${t}, verificationStaleAfter: ${t} }`,
    '',
  ].join('\n');
}

/** The generated rule files of a config text. */
function generated(text: string): Map<string, string> {
  return generateRuleFiles(loadConfigText(text, 'thresholds.yaml'), { configName: 'thresholds', format: 'prometheus' });
}

interface TestFileShape {
  tests: Array<{ name: string; interval: string; alert_rule_test?: Array<{ eval_time: string }>; promql_expr_test?: Array<{ eval_time: string }> }>;
}

/** Seconds of a promtool duration the generator writes (`90m`, `45s`). */
function seconds(text: string): number {
  const m = /^(\d+)(m|s)$/.exec(text);
  if (m === null) throw new Error(`unexpected duration ${text}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

/** Evaluation steps promtool takes over all generated tests, and the tests' bytes. */
function cost(files: ReadonlyMap<string, string>): { steps: number; bytes: number } {
  let steps = 0;
  let bytes = 0;
  for (const path of [RULE_FILES.tests, RULE_FILES.days]) {
    const text = files.get(path) ?? '';
    bytes += text.length;
    for (const t of (load(text) as TestFileShape).tests) {
      const times = [...(t.alert_rule_test ?? []), ...(t.promql_expr_test ?? [])].map((c) => seconds(c.eval_time));
      steps += Math.max(...times) / seconds(t.interval);
    }
  }
  return { steps, bytes };
}

/** Writes the files into a fresh directory, `tests` filtered to the tests whose name matches; returns rules/. */
function writeRules(files: ReadonlyMap<string, string>, keep: RegExp, rules: (s: string) => string = (s) => s): string {
  const dir = tempDir('thresholds');
  mkdirSync(join(dir, 'rules'));
  for (const [path, content] of files) {
    if (path === RULE_FILES.rules) writeFileSync(join(dir, path), rules(content));
    else if (path === RULE_FILES.tests || path === RULE_FILES.days) {
      const parsed = load(content) as TestFileShape;
      writeFileSync(join(dir, path), dump({ ...parsed, tests: parsed.tests.filter((t) => keep.test(t.name)) }, { lineWidth: -1, noRefs: true }));
    } else writeFileSync(join(dir, path), content);
  }
  return join(dir, 'rules');
}

/** The tests that wait out a stale threshold or an age. */
const STALE_TESTS = /Stale|stale|stops reporting/;

describe('long thresholds', () => {
  const day = generated(thresholdsOf('1d'));
  const twoYears = generated(thresholdsOf('732d'));

  it.each([['365d'], ['732d']])('make the generated tests of %s thresholds no longer for promtool than those of 1d thresholds, nor much bigger', (t) => {
    const small = cost(day);
    const long = cost(t === '732d' ? twoYears : generated(thresholdsOf(t)));
    expect(long.steps).toBeLessThanOrEqual(small.steps);
    expect(long.bytes).toBeLessThan(small.bytes * 1.1);
  });

  it('leave the stale scenarios of two-year thresholds passing under promtool', async () => {
    const dir = writeRules(twoYears, STALE_TESTS);
    const runs = await Promise.all([RULE_FILES.tests, RULE_FILES.days].map((t) => runProcess(promtool, ['test', 'rules', join(dir, t.slice('rules/'.length))])));
    for (const r of runs) {
      expect(r.stdout + r.stderr).toContain('SUCCESS');
      expect(r.code).toBe(0);
    }
  }, 300_000);

  it('still catch a stale rule an hour late when the story starts late', async () => {
    const late = (s: string): string => s.replace('> on (hostname, backup_job, repository) backup_job:ubm_stale_threshold_seconds:resolved', '> on (hostname, backup_job, repository) (backup_job:ubm_stale_threshold_seconds:resolved + 3600)');
    expect(late(twoYears.get(RULE_FILES.rules) ?? '')).not.toBe(twoYears.get(RULE_FILES.rules));
    const dir = writeRules(twoYears, /^A job that stopped running goes stale$/, late);
    const r = await runProcess(promtool, ['test', 'rules', join(dir, RULE_FILES.days.slice('rules/'.length))]);
    expect(r.stdout + r.stderr).toContain('name: A job that stopped running goes stale');
    expect(r.code).toBe(1);
  }, 300_000);
});
