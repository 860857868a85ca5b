/**
 * Identifying labels (`ubm.labels.identifying`, e.g. `cluster`): labels that the scrape or the
 * storage path adds (relabelling, remote write, federation), never ubm. They lead every label list
 * that keys a thing (aggregations, joins, inhibit `equal`, alert labels), so that two clusters with
 * the same hostname stay two series, two alerts. Passed as data: generators stay functions of the config.
 */

/** Extends a label list with the identifying labels, which lead it. */
export type Identify = (labels: readonly string[]) => readonly string[];

/** An Identify that adds `extra` in front of each list; with none, it returns each list itself (output unchanged). */
export function identify(extra: readonly string[]): Identify {
  return extra.length === 0 ? (labels) => labels : (labels) => [...extra, ...labels];
}

/** No identifying labels: every list as it is. */
export const NO_IDENTITY: Identify = identify([]);
