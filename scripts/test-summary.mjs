// Prints vitest's JSON report as one plain closing line that counts tests as vitest does:
//   tests: N passed, N failed[, N skipped][, N files failed to load][, N files failed outside their tests]...
// Usage: node scripts/test-summary.mjs REPORT.json [--vitest-code N] [--tmpdir DIR]
//   --vitest-code  vitest's exit code: an error vitest saw outside any test also fails the run.
//   --tmpdir       the run's private TMPDIR: whatever the tests left in it fails the run.
// Exits 1 when the report is missing or empty, or when anything above counts a failure.
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'vitest-code': { type: 'string' }, tmpdir: { type: 'string' } },
});

/** The singular or the plural word for a count. */
const plural = (n, one, many) => (n === 1 ? one : many);

/** A report file's path and the first line of its failure message, if any. */
const named = (result) => {
  const line = typeof result.message === 'string' ? (result.message.split('\n').find((l) => l.trim() !== '') ?? '') : '';
  return line === '' ? result.name : `${result.name}: ${line}`;
};

const [file] = positionals;
let report;
try {
  report = JSON.parse(readFileSync(file ?? '', 'utf8'));
} catch {
  report = undefined;
}
if (typeof report !== 'object' || report === null) {
  console.log('tests: 0 passed, 0 failed, no vitest report (missing or not JSON)');
  process.exit(1);
}

const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const parts = [`${passed} passed`, `${failed} failed`];
if (skipped > 0) parts.push(`${skipped} skipped`);

// A failed file whose failure no failed test accounts for: it did not load (or its describe
// blocks threw while collecting), or a beforeAll/afterAll hook failed.
const notLoaded = [];
const outsideTests = [];
for (const result of report.testResults ?? []) {
  if (result.status !== 'failed') continue;
  const tests = result.assertionResults ?? [];
  if (tests.length === 0) notLoaded.push(result);
  else if (!tests.some((t) => t.status === 'failed')) outsideTests.push(result);
}
for (const r of notLoaded) console.log(`failed to load: ${named(r)}`);
for (const r of outsideTests) console.log(`failed outside its tests: ${named(r)}`);
if (notLoaded.length > 0) parts.push(`${notLoaded.length} ${plural(notLoaded.length, 'file', 'files')} failed to load`);
if (outsideTests.length > 0) {
  const n = outsideTests.length;
  parts.push(`${n} ${plural(n, 'file', 'files')} failed outside ${plural(n, 'its', 'their')} tests`);
}

// Whatever is left in the run's private TMPDIR was made by a test or a process it started.
let tmpdirClean = true;
if (values.tmpdir !== undefined) {
  let left;
  try {
    left = readdirSync(values.tmpdir).sort();
  } catch {
    left = undefined;
  }
  if (left === undefined) parts.push(`TMPDIR ${values.tmpdir} is gone`);
  else if (left.length > 0) {
    for (const name of left) console.log(`left in TMPDIR: ${name}`);
    parts.push(`${left.length} ${plural(left.length, 'entry', 'entries')} left in TMPDIR`);
  }
  tmpdirClean = left !== undefined && left.length === 0;
}

const counted = failed > 0 || notLoaded.length > 0 || outsideTests.length > 0;
const vitestCode = Number(values['vitest-code'] ?? 0);
if (!counted && report.success === false) parts.push('vitest reported a failure (see above)');
else if (!counted && vitestCode !== 0) parts.push(`vitest exited ${vitestCode} (an error outside any test, see above)`);
else if (!counted && passed === 0) parts.push('no test passed');

console.log(`tests: ${parts.join(', ')}`);
const ok = !counted && report.success !== false && vitestCode === 0 && tmpdirClean && passed > 0;
process.exit(ok ? 0 : 1);
