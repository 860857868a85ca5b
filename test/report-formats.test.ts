/**
 * The report's three formats from a fixed model (the history test's report, fixtures/report/history/
 * report.json): each renders byte for byte as its golden file, so output is deterministic for the
 * same data and --to, and the HTML stays self-contained.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { Report } from '../src/report/model.js';
import { REPO_ROOT } from './support/tools.js';

const FIXTURE = join(REPO_ROOT, 'fixtures', 'report', 'history');
const model = JSON.parse(readFileSync(join(FIXTURE, 'report.json'), 'utf8')) as Report;

describe('the report formats of a fixed model', () => {
  it('prints the JSON golden file again from its own model', async () => {
    await expect(renderJson(model)).toMatchFileSnapshot(join(FIXTURE, 'report.json'));
  });

  it('prints the Markdown golden file', async () => {
    await expect(renderMarkdown(model)).toMatchFileSnapshot(join(FIXTURE, 'report.md'));
  });

  it('prints the HTML golden file', async () => {
    await expect(renderHtml(model)).toMatchFileSnapshot(join(FIXTURE, 'report.html'));
  });

  it('escapes a job name in HTML and in a Markdown table cell', () => {
    const job = model.jobs[0];
    if (job === undefined) throw new Error('the model has no job');
    const odd: Report = { ...model, jobs: [{ ...job, job: '<b>a|b</b>' }] };
    expect(renderHtml(odd)).toContain('&lt;b&gt;a|b&lt;/b&gt;');
    expect(renderHtml(odd)).not.toContain('<b>a|b</b>');
    expect(renderMarkdown(odd)).toContain('<b>a\\|b</b>');
  });
});
