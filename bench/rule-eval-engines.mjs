/**
 * Rule-set evaluation cost on VictoriaMetrics (vmalert) and on Prometheus (issue #12): one data set
 * (10,000 jobs over 10 hosts, the series the rules read, 15-second samples ending at the start of
 * the run), the same samples backfilled into Prometheus (promtool blocks) and imported into
 * single-node VictoriaMetrics (/api/v1/import/prometheus, millisecond timestamps). Then each engine
 * evaluates the whole rule set itself, at wall-clock time, every EVAL_INTERVAL_S: Prometheus
 * (`rule_files`, ubm-rules.yml) reports prometheus_rule_group_last_duration_seconds per group, vmalert
 * (`-rule`, ubm-rules.vmalert.yml) vmalert_iteration_duration_seconds per group. The whole set's
 * time of one evaluation is the sum over groups; the median of MEASURED evaluations is reported.
 *
 *   node bench/rule-eval-engines.mjs [--quick]     prints the markdown section on stdout
 *   import { enginesSection } from './rule-eval-engines.mjs'   (bench/run.mjs --only engines)
 *
 * Needs `npm run build` first (it runs `node bin/ubm.js generate`), promtool and prometheus
 * (.tools/bin) and Debian's victoria-metrics package (victoria-metrics, vmalert).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from 'js-yaml';
import { machineDescription, median } from './lib.mjs';
import { SCRAPE_INTERVAL_S, blockRangeFor, buildBlocks, fleet, pieces, seriesCount, seriesPlan } from './rule-eval-data.mjs';
import { selects } from './rule-eval-exprs.mjs';
import { startPrometheus, startServer } from './rule-eval-prom.mjs';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const HOSTS = 10;
/** Seconds of 15-second samples before the end of the data: both engines' instant lookback is 5 minutes, this is more. */
const HISTORY_S = 600;
/** Both engines' evaluation interval, in seconds. */
const EVAL_INTERVAL_S = 10;
/** Evaluations skipped per group before measuring (the first has no recorded series yet on vmalert). */
const WARMUP = 1;

function plan(quick) {
  return quick ? { jobs: 1000, measured: 3 } : { jobs: 10_000, measured: 5 };
}

/** A tool from the repository's .tools/bin or PATH (/usr/bin holds Debian's VictoriaMetrics). */
function tool(name) {
  for (const dir of [join(REPO_ROOT, '.tools', 'bin'), ...(process.env.PATH ?? '').split(delimiter), '/usr/bin']) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`required tool '${name}' not found: run 'bash scripts/install-tools.sh' (VictoriaMetrics: apt-get install victoria-metrics)`);
}

/** A stand-in Alertmanager for vmalert (which needs a notifier): answers 200 to everything. */
function startNotifier() {
  return new Promise((resolveStart) => {
    const srv = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    srv.listen(0, '127.0.0.1', () => resolveStart({ url: `http://127.0.0.1:${srv.address().port}`, stop: () => new Promise((r) => srv.close(r)) }));
  });
}

/** The rules of one rule file: groups with their recording and alerting rules. */
function ruleFile(path) {
  const doc = load(readFileSync(path, 'utf8'));
  return doc.groups.map((g) => ({
    name: g.name,
    rules: (g.rules ?? []).map((r) => ({ kind: typeof r.record === 'string' ? 'record' : 'alert', name: r.record ?? r.alert, expr: String(r.expr) })),
  }));
}

/**
 * The same samples as the Prometheus blocks, as Prometheus text with millisecond timestamps, posted
 * to VictoriaMetrics' /api/v1/import/prometheus in bodies of about 8 MB. Returns the sample count.
 */
async function importIntoVm(vmUrl, families, from, to) {
  let buf = '';
  let samples = 0;
  const post = async () => {
    const res = await fetch(`${vmUrl}/api/v1/import/prometheus`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: buf });
    if (!res.ok) throw new Error(`VictoriaMetrics import answered ${res.status}: ${await res.text()}`);
    buf = '';
  };
  for (const fam of families) {
    for (const s of fam.series) {
      for (let t = from; t < to; t += SCRAPE_INTERVAL_S) {
        const v = s.value(t);
        if (v === undefined) continue;
        buf += `${s.prefix}${v} ${t * 1000}\n`;
        samples += 1;
      }
      if (buf.length > 8 << 20) await post();
    }
  }
  if (buf.length > 0) await post();
  // Make the imported rows searchable now rather than within a second (404 on versions without it: then wait).
  const flushed = await fetch(`${vmUrl}/internal/force_flush`).catch(() => undefined);
  if (flushed?.ok !== true) await new Promise((r) => setTimeout(r, 2000));
  return samples;
}

