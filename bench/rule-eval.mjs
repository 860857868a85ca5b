/**
 * Rule-evaluation benchmark (issue #6): what one evaluation of the generated rules costs Prometheus,
 * beside the design reference's five alert expressions, on synthetic 15-second scrape data.
 *
 *   node bench/rule-eval.mjs [--quick]      prints the markdown section on stdout
 *   import { ruleEvalSection } from './rule-eval.mjs'   (bench/run.mjs writes it into bench/RESULTS.md)
 *
 * Needs `npm run build` first (it runs `node bin/ubm.js generate` and reads dist's catalog).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { END_S, SCRAPE_INTERVAL_S, blockRangeFor, buildBlocks, fleet, pieces, seriesCount, seriesPlan } from './rule-eval-data.mjs';
import { generatedRules, referenceExpressions, selects } from './rule-eval-exprs.mjs';
import { queryRange, queryScalar, queryStats, startPrometheus } from './rule-eval-prom.mjs';
import { renderSection, summarise } from './rule-eval-report.mjs';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const DAY = 86_400;
const HOSTS = 10;
/** Seconds of recorded series before each evaluation time (every 15 s): the alerts read the newest, within Prometheus' lookback. */
const RECORDED_S = 60;
/** The window of scraped data the recorded series are computed from: every recorded step finds a fresh scraped sample in it. */
const WINDOW_S = RECORDED_S + 15;
/** Samples Prometheus puts in one chunk: an instant selector decodes up to one chunk per series, so fleets hold at least one full chunk. */
const FULL_CHUNK_S = 120 * 15;

/**
 * The data sets. Full fidelity (7 d of 15 s samples) for a job count this machine synthesises in
 * about a minute, evaluated after 1, 3 and 7 days. Job-count scaling ("scaling") with 30 minutes of
 * history: our rules read no range vectors, and 30 minutes fill the one chunk per series that an
 * instant selector decodes, so engine times are those of a long-running server. The 100,000-job set
 * ("limit") holds only the 75 seconds the recording rules need, in one block (promtool's cost there
 * is per series, not per sample), and is evaluated once: it shows that every query stays under the
 * default query.max-samples. --quick shrinks everything.
 */
function plan(quick) {
  return quick
    ? {
        runs: 3,
        history: { jobs: 20, historyS: 2 * DAY, pointsS: [1 * DAY, 2 * DAY] },
        fleets: [{ jobs: 200, historyS: FULL_CHUNK_S, role: 'scaling' }, { jobs: 2000, historyS: FULL_CHUNK_S, role: 'scaling' }, { jobs: 5000, historyS: WINDOW_S, role: 'limit' }],
      }
    : {
        runs: 5,
        history: { jobs: 100, historyS: 7 * DAY, pointsS: [1 * DAY, 3 * DAY, 7 * DAY] },
        fleets: [{ jobs: 1000, historyS: FULL_CHUNK_S, role: 'scaling' }, { jobs: 10_000, historyS: FULL_CHUNK_S, role: 'scaling' }, { jobs: 100_000, historyS: WINDOW_S, role: 'limit' }],
      };
}

/** A tool from the repository's .tools/bin (where install-tools.sh puts Prometheus) or PATH. */
function tool(name) {
  for (const dir of [join(REPO_ROOT, '.tools', 'bin'), ...(process.env.PATH ?? '').split(delimiter)]) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`required tool '${name}' not found: run 'bash scripts/install-tools.sh'`);
}

