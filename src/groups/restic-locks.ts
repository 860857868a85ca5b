/**
 * The `restic_locks` group: one file per repository, written by `ubm locks`. It records what the
 * last look at the repository's locks found: how many, how many exclusive, and the oldest lock's
 * time (a timestamp, not an age, so that Prometheus measures the age against the check's time).
 */
import { metrics } from '../schema/catalog.js';
import { maybeSample, present, sample } from '../schema/series.js';
import { textfileGroup, unixSeconds } from './group.js';

/** One look at a repository's locks. */
export interface LocksCheck {
  readonly hostname: string;
  readonly repository: string;
  readonly locks: number;
  readonly exclusiveLocks: number;
  /** The oldest lock's time in milliseconds since the epoch; undefined when there is none. */
  readonly oldestLockMs: number | undefined;
  /** When the check ended, in milliseconds since the epoch. */
  readonly endedAtMs: number;
}

/** The restic_locks group. */
export const resticLocksGroup = textfileGroup({
  id: 'restic_locks',
  filePrefix: 'ubm_restic_locks',
  keyLabels: ['repository'],
  key: (check: LocksCheck) => ({ repository: check.repository }),
  build: (_previous, check) => {
    const l = { hostname: check.hostname, repository: check.repository };
    return present([
      sample(metrics.resticRepositoryLocks, l, check.locks),
      sample(metrics.resticRepositoryExclusiveLocks, l, check.exclusiveLocks),
      maybeSample(metrics.resticRepositoryOldestLockTimestampSeconds, l, check.oldestLockMs === undefined ? undefined : unixSeconds(check.oldestLockMs)),
      sample(metrics.resticRepositoryLocksLastCheckTimestampSeconds, l, unixSeconds(check.endedAtMs)),
    ]);
  },
});
