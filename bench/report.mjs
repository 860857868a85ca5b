/**
 * The `report` benchmark: `ubm report` over a fleet's month in a real Prometheus. A synthetic fleet
 * (bench/rule-eval-data.mjs: `jobs` daily jobs on 10 hosts, values that change once per run) is
 * backfilled with promtool for the metrics the report reads, Prometheus starts on the blocks, and the
 * built CLI's `ubm report --format json` is timed end to end (queries, computation, rendering).
 *
 *   node bench/report.mjs [--jobs N] [--days D] [--scrape S]
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, median, timeOnce, UBM } from './lib.mjs';
import { END_S, blockRangeFor, buildBlocks, fleet, pieces, seriesPlan } from './rule-eval-data.mjs';
import { startPrometheus } from './rule-eval-prom.mjs';

const REPO_ROOT = resolve(import.meta.dirname, '..');

/** A tool from .tools/bin or PATH. */
function tool(name) {
  for (const dir of [join(REPO_ROOT, '.tools', 'bin'), ...(process.env.PATH ?? '').split(delimiter)]) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`required tool '${name}' not found: run 'bash scripts/install-tools.sh'`);
}

/** Runs the benchmark and returns its markdown section ("## Compliance report"). */
export async function reportSection({ jobs = 1000, days = 30, scrapeS = 240, rounds = 3, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const { allMetrics } = await import(pathToFileURL(join(REPO_ROOT, 'dist', 'index.js')).href);
  const { REPORT_METRICS } = await import(pathToFileURL(join(REPO_ROOT, 'dist', 'report', 'fetch.js')).href);
  const names = new Set(Object.values(REPORT_METRICS).map((m) => m.name));
  const f = fleet(jobs, 10);
  const from = END_S - days * 86_400;
  const families = seriesPlan(names, allMetrics, f, from);
  const scratch = benchDir('report');
  const workDir = join(scratch, 'work');
  mkdirSync(workDir);
  const dataDir = join(scratch, 'data');
  let prom;
  try {
    const built = await buildBlocks({ promtool: tool('promtool'), workDir, dataDir, families, pieceList: pieces(from, END_S, blockRangeFor(END_S - from), [], false), stepS: scrapeS });
    log(`report: ${built.samples} samples backfilled in ${built.seconds.toFixed(0)} s`);
    prom = await startPrometheus({ prometheus: tool('prometheus'), dataDir, workDir });
    const out = join(scratch, 'report.json');
    const args = [UBM, 'report', '--prometheus', prom.url, '--from', String(from), '--to', String(END_S), '--format', 'json', '--out', out];
    // Exit 1: the synthetic fleet has failing jobs (one in a hundred), so the report is not all compliant.
    const times = [];
    for (let i = 0; i < rounds; i++) times.push(timeOnce(process.execPath, args, { expectStatus: 1 }));
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const s = median(times) / 1000;
    log(`report: ${report.jobs.length} jobs, median ${s.toFixed(1)} s`);
    return `## Compliance report

\`ubm report --format json\` over ${days} days of ${jobs} daily jobs on ${f.hostnames.length} hosts (bench/report.mjs: the
metrics the report reads, backfilled with promtool at a ${scrapeS} s scrape, ${built.samples.toLocaleString('en-US')} samples),
against a local Prometheus, end to end with the built CLI: median of ${rounds} runs **${s.toFixed(1)} s** (target: <= 10 s for
1,000 jobs and 30 days). The queries ask for change points only (a seed, the steps where a value changed, the steps where a
series vanished), so an answer holds a few points per run rather than one per ${report.period.stepSeconds} s step.
`;
  } finally {
    await prom?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : Number(process.argv[i + 1]);
  };
  process.stdout.write(await reportSection({ jobs: arg('jobs', 1000), days: arg('days', 30), scrapeS: arg('scrape', 240) }));
}
