/**
 * Scoring one rule set's episodes against what was planted: false alerts per job-month (every
 * episode not explained by a plant, a lasting slowdown or an incident), planted slow runs caught,
 * slow runs of a lasting slowdown alerted, and notifications per incident.
 */
import { firingWithin } from './evaluate.mjs';
import { DAY_S, START_S } from './population.mjs';
import { SLOW_FOLLOW_RUNS } from '../../dist/groups/duration-baseline.js';

/** The slow-run alert, whose episodes plants and slowdowns explain. */
export const SLOW = 'UnifiedBackupSlow';
/** After an outage or an incident's last failure, how long its alerts are still its own. */
const AFTERMATH_S = 3600;

/** The 1-based day of a time. */
function dayOf(t) {
  return Math.floor((t - START_S) / DAY_S) + 1;
}

/** Each run with the time its textfile stops showing it (the next write, or the end). */
function withNext(runs, endS) {
  return runs.map((r, i) => ({ ...r, nextS: runs[i + 1]?.endS ?? endS }));
}

/**
 * Scores `episodes` (already restricted to one mode's host) for the population. `timing`: the
 * evaluation grid { fromS, toS, stepS }; `rules`: by alert name, { forS, keepFiringForS }.
 */
export function score({ jobs, runsByJob, episodes, days, timing, rules, outages }) {
  const { fromS, toS, stepS } = timing;
  const byJob = new Map(jobs.map((j) => [j.name, { job: j, runs: withNext(runsByJob.get(j.name), toS), episodes: [] }]));
  const falseByName = new Map();
  const falseByCohort = new Map();
  const incidentNotes = new Map(outages.map((o) => [o.id, new Map()]));
  const hostLevel = [];
  for (const e of episodes) {
    const entry = e.labels.backup_job === undefined ? undefined : byJob.get(e.labels.backup_job);
    if (entry === undefined) hostLevel.push(e);
    else entry.episodes.push(e);
  }
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  const falseAlert = (e, cohort) => {
    count(falseByName, e.alert);
    count(falseByCohort, cohort);
  };
  // Host-level alerts: those an outage explains are the outage's notifications.
  for (const e of hostLevel) {
    const o = outages.find((w) => e.firedAt >= w.outageFrom && e.firedAt < w.outageTo + AFTERMATH_S);
    if (o !== undefined) count(incidentNotes.get(o.id), e.alert);
    else falseAlert(e, 'host');
  }
  const plants = { 'full-first': [], 'full-first-steady': [], steady: [] };
  const lastingBy = { lasting: { runs: 0, alerted: 0, episodes: 0 }, 'lasting-steady': { runs: 0, alerted: 0, episodes: 0 } };
  for (const { job, runs, episodes: eps } of byJob.values()) {
    const slowEps = eps.filter((e) => e.alert === SLOW);
    const rule = rules.get(SLOW) ?? { forS: 0, keepFiringForS: 0 };
    const explained = new Set();
    for (const p of runs.filter((r) => r.kind === 'plant')) {
      const until = p.nextS + rule.forS + rule.keepFiringForS + 2 * stepS;
      for (const e of slowEps) if (e.firedAt >= p.endS && e.firedAt <= until) explained.add(e);
      const windowEnd = job.cohort === 'steady' ? p.endS + rule.forS + 2 * stepS : p.nextS;
      const hit = slowEps.find((e) => firingWithin(e, p.endS, windowEnd, stepS, fromS));
      const firstStep = fromS + Math.ceil((p.endS - fromS) / stepS) * stepS;
      plants[job.cohort]?.push({ job: job.name, day: dayOf(p.startS), caught: hit !== undefined, delayS: hit === undefined ? undefined : Math.max(hit.firedAt, firstStep) - p.endS });
    }
    const lasting = lastingBy[job.cohort];
    if (lasting !== undefined) {
      // The documented promise: it keeps alerting for the first SLOW_FOLLOW_RUNS slow runs, then the baseline follows the new pace.
      const slowRuns = runs.filter((r) => r.kind === 'slow').slice(0, SLOW_FOLLOW_RUNS);
      const from = slowRuns[0]?.endS ?? Infinity;
      for (const e of slowEps) if (e.firedAt >= from) explained.add(e);
      lasting.runs += slowRuns.length;
      lasting.alerted += slowRuns.filter((r) => slowEps.some((e) => firingWithin(e, r.endS, r.nextS, stepS, fromS))).length;
      lasting.episodes += slowEps.filter((e) => e.firedAt >= from).length;
    }
    if (job.incident !== undefined) {
      const i = job.incident;
      const recovered = runs.find((r) => r.success && r.startS >= i.failTo)?.endS ?? toS;
      for (const e of eps) {
        if (e.firedAt >= i.failFrom && e.firedAt < recovered + AFTERMATH_S) {
          count(incidentNotes.get(i.id), e.alert);
          explained.add(e);
        }
      }
    }
    for (const e of eps) if (!explained.has(e)) falseAlert(e, `${job.cohort}/${job.frequency}`);
  }
  const jobMonths = (jobs.length * days) / 30;
  return { jobMonths, falseByName, falseByCohort, plants, lasting: lastingBy.lasting, lastingSteady: lastingBy['lasting-steady'], incidentNotes };
}

/** "x/n caught", the earliest day from which every plant was caught, and delays. */
export function plantSummary(list) {
  const caught = list.filter((p) => p.caught);
  const byDay = [...list].sort((a, b) => a.day - b.day);
  let fromDay;
  for (let i = byDay.length - 1; i >= 0 && byDay[i].caught; i--) fromDay = byDay[i].day;
  const delays = caught.map((p) => p.delayS).sort((a, b) => a - b);
  const missedDays = list.filter((p) => !p.caught).map((p) => p.day).sort((a, b) => a - b);
  return { caught: caught.length, total: list.length, fromDay, medianDelayS: delays[Math.floor(delays.length / 2)], maxDelayS: delays[delays.length - 1], missedDays };
}
