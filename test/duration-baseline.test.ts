/**
 * The duration baseline the emitter keeps for UnifiedBackupSlow: robust against first full backups,
 * outliers and lasting slowdowns, and wider for noisy jobs than for steady ones.
 */
import { describe, expect, it } from 'vitest';
import {
  type BaselineRun,
  type DurationBaseline,
  EMPTY_BASELINE,
  FULL_FOLLOW_RUNS,
  HOLD_MIN_MULTIPLIER,
  SLOW_FOLLOW_RUNS,
  foldDuration,
  spreadFactor,
} from '../src/groups/duration-baseline.js';
import { nextBaseline, resticBackupGroup } from '../src/groups/restic-backup.js';
import { seededRandom } from '../src/util/random.js';

const GIB = 2 ** 30;
/** An incremental run: restic added a sliver of what it processed. */
const incremental = (durationSeconds: number): BaselineRun => ({ durationSeconds, dataAddedBytes: 0.01 * GIB, totalBytesProcessed: 10 * GIB });
/** A full-looking run: restic added all it processed. */
const full = (durationSeconds: number): BaselineRun => ({ durationSeconds, dataAddedBytes: 10 * GIB, totalBytesProcessed: 10 * GIB });

function foldAll(runs: readonly BaselineRun[], from: DurationBaseline = EMPTY_BASELINE): DurationBaseline {
  return runs.reduce(foldDuration, from);
}

/** `n` log-normal durations around `median` with spread `sigma`. */
function logNormal(n: number, median: number, sigma: number, seed: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    return median * Math.exp(sigma * z);
  });
}

describe('the duration baseline', () => {
  it('holds the first full backups out, so the first incremental run starts the baseline', () => {
    const b = foldAll([full(2000), full(2000), full(2000), incremental(100)]);
    expect(b.seconds).toBe(100);
    expect(b.runs).toBe(1);
    expect(b.heldRuns).toBe(0);
  });

  it(`counts full-looking runs once ${FULL_FOLLOW_RUNS} in a row were held out: a job that rewrites its data every run gets a baseline`, () => {
    const b = foldAll(Array.from({ length: FULL_FOLLOW_RUNS + 1 }, () => full(300)));
    expect(b.seconds).toBe(300);
    expect(b.runs).toBe(1);
  });

  it('averages the first runs plainly (geometric mean), not as an echo of the first one', () => {
    const b = foldAll([incremental(100), incremental(225)]);
    expect(b.seconds).toBeCloseTo(150, 6);
    expect(b.runs).toBe(2);
  });

  it.each([
    ['a run just under the hold bound is folded in', HOLD_MIN_MULTIPLIER * 0.99, 0],
    ['a run over the hold bound is held out, the baseline unchanged', HOLD_MIN_MULTIPLIER * 1.5, 1],
  ])('%s', (_name, multiple, held) => {
    // A steady job: 30 runs of exactly 600 s leave a small spread, so the hold bound is the minimum multiplier.
    const steady = foldAll(Array.from({ length: 30 }, () => incremental(600)));
    expect(spreadFactor(steady.spread)).toBeLessThan(HOLD_MIN_MULTIPLIER);
    const after = foldDuration(steady, incremental(600 * multiple));
    expect(after.heldRuns).toBe(held);
    if (held === 1) expect(after.seconds).toBe(steady.seconds);
    else expect(after.seconds).toBeGreaterThan(steady.seconds ?? Infinity);
  });

  it(`keeps a lasting 3x slowdown out for ${SLOW_FOLLOW_RUNS - 1} runs, then follows the new pace`, () => {
    const steady = foldAll(Array.from({ length: 30 }, () => incremental(600)));
    let b = steady;
    for (let k = 1; k < SLOW_FOLLOW_RUNS; k++) {
      b = foldDuration(b, incremental(1800));
      expect(b.seconds).toBe(steady.seconds);
      expect(b.heldRuns).toBe(k);
    }
    b = foldDuration(b, incremental(1800));
    expect(b.seconds).toBe(1800);
    expect(b.heldRuns).toBe(0);
  });

  it('gives a noisy job (sigma 0.3) a wider spread factor than a steady one (sigma 0.05)', () => {
    const noisy = foldAll(logNormal(300, 600, 0.3, 1).map(incremental));
    const steady = foldAll(logNormal(300, 600, 0.05, 2).map(incremental));
    // e^(5 x 0.3) = 4.5 and e^(5 x 0.05) = 1.3, within the estimator's noise.
    expect(spreadFactor(noisy.spread)).toBeGreaterThan(3.2);
    expect(spreadFactor(noisy.spread)).toBeLessThan(6.5);
    expect(spreadFactor(steady.spread)).toBeLessThan(1.8);
    // The centre is the median (a geometric mean), not dragged up by the long tail.
    expect(noisy.seconds).toBeGreaterThan(500);
    expect(noisy.seconds).toBeLessThan(720);
  });

  it('does not let an outlier of 1.8x in 30 runs widen a steady job past its minimum multiplier', () => {
    const durations = logNormal(300, 600, 0.05, 3).map((d, i) => (i % 30 === 29 ? d * 1.8 : d));
    expect(spreadFactor(foldAll(durations.map(incremental)).spread)).toBeLessThan(HOLD_MIN_MULTIPLIER);
  });

  it('travels through the textfile: the next run reads the spread back from the factor it wrote', () => {
    const run = { job: 'j', repository: 'r', hostname: 'h', success: true, endedAtMs: 1_700_000_000_000, summary: { dataAddedBytes: 1, totalBytesProcessed: 1000, totalFilesProcessed: 10 } };
    let previous = resticBackupGroup.build([], { ...run, durationSeconds: 100 });
    for (const d of [110, 90, 130, 70]) previous = resticBackupGroup.build(previous, { ...run, durationSeconds: d });
    const read = nextBaseline(previous);
    const direct = foldAll([100, 110, 90, 130, 70].map(incremental));
    expect(read.runs).toBe(direct.runs);
    expect(read.seconds).toBeCloseTo(direct.seconds ?? 0, 0);
    expect(read.spread).toBeCloseTo(direct.spread, 3);
  });
});
