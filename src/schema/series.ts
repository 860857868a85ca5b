/**
 * Series of catalog metrics. A group's builder returns typed samples: the compiler checks that
 * each carries exactly its metric's labels and belongs to the group. Series read back from a file
 * are untyped (`SeriesValue`) until the exporter has checked them against the catalog.
 */
import type { GroupId, LabelName, MetricDef } from './catalog.js';

/** One sample as the exporter handles it: a catalog metric, its labels (exactly metric.labels), its value. */
export interface SeriesValue {
  readonly metric: MetricDef;
  readonly labels: Readonly<Partial<Record<LabelName, string>>>;
  readonly value: number;
}

/** Exactly the labels `L`: each one a string, every other label name forbidden. */
export type ExactLabels<L extends LabelName> = { readonly [K in L]: string } & { readonly [K in Exclude<LabelName, L>]?: never };

declare const checked: unique symbol;

/**
 * A sample of one of group `G`'s metrics whose labels were checked against the metric's at compile
 * time. Only `sample()` makes one, so a builder cannot return a series with a missing or extra label.
 */
export interface GroupSample<G extends GroupId = GroupId> extends SeriesValue {
  readonly metric: MetricDef<LabelName, G>;
  readonly [checked]: true;
}

/** A sample whose labels the compiler checks against its metric's: none missing, none extra. */
export function sample<L extends LabelName, G extends GroupId>(metric: MetricDef<L, G>, labels: NoInfer<ExactLabels<L>>, value: number): GroupSample<G> {
  // The one place the brand is applied: the parameter types above are the check.
  return { metric, labels, value } as SeriesValue as GroupSample<G>;
}

/** `sample()` for a value that may be unknown: no sample then. */
export function maybeSample<L extends LabelName, G extends GroupId>(metric: MetricDef<L, G>, labels: NoInfer<ExactLabels<L>>, value: number | undefined): GroupSample<G> | undefined {
  return value === undefined ? undefined : sample(metric, labels, value);
}

/** The samples that exist. */
export function present<G extends GroupId>(samples: readonly (GroupSample<G> | undefined)[]): GroupSample<G>[] {
  return samples.filter((s): s is GroupSample<G> => s !== undefined);
}

/** The previous value of a metric among the series read back from its file (the first match), if any. */
export function carried(previous: readonly SeriesValue[], metric: MetricDef): number | undefined {
  return previous.find((s) => s.metric.name === metric.name)?.value;
}
