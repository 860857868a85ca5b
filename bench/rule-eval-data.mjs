/**
 * Synthetic scrape data for the rule-evaluation benchmark: every series the evaluated expressions
 * select, as node_exporter would expose them for a fleet (15-second scrapes), written as OpenMetrics
 * files and turned into TSDB blocks by `promtool tsdb create-blocks-from openmetrics`.
 *
 * promtool reads its whole input once per output block, so the history is cut into pieces that each
 * fall inside one block; pieces are generated one after another while two promtool processes turn
 * the previous ones into blocks.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Seconds between two scrapes, as in the design (Prometheus' common default). */
export const SCRAPE_INTERVAL_S = 15;

/** The end of every data set: a multiple of 54 h, so that promtool's 2 h, 6 h, 18 h and 54 h blocks all end on it (2023-11-15T06:00:00Z). */
export const END_S = 1_700_028_000;

/** promtool's block lengths (2 h x 3^k); a piece of history never crosses one of these boundaries. */
const BLOCK_RANGES_S = [7200, 21_600, 64_800, 194_400];

/** The scrape labels every series carries, as node_exporter's textfile collector delivers them. */
function scrapeLabels(host) {
  return `instance="${host}:9100",job="node"`;
}

/** The fleet: `jobs` restic jobs spread round-robin over `hosts` hosts, two repositories. */
export function fleet(jobs, hosts) {
  const hostnames = Array.from({ length: hosts }, (_, h) => `host-${String(h + 1).padStart(2, '0')}`);
  const width = String(jobs).length;
  const jobList = Array.from({ length: jobs }, (_, i) => ({
    index: i,
    host: hostnames[i % hosts],
    name: `job-${String(i + 1).padStart(width, '0')}`,
    repository: i % 2 === 0 ? 'nas-primary' : 'r2-offsite',
  }));
  return { hostnames, jobs: jobList };
}

/** One job in a hundred keeps failing, so that Failed and Stale have something to return. */
function failing(index) {
  return index % 100 === 3;
}

/** The largest daily run time of job `index` that is <= t (each job runs at its own time of day). */
function lastDailyRun(index, t) {
  const offset = (index * 7919) % 86_400;
  return t - (((t - offset) % 86_400) + 86_400) % 86_400;
}

/**
 * A sample value for a metric at time t, by the catalog entry's unit and name: values change once
 * per run like the textfiles a backup writes, so the chunks compress like real data.
 */
function valueFn(def, index, start) {
  const { name, unit } = def;
  const base = 300 + (index % 60) * 10;
  const fails = failing(index);
  switch (unit) {
    case 'boolean':
      return () => (fails && name.startsWith('restic_backup_status') ? 0 : 1);
    case 'timestamp_seconds':
      if (name.includes('first_run')) return () => start - 30 * 86_400;
      if (name.includes('last_check')) return (t) => t - (t % 300);
      if (name.includes('last_success') && fails) return () => start - 86_400;
      return (t) => lastDailyRun(index, t);
    case 'seconds':
      if (name.includes('threshold')) return () => 108_000;
      if (name.includes('interval')) return () => 86_400;
      if (name.includes('baseline')) return () => base + 7;
      return (t) => base + (Math.floor(lastDailyRun(index, t) / 86_400) % 4) * 5;
    case 'count':
      return () => (name.includes('runs') ? 30 : 10);
    case 'code':
      return () => (fails ? 1 : 0);
    case 'ratio':
      return () => 2;
    case 'bytes':
      return () => 1e9 + index;
    default:
      return () => 1000;
  }
}

/** Label sets of one metric for the fleet, by the labels its catalog entry declares. */
function labelSets(labels, f) {
  const has = (l) => labels.includes(l);
  const sets = [];
  if (has('backup_job')) {
    for (const j of f.jobs) sets.push({ index: j.index, host: j.host, labels: { hostname: j.host, backup_job: j.name, repository: j.repository } });
    return sets;
  }
  f.hostnames.forEach((host, h) => {
    const stanzas = has('stanza') ? ['main'] : [undefined];
    const repos = has('repository') ? (has('stanza') ? ['repo1', 'repo2'] : ['nas-primary', 'r2-offsite']) : [undefined];
    const types = has('backup_type') ? ['full', 'diff', 'incr'] : [undefined];
    for (const stanza of stanzas) {
      for (const repository of repos) {
        for (const backup_type of types) {
          const l = {};
          if (has('hostname')) l.hostname = host;
          if (stanza !== undefined) l.stanza = stanza;
          if (repository !== undefined) l.repository = repository;
          if (backup_type !== undefined) l.backup_type = backup_type;
          sets.push({ index: h, host, labels: l });
        }
      }
    }
  });
  return sets;
}

/**
 * The series plan: for each metric selected by the expressions, its label sets and value
 * functions. `catalog` is dist's allMetrics; node_exporter's own series (up,
 * node_textfile_scrape_error) get one series per host.
 */
