/**
 * House-style panel factories: the only place that knows the Grafana Foundation SDK's panel and
 * query builders. Panels override only what differs (title, unit, thresholds); every query gets
 * the datasource variable and a refId (the SDK sets neither).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  TableCellDisplayMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type DataSourceRef,
  type DynamicConfigValue,
  FieldColorBuilder,
  FieldColorModeId,
  MappingType,
  type Panel,
  RowBuilder,
  type ThresholdsConfig,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { type DashboardScope, VARIABLES } from './variables.js';

/** The datasource variable as panels and links reference it (`${datasource}`). */
export const DATASOURCE_VAR = `\${${VARIABLES.datasource}}`;

/** Every panel and query reads from the dashboard's datasource variable. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: DATASOURCE_VAR };

/** Colours of the alert severities, so that a panel turns the colour of the alert its threshold matches. */
export const SEVERITY_COLOURS = { critical: 'red', high: 'orange', medium: 'yellow', ok: 'green' } as const;

/** One colour step: from `value` upwards (null = the base colour). */
export interface Step {
  readonly value: number | null;
  readonly color: string;
}

/** One query of a panel and the legend of its series. */
export interface Query {
  readonly expr: string;
  readonly legend: string;
}

/** What every panel declares: the rest comes from the house style. */
export interface PanelBase {
  readonly title: string;
  /** What the panel shows and how it is computed, in words (shown in Grafana's panel info). */
  readonly description: string;
  readonly unit: string;
  /** Grid width (of 24) and height. */
  readonly width: number;
  readonly height: number;
  readonly thresholds?: readonly Step[] | undefined;
  readonly mappings?: readonly ValueMapping[] | undefined;
}

/** Threshold steps with a base colour and further steps. */
export function steps(base: string, ...more: ReadonlyArray<readonly [number, string]>): Step[] {
  return [{ value: null, color: base }, ...more.map(([value, color]) => ({ value, color }))];
}

/** A status (1 good, 0 bad): `bad` (the colour of the alert that watches it) below 1, green at 1. */
export function statusSteps(bad: string = SEVERITY_COLOURS.critical): Step[] {
  return steps(bad, [1, SEVERITY_COLOURS.ok]);
}

/** Colour steps of a status watched by a critical alert (or by none). */
export const STATUS_STEPS: readonly Step[] = statusSteps();

/** Value mappings of a 1/0 status metric, 0 in the colour of the alert that watches it. */
export function statusMappings(good = 'OK', bad = 'FAILED', badColour: string = SEVERITY_COLOURS.critical): ValueMapping[] {
  return [
    {
      type: MappingType.ValueToText,
      options: {
        '0': { text: bad, color: badColour, index: 0 },
        '1': { text: good, color: SEVERITY_COLOURS.ok, index: 1 },
      },
    },
  ];
}

/** Value mappings of a status code (0 = ok, anything else = a problem, as pgBackRest reports), errors in the colour of the alert that watches it. */
export function codeMappings(bad: string = SEVERITY_COLOURS.critical): ValueMapping[] {
  return [
    { type: MappingType.ValueToText, options: { '0': { text: 'OK', color: SEVERITY_COLOURS.ok, index: 0 } } },
    { type: MappingType.RangeToText, options: { from: 1, to: null, result: { text: 'ERROR', color: bad, index: 1 } } },
  ];
}

/** The refId of the n-th query of a panel: A, B, C, ... */
export function refId(index: number): string {
  return String.fromCharCode('A'.charCodeAt(0) + index);
}

/** How a query asks Prometheus: a time series, one instant value, or an instant table. */
export type QueryMode = 'range' | 'instant' | 'table';

/** A Prometheus query with the datasource variable and an explicit refId. */
export function prometheusQuery(expr: string, legend: string, ref: string, mode: QueryMode = 'range'): DataqueryBuilder {
  const q = new DataqueryBuilder().datasource(DATASOURCE).expr(expr).legendFormat(legend).refId(ref);
  if (mode === 'range') return q.range();
  const instant = q.instant();
  return mode === 'table' ? instant.format(PromQueryFormat.Table) : instant;
}

function thresholdsOf(s: readonly Step[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(s.map((x) => ({ ...x })));
}

/** The builder methods every panel kind has (the SDK generates one builder class per kind). */
interface PanelBuilderBase {
  title(title: string): this;
  description(description: string): this;
  datasource(datasource: DataSourceRef): this;
  unit(unit: string): this;
  span(width: number): this;
  height(height: number): this;
  thresholds(thresholds: cog.Builder<ThresholdsConfig>): this;
  mappings(mappings: ValueMapping[]): this;
}

/** What every panel kind takes from its base: title, description, the datasource variable, unit and size. */
function framed<B extends PanelBuilderBase>(builder: B, base: Omit<PanelBase, 'thresholds' | 'mappings'>): B {
  return builder.title(base.title).description(base.description).datasource(DATASOURCE).unit(base.unit).span(base.width).height(base.height);
}

/** A panel's colour steps (green when it declares none) and value mappings. */
function coloured<B extends PanelBuilderBase>(builder: B, base: PanelBase): B {
  const panel = builder.thresholds(thresholdsOf(base.thresholds ?? steps(SEVERITY_COLOURS.ok)));
  return base.mappings === undefined ? panel : panel.mappings([...base.mappings]);
}

/** A stat panel: one big number per series, coloured by its thresholds. */
export function statPanel(base: PanelBase, queries: readonly Query[]): cog.Builder<Panel> {
  const panel = framed(new StatPanelBuilder(), base)
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Background)
    .textMode(queries.length > 1 || queries.some((q) => q.legend !== '') ? BigValueTextMode.ValueAndName : BigValueTextMode.Value)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .targets(queries.map((q, i) => prometheusQuery(q.expr, q.legend, refId(i), 'instant')));
  return coloured(panel, base);
}