/** Parses a Prometheus /metrics text into [name, labels, value] rows of the given metric names. */
async function scrape(url, names) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const rows = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (m === null || !names.includes(m[1])) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]));
    rows.push([m[1], labels, Number(m[3])]);
  }
  return rows;
}

/**
 * Polls an engine's /metrics until every group has WARMUP + `measured` new evaluations; returns
 * per group the durations (seconds) of the measured ones. `read` maps the scrape to
 * Map(group -> { count, seconds }): `count` marks finished evaluations (`steps(before, now)` says
 * how many happened between two polls), read with `seconds` (both
 * engines count an iteration as started before it ends, so their iteration counters are not used),
 * and `seconds` is either the last duration (Prometheus) or a running sum (vmalert: the duration is
 * the sum's increase over one iteration).
 */
async function collect({ url, names, read, groups, measured, cumulative, steps, timeoutS }) {
  const seen = new Map(groups.map((g) => [g, { count: undefined, seconds: undefined, durations: [] }]));
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const now = read(await scrape(url, names));
    for (const [g, s] of seen) {
      const cur = now.get(g);
      if (cur === undefined) continue;
      const n = s.count === undefined ? 0 : steps(s.count, cur.count);
      if (n === 1) s.durations.push(cumulative ? cur.seconds - s.seconds : cur.seconds);
      else if (n > 1) throw new Error(`missed an evaluation of group ${g}: poll too slow`);
      s.count = cur.count;
      s.seconds = cur.seconds;
    }
    if ([...seen.values()].every((s) => s.durations.length >= WARMUP + measured)) break;
    if (Date.now() > deadline) throw new Error(`evaluations did not arrive within ${timeoutS} s: ${JSON.stringify([...seen].map(([g, s]) => [g, s.count]))}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return new Map([...seen].map(([g, s]) => [g, s.durations.slice(WARMUP, WARMUP + measured)]));
}

/**
 * Prometheus' per-group finished evaluations (the start time of the last one, which Prometheus sets
 * after the evaluation, with its duration) and last duration; its
 * rule_group label is "file;group".
 */
function readPrometheus(rows) {
  const out = new Map();
  for (const [name, labels, value] of rows) {
    const g = (labels.rule_group ?? '').split(';').pop();
    const cur = out.get(g) ?? { count: undefined, seconds: undefined };
    if (name === 'prometheus_rule_group_last_evaluation_timestamp_seconds') cur.count = value;
    if (name === 'prometheus_rule_group_last_duration_seconds') cur.seconds = value;
    out.set(g, cur);
  }
  return out;
}

/** vmalert's per-group count and sum of iteration durations (one summary, so read consistently). */
function readVmalert(rows) {
  const out = new Map();
  for (const [name, labels, value] of rows) {
    const g = labels.group;
    if (g === undefined) continue;
    const cur = out.get(g) ?? { count: undefined, seconds: undefined };
    if (name === 'vmalert_iteration_duration_seconds_count') cur.count = value;
    if (name === 'vmalert_iteration_duration_seconds_sum') cur.seconds = value;
    out.set(g, cur);
  }
  return out;
}

/** The number of series each rule's expression returns now (the same answer on both engines is the fairness check). */
async function resultCounts(url, rules, extra = {}) {
  const out = new Map();
  for (const r of rules) {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: r.expr, ...extra })}`);
    const body = await res.json();
    if (body.status !== 'success') throw new Error(`query failed on ${url}: ${r.name}: ${body.error}`);
    out.set(r.name, body.data.result.length);
  }
  return out;
}