export function seriesPlan(metricNames, catalog, f, start) {
  const families = [];
  for (const name of [...metricNames].sort()) {
    const def = catalog.find((m) => m.name === name);
    if (def !== undefined) {
      // ubm health writes an unexpected-job series only for a job the config does not list: one in a hundred here.
      const sets = labelSets(def.labels, f).filter((s) => name !== 'backup_monitoring_unexpected_job' || s.index % 100 === 7);
      const series = sets.map((s) => ({
        prefix: `${name}{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')},${scrapeLabels(s.host)}} `,
        value: valueFn(def, s.index, start),
      }));
      families.push({ name, series });
    } else if (name === 'up' || name === 'node_textfile_scrape_error') {
      const v = name === 'up' ? 1 : 0;
      families.push({ name, series: f.hostnames.map((host) => ({ prefix: `${name}{${scrapeLabels(host)}} `, value: () => v })) });
    }
    // Anything else (recording rules' outputs, ALERTS) is not scraped data: the caller handles it.
  }
  return families;
}

/** The largest promtool block length that holds `minPieces` pieces of a span (more pieces keep both cores busy). */
export function blockRangeFor(spanS, minPieces = 2) {
  let range = BLOCK_RANGES_S[0];
  for (const r of BLOCK_RANGES_S) if (spanS / r >= minPieces) range = r;
  return range;
}

/**
 * Cuts [from, to) into pieces that each lie inside one block of `blockRangeS`, also cutting at
 * `cuts` (the windows that carry recorded series).
 */
export function pieces(from, to, blockRangeS, cuts = [], halveSingle = true) {
  const points = new Set([from, to]);
  for (let b = (Math.floor(from / blockRangeS) + 1) * blockRangeS; b < to; b += blockRangeS) points.add(b);
  for (const c of cuts) if (c > from && c < to) points.add(c);
  const sorted = [...points].sort((x, y) => x - y);
  const out = [];
  for (let i = 0; i + 1 < sorted.length; i++) out.push({ from: sorted[i], to: sorted[i + 1], blockRangeS });
  // A piece holding most of the span is halved, so that two promtool processes share it.
  const biggest = out.reduce((b, p, i) => (p.to - p.from > out[b].to - out[b].from ? i : b), 0);
  const big = out[biggest];
  if (halveSingle && (big.to - big.from) * 2 > to - from) {
    const mid = big.from + Math.floor((big.to - big.from) / 2 / SCRAPE_INTERVAL_S) * SCRAPE_INTERVAL_S;
    if (mid > big.from) out.splice(biggest, 1, { ...big, to: mid }, { ...big, from: mid });
  }
  return out;
}

/**
 * Writes one piece of history as an OpenMetrics file; returns the number of samples. `extra`
 * families hold explicit samples (the recorded series), written where they fall in the piece.
 */
function writePiece(file, families, extra, from, to, stepS = SCRAPE_INTERVAL_S) {
  const fd = openSync(file, 'w');
  let buf = '';
  let samples = 0;
  const flush = () => {
    writeSync(fd, buf);
    buf = '';
  };
  for (const fam of families) {
    buf += `# HELP ${fam.name} Synthetic benchmark data.\n# TYPE ${fam.name} gauge\n`;
    for (const s of fam.series) {
      let last;
      let head = '';
      for (let t = from; t < to; t += stepS) {
        const v = s.value(t);
        // undefined: the series is not in that scrape (the simulation's outages and absent series).
        if (v === undefined) continue;
        if (v !== last) {
          last = v;
          head = `${s.prefix}${v} `;
        }
        buf += `${head}${t}\n`;
        samples += 1;
        if (buf.length > 1 << 20) flush();
      }
    }
  }
  for (const fam of extra) {
    let header = false;
    for (const s of fam.series) {
      for (const [t, v] of s.points) {
        if (t < from || t >= to) continue;
        if (!header) {
          buf += `# HELP ${fam.name} Recorded by Prometheus from the synthetic data.\n# TYPE ${fam.name} gauge\n`;
          header = true;
        }
        buf += `${s.prefix}${v} ${t}\n`;
        samples += 1;
        if (buf.length > 1 << 20) flush();
      }
    }
  }
  buf += '# EOF\n';
  flush();
  closeSync(fd);
  return samples;
}

/** Runs a program to completion; rejects with its last output lines when it fails. */
export function runTool(bin, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => {
      err = (err + c.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`${bin} ${args[0] ?? ''} exited ${code}: ${err.trim()}`))));
  });
}

/**
 * Turns `pieceList` of the planned series (plus `extra` recorded series) into TSDB blocks in
 * `dataDir`: each piece is written as an OpenMetrics file while up to `parallel` promtool
 * processes turn earlier ones into blocks. `stepS` is the scrape interval of the planned series;
 * a value function returning undefined leaves that scrape's sample out. Returns the sample count and the seconds it took.
 */
export async function buildBlocks({ promtool, workDir, dataDir, families, extra = [], pieceList, parallel = 2, stepS = SCRAPE_INTERVAL_S }) {
  const started = Date.now();
  mkdirSync(dataDir, { recursive: true });
  let samples = 0;
  const running = new Set();
  const failures = [];
  let n = 0;
  for (const p of pieceList) {
    while (running.size >= parallel) await Promise.race(running);
    const file = join(workDir, `piece-${n++}.om`);
    samples += writePiece(file, families, extra, p.from, p.to, stepS);
    const job = runTool(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${p.blockRangeS}s`, file, dataDir])
      .catch((e) => failures.push(e))
      .finally(() => {
        rmSync(file, { force: true });
        running.delete(job);
      });
    running.add(job);
  }
  await Promise.all(running);
  if (failures.length > 0) throw failures[0];
  return { samples, seconds: (Date.now() - started) / 1000 };
}

/** The number of series the plan writes. */
export function seriesCount(families) {
  return families.reduce((acc, f) => acc + f.series.length, 0);
}
