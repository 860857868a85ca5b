/**
 * Scenarios that wait out a long threshold (a job stale after two years) start late: the test
 * begins shortly before its first check, with the timestamps of what happened earlier moved into
 * the past. promtool replays every step of a test, and the generator samples every step too, so a
 * story as long as its threshold would make both take longer the larger the threshold; a late
 * start keeps them as short as a normal config's.
 */
import { allMetrics } from '../../schema/catalog.js';
import type { UnitTest } from './model.js';
import type { SeriesSpec, Timeline } from './series.js';

/** A scenario's story: its series over `minutes` minutes from time 0, and its checks. */
export interface Story {
  readonly specs: readonly SeriesSpec[];
  readonly minutes: number;
  readonly checks: Pick<UnitTest, 'alert_rule_test' | 'promql_expr_test'>;
}

/** Stories up to this many evaluation steps keep their start (every normal config's are shorter). */
export const MAX_STORY_STEPS = 1500;
/** Steps a late start keeps before its first check, beyond the alerts' `for:`: context for a reader of the test. */
const KEPT_STEPS = 100;

/** Metrics whose samples are points in time: moved with the clock when a story starts late. */
const TIMESTAMPS: ReadonlySet<string> = new Set(allMetrics.filter((m) => m.unit === 'timestamp_seconds').map((m) => m.name));

/** Seconds of a promtool eval_time the generator wrote (`90m`, `45s`), or undefined. */
function evalSeconds(text: string): number | undefined {
  const m = /^(\d+)(m|s)$/.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

/** The same eval time, `offset` seconds earlier, in the generator's notation. */
function earlier(text: string, offset: number): string {
  const seconds = (evalSeconds(text) ?? 0) - offset;
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** A timeline seen from `offset` seconds later: timestamps count from the new start. */
function shifted(spec: SeriesSpec, offset: number): SeriesSpec {
  const minutes = offset / 60;
  const isTimestamp = TIMESTAMPS.has(spec.metric);
  const at: Timeline = (m) => {
    const v = spec.at(m + minutes);
    return isTimestamp && typeof v === 'number' ? v - offset : v;
  };
  return { ...spec, at };
}

/**
 * The story started `offset` seconds late, or the story itself when it is short or a late start
 * could change what it checks. A late start is safe when every check comes at least the checked
 * alerts' longest `for:` after the new start (an alert whose condition held before it is firing
 * again by then, as in the whole story), the rules read no range of past samples (ours read none),
 * and no expression check reads a range (which would reach back into the part left out).
 * `forSeconds` gives an alert's `for:`; step is the test's evaluation interval in seconds.
 */
export function startLate<T extends Story>(story: T, step: number, forSeconds: (alertname: string) => number | undefined): T {
  if (story.minutes * 60 <= MAX_STORY_STEPS * step) return story;
  const alertTests = story.checks.alert_rule_test ?? [];
  const exprTests = story.checks.promql_expr_test ?? [];
  if (exprTests.some((t) => t.expr.includes('['))) return story;
  const times = [...alertTests.map((t) => evalSeconds(t.eval_time)), ...exprTests.map((t) => evalSeconds(t.eval_time))];
  const fors = alertTests.map((t) => forSeconds(t.alertname));
  if (times.length === 0 || times.some((t) => t === undefined) || fors.some((f) => f === undefined)) return story;
  const first = Math.min(...times.map((t) => t ?? 0));
  const margin = Math.max(0, ...fors.map((f) => f ?? 0)) + KEPT_STEPS * step;
  // Whole steps (and so whole minutes), so that samples and evaluations stay on the same grid.
  const offset = Math.floor((first - margin) / step) * step;
  if (offset <= 0) return story;
  return {
    ...story,
    specs: story.specs.map((s) => shifted(s, offset)),
    minutes: story.minutes - offset / 60,
    checks: {
      ...story.checks,
      ...(story.checks.alert_rule_test === undefined ? {} : { alert_rule_test: story.checks.alert_rule_test.map((t) => ({ ...t, eval_time: earlier(t.eval_time, offset) })) }),
      ...(story.checks.promql_expr_test === undefined ? {} : { promql_expr_test: story.checks.promql_expr_test.map((t) => ({ ...t, eval_time: earlier(t.eval_time, offset) })) }),
    },
  };
}
