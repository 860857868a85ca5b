/** Small statistics of the report: nearest-rank percentiles and least-squares trends. */
import { SECONDS_PER_DAY } from '../util/duration.js';
import type { Trend } from './model.js';

/** The nearest-rank percentile p (0..100) of values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** The trend of values taken at times (seconds): first, last, mean and the fitted slope per day; null for none. */
export function trend(points: ReadonlyArray<readonly [number, number]>): Trend | null {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return null;
  const n = points.length;
  const mt = points.reduce((s, [t]) => s + t, 0) / n;
  const mv = points.reduce((s, [, v]) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) ** 2;
  }
  const slope = den === 0 ? 0 : (num / den) * SECONDS_PER_DAY;
  return { first: first[1], last: last[1], mean: round(mv), slopePerDay: round(slope) };
}

/** Rounds to 6 significant decimals, so that the output does not carry floating-point noise. */
export function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
