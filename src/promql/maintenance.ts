/**
 * Repository maintenance (forget, prune, check) as PromQL, written once for the alerts and the
 * dashboards: the age of each repository's last successful prune and the threshold it is held to.
 * Each reads one sample per series: the thresholds travel with the metrics, nothing reads a range.
 */
import { metrics } from '../schema/catalog.js';
import { type Identify, NO_IDENTITY } from './identity.js';
import { type Matchers, by, num, on, sel } from './selector.js';

/** The labels that identify one maintenance operation of a repository. */
export const REPOSITORY_OPERATION_LABELS = ['hostname', 'repository', 'operation'] as const;

/** The only operation that frees space, so the only one a repository goes stale without. */
export const PRUNE = 'prune';

/** `filter` restricted to prunes. */
function prunes(filter: Matchers): Matchers {
  return { ...filter, operation: PRUNE };
}

/**
 * Each repository's prune stale threshold in seconds: the one `ubm run --operation prune --config`
 * (or `ubm emit maintenance --config`) wrote with its metrics, from the repository's pruneSchedule;
 * else `fallbackSeconds` for every repository with a successful prune. `separator` joins the lines
 * (a line break in rule files, a space in panels).
 */
export function pruneStaleThresholdExpr(fallbackSeconds: number, filter: Matchers = {}, separator = '\n', id: Identify = NO_IDENTITY): string {
  const p = prunes(filter);
  return [
    `max ${by(id(REPOSITORY_OPERATION_LABELS))} (${sel(metrics.resticMaintenanceStaleThresholdSeconds, p)})`,
    'or',
    `group ${by(id(REPOSITORY_OPERATION_LABELS))} (${sel(metrics.resticMaintenanceLastSuccessTimestampSeconds, p)}) * ${num(fallbackSeconds)}`,
  ].join(separator);
}

/** Seconds since each repository's last successful prune. */
export function pruneAgeExpr(filter: Matchers = {}, id: Identify = NO_IDENTITY): string {
  return `time() - max ${by(id(REPOSITORY_OPERATION_LABELS))} (${sel(metrics.resticMaintenanceLastSuccessTimestampSeconds, prunes(filter))})`;
}

/** The repositories whose last successful prune is older than their threshold; the value is its age in seconds. */
export function pruneStaleExpr(fallbackSeconds: number, filter: Matchers = {}, separator = '\n', id: Identify = NO_IDENTITY): string {
  return [pruneAgeExpr(filter, id), `  > ${on(id(REPOSITORY_OPERATION_LABELS))} (`, pruneStaleThresholdExpr(fallbackSeconds, filter, separator, id), ')'].join(separator);
}