/** A tool's version line. */
function versionOf(bin, args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '';
  return text.replace(/\s*\(.*$/, '');
}

function fmtMs(seconds) {
  return (seconds * 1000).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** Runs the benchmark and returns its markdown section ("## Rule-set evaluation: VictoriaMetrics vs Prometheus"). */
export async function enginesSection({ quick = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const started = Date.now();
  const load1 = loadavg().map((l) => l.toFixed(2)).join(' / ');
  const p = plan(quick);
  const tools = { promtool: tool('promtool'), prometheus: tool('prometheus'), vm: tool('victoria-metrics'), vmalert: tool('vmalert') };
  const { allMetrics } = await import(pathToFileURL(join(REPO_ROOT, 'dist', 'index.js')).href);
  const workDir = mkdtempSync(join(tmpdir(), 'ubm-bench-engines-'));
  const cleanup = [];
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'ubm.js'), 'generate', '--engine', 'victoriametrics', '--out', join(workDir, 'gen')], { stdio: ['ignore', 'ignore', 'pipe'] });
    const promFile = join(workDir, 'gen', 'rules', 'ubm-rules.yml');
    const vmFile = join(workDir, 'gen', 'rules', 'ubm-rules.vmalert.yml');
    const promGroups = ruleFile(promFile);
    const vmGroups = ruleFile(vmFile);
    const groupNames = promGroups.map((g) => g.name);
    if (JSON.stringify(groupNames) !== JSON.stringify(vmGroups.map((g) => g.name))) throw new Error('the two rule files have different groups');
    const allRules = promGroups.flatMap((g) => g.rules);
    const recorded = new Set(allRules.filter((r) => r.kind === 'record').map((r) => r.name));
    const names = new Set();
    let longestRangeS = 0;
    for (const r of [...allRules, ...vmGroups.flatMap((g) => g.rules)]) {
      const s = selects(r.expr);
      for (const n of s.names) if (!recorded.has(n)) names.add(n);
      longestRangeS = Math.max(longestRangeS, s.longestRangeS);
    }
    const historyS = Math.max(HISTORY_S, Math.ceil((longestRangeS + SCRAPE_INTERVAL_S) / SCRAPE_INTERVAL_S) * SCRAPE_INTERVAL_S);

    // The data ends now (on a scrape boundary), so that both engines evaluate it at wall-clock time.
    const end = Math.floor(Date.now() / 1000 / SCRAPE_INTERVAL_S) * SCRAPE_INTERVAL_S;
    const start = end - historyS;
    const f = fleet(p.jobs, HOSTS);
    const families = seriesPlan(names, allMetrics, f, start);
    log(`engines: ${allRules.length} rules in ${groupNames.length} groups; ${p.jobs} jobs, ${seriesCount(families)} series x ${historyS / 60} min ...`);

    const notifier = await startNotifier();
    cleanup.push(notifier.stop);
    const vm = await startServer(
      tools.vm,
      (port) => [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(workDir, 'vm-data')}`,
        '-search.latencyOffset=0s',
        '-search.disableCache',
        '-loggerLevel=ERROR',
      ],
      '/health',
    );
    cleanup.push(vm.stop);

    const buildStarted = Date.now();
    const dataDir = join(workDir, 'prom-data');
    const [built, vmSamples] = await Promise.all([
      buildBlocks({ promtool: tools.promtool, workDir, dataDir, families, pieceList: pieces(start, end, blockRangeFor(historyS, 1)) }),
      importIntoVm(vm.url, families, start, end),
    ]);
    if (built.samples !== vmSamples) throw new Error(`Prometheus got ${built.samples} samples, VictoriaMetrics ${vmSamples}`);
    const buildSeconds = (Date.now() - buildStarted) / 1000;
    log(`engines:   ${built.samples} samples into both engines in ${buildSeconds.toFixed(0)} s`);
    const timeoutS = (WARMUP + p.measured + 3) * EVAL_INTERVAL_S + 60;

    // Prometheus: its own rule evaluation of ubm-rules.yml.
    const promStarted = Date.now();
    const prom = await startPrometheus({
      prometheus: tools.prometheus,
      dataDir,
      workDir,
      configText: `global:\n  scrape_interval: 15s\n  evaluation_interval: ${EVAL_INTERVAL_S}s\nrule_files:\n  - ${JSON.stringify(promFile)}\n`,
    });
    let promDur;
    let promCounts;
    try {
      promDur = await collect({
        url: prom.url,
        names: ['prometheus_rule_group_last_evaluation_timestamp_seconds', 'prometheus_rule_group_last_duration_seconds'],
        read: readPrometheus,
        groups: groupNames,
        measured: p.measured,
        cumulative: false,
        // Before its first evaluation a group reports the zero time (year 1): that change is no evaluation to count.
        steps: (before, now) => (now === before || before <= 0 ? 0 : Math.round((now - before) / EVAL_INTERVAL_S)),
        timeoutS,
      });
      promCounts = await resultCounts(prom.url, allRules);
    } finally {
      await prom.stop();
    }
    const promAgeS = (Date.now() / 1000 - end).toFixed(0);
    log(`engines:   Prometheus measured in ${((Date.now() - promStarted) / 1000).toFixed(0)} s`);

    // vmalert on VictoriaMetrics: its own rule evaluation of ubm-rules.vmalert.yml.
    const vmStarted = Date.now();
    const vmalert = await startServer(
      tools.vmalert,
      (port) => [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-rule=${vmFile}`,
        `-datasource.url=${vm.url}`,
        `-remoteWrite.url=${vm.url}`,
        '-remoteWrite.flushInterval=1s',
        `-notifier.url=${notifier.url}`,
        `-evaluationInterval=${EVAL_INTERVAL_S}s`,
        '-loggerLevel=ERROR',
      ],
      '/health',
    );
    let vmDur;
    let vmCounts;
    try {
      vmDur = await collect({
        url: vmalert.url,
        names: ['vmalert_iteration_duration_seconds_count', 'vmalert_iteration_duration_seconds_sum'],
        read: readVmalert,
        groups: groupNames,
        measured: p.measured,
        cumulative: true,
        steps: (before, now) => now - before,
        timeoutS,
      });
      vmCounts = await resultCounts(vm.url, vmGroups.flatMap((g) => g.rules), { nocache: '1' });
    } finally {
      await vmalert.stop();
    }
    const vmAgeS = (Date.now() / 1000 - end).toFixed(0);
    log(`engines:   VictoriaMetrics measured in ${((Date.now() - vmStarted) / 1000).toFixed(0)} s`);

    return render({
      p,
      load: load1,
      machine: machineDescription(),
      versions: {
        prometheus: versionOf(tools.prometheus, ['--version']),
        vm: versionOf('dpkg-query', ['-W', '-f', 'victoria-metrics ${Version}', 'victoria-metrics']),
      },
      series: seriesCount(families),
      samples: built.samples,
      historyS,
      groups: promGroups,
      promDur,
      vmDur,
      promCounts,
      vmCounts,
      ages: { prom: promAgeS, vm: vmAgeS },
      buildSeconds,
      totalSeconds: (Date.now() - started) / 1000,
    });
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Per evaluation i, the sum over groups of the group's i-th duration. */
function wholeSet(durations, groups) {
  const n = Math.min(...groups.map((g) => durations.get(g.name).length));
  return Array.from({ length: n }, (_, i) => groups.reduce((acc, g) => acc + durations.get(g.name)[i], 0));
}

