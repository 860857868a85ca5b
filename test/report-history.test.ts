/**
 * `ubm report` against a real Prometheus holding 30 days of scripted history: the real emitter
 * records every run (through bench/simulate's harness), promtool backfills the scrapes, and the
 * JSON report's numbers match the script's ground truth to the minute.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { loadConfig } from '../src/config/load.js';
import type { Breach, Report } from '../src/report/model.js';
import { captureIo } from './support/capture-io.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const DAY = 86_400;
/** The simulated scrape interval. */
const SCRAPE_S = 60;
const FIXTURE = join(REPO_ROOT, 'fixtures', 'report', 'history');
const CONFIG = join(FIXTURE, 'config.yaml');
const HOST = 'sim-host';

/** Loads a bench module (plain .mjs, outside the typed sources). */
async function bench<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(REPO_ROOT, 'bench', path)).href)) as T;
}

/** A write of a textfile as the harness keeps it. */
interface Write {
  readonly t: number;
  readonly samples: Map<string, { name: string; labels: Record<string, string>; value: number }>;
}
/** A scripted backup run. */
interface ScriptRun {
  readonly endS: number;
  readonly success: boolean;
  readonly durationS: number;
  readonly summary?: Record<string, number>;
}
/** What the test uses of the harness. */
interface EmitModule {
  HOSTNAME: string;
  seriesKey(name: string, labels: Record<string, string>): string;
  emitHistories(o: { root: string; jobs: Array<{ name: string; repository: string; frequency: string }>; runsByJob: Map<string, ScriptRun[]>; days: number; config: unknown; wanted: Set<string>; withExpectedSet: boolean }): Promise<Array<{ file: string; writes: Write[] }>>;
}
interface SeriesModule {
  scrapedFamilies(h: unknown[], outages: unknown[], wanted: Set<string>): Array<{ name: string; series: Array<{ prefix: string; value: (t: number) => number | undefined }> }>;
}
interface DataModule {
  blockRangeFor(span: number): number;
  pieces(from: number, to: number, range: number, cuts: number[], halve: boolean): unknown[];
  buildBlocks(o: { promtool: string; workDir: string; dataDir: string; families: unknown[]; pieceList: unknown[]; stepS: number }): Promise<unknown>;
}
interface PromModule {
  startPrometheus(o: { prometheus: string; dataDir: string; workDir: string }): Promise<{ url: string; stop: () => Promise<void> }>;
}

// The script: the history starts 2 days before the 30-day period; daily runs end at 02:05.
const { START_S } = await bench<{ START_S: number }>('simulate/population.mjs');
const FROM = START_S;
const TO = START_S + 30 * DAY;
const HISTORY_FROM = START_S - 2 * DAY;
const runEnd = (day: number): number => START_S + day * DAY + 7200 + 300;
const days = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const summary = (day: number): Record<string, number> => ({ filesNew: 3, filesChanged: 5, filesUnmodified: 100, dataAddedBytes: 1_000_000 + day * 10_000, totalFilesProcessed: 108, totalBytesProcessed: 50_000_000 + day * 100_000 });
const SCRIPT: Record<string, ScriptRun[]> = {
  steady: days(-2, 29).map((d) => ({ endS: runEnd(d), success: true, durationS: 300, summary: summary(d) })),
  // A failure streak: days 10 to 13 fail.
  flaky: days(-2, 29).map((d) => (d >= 10 && d <= 13 ? { endS: runEnd(d), success: false, durationS: 60 } : { endS: runEnd(d), success: true, durationS: 300, summary: summary(d) })),
  // A stale week: no run on days 13 to 19.
  'stale-week': days(-2, 29).filter((d) => d < 13 || d > 19).map((d) => ({ endS: runEnd(d), success: true, durationS: 300, summary: summary(d) })),
  // Retired: its last run is on day 22 and its textfile is removed at noon that day (no data after).
  retired: days(-2, 22).map((d) => ({ endS: runEnd(d), success: true, durationS: 300, summary: summary(d) })),
};
const RETIRED_AT = START_S + 22 * DAY + 12 * 3600;
/** Prometheus still answers with a series' last sample for 5 minutes (its lookback), inclusive. */
const LOOKBACK_S = 300;
// Weekly restic check of nas, failing on day 14; restore tests on days -2 and 5, then missed.
const VERIFICATIONS = [-1, 6, 13, 20, 27].map((d) => ({ endS: START_S + d * DAY + 4 * 3600, success: d !== 13 }));
const RESTORES = [-2, 5].map((d) => ({ endS: START_S + d * DAY + 5 * 3600, success: true }));
// The offsite copy is checked daily at 03:00; it is bad on days 16 to 18 (an outage).
const OFFSITE = days(-2, 29).map((d) => ({ endS: START_S + d * DAY + 3 * 3600, success: d < 16 || d > 18 }));
// node_exporter is down on day 25 from 08:00 to 10:00: no textfile series are scraped (no data).
const EXPORTER_DOWN = { id: 'exporter', outageFrom: START_S + 25 * DAY + 8 * 3600, outageTo: START_S + 25 * DAY + 10 * 3600 };

