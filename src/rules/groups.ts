/**
 * Record and alert definitions -> Prometheus rule groups (plain data), with every expression and
 * every description query checked against the catalog at generation time.
 */
import type { ResolvedConfig } from '../config/model.js';
import { validateExpr } from '../promql/validate.js';
import { type AlertDef, GROUP_NAMES, type GroupName, alertDefs } from './alerts.js';
import { RECORDED_METRICS, type RecordDef, recordDefs } from './records.js';
import { formatDuration } from '../util/duration.js';
import { renderGoTemplate } from './template.js';

/** A recording rule as the rule file holds it. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** An alerting rule as the rule file holds it. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly keep_firing_for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A rule group as the rule file holds it. */
export interface RuleGroup {
  readonly name: GroupName;
  readonly rules: ReadonlyArray<RecordingRule | AlertingRule>;
}

/** An expression that fails validation: names the rule. */
export class RuleGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleGenerationError';
  }
}

/** The runbook link of an alert: the base URL and the heading anchor (the name in lower case). */
export function runbookUrl(config: ResolvedConfig, alert: string): string {
  return `${config.alerting.runbookBaseUrl}#${alert.toLowerCase()}`;
}

function check(config: ResolvedConfig, rule: string, expr: string, madeLabels: readonly string[] = []): void {
  const problems = validateExpr(expr, { extraMetrics: RECORDED_METRICS, madeLabels, identifyingLabels: config.labels.identifying });
  if (problems.length > 0) throw new RuleGenerationError(`rule ${rule}: ${problems.join('; ')}`);
}

/** Checks definitions and renders them into groups. Throws RuleGenerationError naming the first bad rule. */
export function buildGroups(config: ResolvedConfig, records: readonly RecordDef[], alerts: readonly AlertDef[]): RuleGroup[] {
  for (const r of records) check(config, r.record, r.expr);
  for (const a of alerts) {
    check(config, a.name, a.expr, a.madeLabels);
    for (const part of a.description) {
      // Description queries are PromQL too: check them with placeholder label values.
      if (typeof part === 'object' && 'query' in part) check(config, `${a.name} (description query ${part.id})`, part.query.replace(/%q/g, '"x"'));
    }
  }
  const groups: RuleGroup[] = [];
  for (const name of GROUP_NAMES) {
    const rules: Array<RecordingRule | AlertingRule> = [];
    // Recording rules lead their group (the backup-job group by default): rules in a group run in order, so its alerts see fresh thresholds.
    for (const r of records) if ((r.group ?? 'ubm-backup-jobs') === name) rules.push({ record: r.record, expr: r.expr });
    for (const a of alerts.filter((x) => x.group === name)) {
      rules.push({
        alert: a.name,
        expr: a.expr,
        for: a.for,
        ...(a.keepFiringForSeconds > 0 ? { keep_firing_for: formatDuration(a.keepFiringForSeconds) } : {}),
        labels: { severity: config.alerting.severityMap[a.severity] },
        annotations: {
          description: renderGoTemplate(a.description),
          runbook_url: runbookUrl(config, a.name),
          summary: a.summary,
        },
      });
    }
    if (rules.length > 0) groups.push({ name, rules });
  }
  return groups;
}

/** The alerts a config enables: all of them, unless alerting is off. */
export function enabledAlerts(config: ResolvedConfig): AlertDef[] {
  return config.alerting.enabled ? alertDefs(config) : [];
}

/** The rule groups for a config. */
export function ruleGroups(config: ResolvedConfig): RuleGroup[] {
  return buildGroups(config, recordDefs(config), enabledAlerts(config));
}
