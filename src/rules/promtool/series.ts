/**
 * Input series for generated promtool tests: a series is a function of the minute, compressed
 * into promtool's expanding notation (`1x59`, `0+60x1439`, `_x120`).
 */
import { num } from '../../promql/selector.js';

/** A staleness marker: what Prometheus writes when a scrape fails or a series disappears. */
export const STALE = 'stale';

/** One sample per minute: a value, undefined for no sample (a gap), or a staleness marker. */
export type Timeline = (minute: number) => number | undefined | typeof STALE;

/** A promtool input series. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** A series to generate: metric name, labels and its timeline over `minutes` minutes. */
export interface SeriesSpec {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly at: Timeline;
}

/** Renders `name{a="x", b="y"}` with labels in sorted order. */
export function seriesName(metric: string, labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k] ?? '')}`);
  return parts.length === 0 ? metric : `${metric}{${parts.join(', ')}}`;
}

/** Compresses samples into promtool's notation: runs of gaps, constants and constant steps. */
export function compress(samples: ReadonlyArray<number | undefined | typeof STALE>): string {
  const out: string[] = [];
  let i = 0;
  while (i < samples.length) {
    const v = samples[i];
    if (v === STALE) {
      out.push(STALE);
      i++;
      continue;
    }
    if (v === undefined) {
      let j = i;
      while (j < samples.length && samples[j] === undefined) j++;
      out.push(j - i === 1 ? '_' : `_x${j - i}`);
      i = j;
      continue;
    }
    const next = samples[i + 1];
    const step = typeof next === 'number' ? next - v : 0;
    let j = i + 1;
    while (j < samples.length) {
      const cur = samples[j];
      const prev = samples[j - 1];
      if (typeof cur !== 'number' || typeof prev !== 'number' || cur - prev !== step) break;
      j++;
    }
    // Negative steps have no notation we rely on; fall back to single values.
    if (step < 0) j = i + 1;
    const n = j - i - 1;
    if (n === 0) out.push(num(v));
    else if (step === 0) out.push(`${num(v)}x${n}`);
    else out.push(`${num(v)}+${num(step)}x${n}`);
    i = j;
  }
  return out.join(' ');
}

/**
 * Renders specs into promtool input series covering `minutes` minutes, one sample every
 * `stepMinutes` minutes (the test's `interval`).
 */
export function inputSeries(specs: readonly SeriesSpec[], minutes: number, stepMinutes = 1): InputSeries[] {
  return specs.map((s) => {
    const samples: Array<number | undefined | typeof STALE> = [];
    for (let m = 0; m < minutes; m += stepMinutes) samples.push(s.at(m));
    return { series: seriesName(s.metric, s.labels), values: compress(samples) };
  });
}

/** A promtool duration for a number of seconds (`90m`, `45s`). */
export function evalTime(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** The first evaluation (every `step` seconds from 0) at which `time() - since > threshold` holds, for `seconds` = threshold + since. */
export function firstEvalAfter(seconds: number, step = 60): number {
  return (Math.floor(seconds / step) + 1) * step;
}

/** The first evaluation at or after `seconds`. */
export function onGrid(seconds: number, step = 60): number {
  return Math.ceil(seconds / step) * step;
}

/** A constant timeline. */
export function constant(v: number): Timeline {
  return () => v;
}

/** A timeline that is `before` until minute `at`, then `after`. */
export function stepAt(at: number, before: number | undefined, after: number | undefined): Timeline {
  return (m) => (m < at ? before : after);
}

/** A timeline by pieces: `[[fromMinute, value], ...]` sorted by minute; before the first piece, no sample. */
export function pieces(points: ReadonlyArray<readonly [number, number | undefined]>): Timeline {
  return (m) => {
    let v: number | undefined;
    for (const [from, value] of points) if (m >= from) v = value;
    return v;
  };
}
