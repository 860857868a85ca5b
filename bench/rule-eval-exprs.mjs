/**
 * The expressions the rule-evaluation benchmark evaluates: every recording and alerting rule that
 * `ubm generate` writes for the built-in example config, and the design reference's five alert
 * expressions (fixtures/bench/reference-expressions.yml). Also what they select, so that the data
 * set holds exactly the series they read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { load } from 'js-yaml';

/** The recording and alerting rules of the rule files in `dir` (promtool test files and inhibit rules are skipped; alerts keep their `for` and `keep_firing_for`), with the files' text. */
export function readRuleDir(dir) {
  const records = [];
  const alerts = [];
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    const doc = load(text);
    // Rule files have `groups`; promtool test files (`tests`) and inhibit rules (`inhibit_rules`) do not.
    if (doc === null || typeof doc !== 'object' || !Array.isArray(doc.groups)) continue;
    files.push({ name, text });
    for (const g of doc.groups) {
      for (const r of g.rules ?? []) {
        if (typeof r.record === 'string') records.push({ name: r.record, expr: r.expr, group: g.name });
        else if (typeof r.alert === 'string') alerts.push({ name: r.alert, expr: r.expr, group: g.name, for: r.for, keepFiringFor: r.keep_firing_for });
      }
    }
  }
  if (alerts.length === 0) throw new Error(`no alerting rules in ${dir}`);
  return { records, alerts, files };
}

/**
 * The rules to measure: those in $UBM_BENCH_RULES_DIR when set (rules generated from your own
 * config), else what `ubm generate --out TMP` writes for the built-in example config.
 */
export function generatedRules(repoRoot) {
  const fromEnv = process.env.UBM_BENCH_RULES_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return { ...readRuleDir(fromEnv), source: fromEnv };
  const out = mkdtempSync(join(tmpdir(), 'ubm-bench-generate-'));
  try {
    execFileSync(process.execPath, [join(repoRoot, 'bin', 'ubm.js'), 'generate', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { ...readRuleDir(join(out, 'rules')), source: 'the built-in example config' };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The design reference's expressions from the fixture file (with the design's `for` where the file gives one). */
export function referenceExpressions(repoRoot) {
  const list = load(readFileSync(join(repoRoot, 'fixtures', 'bench', 'reference-expressions.yml'), 'utf8'));
  if (!Array.isArray(list) || list.length !== 5) throw new Error('fixtures/bench/reference-expressions.yml must list the five reference expressions');
  return list.map((e) => ({ name: String(e.name), expr: String(e.expr), ...(e.for === undefined ? {} : { for: e.for }) }));
}

const DURATION_UNITS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** Seconds of a PromQL duration such as `5m` or `1h30m`. */
export function durationSeconds(text) {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * DURATION_UNITS[unit];
  return total;
}

/** Metric names an expression selects, and the longest range (matrix selector or subquery) it reads, in seconds. */
export function selects(expr) {
  const names = new Set();
  let longestRangeS = 0;
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.type.isError) throw new Error(`cannot parse ${expr}`);
      if (ref.name === 'VectorSelector') {
        const ident = ref.node.getChild('Identifier');
        if (ident !== null) names.add(expr.slice(ident.from, ident.to));
        // `{__name__=~"a|b"}`: one selector of several metrics.
        const byName = /__name__\s*=~\s*"([^"]+)"/.exec(expr.slice(ref.from, ref.to));
        if (ident === null && byName !== null) for (const n of byName[1].split('|')) names.add(n);
      }
      if (ref.name === 'MatrixSelector' || ref.name === 'SubqueryExpr') {
        const d = ref.node.getChild('DurationExpr');
        if (d !== null) longestRangeS = Math.max(longestRangeS, durationSeconds(expr.slice(d.from, d.to)));
      }
    },
  });
  return { names, longestRangeS };
}
