/**
 * Each repository's prune stale threshold: derived from its `pruneSchedule` as a job's threshold is
 * from its frequency, weekly when the schedule names none (empty, null or absent), and replaced for
 * every repository by `ubm.maintenance.staleAfter`. Its rules fall back to the weekly threshold.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAILY_STALE_SECONDS, derivedStaleSeconds } from '../src/config/defaults.js';
import { loadConfig } from '../src/config/load.js';
import { REPO_ROOT } from './support/tools.js';

const DAY = 86_400;
const load = (fixture: string) => loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', fixture)).config;
const weekly = derivedStaleSeconds(7 * DAY, DAILY_STALE_SECONDS);

describe('the prune stale threshold of a repository', () => {
  const config = load('prune-schedules');
  const of = (name: string) => config.repositories.find((r) => r.name === name);

  it.each([
    ['monthly', 'monthly', derivedStaleSeconds(31 * DAY, DAILY_STALE_SECONDS)],
    ['an OnCalendar expression', 'saturdays', weekly],
    ['empty, as the design prints a repository it does not prune', 'empty', weekly],
    ['null', 'null', weekly],
    ['absent', 'absent', weekly],
  ])('derives from a pruneSchedule that is %s', (_case, name, threshold) => {
    expect(of(name)?.pruneStaleThresholdSeconds).toBe(threshold);
  });

  it('keeps only a schedule that names one, for whoever expects a prune from the repository', () => {
    expect(config.repositories.map((r) => [r.name, r.pruneSchedule])).toEqual([
      ['absent', undefined],
      ['empty', undefined],
      ['monthly', 'monthly'],
      ['null', undefined],
      ['saturdays', 'Sat *-*-* 05:00:00'],
    ]);
  });

  it("falls back to the weekly schedule's threshold in the rules, for prunes recorded without a config", () => {
    expect(config.maintenance.fallbackStaleThresholdSeconds).toBe(weekly);
    // The weekly threshold is a week plus the daily threshold's allowances, not a week alone.
    expect(weekly).toBeGreaterThan(7 * DAY);
  });

  it('is replaced for every repository, and in the fallback, by ubm.maintenance.staleAfter', () => {
    const overridden = load('prune-stale-after');
    expect(overridden.repositories.map((r) => r.pruneStaleThresholdSeconds)).toEqual([3 * DAY, 3 * DAY]);
    expect(overridden.maintenance.fallbackStaleThresholdSeconds).toBe(3 * DAY);
  });

  it('applies to the built-in example: both of its repositories prune weekly', () => {
    expect(loadConfig(undefined, REPO_ROOT).config.repositories.map((r) => [r.name, r.pruneStaleThresholdSeconds])).toEqual([
      ['nas-primary', weekly],
      ['r2-offsite', weekly],
    ]);
  });
});