function render(r) {
  const promSet = wholeSet(r.promDur, r.groups);
  const vmSet = wholeSet(r.vmDur, r.groups);
  const promMed = median(promSet);
  const vmMed = median(vmSet);
  const ratios = promSet.map((pv, i) => vmSet[i] / pv);
  const mismatched = [...r.promCounts].filter(([name, n]) => r.vmCounts.get(name) !== n);
  const rows = r.groups.map((g) => {
    const pm = median(r.promDur.get(g.name));
    const vm = median(r.vmDur.get(g.name));
    const ruleCount = `${g.rules.filter((x) => x.kind === 'record').length} / ${g.rules.filter((x) => x.kind === 'alert').length}`;
    const results = g.rules.reduce((acc, x) => acc + r.promCounts.get(x.name), 0);
    return `| ${g.name} | ${ruleCount} | ${results.toLocaleString('en-US')} | ${fmtMs(pm)} | ${fmtMs(vm)} | ${(vm / pm).toFixed(2)}x |`;
  });
  const jobs = r.p.jobs.toLocaleString('en-US');
  return `## Rule-set evaluation: VictoriaMetrics vs Prometheus

One evaluation of the whole rule set that \`ubm generate --engine victoriametrics\` writes for the built-in example config, by each engine's own rule evaluation, on the same data in the same run (bench/rule-eval-engines.mjs). Prometheus (${r.versions.prometheus}) evaluates rules/ubm-rules.yml (\`rule_files\`); vmalert on single-node VictoriaMetrics (Debian's ${r.versions.vm}) evaluates rules/ubm-rules.vmalert.yml (the same rules without \`keep_firing_for\`). Both evaluate every ${EVAL_INTERVAL_S} s at wall-clock time; after ${WARMUP} warm-up evaluation per group, ${r.p.measured} evaluations per group are measured: Prometheus' \`prometheus_rule_group_last_duration_seconds\`, vmalert's \`vmalert_iteration_duration_seconds\` (the increase of its \`_sum\` when its \`_count\` grows by one), both read from the engines' /metrics every 0.5 s. One evaluation of the whole set is the sum over the groups of that evaluation's durations; the median of the ${r.p.measured} is shown; the ratio is taken per evaluation, then its median.

Data set: ${jobs} jobs over ${HOSTS} hosts, every series the two rule files select (${r.series.toLocaleString('en-US')} series), ${r.historyS / 60} minutes of 15-second samples ending when the run started (${r.samples.toLocaleString('en-US')} samples). The same samples went to both: promtool \`tsdb create-blocks-from openmetrics\` for Prometheus, \`/api/v1/import/prometheus\` (millisecond timestamps) for VictoriaMetrics; the sample counts were checked equal. Data and ingestion took ${r.buildSeconds.toFixed(0)} s, the whole section ${r.totalSeconds.toFixed(0)} s. Prometheus' measurement ended ${r.ages.prom} s after the last sample, vmalert's ${r.ages.vm} s: within the 5-minute lookback of both, so every evaluation saw every series (checked below).

Machine: see "Machine" above; load average when this section started: ${r.load}.

| engine | whole rule set, one evaluation (median) | each of the ${r.p.measured} evaluations |
| --- | ---: | --- |
| Prometheus | ${fmtMs(promMed)} ms | ${promSet.map(fmtMs).join(', ')} ms |
| VictoriaMetrics + vmalert | ${fmtMs(vmMed)} ms | ${vmSet.map(fmtMs).join(', ')} ms |

- **Ratio VictoriaMetrics / Prometheus: ${median(ratios).toFixed(2)}x** (per evaluation: ${ratios.map((x) => x.toFixed(2)).join(', ')}).
- Same answers: ${mismatched.length === 0 ? `every rule's expression returned the same number of series on both engines after the measurement (${[...r.promCounts.values()].reduce((a, b) => a + b, 0).toLocaleString('en-US')} in all)` : `**differences** in the number of series returned: ${mismatched.map(([n, c]) => `${n} (Prometheus ${c}, VictoriaMetrics ${r.vmCounts.get(n)})`).join('; ')}`}.

### Per group (medians)

| group | recording / alerting rules | series returned | Prometheus ms | VictoriaMetrics + vmalert ms | ratio VM/Prometheus |
| --- | --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Caveats: Prometheus evaluates in-process against its own TSDB and writes recorded series and ALERTS to it directly; vmalert queries VictoriaMetrics over HTTP on loopback (one /api/v1/query per rule, JSON answers parsed in vmalert) and sends recorded series and ALERTS back by remote write, so its time includes the HTTP round trips and decoding that Prometheus does not have, and its iteration time includes notifying the (stand-in) Alertmanager, which Prometheus does asynchronously. vmalert reads a recording rule's output one flush later than Prometheus, which evaluates a group's rules in order in-process (hence the warm-up evaluation). VictoriaMetrics runs with \`-search.disableCache\` and \`-search.latencyOffset=0s\`; Prometheus with its defaults. The engines are measured one after the other (not at the same time), ${r.p.measured} evaluations each, on a shared 2-core machine: read the ratio as an order of magnitude. Prometheus' data is in its backfilled blocks (head empty but for the rules' output), VictoriaMetrics' in its freshly imported parts.
`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.stdout.write(await enginesSection({ quick: process.argv.includes('--quick') }));
}
