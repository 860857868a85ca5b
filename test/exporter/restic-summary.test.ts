/** Reading restic's `backup --json` summary from captured outputs (fixtures/restic/<case>/). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResticSummaryScanner, findResticSummary, parseResticSummaryLine } from '../../src/sources/restic.js';
import { REPO_ROOT } from '../support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'restic');

describe("restic's JSON summary", () => {
  it.each(readdirSync(FIXTURES).sort())('reads %s as expected', async (name) => {
    const output = readFileSync(join(FIXTURES, name, 'output.jsonl'), 'utf8');
    const summary = findResticSummary(output);
    await expect(`${JSON.stringify(summary ?? null, null, 2)}\n`).toMatchFileSnapshot(join(FIXTURES, name, 'expected.json'));
  });

  it('finds the same summary however the output is split into chunks, even inside a UTF-8 character', () => {
    const output = Buffer.from(
      `{"message_type":"status","current_files":["/srv/été/💾"]}\n${readFileSync(join(FIXTURES, 'restic-0.14-first-backup', 'output.jsonl'), 'utf8')}`,
      'utf8',
    );
    const whole = findResticSummary(output.toString('utf8'));
    expect(whole?.filesNew).toBe(20);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: output.length - 1 }), { maxLength: 12 }), (cuts) => {
        const scanner = new ResticSummaryScanner();
        let start = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          scanner.push(output.subarray(start, cut));
          start = cut;
        }
        scanner.push(output.subarray(start));
        expect(scanner.end()).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['a status line', '{"message_type":"status","percent_done":1}'],
    ['a line that mentions summary in a file name', '{"message_type":"status","current_files":["/summary"]}'],
    ['broken JSON', '{"message_type":"summary",'],
    ['a JSON array', '["summary"]'],
    ['plain text', 'summary: 3 files'],
  ])('ignores %s', (_case, line) => {
    expect(parseResticSummaryLine(line)).toBeUndefined();
  });

  it('drops negative or non-numeric figures instead of trusting them', () => {
    expect(parseResticSummaryLine('{"message_type":"summary","files_new":-1,"files_changed":"3","data_added":5}')).toMatchObject({
      filesNew: undefined,
      filesChanged: undefined,
      dataAdded: 5,
    });
  });

  it('does not hold an endless line in memory', () => {
    const scanner = new ResticSummaryScanner();
    for (let i = 0; i < 100; i++) scanner.push('x'.repeat(10_000));
    scanner.push('\n{"message_type":"summary","files_new":7}\n');
    expect(scanner.end()?.filesNew).toBe(7);
  });
});
