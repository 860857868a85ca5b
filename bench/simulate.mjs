/**
 * The 30-day detection simulation (issue 10, item 7): a seeded population of restic jobs on systemd
 * timers drives the real emitter; the textfiles' histories, scraped every 60 s, are backfilled into a
 * real Prometheus TSDB; every alert that `ubm generate` writes for the population's config, and the
 * design reference's rules, are evaluated over the whole history (range queries, step = evaluation
 * interval) and run through Prometheus' alert state machine. Scores: false alerts per job-month,
 * planted slow runs caught, a lasting slowdown alerted, notifications per incident.
 *
 *   node bench/simulate.mjs [--seed N] [--days 30] [--scale 1]   prints the markdown section
 *   node bench/run.mjs --only simulation                          writes it into bench/RESULTS.md
 *
 * Needs `npm run build` first (it drives dist/ and runs bin/ubm.js generate and health).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COHORTS, DAY_S, SLOWDOWN_DAY, START_S, STEADY_SIGMA } from './simulate/population.mjs';
import { REFERENCE_NAMES, simulate } from './simulate/run.mjs';
import { plantSummary } from './simulate/score.mjs';
import { SLOW_FOLLOW_RUNS } from '../dist/groups/duration-baseline.js';
import { MODES } from './simulate/series.mjs';

/** The section's heading (bench/run.mjs replaces the section with the same heading). */
const HEADING = '## Detection simulation';
/** Goal: false alerts of any name per job-month. */
const FALSE_GOAL = 0.1;

