/**
 * What a textfile group is: the metrics written together into one `.prom` file per key, where its
 * files live (name prefix and key labels), and the pure builder of a file's series.
 */
import type { GroupId, LabelName, MetricDef } from '../schema/catalog.js';
import { metricsOfGroup } from '../schema/catalog.js';
import type { GroupSample, SeriesValue } from '../schema/series.js';

/** The values of a group's key labels: they pick its file. */
export type GroupKey = Readonly<Partial<Record<LabelName, string>>>;

/** How a group is laid out on disk. */
export interface GroupLayout {
  /** File name prefix; the key's values follow it. */
  readonly filePrefix: string;
  /** Labels whose values pick the file: one file per group and key. */
  readonly keyLabels: readonly LabelName[];
}

/** One textfile group, with `I` the input one write records (a run, a check's result, a summary). */
export interface TextfileGroup<G extends GroupId, I> extends GroupLayout {
  readonly id: G;
  /** The catalog metrics the group writes (the catalog's entries whose `group` is this one). */
  readonly members: readonly MetricDef[];
  /** The key label values of an input: which file it goes to. */
  readonly key: (input: I) => GroupKey;
  /** The new file's series from the previous file's (empty when none) and the input; carry-forward happens here. */
  readonly build: (previous: readonly SeriesValue[], input: I) => GroupSample<G>[];
}

/** What a group's file declares; the group id alone fixes `G`, so a builder cannot widen it. */
type GroupDeclaration<G extends GroupId, I> = Omit<TextfileGroup<G, I>, 'members' | 'build'> & {
  readonly build: (previous: readonly SeriesValue[], input: I) => GroupSample<NoInfer<G>>[];
};

/** Declares a group; its members come from the catalog. */
export function textfileGroup<G extends GroupId, I>(group: GroupDeclaration<G, I>): TextfileGroup<G, I> {
  return { ...group, members: metricsOfGroup(group.id) };
}

/** Seconds since the epoch, whole: textfile timestamps need no sub-second precision. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * How far ahead of the clock a file's last-run time may be and still be taken as a writer that got
 * the lock first (writers read the clock before they wait for the lock, up to its 10 s timeout).
 * A value further ahead is a clock that was wrong, and is not kept.
 */
export const MAX_WRITER_SKEW_SECONDS = 300;

/**
 * The run's time in whole seconds, never before the time the previous file recorded (`previousSeconds`):
 * a writer that waited for the lock must not step a last-run time backwards. A previous value more
 * than MAX_WRITER_SKEW_SECONDS ahead is ignored.
 */
export function monotonicSeconds(ms: number, previousSeconds: number | undefined): number {
  const now = unixSeconds(ms);
  if (previousSeconds === undefined || !Number.isFinite(previousSeconds) || previousSeconds <= now) return now;
  return previousSeconds - now <= MAX_WRITER_SKEW_SECONDS ? previousSeconds : now;
}

/** Durations keep millisecond precision and no float noise. */
export function roundDuration(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Declares a group with one file per host (no key labels beyond hostname). */
export function hostGroup<G extends GroupId, I>(id: G, filePrefix: string, build: GroupDeclaration<G, I>['build']): TextfileGroup<G, I> {
  return textfileGroup({ id, filePrefix, keyLabels: [], key: () => ({}), build });
}
