/**
 * Assembles a dashboard from rows of panels with the house settings: stable UID, tags, the
 * shared variables, links between the kit's dashboards, and panel ids in layout order.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  type Panel,
  QueryVariableBuilder,
  type VariableModel,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE, row } from './common.js';
import { type VariableSpec, variableSpecs } from './variables.js';

/** Tag on every dashboard of the kit; the dashboards' link menu lists the dashboards with it. */
export const KIT_TAG = 'ubm';

/** Names of the kit's dashboards; UIDs and file names derive from them. */
export const DASHBOARD_NAMES = { overview: 'overview', job: 'job', host: 'host' } as const;

/** Grafana caps a UID at 40 characters. */
const MAX_UID_LENGTH = 40;

/** A stable UID derived from a dashboard's name: `ubm-` and the name as a slug, at most 40 characters. */
export function dashboardUid(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') throw new Error(`dashboard name '${name}' has no letters or digits for a UID`);
  return `${KIT_TAG}-${slug}`.slice(0, MAX_UID_LENGTH).replace(/-+$/, '');
}

/** UIDs of the drill-down dashboards that the overview's and host's tables link to. */
export const DRILL_DOWN_UIDS = { jobUid: dashboardUid(DASHBOARD_NAMES.job), hostUid: dashboardUid(DASHBOARD_NAMES.host) } as const;

/** A row of panels under a header. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly cog.Builder<Panel>[];
}

/** A whole dashboard, declared. */
export interface DashboardSpec {
  /** Short name; the UID and file name derive from it. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly rows: readonly RowSpec[];
}

function variableBuilder(spec: VariableSpec): cog.Builder<VariableModel> {
  if (spec.kind === 'datasource') return new DatasourceVariableBuilder(spec.name).label(spec.label).type(spec.query);
  return new QueryVariableBuilder(spec.name)
    .label(spec.label)
    .query(spec.query)
    .datasource(DATASOURCE)
    .multi(true)
    .includeAll(true)
    // "All" must match every value, including series that lack the label.
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/**
 * Builds the dashboard model: SDK builders in, the plain model out, panel ids numbered in order;
 * `identifying` (`ubm.labels.identifying`) adds a variable per label ahead of the host's.
 */
export function buildDashboard(spec: DashboardSpec, identifying: readonly string[]): Dashboard {
  let builder = new DashboardBuilder(spec.title)
    .uid(dashboardUid(spec.name))
    .description(spec.description)
    .tags([KIT_TAG, ...spec.tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    // A week shows every daily and weekly job's last runs; backup metrics change slowly, so a minute's refresh is plenty.
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .variables(variableSpecs(identifying).map(variableBuilder))
    .link(
      new DashboardLinkBuilder('Backup dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([KIT_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
  for (const r of spec.rows) {
    builder = builder.withRow(row(r.title));
    for (const p of r.panels) builder = builder.withPanel(p);
  }
  const model = builder.build();
  (model.panels ?? []).forEach((p, i) => {
    p.id = i + 1;
  });
  return model;
}
