/**
 * The simulated population and its run histories (pure: seed in, jobs and runs out).
 *
 * Jobs run on systemd timers: the timer elapses at the period's start (hourly: every hour; daily:
 * 00:00; weekly: Monday 00:00) plus a uniform RandomizedDelaySec of 0-30 minutes; an elapse while
 * the previous run is still going is merged into it (a oneshot service's start job), so a run never
 * starts before the previous one ended. Durations are log-normal around a per-job median (sigma 0.3,
 * or 0.05 for steady jobs), and 1 run in 30 takes 1.8 times as long. Cohorts, kept apart from the
 * false-alert count where they are meant to alert, are described on `COHORTS`.
 */
import { logNormal, mulberry32, uniform } from './prng.mjs';

/** The simulation starts on Monday 2024-01-01 00:00 UTC (a multiple of 2 h: TSDB blocks align). */
export const START_S = 1_704_067_200;
export const DAY_S = 86_400;
const HOUR_S = 3600;
const WEEK_S = 7 * DAY_S;
/** systemd's RandomizedDelaySec of every timer. */
export const TIMER_DELAY_S = 1800;
/** Log-normal sigma of ordinary jobs' run times, and of steady jobs'. */
export const SIGMA = 0.3;
export const STEADY_SIGMA = 0.05;
/** One run in OUTLIER_EVERY takes OUTLIER_FACTOR times as long. */
export const OUTLIER_EVERY = 30;
export const OUTLIER_FACTOR = 1.8;
/** Full-first jobs: their first FULL_RUNS runs are full backups at FULL_FACTOR times the later median. */
export const FULL_RUNS = 3;
export const FULL_FACTOR = 20;
/** A planted slow run (and a lasting slowdown) takes PLANT_FACTOR times the job's median. */
export const PLANT_FACTOR = 3;
/** The first day (1-based) with planted slow runs, and the day lasting slowdowns begin. */
export const FIRST_PLANT_DAY = 4;
export const SLOWDOWN_DAY = 15;
/** A failed run ends quickly (restic cannot reach its repository). */
const FAILED_RUN_S = 20;

/** Seconds of each frequency's period. */
export const PERIOD_S = { hourly: HOUR_S, daily: DAY_S, weekly: WEEK_S };

/** Median run times by frequency (seconds): hourly a few minutes, daily 5-60 min, weekly up to 4 h. */
const MEDIAN_RANGE_S = { hourly: [120, 360], daily: [300, 3600], weekly: [1800, 14_400] };
/** Bytes a job's source holds by frequency (its files: one per 200 kB). */
const BYTES_RANGE = { hourly: [5e8, 2e10], daily: [1e9, 2e11], weekly: [5e10, 5e11] };

/**
 * The cohorts: how many jobs of each frequency, and what is planted in them. `base` is the
 * ordinary population; the others also count toward false alerts outside what was planted.
 */
export const COHORTS = {
  base: { hourly: 10, daily: 14, weekly: 6, about: 'ordinary jobs (sigma 0.3, 1.8x outlier 1 in 30)' },
  'full-first': { hourly: 6, daily: 14, weekly: 0, about: `first ${FULL_RUNS} runs full backups at ${FULL_FACTOR}x, then one ${PLANT_FACTOR}x run from day ${FIRST_PLANT_DAY} on` },
  steady: { hourly: 8, daily: 10, weekly: 2, about: `sigma ${STEADY_SIGMA} (1.8x outlier 1 in 30), one ${PLANT_FACTOR}x run each` },
  'full-first-steady': { hourly: 6, daily: 14, weekly: 0, about: `as full-first, in steady jobs (sigma ${STEADY_SIGMA})` },
  lasting: { hourly: 2, daily: 2, weekly: 0, about: `${PLANT_FACTOR}x slower for good from day ${SLOWDOWN_DAY}` },
  'lasting-steady': { hourly: 2, daily: 2, weekly: 0, about: `as lasting, in steady jobs (sigma ${STEADY_SIGMA})` },
  incident: { hourly: 2, daily: 0, weekly: 0, about: 'every run fails for 6 h, across a Prometheus restart (20 min without samples) or a 2 h node_exporter outage' },
};

/**
 * The outages, at fixed times relative to the start: each lies inside the 6 h failure of one
 * incident job. `restart`: no samples at all; `exporter`: node_exporter down (up == 0, no
 * textfile series).
 */
export function incidents(days) {
  const at = (day, hour) => START_S + (day - 1) * DAY_S + hour * HOUR_S;
  const restartDay = Math.min(10, Math.max(1, days - 1));
  const exporterDay = Math.min(20, Math.max(1, days));
  return [
    { id: 'restart', about: 'Prometheus restart (20 min without samples)', failFrom: at(restartDay, 6), failTo: at(restartDay, 12), outageFrom: at(restartDay, 9), outageTo: at(restartDay, 9) + 20 * 60 },
    { id: 'exporter', about: 'node_exporter outage (2 h: up == 0, no textfile series)', failFrom: at(exporterDay, 6), failTo: at(exporterDay, 12), outageFrom: at(exporterDay, 8), outageTo: at(exporterDay, 10) },
  ];
}

