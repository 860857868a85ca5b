// Benchmark section: `ubm generate` wall time on a 1,000-job config (goal <= 2 s), beside 5 jobs and
// the built-in example, and the rule counts that show the rule set does not grow with the jobs.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { UBM, benchDir, interleaved, ms, timeOnce } from './lib.mjs';

const ROUNDS = Number(process.env.UBM_BENCH_ROUNDS ?? 7);
const GOAL_MS = 2000;

/** A config with `n` jobs over two repositories, mixed frequencies and a few classes. */
function fleetConfig(n) {
  const freq = ['daily', 'hourly', 'weekly', '*-*-* 02:30:00', '6h'];
  const jobs = Array.from({ length: n }, (_, i) => `    job-${String(i).padStart(5, '0')}: { repository: ${i % 2 === 0 ? 'nas' : 'offsite'}, frequency: "${freq[i % freq.length]}", tags: [class-${i % 10}] }`);
  return `repositories:\n  nas: { type: local }\n  offsite: { type: s3 }\nrestic:\n  jobs:\n${jobs.join('\n')}\nubm:\n  classes:\n    class-3: { grace: 1h }\n`;
}

/** Recording and alerting rules in a generated rules directory. */
function ruleCount(dir) {
  const doc = load(readFileSync(join(dir, 'rules', 'ubm-rules.yml'), 'utf8'));
  return doc.groups.reduce((n, g) => n + g.rules.length, 0);
}

/** Measures and returns the section's markdown. */
export async function generateSection() {
  const dir = benchDir('generate');
  const configs = { '5 jobs': 5, '1,000 jobs': 1000 };
  const files = {};
  for (const [name, n] of Object.entries(configs)) {
    files[name] = join(dir, `fleet-${n}.yaml`);
    writeFileSync(files[name], fleetConfig(n));
  }
  const outs = {};
  const cases = {};
  const scratch = [];
  for (const name of ['built-in example', ...Object.keys(configs)]) {
    outs[name] = benchDir('generate-out');
    const config = files[name] === undefined ? [] : ['--config', files[name]];
    // Each run regenerates from scratch: a fresh output directory, so every file is written.
    cases[name] = () => {
      const out = benchDir('generate-out');
      scratch.push(out);
      return timeOnce(process.execPath, [UBM, 'generate', ...config, '--out', out]);
    };
    timeOnce(process.execPath, [UBM, 'generate', ...config, '--out', outs[name]]);
  }
  const r = interleaved(cases, ROUNDS);
  const big = r['1,000 jobs'].median;
  const rows = Object.entries(r).map(([name, { median }]) => `| ${name} | ${ms(median)} | ${ruleCount(outs[name])} |`);
  for (const d of [dir, ...scratch, ...Object.values(outs)]) rmSync(d, { recursive: true, force: true });
  return `## \`ubm generate\` on a fleet

Medians of ${ROUNDS} runs each (\`node bin/ubm.js generate --config F --out DIR\` into a fresh
directory: config validation, rules, generated promtool tests, inhibit rules, and every other
producer wired into \`ubm generate\`), commands interleaved round-robin after one warm-up round.

| config | median wall time | recording + alerting rules |
| --- | --- | --- |
${rows.join('\n')}

- **1,000 jobs: ${ms(big)}** (goal ≤ ${GOAL_MS / 1000} s: ${big <= GOAL_MS ? 'met' : 'not met'}).
- The rule count is the same for 5 and 1,000 jobs: thresholds travel with the metrics
  (\`backup_monitoring_job_stale_threshold_seconds\` from \`ubm health --config\`,
  \`restic_backup_expected_interval_seconds\` from \`ubm run\`), so no rule names a job.
`;
}

// Run on its own: `node bench/generate.mjs` prints the section.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(await generateSection());
}
