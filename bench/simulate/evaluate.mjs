/**
 * Evaluating alerting rules over the simulated history with the real engine, and Prometheus' alert
 * state machine in JS.
 *
 * Each alert's expression, with the recording rules it reads inlined, is run as range queries (step
 * = the evaluation interval, windows under the 11,000-points limit) against a Prometheus holding the
 * backfilled scrape. Inlining is exact for recording rules evaluated before the alert at the same
 * timestamp (the generated rules keep them first in the alert's group); the range query's value at t
 * is what an instant evaluation at t returns. The state machine then follows Prometheus' rules
 * manager (rules/alerting.go, AlertingRule.Eval): a series the expression returns becomes pending
 * (activeAt = t) unless already active; a pending alert fires once t - activeAt >= `for` (at once
 * for `for` 0); when the expression stops returning it, a pending alert is dropped and a firing one
 * is resolved, unless `keep_firing_for` > 0, when it stays firing until keep_firing_for has passed
 * since the first evaluation that missed it (a return in between resets that). Each transition to
 * firing is one notification: an episode.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { durationSeconds, selects } from '../rule-eval-exprs.mjs';
import { queryRange } from '../rule-eval-prom.mjs';

/** Prometheus' limit on the points of one range query's series. */
const MAX_POINTS = 11_000;

/** Seconds of a rule's `for` or `keep_firing_for` (absent: 0). */
export function ruleSeconds(value) {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  return durationSeconds(String(value));
}

/** An expression with the recording rules it reads replaced by their expressions (recursively). */
export function inlineRecords(expr, records) {
  let out = expr;
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    for (const r of records) {
      const re = new RegExp(`(?<![A-Za-z0-9_:])${r.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_:])`, 'g');
      out = out.replace(re, (match, offset) => {
        const next = out.slice(offset + match.length).trimStart()[0];
        if (next === '{' || next === '[') throw new Error(`recording rule ${r.name} is read with matchers or a range; inline it by hand`);
        changed = true;
        return `(${r.expr})`;
      });
    }
    if (!changed) return out;
  }
  throw new Error('recording rules nest too deep to inline');
}

/** The identity of an alert instance: its labels without __name__. */
function labelKey(metric) {
  const labels = Object.fromEntries(Object.entries(metric).filter(([k]) => k !== '__name__').sort(([a], [b]) => a.localeCompare(b)));
  return { key: JSON.stringify(labels), labels };
}

/** The steps at which the expression returns each series, from range queries in windows (two at a time: the machine has 2 cores). */
export async function presence(url, expr, fromS, toS, stepS, parallel = 2) {
  const span = (MAX_POINTS - 1000) * stepS;
  const windows = [];
  for (let a = fromS; a <= toS; a += span) windows.push([a, Math.min(a + span - stepS, toS)]);
  const results = [];
  for (let i = 0; i < windows.length; i += parallel) {
    results.push(...(await Promise.all(windows.slice(i, i + parallel).map(([a, b]) => queryRange(url, expr, a, b, stepS)))));
  }
  const series = new Map();
  for (const matrix of results) {
    for (const m of matrix) {
      const { key, labels } = labelKey(m.metric);
      if (!series.has(key)) series.set(key, { labels, steps: new Set() });
      const steps = series.get(key).steps;
      for (const [t] of m.values) steps.add(t);
    }
  }
  return series;
}

/**
 * Prometheus' alert state machine over the evaluation steps fromS, fromS + stepS, ... toS for one
 * series; `returned(t)` says whether the expression returned it at t. Returns the firing episodes:
 * { activeAt, firedAt, resolvedAt } (resolvedAt undefined when still firing at the end; the
 * alert fires at the steps [firedAt, resolvedAt)).
 */
export function alertEpisodes(returned, { fromS, toS, stepS, forS, keepFiringForS = 0 }) {
  const episodes = [];
  let state = 'inactive';
  let activeAt = 0;
  let keepSince;
  let current;
  for (let t = fromS; t <= toS; t += stepS) {
    if (returned(t)) {
      if (state === 'inactive') {
        state = 'pending';
        activeAt = t;
      }
      keepSince = undefined;
      if (state === 'pending' && t - activeAt >= forS) {
        state = 'firing';
        current = { activeAt, firedAt: t, resolvedAt: undefined };
        episodes.push(current);
      }
      continue;
    }
    if (state === 'firing' && keepFiringForS > 0) {
      if (keepSince === undefined) keepSince = t;
      if (t - keepSince < keepFiringForS) continue;
    }
    if (state === 'firing') current.resolvedAt = t;
    state = 'inactive';
    keepSince = undefined;
  }
  return episodes;
}

/**
 * Evaluates each rule ({ name, expr, forS, keepFiringForS, source }) over [fromS, toS] and returns
 * every episode as { alert, source, labels, activeAt, firedAt, resolvedAt }.
 */
export async function evaluateRules({ url, rules, fromS, toS, stepS, log = () => {} }) {
  const out = [];
  for (const rule of rules) {
    const started = Date.now();
    const series = await presence(url, rule.expr, fromS, toS, stepS);
    let n = 0;
    for (const { labels, steps } of series.values()) {
      for (const e of alertEpisodes((t) => steps.has(t), { fromS, toS, stepS, forS: rule.forS, keepFiringForS: rule.keepFiringForS })) {
        out.push({ alert: rule.name, source: rule.source, labels, ...e });
        n++;
      }
    }
    log(`simulate:   ${rule.name}: ${series.size} series returned, ${n} episodes (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return out;
}

/** Whether an episode has the alert firing at some evaluation step in [a, b]. */
export function firingWithin(e, a, b, stepS, fromS) {
  const firstStep = fromS + Math.ceil((a - fromS) / stepS) * stepS;
  const lo = Math.max(e.firedAt, firstStep);
  return lo <= b && (e.resolvedAt === undefined || lo < e.resolvedAt);
}

/**
 * An expression whose every selector also matches `label="value"`: evaluates a rule for one host of
 * the two scraped copies, for rules that never join across hosts (the design reference's: each
 * compares a series with itself, or with a constant). absent() then returns that label too.
 */
export function restrictTo(expr, label, value) {
  const edits = [];
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.type.isError) throw new Error(`cannot parse ${expr}`);
      if (ref.name !== 'VectorSelector') return;
      const matchers = ref.node.getChild('LabelMatchers');
      const matcher = `${label}=${JSON.stringify(value)}`;
      if (matchers === null) edits.push({ at: ref.node.to, text: `{${matcher}}` });
      else edits.push({ at: matchers.from + 1, text: `${matcher},` });
    },
  });
  let out = expr;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}

/** The metric names among `known` that an expression selects: by name, and by a `__name__=~"a|b"` matcher. */
export function selectedNames(expr, known) {
  return new Set([...selects(expr).names].filter((n) => known.has(n)));
}