/** Parses --seed, --days and --scale. */
export function parseArgs(argv) {
  const value = (flag, fallback) => {
    const i = argv.indexOf(flag);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} takes a positive number`);
    return n;
  };
  return { seed: Math.floor(value('--seed', 1)), days: Math.floor(value('--days', 30)), scale: value('--scale', 1) };
}

/** An alert name without the common prefix, for table cells. */
function short(name) {
  return name.replace(/^UnifiedBackup/, '');
}

/** A duration in minutes/seconds for table cells. */
function dur(s) {
  if (s === undefined) return '-';
  if (s >= 7200) return `${+(s / 3600).toFixed(2)} h`;
  return s >= 120 ? `${(s / 60).toFixed(0)} min` : `${s.toFixed(0)} s`;
}

const mark = (ok) => (ok ? ' ✓' : ' ✗');

/** The cells of each measure for one scored column. */
function cells(s, names) {
  const total = [...s.falseByName.values()].reduce((a, b) => a + b, 0);
  const rate = (n) => `${(n / s.jobMonths).toFixed(2)} (${n})`;
  const ff = plantSummary(s.plants['full-first']);
  const st = plantSummary(s.plants.steady);
  const ffs = plantSummary(s.plants['full-first-steady']);
  const notes = (id) => {
    const m = s.incidentNotes.get(id);
    if (m === undefined || m.size === 0) return 'none ✗';
    const list = [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
    return `${list.map(([n, c]) => `${short(n)} ${c}`).join(', ')}${mark(list.every(([, c]) => c === 1))}`;
  };
  return {
    falseTotal: `${rate(total)}${mark(total / s.jobMonths <= FALSE_GOAL)}`,
    falseBy: Object.fromEntries(names.map((n) => [n, s.falseByName.has(n) ? rate(s.falseByName.get(n)) : '0'])),
    fullFirst: `${ff.caught}/${ff.total}, ${ff.fromDay === undefined ? 'last plant missed' : `from day ${ff.fromDay}`}${mark(ff.total > 0 && ff.caught >= Math.ceil(ff.total * 0.95) && ff.fromDay !== undefined && ff.fromDay <= 4)}`,
    fullFirstSteady: `${ffs.caught}/${ffs.total}, ${ffs.fromDay === undefined ? 'last plant missed' : `from day ${ffs.fromDay}`}${mark(ffs.total > 0 && ffs.caught >= Math.ceil(ffs.total * 0.95) && ffs.fromDay !== undefined && ffs.fromDay <= 4)}`,
    lastingSteady: `${s.lastingSteady.alerted}/${s.lastingSteady.runs} runs; ${s.lastingSteady.episodes} notifications${mark(s.lastingSteady.runs > 0 && s.lastingSteady.alerted === s.lastingSteady.runs)}`,
    steady: `${st.caught}/${st.total}; delay median ${dur(st.medianDelayS)}, max ${dur(st.maxDelayS)}${mark(st.total > 0 && st.caught === st.total)}`,
    lasting: `${s.lasting.alerted}/${s.lasting.runs} runs; ${s.lasting.episodes} notifications${mark(s.lasting.runs > 0 && s.lasting.alerted === s.lasting.runs)}`,
    restart: notes('restart'),
    exporter: notes('exporter'),
    byCohort: [...s.falseByCohort.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => `${c} ${n}`).join(', ') || 'none',
    missed: ff.missedDays,
  };
}

/** The machine in one line. */
function machine() {
  const cpu = cpus();
  let prometheus = 'prometheus';
  try {
    prometheus = execFileSync('prometheus', ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${resolve(import.meta.dirname, '..', '.tools', 'bin')}:${process.env.PATH ?? ''}` } }).split('\n')[0]?.replace(/\s*\(.*$/, '') ?? prometheus;
  } catch {
    // reported as plain "prometheus"
  }
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}, Node ${process.version}, ${prometheus}`;
}

/** The markdown section of a simulation result. */
export function renderSection(r, load) {
  const columns = [...MODES.map((m) => ({ id: m.id, title: m.id === 'with' ? "ubm's rules, expected set" : "ubm's rules, fallback" })), ...(r.scores.reference ? [{ id: 'reference', title: 'design reference' }] : [])];
  const names = [...new Set(Object.values(r.scores).flatMap((s) => [...s.falseByName.keys()]))].sort();
  const c = Object.fromEntries(columns.map((col) => [col.id, cells(r.scores[col.id], names)]));
  const row = (measure, goal, key, sub) => `| ${measure} | ${goal} | ${columns.map((col) => (sub === undefined ? c[col.id][key] : c[col.id][key][sub])).join(' | ')} |`;
  const counts = Object.entries(COHORTS).map(([id, k]) => `${id} ${r.jobs.filter((j) => j.cohort === id).length} (${k.about})`).join('; ');
  const ours = r.ours.map((a) => `${a.name} (for ${dur(a.forS)}${a.keepFiringForS > 0 ? `, keep_firing_for ${dur(a.keepFiringForS)}` : ''})`).join(', ');
  const lines = [
    HEADING,
    '',
    `Seed ${r.seed}, ${r.days} days, ${r.jobs.length} jobs, ${r.runs} runs. Each run is recorded by the real emitter (\`recordBackup\` from dist/record.js, with the simulated end time, duration, status, expected interval and restic summary figures); the self-check by \`recordHealth\` every 5 minutes; the expected job set once by the real \`ubm health --config\`. Each textfile is read back after every write, and a scrape every 60 s (job="node", instance="<host>:9100", with \`up\` and \`node_textfile_scrape_error\`) takes the newest write at or before it. Only the series the rules read are kept: ${r.series} series, ${r.samples} samples, backfilled with \`promtool tsdb create-blocks-from openmetrics\` into a real Prometheus. Each alert's expression, its recording rules inlined, runs as range queries with step 60 s (the evaluation interval); Prometheus' alert state machine (rules/alerting.go: pending, firing after \`for\`, kept firing for \`keep_firing_for\` after the expression stops returning it) then runs per series in JS, and each transition to firing is one notification. Two copies of the host are scraped: one with the expected job set (thresholds from the config), one without it (the rules' fallback from the emitter's expected interval). The design reference's five expressions (fixtures/bench/reference-expressions.yml, \`for\` 0) are evaluated on the same histories (on one copy of the host: they never join across hosts). Method and limits: docs/e2e-and-bench.md.`,
    '',
    `Population: ${counts}. Timers elapse at the period's start plus a uniform 0-30 min delay (RandomizedDelaySec); an elapse while the previous run is still going is merged into it. Durations are log-normal around a per-job median (hourly 2-6 min, daily 5-60 min, weekly 30 min-4 h) with sigma 0.3 (steady jobs 0.05), and 1 run in 30 takes 1.8x; incremental runs add 0.1-2 % of what they process, full runs all of it. Outages: a Prometheus restart (no samples for 20 min) and a node_exporter outage (2 h, up == 0) inside 6-hour failures of two hourly jobs (days ${r.outages.map((o) => Math.floor((o.failFrom - START_S) / DAY_S) + 1).join(' and ')}). Our alerts evaluated: ${ours}.`,
    '',
    `| measure | goal | ${columns.map((col) => col.title).join(' | ')} |`,
    `| --- | --- | ${columns.map(() => '---').join(' | ')} |`,
    row('False alerts per job-month, every name (count)', `≤ ${FALSE_GOAL}`, 'falseTotal'),
    ...names.map((n) => row(`&nbsp;&nbsp;of which ${n}`, '', 'falseBy', n)),
    row(`Full-first (sigma 0.3): planted 3x runs caught (after 3 fulls at 20x)`, '≥ 19/20, from day 4', 'fullFirst'),
    row(`Full-first, steady jobs (sigma ${STEADY_SIGMA}): planted 3x runs caught`, '≥ 19/20, from day 4', 'fullFirstSteady'),
    row('Steady: planted 3x runs caught within `for` + 2 evaluations', '20/20', 'steady'),
    row(`Lasting slowdown (3x from day ${SLOWDOWN_DAY}, sigma 0.3): of its first ${SLOW_FOLLOW_RUNS} slow runs, alerted`, 'every one', 'lasting'),
    row(`Lasting slowdown, steady jobs: of the first ${SLOW_FOLLOW_RUNS} slow runs, alerted`, 'every one', 'lastingSteady'),
    row('Prometheus restart inside a 6 h failure: notifications', '1 per alert', 'restart'),
    row('node_exporter outage inside a 6 h failure: notifications', '1 per alert', 'exporter'),
    '',
    `False alerts by cohort/frequency: ${columns.map((col) => `${col.title}: ${c[col.id].byCohort}`).join('; ')}.`,
    `Full-first plants missed on days: ${columns.map((col) => `${col.title}: ${c[col.id].missed.join(', ') || 'none'}`).join('; ')}.`,
    `Not exercised (they read no simulated series): ${r.notExercised.join(', ') || 'none'}. Reference rules map to ours as ${Object.entries(REFERENCE_NAMES).map(([k, v]) => `${k} = ${short(v)}`).join(', ')}.`,
    '',
    `Machine: ${machine()}. Load average when the run started: ${load}. Run time ${r.totalS.toFixed(0)} s: emitter ${r.phases.emitS.toFixed(0)} s, backfill ${r.phases.buildS.toFixed(0)} s, range queries and state machine ${r.phases.evaluateS.toFixed(0)} s.`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs the simulation and returns its markdown section. */
export async function simulationSection({ seed = 1, days = 30, scale = 1, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const load = loadavg().map((l) => l.toFixed(2)).join(' / ');
  const r = await simulate({ seed, days, scale, log });
  return renderSection(r, load);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.stdout.write(await simulationSection(parseArgs(process.argv.slice(2))));
  } catch (err) {
    process.stderr.write(`simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