/**
 * The ground truth of a job's RPO from the script alone: a job is outside it from its last success
 * plus the threshold until its next success (or the period's end), clipped to the period.
 */
function truthOf(runs: readonly ScriptRun[], threshold: number, step: number, goneAt?: number): { attainment: number; breaches: Breach[] } {
  const successes = runs.filter((r) => r.success).map((r) => r.endS);
  const breaches: Breach[] = [];
  successes.forEach((s, i) => {
    const start = Math.max(FROM, s + threshold);
    const end = Math.min(TO, successes[i + 1] ?? TO, goneAt ?? TO);
    if (end > start) breaches.push({ start, end, seconds: end - start });
  });
  if (goneAt !== undefined) {
    // No data from the first sample of the report's grid at which the last scrape is older than the lookback.
    const lastScrape = goneAt - SCRAPE_S;
    const start = FROM + Math.ceil((lastScrape + LOOKBACK_S + 1 - FROM) / step) * step;
    breaches.push({ start, end: TO, seconds: TO - start });
  }
  const outside = breaches.reduce((sum, x) => sum + x.seconds, 0);
  return { attainment: Math.round((1 - outside / (TO - FROM)) * 1e6) / 1e6, breaches };
}

describe('ubm report over 30 days of scripted history in a real Prometheus', () => {
  let url = '';
  let stop: () => Promise<void> = async () => undefined;
  let report: Report;
  let exitCode = -1;
  let stderr = '';
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    const promtool = requireTool('promtool');
    const prometheus = requireTool('prometheus');
    const emit = await bench<EmitModule>('simulate/emit.mjs');
    const series = await bench<SeriesModule>('simulate/series.mjs');
    const data = await bench<DataModule>('rule-eval-data.mjs');
    const prom = await bench<PromModule>('rule-eval-prom.mjs');
    const { parseExposition } = (await import(pathToFileURL(join(REPO_ROOT, 'dist', 'index.js')).href)) as { parseExposition: (text: string) => Array<{ name: string; labels: Record<string, string>; value: number }> };
    const record = (await import(pathToFileURL(join(REPO_ROOT, 'dist', 'record.js')).href)) as Record<string, (...args: unknown[]) => Promise<string>>;
    // Every metric the emitter writes is kept (the harness filters by name; this set answers yes to all).
    const wanted = { has: () => true } as unknown as Set<string>;
    const jobs = Object.keys(SCRIPT).map((name) => ({ name, repository: 'nas', frequency: 'daily' }));
    // The backup runs through the harness (days: 0 leaves its self-check out: the report does not read it).
    const histories = await emit.emitHistories({ root: REPO_ROOT, jobs, runsByJob: new Map(Object.entries(SCRIPT)), days: 0, config: {}, wanted, withExpectedSet: false });
    // The retired job's textfile is gone: a write with no samples.
    histories.find((h) => h.file === 'retired')?.writes.push({ t: RETIRED_AT, samples: new Map() });
    // The checks through the same real recorders, read back as the harness reads its writes.
    const work = tempDir('report-history');
    const textfiles = tempDir('report-textfiles');
    const target = { textfileDir: textfiles, onMigrated: () => undefined };
    const readBack = (path: string): Write['samples'] => new Map(parseExposition(readFileSync(path, 'utf8')).map((s) => [emit.seriesKey(s.name, s.labels), s]));
    const checkHistory = async (file: string, list: ReadonlyArray<{ endS: number; success: boolean }>, write: (c: { hostname: string; success: boolean; durationSeconds: number; endedAtMs: number }) => Promise<string>) => {
      const writes: Write[] = [];
      for (const c of list) writes.push({ t: c.endS, samples: readBack(await write({ hostname: emit.HOSTNAME, success: c.success, durationSeconds: 30, endedAtMs: c.endS * 1000 })) });
      histories.push({ file, writes });
    };
    const recordVerification = record.recordVerification;
    const recordRestoreTest = record.recordRestoreTest;
    const recordPostgresOffsite = record.recordPostgresOffsite;
    if (recordVerification === undefined || recordRestoreTest === undefined || recordPostgresOffsite === undefined) throw new Error('dist/record.js lacks a recorder: run npm run build');
    await checkHistory('verification', VERIFICATIONS, (c) => recordVerification('nas', c, target));
    await checkHistory('restore', RESTORES, (c) => recordRestoreTest('nas', c, target));
    await checkHistory('offsite', OFFSITE, (c) => recordPostgresOffsite('main', 'r2', c, target));
    // The scrapes of the one host (the harness also scrapes a second copy without the expected set: left out).
    const families = series
      .scrapedFamilies(histories, [EXPORTER_DOWN], new Set())
      .map((f) => ({ ...f, series: f.series.filter((s) => !s.prefix.includes(`"${HOST}-b"`)) }))
      .filter((f) => f.series.length > 0);
    const dataDir = join(work, 'tsdb');
    const range = data.blockRangeFor(TO - HISTORY_FROM);
    await data.buildBlocks({ promtool, workDir: work, dataDir, families, pieceList: data.pieces(HISTORY_FROM, TO, range, [], false), stepS: SCRAPE_S });
    const server = await prom.startPrometheus({ prometheus, dataDir, workDir: work });
    url = server.url;
    stop = server.stop;
    const io = captureIo(REPO_ROOT);
    exitCode = await main(['report', '--prometheus', url, '--config', CONFIG, '--from', String(FROM), '--to', String(TO), '--format', 'json'], io);
    stderr = io.err();
    outputs.json = io.out();
    report = JSON.parse(io.out() || '{}') as Report;
    for (const format of ['markdown', 'html']) {
      const again = captureIo(REPO_ROOT);
      await main(['report', '--prometheus', url, '--config', CONFIG, '--from', String(FROM), '--to', String(TO), '--format', format], again);
      outputs[format] = again.out();
    }
  }, 120_000);

  afterAll(async () => {
    await stop();
  });

  it('exits 1 because not everything is compliant, with nothing on stderr', () => {
    expect(stderr).toBe('');
    expect(exitCode).toBe(1);
    expect(report.verdict).toBe('not_compliant');
    // 30 days / 11,000 points: the step is 236 s, rounded up to whole minutes.
    expect(report.period).toEqual({ from: FROM, to: TO, stepSeconds: 240 });
  });

  it('prints JSON that its schema (docs/report.schema.json) accepts, the same as the golden file for the same data and --to', async () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'report.schema.json'), 'utf8')) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    await expect(outputs.json).toMatchFileSnapshot(join(FIXTURE, 'report.json'));
    await expect(outputs.markdown).toMatchFileSnapshot(join(FIXTURE, 'report.md'));
    await expect(outputs.html).toMatchFileSnapshot(join(FIXTURE, 'report.html'));
  });

  it("gives every job's RPO attainment and breaches to the second of the script's ground truth, at a 4-minute step", () => {
    const threshold = loadConfig(CONFIG, REPO_ROOT).config.jobs.find((j) => j.name === 'steady')?.staleThresholdSeconds ?? 0;
    for (const [name, runs] of Object.entries(SCRIPT)) {
      const job = report.jobs.find((j) => j.job === name && j.hostname === HOST);
      const truth = truthOf(runs, threshold, report.period.stepSeconds, name === 'retired' ? RETIRED_AT : undefined);
      expect(job?.rpo.attainment, name).toBe(truth.attainment);
      expect(job?.rpo.breaches, name).toEqual(truth.breaches);
      expect(job?.staleThresholdSeconds).toBe(threshold);
    }
    // Spelled out: the failure streak (last success day 9, next day 14) and the stale week (day 12 to day 20).
    const breach = (from: number, to: number): Breach => ({ start: runEnd(from) + threshold, end: runEnd(to), seconds: runEnd(to) - runEnd(from) - threshold });
    expect(report.jobs.find((j) => j.job === 'flaky')?.rpo.breaches).toEqual([breach(9, 14)]);
    expect(report.jobs.find((j) => j.job === 'stale-week')?.rpo.breaches).toEqual([breach(12, 20)]);
    // The exporter outage on day 25 is bridged by the last-success timestamp: the steady job stays within.
    expect(report.jobs.find((j) => j.job === 'steady' && j.hostname === HOST)?.rpo).toMatchObject({ attainment: 1, breaches: [], noDataSeconds: 0 });
    // The retired job: its series vanish (5 minutes after the last scrape, on the 4-minute grid) and nothing bridges that.
    expect(report.jobs.find((j) => j.job === 'retired')?.rpo.breaches).toEqual([{ start: RETIRED_AT + 480, end: TO, seconds: TO - RETIRED_AT - 480 }]);
    expect(report.jobs.find((j) => j.job === 'retired')?.timeline.at(-1)).toEqual({ start: RETIRED_AT + 480, end: TO, state: 'no_data' });
  });

  it('counts runs and failures, and judges the failure streak, the stale week and the steady job', () => {
    const by = (name: string) => report.jobs.find((j) => j.job === name && j.hostname === HOST);
    expect(by('steady')).toMatchObject({ verdict: 'compliant', runs: { total: 30, failures: 0, successRate: 1 }, longestGapSeconds: DAY });
    expect(by('flaky')).toMatchObject({ verdict: 'not_compliant', runs: { total: 30, failures: 4, successRate: Math.round((26 / 30) * 1e6) / 1e6 }, longestGapSeconds: 5 * DAY });
    expect(by('stale-week')).toMatchObject({ verdict: 'not_compliant', runs: { total: 23, failures: 0 }, longestGapSeconds: 8 * DAY });
    expect(by('steady')?.duration).toMatchObject({ p50: 300, p95: 300 });
    expect(by('steady')?.dataAdded?.slopePerDay).toBeCloseTo(10_000, 0);
  });

  it('lists the configured job that never reported, and the offsite job, as missing', () => {
    const missing = report.jobs.filter((j) => j.missing).map((j) => `${j.job}/${j.repository}:${j.verdict}`);
    expect(missing).toEqual(['never-ran/nas:not_compliant', 'postgres-pgbackrest/r2:not_compliant']);
  });

  it('shows the failed check, the missed restore test and the offsite outage', () => {
    const nas = report.repositories.find((r) => r.repository === 'nas' && r.hostname === HOST);
    expect(nas?.verification?.events).toEqual(VERIFICATIONS.filter((v) => v.endS >= FROM).map((v) => ({ at: v.endS, success: v.success })));
    expect(nas?.verification?.verdict).toBe('at_risk');
    expect(nas?.verification?.daysSinceLastPass).toBe(Math.round(((TO - (START_S + 27 * DAY + 4 * 3600)) / DAY) * 1e6) / 1e6);
    expect(nas?.restoreTest).toMatchObject({ verdict: 'not_compliant', lastPass: START_S + 5 * DAY + 5 * 3600, events: [{ at: START_S + 5 * DAY + 5 * 3600, success: true }] });
    const main = report.stanzas.find((s) => s.stanza === 'main' && s.hostname === HOST);
    const offsite = main?.offsite.find((o) => o.repository === 'r2');
    const outageFrom = START_S + 16 * DAY + 3 * 3600;
    const outageTo = START_S + 19 * DAY + 3 * 3600;
    expect(offsite?.outages).toEqual([{ start: outageFrom, end: outageTo, seconds: outageTo - outageFrom }]);
    expect(offsite?.attainment).toBe(Math.round((1 - (outageTo - outageFrom) / (TO - FROM)) * 1e6) / 1e6);
    expect(offsite?.verdict).toBe('at_risk');
    expect(report.summary.compliant + report.summary.atRisk + report.summary.notCompliant).toBe(report.jobs.length + report.repositories.length + report.stanzas.length);
  });
});
