/**
 * scripts/test-summary.mjs, the closing line of `npm run test:ci`: one case per
 * fixtures/test-summary/<case>/ folder, with vitest's JSON report (report.json), the arguments and
 * exit code (case.json) and the expected output (expected.txt).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'test-summary');
const SCRIPT = join(REPO_ROOT, 'scripts', 'test-summary.mjs');

/** One case's case.json. */
interface SummaryCase {
  readonly about: string;
  /** Arguments after the report's path. */
  readonly args?: readonly string[];
  /** Entries to leave in a fresh TMPDIR passed as --tmpdir; absent: no --tmpdir. */
  readonly tmpdir?: readonly string[];
  readonly code: number;
}

const cases = readdirSync(FIXTURES)
  .sort()
  .map((name) => {
    const spec = JSON.parse(readFileSync(join(FIXTURES, name, 'case.json'), 'utf8')) as SummaryCase;
    return [spec.about, name, spec] as const;
  });

describe('the closing line of test:ci', () => {
  it.each(cases)('%s', async (_about, name, spec) => {
    const args = [join(FIXTURES, name, 'report.json'), ...(spec.args ?? [])];
    if (spec.tmpdir !== undefined) {
      const tmp = tempDir('summary-tmpdir');
      for (const entry of spec.tmpdir) mkdirSync(join(tmp, entry));
      args.push('--tmpdir', tmp);
    }
    const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
    expect({ code: result.status, stderr: result.stderr }).toEqual({ code: spec.code, stderr: '' });
    await expect(result.stdout).toMatchFileSnapshot(join(FIXTURES, name, 'expected.txt'));
  });

  it('gives as many failed tests as vitest counts, however many describe blocks failed around them', () => {
    const report = JSON.parse(readFileSync(join(FIXTURES, 'failed-tests-in-nested-describes', 'report.json'), 'utf8')) as { numFailedTests: number; numFailedTestSuites: number };
    expect(report.numFailedTestSuites).toBeGreaterThan(report.numFailedTests);
    const result = spawnSync(process.execPath, [SCRIPT, join(FIXTURES, 'failed-tests-in-nested-describes', 'report.json')], { encoding: 'utf8' });
    expect(result.stdout).toContain(`, ${report.numFailedTests} failed`);
  });
});
