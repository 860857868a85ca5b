// `npm run bench`: runs the benchmark sections and writes bench/RESULTS.md with the machine's
// description. A section is { id, run } where run() resolves to markdown; add new ones to
// `sections` below (or pass --only id,id to run some).
//
//   node bench/run.mjs [--only emit,run] [--quick]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitSection } from './emit.mjs';
import { importCostSection } from './import-cost.mjs';
import { ROOT, machineDescription } from './lib.mjs';
import { runOverheadSection } from './run-overhead.mjs';

/** Every benchmark section, in the order RESULTS.md shows them. */
export const sections = [
  { id: 'emit', run: () => emitSection() },
  { id: 'run', run: () => runOverheadSection() },
  { id: 'import', run: () => importCostSection() },
  { id: 'generate', run: async () => (await import('./generate.mjs')).generateSection() },
  {
    id: 'simulation',
    // Loaded on demand: it needs promtool and prometheus, and takes several minutes (--quick: 3 days).
    run: async (options) => (await import('./simulate.mjs')).simulationSection({ days: options.quick ? 3 : 30 }),
  },
  {
    id: 'report',
    // Loaded on demand: it needs promtool and prometheus (--quick: 100 jobs).
    run: async (options) => (await import('./report.mjs')).reportSection({ jobs: options.quick ? 100 : 1000 }),
  },
  {
    id: 'rule-eval',
    // Loaded on demand: it needs promtool and prometheus, and takes a few minutes.
    run: async (options) => (await import('./rule-eval.mjs')).ruleEvalSection({ quick: options.quick }),
  },
  {
    id: 'engines',
    // Loaded on demand: it needs promtool, prometheus, victoria-metrics and vmalert, and takes about 4 minutes (--quick: 1,000 jobs).
    run: async (options) => (await import('./rule-eval-engines.mjs')).enginesSection({ quick: options.quick }),
  },
];

/** Parses --only and --quick. */
function parseArgs(argv) {
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex === -1 ? undefined : (argv[onlyIndex + 1] ?? '').split(',').filter(Boolean);
  return { only, quick: argv.includes('--quick') };
}

/** Splits markdown into blocks that each start at a `## ` heading (the first block is what precedes them). */
function blocks(text) {
  return text.split(/\n(?=## )/).map((b) => b.trim());
}

/**
 * The sections to write: with --only, the file's other sections are kept as they are and the new
 * ones replace those with the same heading (or are appended), so a partial run never loses results.
 */
function mergeWithExisting(file, parts, partial) {
  if (!partial || !existsSync(file)) return parts;
  const kept = blocks(readFileSync(file, 'utf8')).slice(1).filter((b) => !b.startsWith('## Machine'));
  const heading = (b) => b.split('\n', 1)[0];
  const fresh = new Map(parts.map((p) => [heading(p), p]));
  const merged = kept.map((b) => fresh.get(heading(b)) ?? b);
  for (const p of parts) if (!kept.some((b) => heading(b) === heading(p))) merged.push(p);
  return merged;
}

/** Runs the chosen sections and writes bench/RESULTS.md. */
export async function main(argv = process.argv.slice(2)) {
  const options = parseArgs(argv);
  const chosen = sections.filter((s) => options.only === undefined || options.only.includes(s.id));
  const machine = machineDescription();
  const parts = [];
  for (const section of chosen) {
    process.stderr.write(`bench: ${section.id}...\n`);
    const started = Date.now();
    parts.push((await section.run(options)).trim());
    process.stderr.write(`bench: ${section.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const all = mergeWithExisting(file, parts, options.only !== undefined);
  const text = `# Benchmark results

Written by \`npm run bench\` (bench/run.mjs); medians of repeated runs, ratios taken within the same
run. Numbers from a shared machine: read them as orders of magnitude and ratios, not as exact times.

## Machine

${machine}

${all.join('\n\n')}
`;
  writeFileSync(file, text);
  process.stdout.write(text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