/** restic's summary of a run: a full run adds all it processed; an incremental one a little. */
function summary(rand, job, full, dayIndex) {
  const bytes = Math.round(job.bytes * (1 + 0.0005 * dayIndex));
  const files = Math.round(bytes / 200_000);
  if (full) return { filesNew: files, filesChanged: 0, filesUnmodified: 0, dataAddedBytes: bytes, totalFilesProcessed: files, totalBytesProcessed: bytes };
  const changed = Math.round(files * uniform(rand, 0.001, 0.01));
  return {
    filesNew: Math.round(changed / 4),
    filesChanged: changed,
    filesUnmodified: files - changed - Math.round(changed / 4),
    dataAddedBytes: Math.round(bytes * uniform(rand, 0.001, 0.02)),
    totalFilesProcessed: files,
    totalBytesProcessed: bytes,
  };
}

/** The jobs, in a fixed order: name, cohort, frequency, median, sigma, source size and what is planted. */
export function population(seed, days, scale = 1) {
  const rand = mulberry32(seed);
  const jobs = [];
  const incidentList = incidents(days);
  for (const [cohort, counts] of Object.entries(COHORTS)) {
    let i = 0;
    for (const frequency of ['hourly', 'daily', 'weekly']) {
      const n = Math.max(counts[frequency] > 0 ? 1 : 0, Math.round(counts[frequency] * scale));
      for (let k = 0; k < n; k++, i++) {
        const [lo, hi] = MEDIAN_RANGE_S[frequency];
        const [blo, bhi] = BYTES_RANGE[frequency];
        const job = {
          name: `${cohort}-${frequency}-${String(k + 1).padStart(2, '0')}`,
          repository: i % 2 === 0 ? 'nas' : 'offsite',
          cohort,
          frequency,
          periodS: PERIOD_S[frequency],
          medianS: Math.round(Math.exp(uniform(rand, Math.log(lo), Math.log(hi)))),
          sigma: cohort === 'steady' || cohort.endsWith('-steady') ? STEADY_SIGMA : SIGMA,
          bytes: Math.round(Math.exp(uniform(rand, Math.log(blo), Math.log(bhi)))),
          seed: Math.floor(rand() * 2 ** 32),
        };
        // Plants spread over the days (weekly jobs: their 4th week, once the baseline holds 3 runs).
        if (cohort.startsWith('full-first') || cohort === 'steady') job.plantDay = frequency === 'weekly' ? 22 + (i % 7) : FIRST_PLANT_DAY + (i % Math.max(1, Math.min(20, days - FIRST_PLANT_DAY)));
        if (cohort.startsWith('lasting')) job.slowFromS = START_S + (SLOWDOWN_DAY - 1) * DAY_S;
        if (cohort === 'incident') job.incident = incidentList[i % incidentList.length];
        jobs.push(job);
      }
    }
  }
  return jobs;
}

/**
 * One job's runs over [START_S, START_S + days): start, end, duration, success, summary and what
 * the run is (`normal`, `outlier`, `full`, `plant`, `slow`, `failed`).
 */
export function runsOf(job, days) {
  const rand = mulberry32(job.seed);
  const endS = START_S + days * DAY_S;
  const runs = [];
  let prevEnd = -Infinity;
  let planted = false;
  for (let period = START_S; period < endS; period += job.periodS) {
    const fire = period + Math.floor(uniform(rand, 0, TIMER_DELAY_S));
    // Drawn for every period, so that one job's plants do not shift the others' randomness.
    const noise = logNormal(rand, 1, job.sigma);
    const outlier = rand() < 1 / OUTLIER_EVERY;
    const figuresRand = mulberry32(Math.floor(rand() * 2 ** 32));
    if (fire < prevEnd) continue;
    const startS = fire;
    const dayIndex = Math.floor((startS - START_S) / DAY_S);
    let kind = outlier ? 'outlier' : 'normal';
    let durationS = job.medianS * noise * (outlier ? OUTLIER_FACTOR : 1);
    let success = true;
    if (job.cohort.startsWith('full-first') && runs.length < FULL_RUNS) {
      kind = 'full';
      durationS = FULL_FACTOR * job.medianS * noise;
    } else if (job.plantDay !== undefined && !planted && dayIndex + 1 >= job.plantDay) {
      kind = 'plant';
      durationS = PLANT_FACTOR * job.medianS;
      planted = true;
    } else if (job.slowFromS !== undefined && startS >= job.slowFromS) {
      kind = 'slow';
      durationS *= PLANT_FACTOR;
    } else if (job.incident !== undefined && startS >= job.incident.failFrom && startS < job.incident.failTo) {
      kind = 'failed';
      durationS = FAILED_RUN_S;
      success = false;
    }
    durationS = Math.round(durationS);
    const end = startS + durationS;
    if (end >= endS) break;
    runs.push({ startS, endS: end, durationS, success, kind, summary: success ? summary(figuresRand, job, kind === 'full', dayIndex) : undefined });
    prevEnd = end;
  }
  return runs;
}

/** The backup config of the population, in the design's tree (what `ubm generate` and `ubm health --config` read). */
export function simulationConfig(jobs) {
  return {
    repositories: { nas: { type: 'local', primary: true }, offsite: { type: 's3', primary: false } },
    restic: { jobs: Object.fromEntries(jobs.map((j) => [j.name, { repository: j.repository, frequency: j.frequency }])) },
  };
}
