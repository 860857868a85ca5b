/** The per-repository and per-stanza parts of the report: check and restore-test histories, pgBackRest and the offsite copy. */
import { SECONDS_PER_DAY } from '../util/duration.js';
import type { Breach, CheckReport, OffsiteReport, PgBackupReport, ReportPeriod, RepositoryReport, StanzaReport, Verdict } from './model.js';
import { worst } from './model.js';
import { REPORT_METRICS, type ReportData, type ReportMetric } from './fetch.js';
import { type Values, changes, indexSeries, labelsOf, lastValue } from './series-index.js';
import { round } from './stats.js';

/** What judging the checks needs besides the data. */
export interface CheckInputs {
  readonly period: ReportPeriod;
  readonly times: readonly number[];
  readonly verificationStaleSeconds: number;
  readonly restoreTestStaleSeconds: number;
  readonly pgVerificationStaleSeconds: number;
  readonly offsiteMaxAgeSeconds: number;
  /** With --config: the checks it turns on, as [kind, stanza, repository]; a check among them that never reported is missing. */
  readonly expected?: ReadonlyArray<{ readonly check: string; readonly stanza: string; readonly repository: string }>;
  readonly missingHostname: string;
}

/** Strict string order, the same in every locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One check's history and verdict from its status, last-run and last-success series. */
function judgeCheck(status: Values | undefined, lastRun: Values | undefined, lastSuccess: Values | undefined, stale: number, inputs: CheckInputs): CheckReport {
  const { period, times } = inputs;
  const missing = status === undefined && lastRun === undefined && lastSuccess === undefined;
  const events = changes(lastRun, times, period.from).map(({ at, seenAt }) => ({ at, success: status?.get(seenAt) === 1 }));
  const lastPass = lastValue(lastSuccess, times) ?? null;
  const reasons: string[] = [];
  let verdict: Verdict = 'compliant';
  if (missing) {
    reasons.push('configured but never reported');
    verdict = 'not_compliant';
  } else if (lastPass === null) {
    reasons.push('never passed');
    verdict = 'not_compliant';
  } else if (period.to - lastPass > stale) {
    reasons.push(`last pass older than ${stale} s at the period's end`);
    verdict = 'not_compliant';
  }
  const failed = events.filter((e) => !e.success).length;
  if (failed > 0) {
    reasons.push(`${failed} failed run(s)`);
    if (verdict === 'compliant') verdict = 'at_risk';
  }
  return {
    missing,
    staleThresholdSeconds: stale,
    events,
    lastPass,
    daysSinceLastPass: lastPass === null ? null : round((period.to - lastPass) / SECONDS_PER_DAY),
    verdict,
    reasons,
  };
}

/** Indexes a metric by its own labels. */
function ix(data: ReportData, k: ReportMetric): Map<string, Values> {
  return indexSeries(data[k], REPORT_METRICS[k].labels);
}

/** Whether the config expects a check (no config: only what reported). */
function expects(inputs: CheckInputs, check: string, stanza: string, repository: string): boolean {
  return (inputs.expected ?? []).some((e) => e.check === check && e.stanza === stanza && e.repository === repository);
}

/** Every restic repository with a verification or restore-test series, or that the config expects checked. */
export function repositoryReports(data: ReportData, inputs: CheckInputs): RepositoryReport[] {
  const v = { status: ix(data, 'verificationStatus'), run: ix(data, 'verificationLastRun'), ok: ix(data, 'verificationLastSuccess') };
  const r = { status: ix(data, 'restoreStatus'), run: ix(data, 'restoreLastRun'), ok: ix(data, 'restoreLastSuccess') };
  const keys = new Set([...v.status.keys(), ...v.run.keys(), ...r.status.keys(), ...r.run.keys()]);
  const reportedRepos = new Set([...keys].map((k) => labelsOf(k)[1] ?? ''));
  for (const e of inputs.expected ?? []) {
    if ((e.check === 'restic_verification' || e.check === 'restic_restore_test') && !reportedRepos.has(e.repository)) keys.add(JSON.stringify(inputs.missingHostname) + ',' + JSON.stringify(e.repository));
  }
  const out: RepositoryReport[] = [];
  for (const key of keys) {
    const [hostname = '', repository = ''] = labelsOf(key);
    const has = (m: { status: Map<string, Values>; run: Map<string, Values> }): boolean => m.status.has(key) || m.run.has(key);
    const verification = has(v) || expects(inputs, 'restic_verification', '', repository) ? judgeCheck(v.status.get(key), v.run.get(key), v.ok.get(key), inputs.verificationStaleSeconds, inputs) : null;
    const restoreTest = has(r) || expects(inputs, 'restic_restore_test', '', repository) ? judgeCheck(r.status.get(key), r.run.get(key), r.ok.get(key), inputs.restoreTestStaleSeconds, inputs) : null;
    out.push({ hostname, repository, verification, restoreTest, verdict: worst([verification?.verdict ?? 'compliant', restoreTest?.verdict ?? 'compliant']) });
  }
  return out.sort((a, b) => cmp(a.hostname, b.hostname) || cmp(a.repository, b.repository));
}

/**
 * The stretches during which a status series was not 1 (0, or absent). A gap in the data with the
 * status 1 on both sides (a scrape or exporter outage) is bridged: it counts as good.
 */
