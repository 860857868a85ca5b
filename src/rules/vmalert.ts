/**
 * The rule file for VictoriaMetrics' vmalert (`ubm generate --engine victoriametrics`): the same
 * groups, expressions, labels and annotations as `rules/ubm-rules.yml`, less the fields vmalert
 * 1.79 (Debian 12) rejects as unknown. Only `keep_firing_for` is such a field: without it an alert
 * resolves as soon as its condition stops holding, as in Prometheus before 2.42. Pure.
 */
import type { AlertingRule, RecordingRule, RuleGroup } from './groups.js';

/** The vmalert rule file, relative to the output directory; written beside the Prometheus one. */
export const VMALERT_RULE_FILE = 'rules/ubm-rules.vmalert.yml';

/** Rule fields Prometheus accepts and vmalert 1.79 refuses to load ("unknown fields in rule"). */
export const VMALERT_UNSUPPORTED_FIELDS = ['keep_firing_for'] as const;

/** One rule without the fields vmalert does not know. */
function forVmalert(rule: RecordingRule | AlertingRule): RecordingRule | AlertingRule {
  if (!('alert' in rule)) return rule;
  const { keep_firing_for: _dropped, ...rest } = rule;
  return rest;
}

/** The rule groups as vmalert 1.79 loads them: every rule kept, in order, each without the unsupported fields. */
export function vmalertGroups(groups: readonly RuleGroup[]): RuleGroup[] {
  return groups.map((g) => ({ name: g.name, rules: g.rules.map(forVmalert) }));
}
