/**
 * Our own lint of dashboard JSON: one check a function, each with an id. It reads plain JSON
 * (generated or loaded from a file), so every field is checked for its type before use.
 */
import { validateExpr } from '../promql/validate.js';
import { DATASOURCE_VAR } from './common.js';
import { type Json, type JsonObject, dashboardPanels, jsonArray, jsonNumber, jsonObject, jsonString } from './json.js';
import { VARIABLES, substituteVariables } from './variables.js';

/** One problem a check found. */
export interface LintFinding {
  readonly check: string;
  /** `uid` of the dashboard, then `panel N 'title'` where it applies. */
  readonly where: string;
  readonly message: string;
}

/** What the lint knows besides the dashboard: the config's identifying labels (`ubm.labels.identifying`), which queries may match and group by. */
export interface LintOptions {
  readonly identifyingLabels?: readonly string[];
}

/** One check: an id, what it demands, and the function that finds violations. */
export interface LintCheck {
  readonly id: string;
  readonly description: string;
  readonly run: (dashboard: Json, options?: LintOptions) => LintFinding[];
}

/** Panel types Grafana has deprecated (replaced by timeseries, stat, table, piechart, geomap). */
export const DEPRECATED_PANEL_TYPES = ['graph', 'singlestat', 'table-old', 'grafana-singlestat-panel', 'grafana-piechart-panel', 'grafana-worldmap-panel'];

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;
const UID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/** A panel with where it sits: top level or inside a (collapsed) row. */
interface PanelRef {
  readonly panel: JsonObject;
  readonly where: string;
}

function dashboardName(d: Json): string {
  return jsonString(jsonObject(d)?.uid) ?? jsonString(jsonObject(d)?.title) ?? '(dashboard)';
}

/** Every panel of a dashboard, rows' nested panels included. */
function allPanels(d: Json): PanelRef[] {
  return dashboardPanels(d).map(({ panel, index }) => ({
    panel,
    where: `${dashboardName(d)}: panel ${jsonNumber(panel.id) ?? `#${index}`} '${jsonString(panel.title) ?? ''}'`,
  }));
}

function isRow(panel: JsonObject): boolean {
  return panel.type === 'row';
}

function finding(check: string, where: string, message: string): LintFinding {
  return { check, where, message };
}

/** dashboard-title: a non-empty title. */
function checkTitle(d: Json): LintFinding[] {
  const title = jsonString(jsonObject(d)?.title);
  return title === undefined || title.trim() === '' ? [finding('dashboard-title', dashboardName(d), 'the dashboard has no title')] : [];
}

/** dashboard-uid: a UID of 1-40 letters, digits, '-' or '_'. */
function checkUid(d: Json): LintFinding[] {
  const uid = jsonString(jsonObject(d)?.uid);
  if (uid === undefined) return [finding('dashboard-uid', dashboardName(d), 'the dashboard has no uid')];
  return UID_PATTERN.test(uid) ? [] : [finding('dashboard-uid', uid, `uid '${uid}' is not 1-40 letters, digits, '-' or '_'`)];
}

