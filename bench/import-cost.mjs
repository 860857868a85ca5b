// Benchmark section: what importing the library costs a backup hook. The recording entry
// (`unified-backup-monitoring/record`) and the package root, each against an empty module, timed
// round-robin in the same run (goal: the recording entry <= 25 ms above the empty module).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, benchDir, interleaved, ms, timeOnce } from './lib.mjs';

const ROUNDS = Number(process.env.UBM_BENCH_ROUNDS ?? 21);
const GOAL_MS = 25;

/** Measures and returns the section's markdown. */
export async function importCostSection() {
  const dir = benchDir('import');
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, '');
  // Imported by package name from inside the package (Node resolves its own `exports`), as a hook would.
  const probe = (specifier) => () => timeOnce(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`], { cwd: ROOT });
  const r = interleaved(
    {
      'an empty module': probe(empty),
      'unified-backup-monitoring/record': probe('unified-backup-monitoring/record'),
      'unified-backup-monitoring (the root)': probe('unified-backup-monitoring'),
    },
    ROUNDS,
  );
  const base = r['an empty module'].median;
  const record = r['unified-backup-monitoring/record'].median - base;
  const root = r['unified-backup-monitoring (the root)'].median - base;
  const rows = Object.entries(r).map(([name, { median }]) => `| \`import('${name}')\` | ${ms(median)} | ${ms(median - base)} |`);
  return `## Import cost of the library

Medians of ${ROUNDS} runs each of \`node --input-type=module -e "await import(X)"\`, interleaved
round-robin after one warm-up round, from the package's own folder.

| import | median wall time | above an empty module |
| --- | --- | --- |
${rows.join('\n')}

- **The recording entry costs ${ms(record)} above an empty module** (goal ≤ ${GOAL_MS} ms: ${record <= GOAL_MS ? 'met' : 'not met'}).
- The root costs ${ms(root)}, ${(root / Math.max(record, 0.1)).toFixed(1)}× the recording entry: it also loads zod, the
  generators and the Grafana Foundation SDK, which a hook that only records never needs.
`;
}
