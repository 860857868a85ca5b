/**
 * Bad configs: every fixture under fixtures/config/bad/<case>/ makes `ubm generate` print each of
 * its problems as one `ubm generate: FILE: path.to.field: message` line (the lines in expected.txt),
 * exit 2, write nothing, and never show a stack trace.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { captureIo } from './support/capture-io.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const BAD = join(REPO_ROOT, 'fixtures', 'config', 'bad');
const cases = readdirSync(BAD).sort();

describe('bad configs', () => {
  it('come in at least 30 fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s: names each problem on its own line, exits 2 and writes nothing', async (name) => {
    const dir = join(BAD, name);
    const file = existsSync(join(dir, 'config.json')) ? 'config.json' : 'config.yaml';
    const out = tempDir('bad-config');
    const io = captureIo(dir);
    const code = await main(['generate', '--config', file, '--out', out], io);
    expect(code).toBe(2);
    expect(io.out()).toBe('');
    const lines = io.err().trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(new RegExp(`^ubm generate: ${file.replace('.', '\\.')}: \\S`));
    expect(io.err()).not.toMatch(/^\s+at /m);
    expect(readdirSync(out)).toEqual([]);
    await expect(io.err()).toMatchFileSnapshot(join(dir, 'expected.txt'));
  });
});
