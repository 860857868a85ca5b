/** The per-job part of the report: RPO attainment and breaches, runs, gaps, durations and trends. */
import type { Breach, JobReport, ReportPeriod, RpoState, Run, Segment, Verdict } from './model.js';
import { type ReportData, REPORT_METRICS } from './fetch.js';
import { type Values, changes, indexSeries, keyOf, labelsOf, lastValue } from './series-index.js';
import { percentile, round, trend } from './stats.js';
import { cmp } from './checks.js';

/** A job's thresholds, from the config or from what the host reported. */
export interface JobThresholds {
  readonly staleThresholdSeconds: number;
  readonly slowMultiplier: number;
}

/** A job the config expects, by its identity. */
export interface ExpectedJob {
  readonly job: string;
  readonly repository: string;
  readonly thresholds: JobThresholds;
}

/** What judging the jobs needs besides the data. */
export interface JobInputs {
  readonly period: ReportPeriod;
  readonly times: readonly number[];
  /** The config's jobs (with --config), else none. */
  readonly expected: readonly ExpectedJob[];
  /** The hostname a configured job that never reported is listed under. */
  readonly missingHostname: string;
  /** Thresholds of a job the config does not list and that reported none. */
  readonly fallback: JobThresholds;
}

const JOB_KEYS = REPORT_METRICS.lastSuccess.labels;

/**
 * The RPO states over one grid interval [a, b): the last success v seen at a stays within the
 * threshold until v + threshold; a newer success seen at the interval's end happened at its own
 * value, from which the job is within again. So breaches begin and end to the second, whatever the step.
 */
function statesIn(a: number, b: number, v: number | undefined, vNext: number | undefined, reporting: boolean, threshold: number): Segment[] {
  if (v === undefined) return [{ start: a, end: b, state: reporting ? 'outside' : 'no_data' }];
  const renewed = vNext !== undefined && vNext > v && vNext > a && vNext < b ? Math.round(vNext) : b;
  const expires = Math.min(Math.max(a, Math.round(v + threshold)), renewed);
  const out: Segment[] = [];
  if (expires > a) out.push({ start: a, end: expires, state: 'within' });
  if (renewed > expires) out.push({ start: expires, end: renewed, state: 'outside' });
  if (b > renewed) out.push({ start: renewed, end: b, state: 'within' });
  return out;
}

/**
 * The last-success value at each grid time, gaps bridged: where the series is missing (a scrape or
 * exporter outage) but has a value before and the same or a later one after, the timestamp itself
 * says what happened meanwhile (no success, or one at the later value), so the gap is judged from
 * it. Only a gap nothing bridges (before the first value, after the last) stays without data.
 */
function bridged(times: readonly number[], lastSuccess: Values | undefined): Array<number | undefined> {
  const raw = times.map((t) => lastSuccess?.get(t));
  const after: Array<number | undefined> = new Array<number | undefined>(raw.length);
  let next: number | undefined;
  for (let i = raw.length - 1; i >= 0; i--) {
    next = raw[i] ?? next;
    after[i] = next;
  }
  let carried: number | undefined;
  return raw.map((v, i) => {
    if (v !== undefined) {
      carried = v;
      return v;
    }
    const later = after[i];
    return carried !== undefined && later !== undefined && later >= carried ? carried : undefined;
  });
}

/** The job's RPO timeline over the period, consecutive stretches of one state joined. */
export function timelineOf(times: readonly number[], period: ReportPeriod, lastSuccess: Values | undefined, lastRun: Values | undefined, threshold: number): Segment[] {
  const out: Segment[] = [];
  const values = bridged(times, lastSuccess);
  times.forEach((t, i) => {
    const b = Math.min(t + period.stepSeconds, period.to);
    const pieces = statesIn(t, b, values[i], values[i + 1], lastRun?.get(t) !== undefined, threshold);
    for (const p of pieces) {
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.state === p.state && prev.end === p.start) out[out.length - 1] = { ...prev, end: p.end };
      else out.push(p);
    }
  });
  return out;
}

/** The breaches: the maximal stretches not within the RPO (outside it or without data). */
export function breachesOf(segments: readonly Segment[]): Breach[] {
  const out: Breach[] = [];
  for (const s of segments) {
    if (s.state === 'within') continue;
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.end === s.start) out[out.length - 1] = { start: prev.start, end: s.end, seconds: s.end - prev.start };
    else out.push({ start: s.start, end: s.end, seconds: s.end - s.start });
  }
  return out;
}

/** The longest time without a new success: between successive successes, and from the last one to the period's end. */
function longestGap(successes: readonly number[], period: ReportPeriod): number {
  if (successes.length === 0) return period.to - period.from;
  let longest = 0;
  for (let i = 1; i < successes.length; i++) longest = Math.max(longest, (successes[i] ?? 0) - (successes[i - 1] ?? 0));
  return Math.max(longest, period.to - (successes[successes.length - 1] ?? period.to));
}

