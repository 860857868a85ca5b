/**
 * What every pass/fail check writes (restic check, restore test, PostgreSQL verification, offsite
 * status): its status, duration, when it last ran, and when it last passed, carried forward.
 */
import type { GroupId, LabelName, MetricDef } from '../schema/catalog.js';
import { type ExactLabels, type GroupSample, type SeriesValue, carried, maybeSample, present, sample } from '../schema/series.js';
import { type GroupKey, type TextfileGroup, monotonicSeconds, roundDuration, textfileGroup } from './group.js';

/** One run of a check that passes or fails. */
export interface CheckRun {
  readonly hostname: string;
  readonly success: boolean;
  readonly durationSeconds?: number | undefined;
  /** When the check ended, in milliseconds since the epoch. */
  readonly endedAtMs: number;
}

/** The metrics of a pass/fail check's group; the offsite status has no duration. */
export interface CheckMetrics<L extends LabelName, G extends GroupId> {
  readonly status: MetricDef<L, G>;
  readonly duration?: MetricDef<L, G>;
  readonly lastRun: MetricDef<L, G>;
  readonly lastSuccess: MetricDef<L, G>;
}

/** The last-success timestamp after a run: now when it succeeded, else carried forward from the previous file. */
export function lastSuccess(previous: readonly SeriesValue[], metric: MetricDef, success: boolean, nowSeconds: number): number | undefined {
  return success ? nowSeconds : carried(previous, metric);
}

/** The samples every pass/fail check writes. */
export function checkSamples<L extends LabelName, G extends GroupId>(
  m: CheckMetrics<L, G>,
  labels: NoInfer<ExactLabels<L>>,
  previous: readonly SeriesValue[],
  run: CheckRun,
): GroupSample<G>[] {
  // Never before the previous run's time: a writer that waited for the lock may hold an older clock reading.
  const now = monotonicSeconds(run.endedAtMs, carried(previous, m.lastRun));
  const duration = m.duration !== undefined && run.durationSeconds !== undefined ? maybeSample(m.duration, labels, roundDuration(run.durationSeconds)) : undefined;
  return present([
    sample(m.status, labels, run.success ? 1 : 0),
    duration,
    sample(m.lastRun, labels, now),
    maybeSample(m.lastSuccess, labels, lastSuccess(previous, m.lastSuccess, run.success, now)),
  ]);
}

/** The labels of a check's file key: all but hostname, in the status metric's order. */
function keyOf<L extends LabelName>(labels: ExactLabels<L>, keyLabels: readonly LabelName[]): GroupKey {
  const key: Partial<Record<LabelName, string>> = {};
  const all: Readonly<Partial<Record<LabelName, string>>> = labels;
  for (const l of keyLabels) {
    const value = all[l];
    if (value !== undefined) key[l] = value;
  }
  return key;
}

/**
 * Declares a pass/fail check's group from its metrics and the labels of an input: the file key is
 * every label but hostname, and the builder is checkSamples plus the group's `extra` samples.
 */
export function checkGroup<G extends GroupId, L extends LabelName, I extends CheckRun>(
  id: G,
  filePrefix: string,
  m: CheckMetrics<L, G>,
  labels: (input: I) => NoInfer<ExactLabels<L>>,
  extra: (input: I, labels: ExactLabels<L>) => (GroupSample<NoInfer<G>> | undefined)[] = () => [],
): TextfileGroup<G, I> {
  const keyLabels = m.status.labels.filter((l) => l !== 'hostname');
  return textfileGroup({
    id,
    filePrefix,
    keyLabels,
    key: (input: I) => keyOf(labels(input), keyLabels),
    build: (previous, input) => {
      const l = labels(input);
      return present([...checkSamples(m, l, previous, input), ...extra(input, l)]);
    },
  });
}
