/**
 * (config) -> the files of `DIR/rules/`: the rule file, its promtool tests, the Alertmanager
 * inhibit rules and, for `--format prometheus-operator`, a PrometheusRule object. Pure.
 */
import type { ResolvedConfig } from '../config/model.js';
import type { GenerateContext, OutputProducer } from '../config/output.js';
import { enabledAlerts, ruleGroups } from './groups.js';
import { inhibitRules } from './inhibit.js';
import { prometheusRule } from './prometheus-rule.js';
import { renderYaml } from './render.js';
import { testContext } from './promtool/context.js';
import type { TestFile } from './promtool/model.js';
import { scenarioTests } from './promtool/scenarios.js';
import { LONG_STEP, SHORT_STEP, alertUnitTests } from './promtool/unit.js';
import { evalTime } from './promtool/series.js';
import { VMALERT_RULE_FILE, vmalertGroups } from './vmalert.js';

/** File names inside the output directory. */
export const RULE_FILES = {
  rules: 'rules/ubm-rules.yml',
  tests: 'rules/ubm-rules.test.yml',
  days: 'rules/ubm-rules.days.test.yml',
  inhibit: 'rules/alertmanager-inhibit-rules.yml',
  operator: 'rules/ubm-prometheusrule.yml',
} as const;

/** Evaluation interval of the test file checking thresholds to the minute. */
const SHORT_INTERVAL = evalTime(SHORT_STEP);
/** Evaluation interval of the test file replaying days (every minute would take promtool minutes). */
const LONG_INTERVAL = evalTime(LONG_STEP);

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Generates every file of `rules/`, keyed by path relative to the output directory. */
export function generateRuleFiles(config: ResolvedConfig, ctx: GenerateContext): Map<string, string> {
  const groups = ruleGroups(config);
  const alerts = enabledAlerts(config);
  const tctx = testContext(config);
  const files = new Map<string, string>();
  files.set(RULE_FILES.rules, renderYaml(ctx.configName, { groups }));
  const units = alerts.map((a) => alertUnitTests(tctx, a));
  const scenarios = scenarioTests(tctx, alerts);
  const rulesFile = [base(RULE_FILES.rules)];
  const short: TestFile = {
    rule_files: rulesFile,
    evaluation_interval: SHORT_INTERVAL,
    tests: [...units.filter((u) => u.step === SHORT_STEP).flatMap((u) => u.tests), ...scenarios.short],
  };
  const long: TestFile = {
    rule_files: rulesFile,
    evaluation_interval: LONG_INTERVAL,
    tests: [...units.filter((u) => u.step === LONG_STEP).flatMap((u) => u.tests), ...scenarios.long],
  };
  files.set(
    RULE_FILES.tests,
    renderYaml(ctx.configName, short, 'promtool test rules, evaluated every minute: each alert quiet just before its threshold, firing at it,\nquiet without its data and resolved after recovery; thresholds and monitoring-health scenarios.'),
  );
  files.set(
    RULE_FILES.days,
    renderYaml(ctx.configName, long, 'promtool test rules, evaluated every 30 minutes: scenarios that span days and alerts whose for: spans hours.'),
  );
  files.set(
    RULE_FILES.inhibit,
    renderYaml(ctx.configName, { inhibit_rules: inhibitRules(alerts.map((a) => a.name), config.labels.identifying) }, 'Alertmanager inhibit rules: merge into the inhibit_rules of alertmanager.yml.'),
  );
  if (ctx.engine === 'victoriametrics') {
    files.set(VMALERT_RULE_FILE, renderYaml(ctx.configName, { groups: vmalertGroups(groups) }, 'vmalert rule file: the rules of ubm-rules.yml without keep_firing_for, which vmalert 1.79 rejects.'));
  }
  if (ctx.format === 'prometheus-operator') {
    files.set(
      RULE_FILES.operator,
      renderYaml(ctx.configName, prometheusRule(config, groups), 'PrometheusRule for the Prometheus Operator: kubectl apply -f this file.'),
    );
  }
  return files;
}

/** The rules as an output producer of `ubm generate` and `ubm check`. */
export const rulesProducer: OutputProducer = { name: 'rules', produce: generateRuleFiles };