/** A time-series panel: one line per series over the dashboard's range. */
export function timeseriesPanel(base: PanelBase, queries: readonly Query[]): cog.Builder<Panel> {
  const panel = framed(new TimeseriesPanelBuilder(), base)
    // Thin lines over a light fill; a gap between scrapes (or runs) is bridged, not drawn as a break.
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(true)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).calcs(['lastNotNull', 'max']))
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic))
    .targets(queries.map((q, i) => prometheusQuery(q.expr, q.legend, refId(i), 'range')));
  return coloured(panel, base);
}

/** A link shown on a table cell: `url` may use `${__data.fields.<label>}` and dashboard variables. */
export interface CellLink {
  readonly title: string;
  readonly url: string;
}

/** A label column of a table (one of the labels every query of the table keeps). */
export interface KeyColumn {
  readonly label: string;
  readonly title: string;
  readonly links?: readonly CellLink[];
}

/** The key columns of a table led by one per identifying label of the scope (titled as the label), as its queries keep them. */
export function keyColumns(scope: DashboardScope, keys: readonly KeyColumn[]): KeyColumn[] {
  return [...scope.identifying.map((label) => ({ label, title: label })), ...keys];
}

/** A table cell's value of `label` in a link (`${__data.fields.label}`). */
export function cellValue(label: string): string {
  return `\${__data.fields.${label}}`;
}

/** Drill-down parameters that carry a row's identifying labels into the variables named after them. */
export function scopeParams(scope: DashboardScope): Record<string, string> {
  return Object.fromEntries(scope.identifying.map((label) => [label, cellValue(label)]));
}

/** A value column of a table: one instant query. */
export interface ValueColumn {
  readonly title: string;
  readonly expr: string;
  readonly unit: string;
  readonly thresholds?: readonly Step[] | undefined;
  readonly mappings?: readonly ValueMapping[] | undefined;
}

/** Grafana's name for the value field of a query in a multi-query table. */
export function valueField(ref: string): string {
  return `Value #${ref}`;
}

function columnOverrides(column: ValueColumn, ref: string): { matcher: { id: string; options: string }; properties: DynamicConfigValue[] } {
  const properties: DynamicConfigValue[] = [
    { id: 'displayName', value: column.title },
    { id: 'unit', value: column.unit },
  ];
  if (column.thresholds !== undefined) {
    properties.push({ id: 'thresholds', value: { mode: ThresholdsMode.Absolute, steps: column.thresholds.map((s) => ({ ...s })) } });
    properties.push({ id: 'custom.cellOptions', value: { type: TableCellDisplayMode.ColorBackground } });
  }
  if (column.mappings !== undefined) properties.push({ id: 'mappings', value: [...column.mappings] });
  return { matcher: { id: 'byName', options: valueField(ref) }, properties };
}

/**
 * A table of one row per key (e.g. host, job, repository): each value column is an instant
 * query keeping exactly the key labels, merged into one row per key.
 */
export function tablePanel(base: Omit<PanelBase, 'unit' | 'thresholds' | 'mappings'>, keys: readonly KeyColumn[], columns: readonly ValueColumn[]): cog.Builder<Panel> {
  const refs = columns.map((_c, i) => refId(i));
  const order: Record<string, number> = {};
  [...keys.map((k) => k.label), ...refs.map(valueField)].forEach((name, i) => {
    order[name] = i;
  });
  // Label columns are text; each value column sets its own unit below.
  let panel = framed(new TablePanelBuilder(), { ...base, unit: 'none' })
    .targets(columns.map((c, i) => prometheusQuery(c.expr, '', refId(i), 'table')))
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, indexByName: order, renameByName: {} } });
  for (const key of keys) {
    const properties: DynamicConfigValue[] = [{ id: 'displayName', value: key.title }];
    if (key.links !== undefined) properties.push({ id: 'links', value: key.links.map((l) => ({ title: l.title, url: l.url })) });
    panel = panel.overrideByName(key.label, properties);
  }
  columns.forEach((c, i) => {
    panel = panel.withOverride(columnOverrides(c, refId(i)));
  });
  return panel;
}

/** An expanded row: a full-width header; the panels after it belong to it (Grafana ignores panels nested in an expanded row). */
export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}

/** A link to another dashboard that carries the current variables and time range. */
export function drillDownUrl(uid: string, params: Readonly<Record<string, string>>): string {
  const query = Object.entries(params)
    .map(([k, v]) => `var-${k}=${v}`)
    .concat([`var-${VARIABLES.datasource}=${DATASOURCE_VAR}`, '${__url_time_range}'])
    .join('&');
  return `/d/${uid}/${uid}?${query}`;
}