/** target-datasource: a datasource variable exists, and every panel and target reads from it. */
function checkDatasource(d: Json): LintFinding[] {
  const out: LintFinding[] = [];
  const variables = jsonArray(jsonObject(jsonObject(d)?.templating)?.list).map(jsonObject);
  if (!variables.some((v) => v?.type === 'datasource' && v.name === VARIABLES.datasource)) {
    out.push(finding('target-datasource', dashboardName(d), `there is no datasource variable '${VARIABLES.datasource}'`));
  }
  for (const { panel, where } of allPanels(d)) {
    if (isRow(panel)) continue;
    if (jsonString(jsonObject(panel.datasource)?.uid) !== DATASOURCE_VAR) out.push(finding('target-datasource', where, `the panel's datasource is not ${DATASOURCE_VAR}`));
    jsonArray(panel.targets).forEach((t, i) => {
      if (jsonString(jsonObject(jsonObject(t)?.datasource)?.uid) !== DATASOURCE_VAR) {
        out.push(finding('target-datasource', where, `target ${jsonString(jsonObject(t)?.refId) ?? `#${i}`} does not read from ${DATASOURCE_VAR}`));
      }
    });
  }
  return out;
}

/** True when a table's override gives the named field a unit. */
function hasUnitOverride(panel: JsonObject, field: string): boolean {
  return jsonArray(jsonObject(panel.fieldConfig)?.overrides).some((o) => {
    const matcher = jsonObject(jsonObject(o)?.matcher);
    return matcher?.id === 'byName' && matcher.options === field && jsonArray(jsonObject(o)?.properties).some((p) => jsonObject(p)?.id === 'unit' && (jsonString(jsonObject(p)?.value) ?? '') !== '');
  });
}

/** panel-unit: every panel sets a unit; a table sets one for every query's value column. */
function checkUnit(d: Json): LintFinding[] {
  const out: LintFinding[] = [];
  for (const { panel, where } of allPanels(d)) {
    if (isRow(panel)) continue;
    const unit = jsonString(jsonObject(jsonObject(panel.fieldConfig)?.defaults)?.unit);
    if (unit === undefined || unit === '') out.push(finding('panel-unit', where, 'the panel sets no unit'));
    if (panel.type !== 'table') continue;
    for (const t of jsonArray(panel.targets)) {
      const ref = jsonString(jsonObject(t)?.refId) ?? '';
      if (!hasUnitOverride(panel, `Value #${ref}`)) out.push(finding('panel-unit', where, `the value column of target ${ref} sets no unit`));
    }
  }
  return out;
}

/** panel-type: no deprecated panel types. */
function checkPanelType(d: Json): LintFinding[] {
  return allPanels(d)
    .filter(({ panel }) => typeof panel.type !== 'string' || DEPRECATED_PANEL_TYPES.includes(panel.type))
    .map(({ panel, where }) => finding('panel-type', where, `panel type '${jsonString(panel.type) ?? '(none)'}' is deprecated or missing`));
}

/** panel-id: every panel has an id, unique in the dashboard. */
function checkPanelId(d: Json): LintFinding[] {
  const seen = new Set<number>();
  const out: LintFinding[] = [];
  for (const { panel, where } of allPanels(d)) {
    const id = jsonNumber(panel.id);
    if (id === undefined) out.push(finding('panel-id', where, 'the panel has no id'));
    else if (seen.has(id)) out.push(finding('panel-id', where, `panel id ${id} is used twice`));
    else seen.add(id);
  }
  return out;
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function boxOf(panel: JsonObject): Box | undefined {
  const g = jsonObject(panel.gridPos);
  const [x, y, w, h] = [jsonNumber(g?.x), jsonNumber(g?.y), jsonNumber(g?.w), jsonNumber(g?.h)];
  return x === undefined || y === undefined || w === undefined || h === undefined ? undefined : { x, y, w, h };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** grid-layout: every top-level panel has a gridPos inside the 24 columns, and no two overlap. */
function checkGrid(d: Json): LintFinding[] {
  const out: LintFinding[] = [];
  const placed: Array<{ box: Box; where: string }> = [];
  // Panels nested in a collapsed row take their place only when it opens; the top level must not overlap.
  const topLevel = jsonArray(jsonObject(d)?.panels)
    .map(jsonObject)
    .filter((p): p is JsonObject => p !== undefined);
  for (const { panel, where } of allPanels(d).filter((r) => topLevel.includes(r.panel))) {
    const box = boxOf(panel);
    if (box === undefined) {
      out.push(finding('grid-layout', where, 'the panel has no complete gridPos'));
      continue;
    }
    if (box.x < 0 || box.y < 0 || box.w <= 0 || box.h <= 0 || box.x + box.w > GRID_COLUMNS) {
      out.push(finding('grid-layout', where, `gridPos ${JSON.stringify(box)} lies outside the ${GRID_COLUMNS}-column grid`));
    }
    for (const other of placed) {
      if (overlaps(box, other.box)) out.push(finding('grid-layout', where, `the panel overlaps ${other.where.replace(/^[^:]*: /, '')}`));
    }
    placed.push({ box, where });
  }
  return out;
}

/** target-refid: every target has a refId, unique within its panel. */
function checkRefId(d: Json): LintFinding[] {
  const out: LintFinding[] = [];
  for (const { panel, where } of allPanels(d)) {
    const seen = new Set<string>();
    jsonArray(panel.targets).forEach((t, i) => {
      const ref = jsonString(jsonObject(t)?.refId);
      if (ref === undefined || ref === '') out.push(finding('target-refid', where, `target #${i} has no refId`));
      else if (seen.has(ref)) out.push(finding('target-refid', where, `refId ${ref} is used twice`));
      else seen.add(ref);
    });
  }
  return out;
}

/** target-promql: every target's expression, with variables and macros replaced, parses and selects only catalog metrics and labels. */
function checkPromql(d: Json, options: LintOptions = {}): LintFinding[] {
  const identifyingLabels = options.identifyingLabels ?? [];
  const out: LintFinding[] = [];
  for (const { panel, where } of allPanels(d)) {
    if (isRow(panel)) continue;
    const targets = jsonArray(panel.targets);
    if (targets.length === 0) out.push(finding('target-promql', where, 'the panel has no query'));
    for (const t of targets) {
      const ref = jsonString(jsonObject(t)?.refId) ?? '?';
      const expr = jsonString(jsonObject(t)?.expr);
      if (expr === undefined || expr.trim() === '') {
        out.push(finding('target-promql', where, `target ${ref} has no expression`));
        continue;
      }
      let problems: string[];
      try {
        problems = validateExpr(substituteVariables(expr), { identifyingLabels });
      } catch (err) {
        problems = [err instanceof Error ? err.message : String(err)];
      }
      for (const p of problems) out.push(finding('target-promql', where, `target ${ref}: ${p}`));
    }
  }
  return out;
}

/** Every check, in the order findings are reported. */
export const LINT_CHECKS: readonly LintCheck[] = [
  { id: 'dashboard-title', description: 'the dashboard has a title', run: checkTitle },
  { id: 'dashboard-uid', description: 'the dashboard has a uid of 1-40 letters, digits, - or _', run: checkUid },
  { id: 'target-datasource', description: 'a datasource variable exists and every panel and target reads from it', run: checkDatasource },
  { id: 'panel-unit', description: 'every panel sets a unit (a table: for every value column)', run: checkUnit },
  { id: 'panel-type', description: 'no deprecated panel type (graph, singlestat, ...)', run: checkPanelType },
  { id: 'panel-id', description: 'every panel has a unique id', run: checkPanelId },
  { id: 'grid-layout', description: 'every panel sits inside the 24-column grid and none overlap', run: checkGrid },
  { id: 'target-refid', description: 'every target has a refId, unique within its panel', run: checkRefId },
  { id: 'target-promql', description: 'every query parses and selects only catalog metrics and their labels', run: checkPromql },
];

/** Runs every check on a dashboard's JSON; empty when it is good. */
export function lintDashboard(dashboard: Json, options: LintOptions = {}): LintFinding[] {
  return LINT_CHECKS.flatMap((c) => c.run(dashboard, options));
}

/** One line per finding: `where: message [check]`. */
export function formatFinding(f: LintFinding): string {
  return `${f.where}: ${f.message} [${f.check}]`;
}
