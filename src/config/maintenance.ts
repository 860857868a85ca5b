/**
 * Repository maintenance thresholds: how long a repository may go without a successful prune,
 * derived from its `pruneSchedule` as a job's stale threshold is derived from its frequency.
 */
import { SECONDS_PER_DAY } from '../util/duration.js';
import * as d from './defaults.js';
import { frequencyInterval } from './frequency.js';

/** A `pruneSchedule` that names a schedule: a non-empty string (the design prints `""` for a repository it does not prune). */
export function namedPruneSchedule(pruneSchedule: string | null | undefined): string | undefined {
  return typeof pruneSchedule === 'string' && pruneSchedule.trim() !== '' ? pruneSchedule : undefined;
}

/**
 * A repository's prune stale threshold in seconds: `staleAfterSeconds` (ubm.maintenance.staleAfter)
 * when set, else derived from its prune schedule as a job's threshold is from its frequency (interval
 * + randomized delay + grace), a weekly schedule when it names none.
 */
export function pruneStaleThresholdSeconds(pruneSchedule: string | null | undefined, dailyStaleSeconds: number, staleAfterSeconds?: number): number {
  if (staleAfterSeconds !== undefined) return Math.round(staleAfterSeconds);
  const r = frequencyInterval(namedPruneSchedule(pruneSchedule) ?? d.PRUNE_SCHEDULE);
  // The schema has already rejected schedules without an interval; a week is the design's default.
  return d.derivedStaleSeconds('seconds' in r ? r.seconds : 7 * SECONDS_PER_DAY, dailyStaleSeconds);
}