function outagesOf(status: Values | undefined, period: ReportPeriod, times: readonly number[]): { outages: Breach[]; good: number } {
  const raw = times.map((t) => status?.get(t));
  const nextDefined: Array<number | undefined> = new Array<number | undefined>(raw.length);
  let next: number | undefined;
  for (let i = raw.length - 1; i >= 0; i--) {
    next = raw[i] ?? next;
    nextDefined[i] = next;
  }
  const outages: Breach[] = [];
  let good = 0;
  let previous: number | undefined;
  times.forEach((t, i) => {
    const end = Math.min(t + period.stepSeconds, period.to);
    const v = raw[i] ?? (previous === 1 && nextDefined[i] === 1 ? 1 : undefined);
    if (raw[i] !== undefined) previous = raw[i];
    if (v === 1) {
      good += end - t;
      return;
    }
    const prev = outages[outages.length - 1];
    if (prev !== undefined && prev.end === t) outages[outages.length - 1] = { start: prev.start, end, seconds: end - prev.start };
    else outages.push({ start: t, end, seconds: end - t });
  });
  return { outages, good };
}

/** Every PostgreSQL stanza with a pgBackRest, verification or offsite series, or that the config expects. */
export function stanzaReports(data: ReportData, inputs: CheckInputs): StanzaReport[] {
  const pv = { status: ix(data, 'pgVerificationStatus'), run: ix(data, 'pgVerificationLastRun'), ok: ix(data, 'pgVerificationLastSuccess') };
  const off = { status: ix(data, 'offsiteStatus'), run: ix(data, 'offsiteLastCheck'), ok: ix(data, 'offsiteLastSuccess') };
  const completion = ix(data, 'pgLastCompletion');
  const wal = ix(data, 'walPresent');
  const stanzas = new Map<string, { hostname: string; stanza: string }>();
  const note = (hostname: string, stanza: string): void => {
    stanzas.set(JSON.stringify([hostname, stanza]), { hostname, stanza });
  };
  for (const m of [pv.status, pv.run, off.status, off.run, completion, wal]) for (const k of m.keys()) note(labelsOf(k)[0] ?? '', labelsOf(k)[1] ?? '');
  const reportedStanzas = new Set([...stanzas.values()].map((s) => s.stanza));
  for (const e of inputs.expected ?? []) if (e.stanza !== '' && !reportedStanzas.has(e.stanza)) note(inputs.missingHostname, e.stanza);
  const { period, times } = inputs;
  const out: StanzaReport[] = [];
  for (const { hostname, stanza } of stanzas.values()) {
    const mine = (m: Map<string, Values>): Array<[string[], Values]> =>
      [...m.entries()].map(([k, val]) => [labelsOf(k), val] as [string[], Values]).filter(([l]) => l[0] === hostname && l[1] === stanza);
    const stanzaKey = JSON.stringify(hostname) + ',' + JSON.stringify(stanza);
    const verification =
      pv.status.has(stanzaKey) || pv.run.has(stanzaKey) || expects(inputs, 'postgres_verification', stanza, '')
        ? judgeCheck(pv.status.get(stanzaKey), pv.run.get(stanzaKey), pv.ok.get(stanzaKey), inputs.pgVerificationStaleSeconds, inputs)
        : null;
    const offsiteRepos = new Set(mine(off.status).map(([l]) => l[2] ?? ''));
    for (const e of inputs.expected ?? []) if (e.check === 'postgres_offsite' && e.stanza === stanza) offsiteRepos.add(e.repository);
    const offsite: OffsiteReport[] = [...offsiteRepos].sort(cmp).map((repository) => {
      const key = `${stanzaKey},${JSON.stringify(repository)}`;
      const status = off.status.get(key);
      const base = judgeCheck(status, off.run.get(key), off.ok.get(key), inputs.offsiteMaxAgeSeconds, inputs);
      const { outages, good } = outagesOf(status, period, times);
      const atEnd = lastValue(status, times);
      const reasons = [...base.reasons];
      let verdict = base.verdict;
      if (atEnd === 0 && verdict !== 'not_compliant') {
        reasons.push("not good at the period's end");
        verdict = 'not_compliant';
      } else if (outages.length > 0 && verdict === 'compliant') {
        reasons.push(`not good for ${outages.reduce((a, o) => a + o.seconds, 0)} s in ${outages.length} outage(s)`);
        verdict = 'at_risk';
      }
      const total = period.to - period.from;
      return { ...base, repository, attainment: total > 0 ? round(good / total) : 0, outages, reasons, verdict };
    });
    const backups: PgBackupReport[] = mine(completion)
      .map(([l, val]) => ({ repository: l[2] ?? '', type: l[3] ?? '', lastCompletion: lastValue(val, times) ?? null, completedInPeriod: changes(val, times, period.from).length }))
      .sort((a, b) => cmp(a.repository, b.repository) || cmp(a.type, b.type));
    const walArchive = mine(wal)
      .map(([l, val]) => {
        const v = lastValue(val, times);
        return { repository: l[2] ?? '', present: v === undefined ? null : v === 1 };
      })
      .sort((a, b) => cmp(a.repository, b.repository));
    const verdict = worst([verification?.verdict ?? 'compliant', ...offsite.map((o) => o.verdict), ...(walArchive.some((w) => w.present === false) ? ['at_risk' as const] : [])]);
    out.push({ hostname, stanza, backups, walArchive, verification, offsite, verdict });
  }
  return out.sort((a, b) => cmp(a.hostname, b.hostname) || cmp(a.stanza, b.stanza));
}
