/**
 * The HTML report in a real browser: Debian's headless Chromium loads the golden report (the one
 * test/report-history.test.ts gets from a real Prometheus) from a file:// URL. The page logs no
 * console error, makes no network request, shows every job and the overall verdict in its text, and
 * prints to PDF; the PNG screenshot and the PDF are kept as artifacts in the test's temp dir.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/report/model.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const run = promisify(execFile);
const FIXTURE = join(REPO_ROOT, 'fixtures', 'report', 'history');

/** What the DevTools driver reports. */
interface PageResult {
  readonly consoleErrors: readonly string[];
  readonly requests: readonly string[];
  readonly text: string;
}

describe('the HTML report in headless Chromium', () => {
  const artifacts = tempDir('report-browser');
  const page = join(artifacts, 'report.html');
  const png = join(artifacts, 'report.png');
  const pdf = join(artifacts, 'report.pdf');
  let result: PageResult;

  beforeAll(async () => {
    const chromium = requireTool('chromium');
    copyFileSync(join(FIXTURE, 'report.html'), page);
    // Chromium leaves its own temporary files in TMPDIR: keep them in the test's directory, which is removed.
    const env = { ...process.env, TMPDIR: artifacts };
    const { stdout } = await run(process.execPath, ['--experimental-websocket', '--no-warnings', join(REPO_ROOT, 'test', 'support', 'chromium-cdp.mjs'), chromium, pathToFileURL(page).href, png, join(artifacts, 'profile')], { timeout: 90_000, env });
    result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as PageResult;
    await run(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${join(artifacts, 'profile-pdf')}`, '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, pathToFileURL(page).href], { timeout: 90_000, env });
  }, 120_000);

  it('logs no console error and makes no network request', () => {
    expect(result.consoleErrors).toEqual([]);
    expect(result.requests).toEqual([]);
  });

  it('shows every job and the overall verdict in its text', () => {
    const report = JSON.parse(readFileSync(join(FIXTURE, 'report.json'), 'utf8')) as Report;
    expect(report.jobs.length).toBeGreaterThan(0);
    for (const job of report.jobs) expect(result.text).toContain(job.job);
    expect(result.text).toMatch(/Overall verdict:\s*not compliant/);
  });

  it('keeps a PNG screenshot and a printed PDF as artifacts', () => {
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(10_000);
    expect(existsSync(pdf)).toBe(true);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('has no script and nothing it would fetch: no src, no href to elsewhere, no url()', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(|@import|https?:\/\//i);
  });
});
