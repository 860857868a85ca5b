/**
 * Grafana dashboards from the config: pure (config) -> file contents under `dashboards/`.
 * Every dashboard is linted before it is rendered; a finding is a bug in the generator.
 */
import type { ResolvedConfig } from '../config/model.js';
import type { GenerateContext, OutputProducer } from '../config/output.js';
import { type DashboardSpec, buildDashboard, dashboardUid } from './dashboard.js';
import { hostDashboard } from './host.js';
import { jobDashboard } from './job.js';
import { formatFinding, lintDashboard } from './lint.js';
import { overviewDashboard } from './overview.js';
import { type Json, dashboardPanels, jsonArray, jsonObject, jsonString } from './json.js';
import { canonical, renderJson } from './render.js';
import { configMapFileName, dashboardConfigMap } from './configmap.js';
import { renderYaml } from '../rules/render.js';

export { DASHBOARD_NAMES, dashboardUid } from './dashboard.js';
export { LINT_CHECKS, type LintCheck, type LintFinding, type LintOptions, formatFinding, lintDashboard } from './lint.js';
export type { Json } from './json.js';
export { renderJson } from './render.js';
export { MACRO_STAND_INS, substituteVariables } from './variables.js';

/** The dashboards the kit generates, declared. */
export function dashboardSpecs(config: ResolvedConfig): DashboardSpec[] {
  return [overviewDashboard(config), jobDashboard(config), hostDashboard(config)];
}

/** Each dashboard as plain JSON (sorted keys), keyed by its file name (`<uid>.json`). */
export function dashboardModels(config: ResolvedConfig): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const spec of dashboardSpecs(config)) {
    out.set(`${dashboardUid(spec.name)}.json`, canonical(buildDashboard(spec, config.labels.identifying)) ?? null);
  }
  return out;
}

/** Where the dashboards go, relative to the output directory. */
export const DASHBOARDS_DIR = 'dashboards';

/**
 * The files of `dashboards/`, keyed by path relative to the output directory (`dashboards/<uid>.json`,
 * as `generateRuleFiles` keys `rules/`): deterministic JSON with a trailing newline, and with
 * `--format prometheus-operator` a ConfigMap of each beside it (`dashboards/<uid>.configmap.yml`); none when
 * `monitoring.dashboards.enable` is false. Throws when a generated dashboard fails the lint (names
 * the panel and the check).
 */
export function generateDashboards(config: ResolvedConfig, ctx?: GenerateContext): Map<string, string> {
  const files = new Map<string, string>();
  if (!config.monitoring.dashboardsEnabled) return files;
  for (const [name, model] of dashboardModels(config)) {
    const findings = lintDashboard(model, { identifyingLabels: config.labels.identifying });
    if (findings.length > 0) throw new Error(`generated dashboard ${name} fails the lint: ${findings.map(formatFinding).join('; ')}`);
    const json = renderJson(model);
    files.set(`${DASHBOARDS_DIR}/${name}`, json);
    if (ctx?.format === 'prometheus-operator') {
      files.set(
        `${DASHBOARDS_DIR}/${configMapFileName(name)}`,
        renderYaml(ctx.configName, dashboardConfigMap(config, name, json), "ConfigMap for Grafana's dashboard sidecar: kubectl apply --server-side -f this file."),
      );
    }
  }
  return files;
}

/** One query of one panel, for tests and checks that run them. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

/** Every panel query of a dashboard's JSON, in layout order. */
export function panelQueries(model: Json): PanelQuery[] {
  const dashboard = jsonString(jsonObject(model)?.uid) ?? '(dashboard)';
  return dashboardPanels(model).flatMap(({ panel }) =>
    jsonArray(panel.targets).flatMap((t) => {
      const target = jsonObject(t);
      const expr = jsonString(target?.expr);
      return expr === undefined ? [] : [{ dashboard, panel: jsonString(panel.title) ?? '', refId: jsonString(target?.refId) ?? '', expr }];
    }),
  );
}

/** The dashboards as an output producer of `ubm generate` / `ubm check` (files under `dashboards/`). */
export const dashboardsProducer: OutputProducer = { name: 'dashboards', produce: generateDashboards };
