/**
 * Checks a PromQL expression at generation time: it must parse (lezer-promql), every metric it
 * selects must be one we know (catalog, external metrics, or recording rules passed in), and every
 * label it matches or groups by must belong to a metric it selects.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { allMetrics, externalMetrics } from '../schema/catalog.js';
import type { SelectableMetric } from './selector.js';

/** Labels every series may carry whatever its metric: the name itself. */
const UNIVERSAL_LABELS = new Set(['__name__']);

/** Options of validateExpr. */
export interface ValidateOptions {
  /** Further metrics the expression may select, such as the generator's recording rules. */
  readonly extraMetrics?: readonly SelectableMetric[];
  /** Labels made by the expression itself (label_replace targets), allowed in grouping. */
  readonly madeLabels?: readonly string[];
  /** Labels the scrape or storage adds to every series (`ubm.labels.identifying`), allowed in matchers and grouping. */
  readonly identifyingLabels?: readonly string[];
}

function knownMetrics(extra: readonly SelectableMetric[]): Map<string, readonly string[]> {
  const known = new Map<string, readonly string[]>();
  for (const m of [...allMetrics, ...Object.values(externalMetrics), ...extra]) known.set(m.name, m.labels);
  return known;
}

function children(node: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.name === name) out.push(c);
  return out;
}

/** The metric names of a `__name__=~"a|b|c"` matcher made only of plain names, if the selector has one. */
function nameAlternatives(expr: string, matcherNodes: readonly SyntaxNode[]): string[] | undefined {
  for (const m of matcherNodes) {
    const text = expr.slice(m.from, m.to);
    const found = /^__name__\s*=~\s*"([a-zA-Z_:][a-zA-Z0-9_:]*(?:\|[a-zA-Z_:][a-zA-Z0-9_:]*)*)"$/.exec(text);
    if (found?.[1] !== undefined) return found[1].split('|');
  }
  return undefined;
}

/** Returns the problems of an expression (empty when it is good), each one sentence. */
export function validateExpr(expr: string, options: ValidateOptions = {}): string[] {
  const known = knownMetrics(options.extraMetrics ?? []);
  const problems: string[] = [];
  const tree = parser.parse(expr);
  const identifying = new Set(options.identifyingLabels ?? []);
  const selectedLabels = new Set<string>([...(options.madeLabels ?? []), ...identifying]);
  const groupings: Array<{ label: string; at: number }> = [];

  // Syntax first: the parser never throws, it inserts error nodes.
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        problems.push(`syntax error at offset ${ref.from}${ref.from < expr.length ? ` near '${expr.slice(ref.from, ref.from + 12)}'` : ' (unexpected end)'}`);
      }
    },
  });
  if (problems.length > 0) return problems;

  tree.iterate({
    enter: (ref) => {
      const node = ref.node;
      if (ref.name === 'VectorSelector') {
        const ident = children(node, 'Identifier')[0] ?? children(node, 'MetricName')[0];
        const matcherNodes = children(node, 'LabelMatchers').flatMap((lm) => [
          ...children(lm, 'UnquotedLabelMatcher'),
          ...children(lm, 'LabelMatcher'),
        ]);
        const matchedLabels = matcherNodes
          .map((m) => children(m, 'LabelName')[0])
          .filter((n): n is SyntaxNode => n !== undefined)
          .map((n) => expr.slice(n.from, n.to));
        let labels: readonly string[] | undefined;
        if (ident === undefined) {
          // `{__name__=~"a|b"}`: several known metrics at once; the labels they all have.
          const names = nameAlternatives(expr, matcherNodes);
          if (names === undefined) {
            problems.push(`selector '${expr.slice(ref.from, ref.to)}' has no metric name`);
            return false;
          }
          const unknown = names.filter((n) => !known.has(n));
          if (unknown.length > 0) {
            problems.push(`metric '${unknown.join("', '")}' is not in the catalog (nothing writes it)`);
            return false;
          }
          labels = names.map((n) => known.get(n) ?? []).reduce((a, b) => a.filter((l) => b.includes(l)));
        } else {
          const name = expr.slice(ident.from, ident.to);
          labels = known.get(name);
          if (labels === undefined) {
            problems.push(`metric '${name}' is not in the catalog (nothing writes it)`);
            return false;
          }
        }
        const name = ident === undefined ? expr.slice(ref.from, ref.to) : expr.slice(ident.from, ident.to);
        for (const l of labels) selectedLabels.add(l);
        for (const l of matchedLabels) {
          if (!labels.includes(l) && !UNIVERSAL_LABELS.has(l) && !identifying.has(l)) problems.push(`metric '${name}' has no label '${l}'`);
        }
        return false;
      }
      if (ref.name === 'GroupingLabels') {
        for (const l of children(node, 'LabelName')) groupings.push({ label: expr.slice(l.from, l.to), at: l.from });
      }
      return undefined;
    },
  });
  for (const g of groupings) {
    if (!selectedLabels.has(g.label)) problems.push(`groups by label '${g.label}', which no selected metric has`);
  }
  return problems;
}