/** Judges one job from its series. */
function judgeJob(identity: { hostname: string; job: string; repository: string }, key: string, idx: ReturnType<typeof indexAll>, inputs: JobInputs, thresholds: JobThresholds, missing: boolean): JobReport {
  const { period, times } = inputs;
  const lastSuccess = idx.lastSuccess.get(key);
  const lastRun = idx.lastRun.get(key);
  const threshold = thresholds.staleThresholdSeconds;
  const timeline = timelineOf(times, period, lastSuccess, lastRun, threshold);
  const sum = (state: RpoState): number => timeline.filter((s) => s.state === state).reduce((a, s) => a + s.end - s.start, 0);
  const within = sum('within');
  const runs: Run[] = changes(lastRun, times, period.from).map(({ at, seenAt }) => ({
    at,
    success: (idx.status.get(key)?.get(seenAt) ?? 0) === 1,
    durationSeconds: idx.duration.get(key)?.get(seenAt) ?? null,
    dataAddedBytes: idx.dataAdded.get(key)?.get(seenAt) ?? null,
    processedBytes: idx.processed.get(key)?.get(seenAt) ?? null,
  }));
  const successTimes = [...new Set([...(lastSuccess?.values() ?? [])])].sort((a, b) => a - b);
  const failures = runs.filter((r) => !r.success).length;
  const durations = runs.filter((r) => r.success && r.durationSeconds !== null).map((r) => r.durationSeconds ?? 0);
  const baseline = lastValue(idx.baseline.get(key), times) ?? null;
  const p95 = percentile(durations, 95);
  const breaches = breachesOf(timeline);
  const reasons: string[] = [];
  let verdict: Verdict = 'compliant';
  if (missing) {
    reasons.push('configured but never reported');
    verdict = 'not_compliant';
  } else if (breaches.length > 0) {
    reasons.push(`outside its RPO for ${breaches.reduce((a, b) => a + b.seconds, 0)} s in ${breaches.length} breach(es)`);
    verdict = 'not_compliant';
  }
  if (failures > 0) reasons.push(`${failures} failed run(s)`);
  if (p95 !== null && baseline !== null && baseline > 0 && p95 > thresholds.slowMultiplier * baseline) reasons.push(`duration p95 above ${thresholds.slowMultiplier} x its baseline`);
  if (verdict === 'compliant' && reasons.length > 0) verdict = 'at_risk';
  const total = period.to - period.from;
  return {
    ...identity,
    missing,
    staleThresholdSeconds: threshold,
    verdict,
    reasons,
    rpo: { attainment: total > 0 ? round(within / total) : 0, withinSeconds: within, outsideSeconds: sum('outside'), noDataSeconds: sum('no_data'), breaches },
    runs: { total: runs.length, failures, successRate: runs.length === 0 ? null : round((runs.length - failures) / runs.length) },
    longestGapSeconds: longestGap(successTimes.filter((s) => s < period.to), period),
    duration: { p50: percentile(durations, 50), p95, baseline, slowMultiplier: thresholds.slowMultiplier },
    dataAdded: trend(runs.flatMap((r) => (r.dataAddedBytes === null ? [] : [[r.at, r.dataAddedBytes] as const]))),
    sourceSize: trend(runs.flatMap((r) => (r.processedBytes === null || !r.success ? [] : [[r.at, r.processedBytes] as const]))),
    timeline,
    runList: runs,
  };
}

/** The job metrics indexed by job identity. */
function indexAll(data: ReportData) {
  const ix = (k: keyof ReportData): Map<string, Values> => indexSeries(data[k], JOB_KEYS);
  return {
    lastSuccess: ix('lastSuccess'),
    lastRun: ix('lastRun'),
    status: ix('status'),
    duration: ix('duration'),
    baseline: ix('baseline'),
    dataAdded: ix('dataAdded'),
    processed: ix('processed'),
    staleThreshold: ix('jobStaleThreshold'),
    slowMultiplier: ix('jobSlowMultiplier'),
  };
}

/** Every job Prometheus has, and every configured job it lacks, judged; sorted by hostname, job, repository. */
export function jobReports(data: ReportData, inputs: JobInputs): JobReport[] {
  const idx = indexAll(data);
  const keys = new Set([...idx.lastSuccess.keys(), ...idx.lastRun.keys(), ...idx.status.keys()]);
  const out: JobReport[] = [];
  const reported = new Set<string>();
  for (const key of keys) {
    const [hostname = '', job = '', repository = ''] = labelsOf(key);
    reported.add(keyOf({ job, repository }, ['job', 'repository']));
    const configured = inputs.expected.find((e) => e.job === job && e.repository === repository)?.thresholds;
    const stale = lastValue(idx.staleThreshold.get(key), inputs.times);
    const slow = lastValue(idx.slowMultiplier.get(key), inputs.times);
    const thresholds = configured ?? { staleThresholdSeconds: stale ?? inputs.fallback.staleThresholdSeconds, slowMultiplier: slow ?? inputs.fallback.slowMultiplier };
    out.push(judgeJob({ hostname, job, repository }, key, idx, inputs, thresholds, false));
  }
  for (const e of inputs.expected) {
    if (reported.has(keyOf({ job: e.job, repository: e.repository }, ['job', 'repository']))) continue;
    const identity = { hostname: inputs.missingHostname, job: e.job, repository: e.repository };
    out.push(judgeJob(identity, keyOf({ hostname: identity.hostname, backup_job: e.job, repository: e.repository }, JOB_KEYS), { ...idx, lastSuccess: new Map(), lastRun: new Map() }, inputs, e.thresholds, true));
  }
  return out.sort((a, b) => cmp(a.hostname, b.hostname) || cmp(a.job, b.job) || cmp(a.repository, b.repository));
}
