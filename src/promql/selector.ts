/** Typed PromQL building blocks rendered from catalog entries: selectors and label lists. */
import type { LabelName } from '../schema/catalog.js';

/** Anything with a name and labels: a catalog entry, an external metric or a recording rule. */
export interface SelectableMetric {
  readonly name: string;
  readonly labels: readonly string[];
}

/**
 * A regex matcher on a label that the scrape or the storage path adds to every series (an
 * identifying label, `ubm.labels.identifying`): no catalog entry lists it, so `sel` takes it on any metric.
 */
export interface AddedLabelMatcher {
  readonly re: string;
  readonly addedLabel: true;
}

/** A label matcher value: equality by default, or one of the other three operators. */
export type Matcher = string | { readonly re: string } | { readonly ne: string } | { readonly nre: string } | AddedLabelMatcher;

/** True for a matcher on a label the scrape adds (see AddedLabelMatcher). */
function isAddedLabel(m: Matcher): boolean {
  return typeof m !== 'string' && 'addedLabel' in m;
}

/** Label matchers keyed by label name. */
export type Matchers = Readonly<Record<string, Matcher | undefined>>;

/** Quotes a PromQL string literal (double quotes, backslash escapes). */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Renders a number as PromQL (and promtool's series notation) writes it: no exponent for the values thresholds take, at most 6 decimals. */
export function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}

function renderMatcher(label: string, m: Matcher): string {
  if (typeof m === 'string') return `${label}=${quote(m)}`;
  if ('re' in m) return `${label}=~${quote(m.re)}`;
  if ('ne' in m) return `${label}!=${quote(m.ne)}`;
  return `${label}!~${quote(m.nre)}`;
}

/**
 * Renders an instant-vector selector for a metric, with matchers in sorted label order
 * (deterministic output). A matcher on a label the metric lacks throws: that is a bug in a generator.
 */
export function sel(metric: SelectableMetric, matchers: Matchers = {}): string {
  const parts: string[] = [];
  for (const label of Object.keys(matchers).sort()) {
    const m = matchers[label];
    if (m === undefined) continue;
    if (!metric.labels.includes(label) && !isAddedLabel(m)) {
      throw new Error(`selector for ${metric.name} matches label '${label}', which it does not have`);
    }
    parts.push(renderMatcher(label, m));
  }
  return parts.length === 0 ? metric.name : `${metric.name}{${parts.join(', ')}}`;
}

/**
 * Renders a selector of several metrics at once, `{__name__=~"a|b", ...}` (names in the given
 * order, matchers in sorted label order): one selector, so an aggregation over it reads each
 * series once. A matcher must be on a label every metric has.
 */
export function selAny(list: readonly SelectableMetric[], matchers: Matchers = {}): string {
  const parts = [`__name__=~${quote(list.map((m) => m.name).join('|'))}`];
  for (const label of Object.keys(matchers).sort()) {
    const m = matchers[label];
    if (m === undefined) continue;
    for (const metric of list) {
      if (!metric.labels.includes(label) && !isAddedLabel(m)) throw new Error(`selector for ${metric.name} matches label '${label}', which it does not have`);
    }
    parts.push(renderMatcher(label, m));
  }
  return `{${parts.join(', ')}}`;
}

/** Renders a range-vector selector: `sel(...)[range]`. */
export function range(metric: SelectableMetric, window: string, matchers: Matchers = {}): string {
  return `${sel(metric, matchers)}[${window}]`;
}

/** Renders a label list for by/on/without/ignoring: `(a, b)`. */
export function labelList(labels: readonly (LabelName | string)[]): string {
  return `(${labels.join(', ')})`;
}

/** `by (labels)`. */
export function by(labels: readonly (LabelName | string)[]): string {
  return `by ${labelList(labels)}`;
}

/** `on (labels)`. */
export function on(labels: readonly (LabelName | string)[]): string {
  return `on ${labelList(labels)}`;
}

/** The labels that identify one backup job's series. */
export const JOB_LABELS = ['hostname', 'backup_job', 'repository'] as const satisfies readonly LabelName[];
/** The labels that identify one repository's verification series. */
export const REPOSITORY_LABELS = ['hostname', 'repository'] as const satisfies readonly LabelName[];
/** The labels that identify one PostgreSQL stanza's series. */
export const STANZA_LABELS = ['hostname', 'stanza'] as const satisfies readonly LabelName[];
/** The labels that identify one pgBackRest repository of a stanza. */
export const STANZA_REPOSITORY_LABELS = ['hostname', 'stanza', 'repository'] as const satisfies readonly LabelName[];
