/**
 * `ubm.labels.identifying`: which label names may identify a thing besides ubm's own (a `cluster`
 * or `site` label that the scrape or the storage path adds), checked where the config is read.
 */
import { allMetrics } from '../schema/catalog.js';

/** A Prometheus label name that a user may set: `__` names are Prometheus' own. */
export const IDENTIFYING_LABEL_PATTERN = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Labels that ubm, the scrape, PromQL or Alertmanager already give a meaning: never an identifying
 * label. `datasource` too: each identifying label gets a dashboard variable of its name, beside the datasource variable.
 */
export function reservedLabels(): readonly string[] {
  const own = new Set<string>(allMetrics.flatMap((m) => m.labels));
  for (const l of ['job', 'instance', '__name__', 'severity', 'alertname', 'alertstate', 'le', 'quantile', 'datasource']) own.add(l);
  return [...own].sort();
}
