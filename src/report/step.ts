/** The step of the report's range queries: fine enough to read, coarse enough to stay within Prometheus' limits. */

/** Prometheus refuses a range query with more than 11,000 points per series; stay under it. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** The finest step the report asks for: a minute, the usual scrape resolution of textfile metrics. */
export const MIN_STEP_SECONDS = 60;

/**
 * The step for [from, to): a whole number of minutes, at least MIN_STEP_SECONDS, so that the range
 * has fewer than MAX_POINTS_PER_SERIES points (90 days: 12 minutes).
 */
export function chooseStep(from: number, to: number): number {
  const span = Math.max(0, to - from);
  const least = Math.ceil(span / (MAX_POINTS_PER_SERIES - 1));
  return Math.max(MIN_STEP_SECONDS, Math.ceil(least / MIN_STEP_SECONDS) * MIN_STEP_SECONDS);
}
