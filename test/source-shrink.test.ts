/**
 * The source baselines that UnifiedBackupSourceShrunk compares with, as `ubm run` keeps them run
 * after run (the builder fed its own previous file), and the shrink ratio as the config resolves it.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/errors.js';
import { loadConfigText } from '../src/config/load.js';
import { SOURCE_BASELINE_ALPHA, SOURCE_FOLLOW_RUNS, type BackupSummaryFigures, resticBackupGroup } from '../src/groups/restic-backup.js';
import { metrics } from '../src/schema/catalog.js';
import type { SeriesValue } from '../src/schema/series.js';

/** One run: restic's figures of a successful run, `failed` for a failed one, `{}` for a success without figures. */
type Step = { readonly files?: number; readonly bytes?: number } | 'failed';

/** What the file written with a run says about the source baselines. */
interface Written {
  readonly filesBaseline: number | undefined;
  readonly bytesBaseline: number | undefined;
  readonly heldRuns: number | undefined;
}

const startMs = Date.parse('2026-12-01T02:00:00Z');

/** Feeds the runs through the restic_backup group, each build reading the previous file, and returns what each file says. */
function runThrough(steps: readonly Step[]): Written[] {
  let previous: readonly SeriesValue[] = [];
  return steps.map((step, i) => {
    const summary: BackupSummaryFigures | undefined = step === 'failed' ? undefined : { totalFilesProcessed: step.files, totalBytesProcessed: step.bytes };
    previous = resticBackupGroup.build(previous, {
      job: 'data', repository: 'nas', hostname: 'h', success: step !== 'failed', durationSeconds: 60, endedAtMs: startMs + i * 86_400_000,
      ...(summary === undefined ? {} : { summary }),
    });
    const value = (name: string): number | undefined => previous.find((s) => s.metric.name === name)?.value;
    return {
      filesBaseline: value(metrics.resticBackupFilesProcessedBaseline.name),
      bytesBaseline: value(metrics.resticBackupProcessedBaselineBytes.name),
      heldRuns: value(metrics.resticBackupSourceShrunkRuns.name),
    };
  });
}

const full = { files: 1000, bytes: 4_000_000 };
const empty = { files: 0, bytes: 0 };
const quarter = { files: 250, bytes: 1_000_000 };
/** The baseline after a first run of `a` and a second of `b`, rounded as written. */
const ewma = (a: number, b: number): number => Math.round(SOURCE_BASELINE_ALPHA * b + (1 - SOURCE_BASELINE_ALPHA) * a);

