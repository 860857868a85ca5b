/**
 * The simulation's pipeline: population -> real emitter -> scraped series -> TSDB blocks -> the
 * real Prometheus -> range queries -> alert state machine -> scores. bench/simulate.mjs renders it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../lib.mjs';
import { readRuleDir, referenceExpressions } from '../rule-eval-exprs.mjs';
import { blockRangeFor, buildBlocks, pieces, seriesCount } from '../rule-eval-data.mjs';
import { startPrometheus } from '../rule-eval-prom.mjs';
import { emitHistories } from './emit.mjs';
import { evaluateRules, inlineRecords, restrictTo, ruleSeconds, selectedNames } from './evaluate.mjs';
import { DAY_S, START_S, incidents, population, runsOf, simulationConfig } from './population.mjs';
import { score } from './score.mjs';
import { MODES, SCRAPE_S, scrapedFamilies } from './series.mjs';

/** The textfile groups the simulation writes, and node_exporter's own series the rules may read. */
const SIMULATED_GROUPS = new Set(['restic_backup', 'monitoring_health', 'monitoring_expected_jobs']);
const SCRAPE_SERIES = new Set(['up', 'node_textfile_scrape_error']);

/** The design reference's alert names mapped to the alerts of ours that they correspond to. */
export const REFERENCE_NAMES = {
  'backup-failed': 'UnifiedBackupFailed',
  'backup-stale': 'UnifiedBackupStale',
  'backup-slow': 'UnifiedBackupSlow',
  'postgres-verification-failed': 'PostgresBackupVerificationFailed',
  'monitoring-unhealthy': 'BackupMonitoringUnhealthy',
};

/** A tool from the repository's .tools/bin or PATH. */
function tool(name) {
  for (const dir of [join(ROOT, '.tools', 'bin'), ...(process.env.PATH ?? '').split(delimiter)]) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`required tool '${name}' not found: run 'bash scripts/install-tools.sh'`);
}

/** The rules `ubm generate` writes for the simulation's config (the built CLI, into a temporary directory). */
function generateRules(config, workDir) {
  const cfg = join(workDir, 'simulation-config.json');
  writeFileSync(cfg, JSON.stringify(config));
  const out = join(workDir, 'generated');
  execFileSync(process.execPath, [join(ROOT, 'bin', 'ubm.js'), 'generate', '--config', cfg, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readRuleDir(join(out, 'rules'));
}

/**
 * Runs the simulation. Options: seed, days, scale (job counts x scale, at least one per cohort and
 * frequency), only (alert names of ours to evaluate; default all that read simulated series),
 * reference (also the design reference's rules; default true), extraRules ({ name, expr, forS,
 * keepFiringForS } evaluated beside ours, e.g. by the test), log.
 */
export async function simulate({ seed = 1, days = 30, scale = 1, only, reference = true, extraRules = [], log = () => {} } = {}) {
  const t0 = Date.now();
  const phases = {};
  const jobs = population(seed, days, scale);
  const runsByJob = new Map(jobs.map((j) => [j.name, runsOf(j, days)]));
  const outages = incidents(days);
  const config = simulationConfig(jobs);
  const workDir = mkdtempSync(join(tmpdir(), 'ubm-bench-simulate-'));
  let prom;
  try {
    const { allMetrics } = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
    const simulated = new Set([...allMetrics.filter((m) => SIMULATED_GROUPS.has(m.group)).map((m) => m.name), ...SCRAPE_SERIES]);
    const generated = generateRules(config, workDir);
    const reads = (expr) => [...selectedNames(expr, simulated)];
    const ours = generated.alerts
      .map((a) => ({ name: a.name, expr: inlineRecords(a.expr, generated.records), forS: ruleSeconds(a.for), keepFiringForS: ruleSeconds(a.keepFiringFor), source: 'ubm' }))
      .filter((a) => (only === undefined ? reads(a.expr).some((n) => simulated.has(n)) : only.includes(a.name)));
    const notExercised = generated.alerts.map((a) => a.name).filter((n) => !ours.some((a) => a.name === n));
    // The reference's rules never join across hosts: evaluated on one copy of the host (half the cost of its 7-day average).
    const theirs = reference ? referenceExpressions(ROOT).map((r) => ({ name: REFERENCE_NAMES[r.name] ?? r.name, expr: restrictTo(r.expr, 'hostname', MODES[0].hostname), forS: ruleSeconds(r.for), keepFiringForS: 0, source: 'reference' })) : [];
    const extra = extraRules.map((r) => ({ ...r, source: 'extra' }));
    const all = [...ours, ...theirs, ...extra];
    const wanted = new Set(all.flatMap((r) => reads(r.expr)).filter((n) => simulated.has(n)));
    log(`simulate: ${jobs.length} jobs, ${days} days, seed ${seed}; ${ours.length} of our alerts, ${theirs.length} reference rules; ${wanted.size} metrics kept`);

    let t = Date.now();
    const histories = await emitHistories({ root: ROOT, jobs, runsByJob, days, config, wanted, log });
    phases.emitS = (Date.now() - t) / 1000;

    t = Date.now();
    const endS = START_S + days * DAY_S;
    const families = scrapedFamilies(histories, outages, wanted);
    const dataDir = join(workDir, 'data');
    const built = await buildBlocks({ promtool: tool('promtool'), workDir, dataDir, families, pieceList: pieces(START_S, endS, blockRangeFor(endS - START_S)), stepS: SCRAPE_S });
    phases.buildS = (Date.now() - t) / 1000;
    log(`simulate: ${seriesCount(families)} series, ${built.samples} samples backfilled in ${phases.buildS.toFixed(0)} s`);

    t = Date.now();
    prom = await startPrometheus({ prometheus: tool('prometheus'), dataDir, workDir });
    const timing = { fromS: START_S, toS: endS - SCRAPE_S, stepS: SCRAPE_S };
    const episodes = await evaluateRules({ url: prom.url, rules: all, ...timing, log });
    phases.evaluateS = (Date.now() - t) / 1000;

    const rulesBy = (source) => new Map(all.filter((r) => r.source === source).map((r) => [r.name, r]));
    const pick = (source, hostname) => episodes.filter((e) => e.source === source && (e.labels.hostname === undefined || e.labels.hostname === hostname));
    const base = { jobs, runsByJob, days, timing, outages };
    const scores = {
      ...Object.fromEntries(MODES.map((m) => [m.id, score({ ...base, rules: rulesBy('ubm'), episodes: pick('ubm', m.hostname) })])),
      ...(reference ? { reference: score({ ...base, rules: rulesBy('reference'), episodes: pick('reference', MODES[0].hostname) }) } : {}),
    };
    const runs = [...runsByJob.values()].reduce((acc, r) => acc + r.length, 0);
    return { seed, days, jobs, runs, outages, episodes, scores, ours, theirs, notExercised, series: seriesCount(families), samples: built.samples, phases, totalS: (Date.now() - t0) / 1000 };
  } finally {
    if (prom !== undefined) await prom.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
