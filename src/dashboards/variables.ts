/**
 * The dashboards' template variables (datasource, hostname, repository, backup_job), the matchers
 * that queries use to follow them, and the substitution that turns a panel query into plain PromQL.
 */
import { metrics } from '../schema/catalog.js';
import type { Matchers } from '../promql/selector.js';
import { sel } from '../promql/selector.js';

/** Names of the template variables every dashboard carries. */
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

/** Matchers of per-host series. */
export const HOST_FILTER: Matchers = { hostname: follow(VARIABLES.hostname) };
/** Matchers of per-repository series (verification, restore tests). */
export const REPOSITORY_FILTER: Matchers = { ...HOST_FILTER, repository: follow(VARIABLES.repository) };
/** Matchers of per-job series. */
export const JOB_FILTER: Matchers = { ...REPOSITORY_FILTER, backup_job: follow(VARIABLES.backupJob) };

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

function nameRegex(defs: readonly { name: string }[]): string {
  return defs.map((d) => d.name).join('|');
}

/** The variables of every dashboard, in display order. */
export function variableSpecs(): readonly VariableSpec[] {
  return [
    { name: VARIABLES.datasource, label: 'Data source', kind: 'datasource', query: 'prometheus' },
    {
      name: VARIABLES.hostname,
      label: 'Host',
      kind: 'query',
      query: `label_values({__name__=~"${nameRegex(HOST_METRICS)}"}, hostname)`,
    },
    {
      name: VARIABLES.repository,
      label: 'Repository',
      kind: 'query',
      query: `label_values({__name__=~"${nameRegex(REPOSITORY_METRICS)}", hostname=~"${varRef(VARIABLES.hostname)}"}, repository)`,
    },
    {
      name: VARIABLES.backupJob,
      label: 'Backup job',
      kind: 'query',
      query: `label_values(${sel(metrics.resticBackupStatus, REPOSITORY_FILTER)}, backup_job)`,
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
