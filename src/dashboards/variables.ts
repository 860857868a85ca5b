/**
 * The dashboards' template variables (datasource, the identifying labels, hostname, repository,
 * backup_job), the matchers and label lists that queries use to follow them, and the substitution
 * that turns a panel query into plain PromQL.
 */
import type { ResolvedConfig } from '../config/model.js';
import { metrics } from '../schema/catalog.js';
import { type Identify, identify } from '../promql/identity.js';
import type { Matcher, Matchers } from '../promql/selector.js';
import { sel, selAny } from '../promql/selector.js';

/** Names of the template variables every dashboard carries (and one per identifying label, named as the label). */
export const VARIABLES = {
  datasource: 'datasource',
  hostname: 'hostname',
  repository: 'repository',
  backupJob: 'backup_job',
} as const;

/** A Grafana variable reference (`$name`). */
export function varRef(name: string): string {
  return `$${name}`;
}

/** A regex matcher that follows a multi-value variable (Grafana renders a multi-value selection as `(a|b)`). */
function follow(name: string): { re: string } {
  return { re: varRef(name) };
}

/** Matchers that follow the variables of `labels`, identifying labels the scrape adds (on every metric). */
function followAdded(labels: readonly string[]): Record<string, Matcher> {
  return Object.fromEntries(labels.map((l) => [l, { re: varRef(l), addedLabel: true }]));
}

/**
 * What the dashboards key and filter by, from `ubm.labels.identifying`: with identifying labels
 * (e.g. `cluster`), every filter follows their variables, and they lead every by/on list, table key
 * and legend, so that the same hostname in two clusters stays two series, two rows.
 */
export interface DashboardScope {
  /** The identifying labels, in the config's order; each has its variable, named as the label. */
  readonly identifying: readonly string[];
  /** Leads a label list (by, on, a table's key columns) with the identifying labels. */
  readonly id: Identify;
  /** Matchers of per-host series. */
  readonly host: Matchers;
  /** Matchers of per-repository series (verification, restore tests). */
  readonly repository: Matchers;
  /** Matchers of per-job series. */
  readonly job: Matchers;
  /** Leads a legend with the identifying labels (`{{cluster}} ...`). */
  readonly legend: (base: string) => string;
}

/** The dashboards' scope for the config's identifying labels; with none, the plain hostname filters and lists. */
export function dashboardScope(identifying: readonly string[]): DashboardScope {
  const host: Matchers = { ...followAdded(identifying), hostname: follow(VARIABLES.hostname) };
  const repository: Matchers = { ...host, repository: follow(VARIABLES.repository) };
  const prefix = identifying.map((l) => `{{${l}}} `).join('');
  return {
    identifying,
    id: identify(identifying),
    host,
    repository,
    job: { ...repository, backup_job: follow(VARIABLES.backupJob) },
    legend: (base) => `${prefix}${base}`,
  };
}

/** The dashboards' scope of a config (`ubm.labels.identifying`). */
export function scopeOf(config: Pick<ResolvedConfig, 'labels'>): DashboardScope {
  return dashboardScope(config.labels.identifying);
}

/** The scope without identifying labels: what the dashboards key by by default. */
export const NO_SCOPE: DashboardScope = dashboardScope([]);

/** One variable as the dashboards declare it; dashboard.ts (variableBuilder) turns it into an SDK builder. */
export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  /** The datasource plugin type for a datasource variable; a label_values() query otherwise. */
  readonly kind: 'datasource' | 'query';
  readonly query: string;
}

/** The metrics whose series say which hosts exist: every metric the SPEC fixes carries `hostname`. */
const HOST_METRICS = [
  metrics.resticBackupStatus,
  metrics.resticVerificationStatus,
  metrics.resticRestoreTestStatus,
  metrics.postgresBackupVerificationStatus,
  metrics.postgresPgbackrestOffsiteBackupStatus,
  metrics.backupMonitoringHealthy,
];

/** The metrics whose series say which restic repositories exist. */
const REPOSITORY_METRICS = [metrics.resticBackupStatus, metrics.resticVerificationStatus, metrics.resticRestoreTestStatus];

/**
 * The variables of every dashboard, in display order: the datasource, one per identifying label
 * (each filtered by those before it), then hostname, repository and backup job, each filtered by
 * the variables before it.
 */
export function variableSpecs(identifying: readonly string[]): readonly VariableSpec[] {
  const scope = dashboardScope(identifying);
  return [
    { name: VARIABLES.datasource, label: 'Data source', kind: 'datasource', query: 'prometheus' },
    ...identifying.map((label, i): VariableSpec => ({
      name: label,
      label,
      kind: 'query',
      query: `label_values(${selAny(HOST_METRICS, followAdded(identifying.slice(0, i)))}, ${label})`,
    })),
    {
      name: VARIABLES.hostname,
      label: 'Host',
      kind: 'query',
      query: `label_values(${selAny(HOST_METRICS, followAdded(identifying))}, hostname)`,
    },
    {
      name: VARIABLES.repository,
      label: 'Repository',
      kind: 'query',
      query: `label_values(${selAny(REPOSITORY_METRICS, scope.host)}, repository)`,
    },
    {
      name: VARIABLES.backupJob,
      label: 'Backup job',
      kind: 'query',
      query: `label_values(${sel(metrics.resticBackupStatus, scope.repository)}, backup_job)`,
    },
  ];
}

/** Fixed stand-ins for Grafana's interval macros when a query runs outside Grafana. */
export const MACRO_STAND_INS: Readonly<Record<string, string>> = {
  __range: '1h',
  __range_s: '3600',
  __interval: '1m',
  __rate_interval: '4m',
};

/**
 * Replaces Grafana variables and macros with plain PromQL: a variable becomes `.*` (every
 * variable sits in a regex matcher, and "All" means `.*`), a macro its fixed stand-in.
 * Throws on a macro it does not know, so that a new macro cannot slip through validation.
 */
export function substituteVariables(expr: string): string {
  return expr.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    if (!name.startsWith('__')) return '.*';
    const standIn = MACRO_STAND_INS[name];
    if (standIn === undefined) throw new Error(`query uses the Grafana macro $${name}, which has no stand-in`);
    return standIn;
  });
}