describe('the source baselines ubm run keeps', () => {
  it.each<[string, readonly Step[], Written]>([
    ['The first run has no baseline to be judged against', [full], { filesBaseline: undefined, bytesBaseline: undefined, heldRuns: 0 }],
    ["The second run is judged against the first run's figures", [full, { files: 1200, bytes: 5_000_000 }], { filesBaseline: 1000, bytesBaseline: 4_000_000, heldRuns: 0 }],
    [
      'Normal runs fold in as a moving average, the run being judged left out',
      [full, { files: 1200, bytes: 5_000_000 }, { files: 5, bytes: 5 }],
      { filesBaseline: ewma(1000, 1200), bytesBaseline: ewma(4_000_000, 5_000_000), heldRuns: 0 },
    ],
    ['An empty run after normal ones is held out: the next run meets the same baseline', [full, full, empty, full], { filesBaseline: 1000, bytesBaseline: 4_000_000, heldRuns: 1 }],
    ['A failed run neither folds nor counts', [full, full, empty, 'failed', full], { filesBaseline: 1000, bytesBaseline: 4_000_000, heldRuns: 1 }],
    ['A successful run without restic figures leaves the baselines as they are', [full, {}, {}], { filesBaseline: 1000, bytesBaseline: 4_000_000, heldRuns: 0 }],
    ['A run that shrank in files only is held out of both baselines', [full, full, { files: 100, bytes: 4_000_000 }, full], { filesBaseline: 1000, bytesBaseline: 4_000_000, heldRuns: 1 }],
    ['A normal run between shrunk runs starts the count over', [full, full, quarter, quarter, full, quarter, full], { filesBaseline: 1000, bytesBaseline: 4_000_000, heldRuns: 1 }],
    ['A run that grew folds in like any other', [full, { files: 3000, bytes: 12_000_000 }, full], { filesBaseline: ewma(1000, 3000), bytesBaseline: ewma(4_000_000, 12_000_000), heldRuns: 0 }],
  ])('%s', (_name, steps, expected) => {
    expect(runThrough(steps).at(-1)).toEqual(expected);
  });

  it(`follows a source that shrank for good after ${SOURCE_FOLLOW_RUNS} shrunk runs in a row: those runs are judged against the old baseline, the next against the smaller one`, () => {
    const written = runThrough([full, full, ...Array.from({ length: SOURCE_FOLLOW_RUNS + 1 }, () => quarter)]);
    const shrunkRuns = written.slice(2);
    // Each of the shrunk runs meets the old baseline (so the alert fires for each), the held count rising.
    expect(shrunkRuns.slice(0, SOURCE_FOLLOW_RUNS)).toEqual(Array.from({ length: SOURCE_FOLLOW_RUNS }, (_, k) => ({ filesBaseline: 1000, bytesBaseline: 4_000_000, heldRuns: k })));
    // The run after them meets the smaller source as its baseline, and the count starts over.
    expect(shrunkRuns[SOURCE_FOLLOW_RUNS]).toEqual({ filesBaseline: quarter.files, bytesBaseline: quarter.bytes, heldRuns: 0 });
  });
});

/** A config with three jobs, two of them of the class `cache`. */
function configWith(ubm: string): ReturnType<typeof loadConfigText> {
  const jobs = '  jobs:\n    home: { repository: nas }\n    spool: { repository: nas, tags: [cache] }\n    tmp: { repository: nas, tags: [cache] }\n';
  return loadConfigText(`repositories: { nas: {} }\nrestic:\n${jobs}${ubm}`, 'c.yaml');
}

/** The config's problems, one line each. */
function problemsOf(ubm: string): readonly string[] {
  try {
    configWith(ubm);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.lines;
    throw err;
  }
}

describe('the shrink ratio', () => {
  it.each<[string, string, Readonly<Record<string, number>>]>([
    ['defaults to 0.5 for every job', '', { home: 0.5, spool: 0.5, tmp: 0.5 }],
    ['takes ubm.alerting.shrinkRatio for every job', 'ubm: { alerting: { shrinkRatio: 0.8 } }\n', { home: 0.8, spool: 0.8, tmp: 0.8 }],
    [
      "takes a job's own ratio over its class's, and its class's over the global one",
      'ubm: { alerting: { shrinkRatio: 0.7 }, classes: { cache: { shrinkRatio: 0.1 } }, jobs: { tmp: { shrinkRatio: 0 } } }\n',
      { home: 0.7, spool: 0.1, tmp: 0 },
    ],
  ])('%s', (_name, ubm, expected) => {
    const c = configWith(ubm);
    expect(Object.fromEntries(c.jobs.map((j) => [j.name, j.shrinkRatio]))).toEqual(expected);
  });

  it.each([
    ['a ratio of 1 or more', 'ubm: { jobs: { home: { shrinkRatio: 1 } } }\n', 'c.yaml: ubm.jobs.home.shrinkRatio: must be less than 1'],
    ['a negative ratio', 'ubm: { alerting: { shrinkRatio: -0.5 } }\n', 'c.yaml: ubm.alerting.shrinkRatio: must be at least 0'],
  ])('rejects %s, naming the key', (_name, ubm, line) => {
    const problems = problemsOf(ubm);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(line);
  });
});
