// Benchmark section: `ubm emit` wall time against bare `node -e 0` (goal <= 1.5x) and against a
// bash printf+mv writer, plus where the time goes (CLI start-up, the emit module graph, prom-client).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UBM, benchDir, interleaved, ms, timeOnce } from './lib.mjs';

const ROUNDS = Number(process.env.UBM_BENCH_ROUNDS ?? 21);

/** The bash writer: the same kind of file, temporary name then mv (no fsync, no lock, no carry-forward). */
const BASH_WRITER = `
f="$1/ubm_restic_backup.home.nas.prom"
t="$1/.ubm_restic_backup.home.nas.prom.$$.tmp"
printf '# HELP restic_backup_status Whether the last run of the backup job succeeded (1) or failed (0).\\n# TYPE restic_backup_status gauge\\nrestic_backup_status{hostname="h",backup_job="home",repository="nas"} %s\\n# HELP restic_backup_duration_seconds Wall time of the last run of the backup job in seconds.\\n# TYPE restic_backup_duration_seconds gauge\\nrestic_backup_duration_seconds{hostname="h",backup_job="home",repository="nas"} %s\\n' 1 145 > "$t"
mv "$t" "$f"
`;

/** Measures and returns the section's markdown. */
export async function emitSection() {
  const dirUbm = benchDir('emit');
  const dirBash = benchDir('emit-bash');
  const script = join(benchDir('emit-script'), 'writer.sh');
  writeFileSync(script, BASH_WRITER);
  const emitArgs = [UBM, 'emit', 'backup', '--job', 'home', '--repository', 'nas', '--status', 'success', '--duration', '145', '--hostname', 'h', '--textfile-dir', dirUbm];
  const importProbe = (what) => [
    '--input-type=module',
    '-e',
    `const t = performance.now(); await import(${JSON.stringify(what)}); if (performance.now() - t < 0) process.exit(1);`,
  ];
  const r = interleaved(
    {
      'node -e 0': () => timeOnce(process.execPath, ['-e', '0']),
      'ubm emit backup': () => timeOnce(process.execPath, emitArgs),
      'bash printf + mv': () => timeOnce('bash', [script, dirBash]),
      'ubm --help (CLI start-up only)': () => timeOnce(process.execPath, [UBM, '--help']),
      'ubm emit --help (+ emit module graph)': () => timeOnce(process.execPath, [UBM, 'emit', '--help']),
      "node importing prom-client's root": () => timeOnce(process.execPath, importProbe('prom-client')),
    },
    ROUNDS,
  );
  const node = r['node -e 0'].median;
  const emit = r['ubm emit backup'].median;
  const bash = r['bash printf + mv'].median;
  const rows = Object.entries(r).map(([name, { median }]) => `| ${name} | ${ms(median)} | ${(median / node).toFixed(2)}× |`);
  return `## \`ubm emit\` start-up and write

Medians of ${ROUNDS} runs each, commands interleaved round-robin after one warm-up round. Each
\`ubm emit backup\` is a full write: lock, read the previous file, encode through prom-client,
temporary file, fsync, rename, fsync of the directory.

| command | median | vs \`node -e 0\` |
| --- | --- | --- |
${rows.join('\n')}

- **\`ubm emit\` / \`node -e 0\` = ${(emit / node).toFixed(2)}×** (goal ≤ 1.5×: ${emit / node <= 1.5 ? 'met' : 'not met'}).
- \`ubm emit\` / bash \`printf\`+\`mv\` = ${(emit / bash).toFixed(2)}× (the bash writer does no fsync, no lock and no carry-forward).
- What the rest is: Node's own start-up is the floor; CLI start-up adds ${ms(r['ubm --help (CLI start-up only)'].median - node)}, the emit
  module graph (flags, catalog, exporter, prom-client's Registry and Gauge only) ${ms(r['ubm emit --help (+ emit module graph)'].median - r['ubm --help (CLI start-up only)'].median)},
  and the write itself (lock, fsyncs, rename) ${ms(emit - r['ubm emit --help (+ emit module graph)'].median)}. Loading prom-client's package root instead
  would add about ${ms(r["node importing prom-client's root"].median - node)} on its own, which is why the exporter requires only its
  \`lib/registry\` and \`lib/gauge\` modules.
`;
}