/** The machine, Prometheus' version and the load average, for the section's header. */
function machine(prometheus, load) {
  const cpu = cpus();
  const version = execFileSync(prometheus, ['--version'], { encoding: 'utf8' }).split('\n')[0]?.replace(/\s*\(.*$/, '') ?? 'prometheus';
  return {
    description: `${cpu.length} x ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}, Node ${process.version}`,
    prometheus: version,
    load,
  };
}

/** Evaluates every expression once to warm the caches (unless `runs` is 1: counts only), then `runs` times; returns one Map per run. */
async function measure(url, exprs, timeS, runs) {
  if (runs > 1) for (const e of exprs) await queryStats(url, e.expr, timeS);
  const out = [];
  for (let i = 0; i < runs; i++) {
    const run = new Map();
    for (const e of exprs) run.set(e.name, await queryStats(url, e.expr, timeS));
    out.push(run);
  }
  return out;
}

/** Checks that the recorded series equal what their expressions compute (at t - 15 s, their last sample). */
async function checkRecorded(url, records, timeS) {
  const at = timeS - SCRAPE_INTERVAL_S;
  for (const r of records) {
    const recorded = await queryScalar(url, `count(${r.name})`, at);
    const computed = await queryScalar(url, `count(${r.expr})`, at);
    const differ = await queryScalar(url, `count((${r.expr}) != ${r.name}) or count((${r.expr}) unless ${r.name})`, at);
    if (recorded !== computed || differ !== 0) throw new Error(`recording rule ${r.name}: ${recorded} recorded series, ${computed} computed, ${differ} differ at ${at}`);
  }
}

/**
 * What the recording rules would have recorded in the RECORDED_S before each evaluation time, every
 * 15 s: computed by Prometheus itself (query_range of each rule's expression) on a scratch data
 * directory holding only those windows of the synthetic data.
 */
async function recordedSeries({ tools, families, records, times, workDir }) {
  const scratch = join(workDir, 'scratch');
  const windows = times.flatMap((t) => pieces(t - WINDOW_S, t, blockRangeFor(WINDOW_S, 1), [], false));
  await buildBlocks({ promtool: tools.promtool, workDir, dataDir: join(scratch, 'data'), families, pieceList: windows });
  const prom = await startPrometheus({ prometheus: tools.prometheus, dataDir: join(scratch, 'data'), workDir: scratch });
  const byRecord = new Map(records.map((r) => [r.name, new Map()]));
  try {
    for (const t of times) {
      for (const r of records) {
        const series = byRecord.get(r.name);
        for (const m of await queryRange(prom.url, r.expr, t - RECORDED_S, t - SCRAPE_INTERVAL_S, SCRAPE_INTERVAL_S)) {
          const prefix = `${r.name}{${Object.entries(m.metric).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}} `;
          const s = series.get(prefix) ?? { prefix, points: [] };
          s.points.push(...m.values);
          series.set(prefix, s);
        }
      }
    }
  } finally {
    await prom.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return records.map((r) => ({ name: r.name, series: [...byRecord.get(r.name).values()] }));
}

/**
 * Builds one data set (the scraped series, and the recording rules' series before each evaluation
 * time in the same blocks), starts Prometheus on it and measures every expression at each time.
 */
async function runDataset({ tools, catalog, rules, exprs, names, jobs, historyS, pointsS, runs, oneBlock = false }) {
  const workDir = mkdtempSync(join(tmpdir(), 'ubm-bench-rule-eval-'));
  try {
    const start = END_S - historyS;
    const f = fleet(jobs, HOSTS);
    const families = seriesPlan(names, catalog, f, start);
    const times = pointsS.map((p) => start + p);
    const buildStarted = Date.now();
    const extra = rules.records.length > 0 ? await recordedSeries({ tools, families, records: rules.records, times, workDir }) : [];
    const pieceList = oneBlock ? pieces(start, END_S, blockRangeFor(historyS), [], false) : pieces(start, END_S, blockRangeFor(historyS), times.flatMap((t) => [t - WINDOW_S, t]));
    const dataDir = join(workDir, 'data');
    const built = await buildBlocks({ promtool: tools.promtool, workDir, dataDir, families, extra, pieceList });
    const buildSeconds = (Date.now() - buildStarted) / 1000;
    const measureStarted = Date.now();
    const prom = await startPrometheus({ prometheus: tools.prometheus, dataDir, workDir });
    try {
      const points = [];
      for (const [i, t] of times.entries()) {
        await checkRecorded(prom.url, rules.records, t);
        points.push({ historyS: pointsS[i], runs: await measure(prom.url, exprs, t, runs) });
      }
      return { jobs, hosts: HOSTS, historyS, series: seriesCount(families), samples: built.samples, buildSeconds, measureSeconds: (Date.now() - measureStarted) / 1000, points };
    } finally {
      await prom.stop();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The one-selector floor the whole rule set's cost is compared with: the cheapest per-job alert there is. */
const FLOOR = { name: 'floor: restic_backup_status == 0', expr: 'restic_backup_status == 0' };

/** Runs the whole benchmark and returns its markdown section ("## Rule evaluation cost"). */
export async function ruleEvalSection({ quick = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const started = Date.now();
  const load = loadavg().map((l) => l.toFixed(2)).join(' / ');
  const p = plan(quick);
  const tools = { promtool: tool('promtool'), prometheus: tool('prometheus') };
  const { allMetrics } = await import(pathToFileURL(join(REPO_ROOT, 'dist', 'index.js')).href);
  const rules = generatedRules(REPO_ROOT);
  const reference = referenceExpressions(REPO_ROOT);
  const exprs = [
    ...rules.records.map((r) => ({ name: r.name, expr: r.expr })),
    ...rules.alerts.map((a) => ({ name: a.name, expr: a.expr })),
    ...reference.map((r) => ({ name: `reference: ${r.name}`, expr: r.expr })),
    FLOOR,
  ];
  const sets = { records: rules.records.map((r) => r.name), alerts: rules.alerts.map((a) => a.name), reference: reference.map((r) => `reference: ${r.name}`), floor: [FLOOR.name] };
  const recorded = new Set(sets.records);
  const names = new Set();
  let oursLongestRangeS = 0;
  for (const e of exprs) {
    const s = selects(e.expr);
    for (const n of s.names) if (!recorded.has(n)) names.add(n);
    if (!e.name.startsWith('reference: ') && e !== FLOOR) oursLongestRangeS = Math.max(oursLongestRangeS, s.longestRangeS);
  }
  // Ours must see in a fleet set everything they would on a live server: their longest range, plus a scrape.
  const needS = oursLongestRangeS + SCRAPE_INTERVAL_S;
  const common = { tools, catalog: allMetrics, rules, exprs, names, runs: p.runs };

  log(`rule-eval: ${sets.records.length} recording rules, ${sets.alerts.length} alerts, ${sets.reference.length} reference expressions; ${names.size} metrics synthesised`);
  const h = p.history;
  log(`rule-eval: ${h.jobs} jobs x ${h.historyS / DAY} d ...`);
  const history = await runDataset({ ...common, jobs: h.jobs, historyS: h.historyS, pointsS: h.pointsS });
  log(`rule-eval:   built in ${history.buildSeconds.toFixed(0)} s, measured in ${history.measureSeconds.toFixed(0)} s`);
  const fleets = [];
  for (const f of p.fleets) {
    const historyS = Math.max(f.historyS, Math.ceil(needS / SCRAPE_INTERVAL_S) * SCRAPE_INTERVAL_S);
    log(`rule-eval: ${f.jobs} jobs x ${historyS / 60} min ...`);
    // The limit set is built as one block and evaluated once: its sample counts and peaks are exact; its engine times are not reported.
    const limit = f.role === 'limit';
    const d = await runDataset({ ...common, jobs: f.jobs, historyS, pointsS: [historyS], runs: limit ? 1 : p.runs, oneBlock: limit });
    log(`rule-eval:   built in ${d.buildSeconds.toFixed(0)} s, measured in ${d.measureSeconds.toFixed(0)} s`);
    fleets.push({ ...d, role: f.role });
  }
  const result = {
    machine: machine(tools.prometheus, load),
    source: rules.source,
    counts: { records: sets.records.length, alerts: sets.alerts.length },
    sets,
    history: { ...history, points: history.points.map((pt) => ({ historyS: pt.historyS, summary: summarise(pt.runs, sets, history.jobs) })) },
    fleets: fleets.map((d) => ({ ...d, summary: summarise(d.points[0].runs, sets, d.jobs) })),
    buildSeconds: [history, ...fleets].reduce((acc, d) => acc + d.buildSeconds, 0),
    totalSeconds: (Date.now() - started) / 1000,
  };
  return renderSection(result);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.stdout.write(await ruleEvalSection({ quick: process.argv.includes('--quick') }));
}
