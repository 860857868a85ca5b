// Prints vitest's JSON report as one plain closing line: "tests: N passed, N failed[, N skipped]".
// Exits 1 when the report is missing, empty, or counts a failure.
import { readFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(file ?? '', 'utf8'));
} catch {
  console.log('tests: 0 passed, 1 failed (no vitest report)');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
