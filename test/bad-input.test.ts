/**
 * Hostile values on the command line: one error is one line whatever a value holds (a newline must
 * not forge a second journal line), label values are valid UTF-8 and never carry URL credentials,
 * and nothing is written when a value is refused.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { labelValueProblem } from '../src/util/labels.js';
import { oneLine, quote } from '../src/util/quote.js';
import { memoryIo, snapshotDir, spawnCollect } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, UBM_BIN } from './support/tools.js';

/** What a hostile value appends: a line that would pass for ubm's own in a journal. */
const FORGED = '\nubm emit: forged line';
const GOOD = ['--job', 'home', '--repository', 'nas', '--status', 'success', '--duration', '10'];
const PGBACKREST_JSON = join(REPO_ROOT, 'fixtures', 'pgbackrest', 'two-repos', 'info.json');

describe('quote', () => {
  it.each([
    ['a plain value as it is', 'nas-primary', "'nas-primary'"],
    ['a newline and a carriage return as escapes', 'a\nb\rc', "'a\\nb\\rc'"],
    ['quotes and backslashes escaped', "it's \\ here", "'it\\'s \\\\ here'"],
    ['other control characters as hex', 'a\u0000b\u001bc\u007f', "'a\\x00b\\x1bc\\x7f'"],
    ['Unicode line separators and bidi overrides as code points', 'a\u2028b\u202ec', "'a\\u{2028}b\\u{202e}c'"],
    ['a lone surrogate as its code point', 'a\ud800b', "'a\\u{d800}b'"],
    ['letters of any script as they are', 'Sauvegarde été 💾', "'Sauvegarde été 💾'"],
  ])('writes %s', (_case, value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  it('cuts a long value after 200 characters and says how much is left out', () => {
    expect(quote('x'.repeat(1000))).toBe(`'${'x'.repeat(200)}'... (800 more characters)`);
  });

  it('leaves backslashes alone when it only keeps a text on one line', () => {
    expect(oneLine('C:\\dir\nnext')).toBe('C:\\dir\\nnext');
  });
});

describe('one error is one line', () => {
  /** [case, argv]: each makes a command quote or name a value that holds a newline. */
  const table: ReadonlyArray<[string, (dir: string) => string[]]> = [
    ['an unknown command', () => [`emitt${FORGED}`]],
    ['an unknown emit family', (d) => [`backups${FORGED}`, ...GOOD, '--textfile-dir', d]],
    ['an unknown flag', (d) => ['emit', 'backup', ...GOOD, `--colour${FORGED}`, '--textfile-dir', d]],
    ['a stray argument', (d) => ['emit', 'backup', ...GOOD, `now${FORGED}`, '--textfile-dir', d]],
    ['a value that looks like a flag', (d) => ['emit', 'backup', ...GOOD, '--job', `-x${FORGED}`, '--textfile-dir', d]],
    ['--status', (d) => ['emit', 'backup', ...GOOD, '--status', `maybe${FORGED}`, '--textfile-dir', d]],
    ['--duration', (d) => ['emit', 'backup', ...GOOD, '--duration', `ten${FORGED}`, '--textfile-dir', d]],
    ['--expected-interval', (d) => ['emit', 'backup', ...GOOD, '--expected-interval', `daily${FORGED}`, '--textfile-dir', d]],
    ['--exit-code', (d) => ['emit', 'backup', ...GOOD, '--exit-code', `1${FORGED}`, '--textfile-dir', d]],
    ['--files-new', (d) => ['emit', 'backup', ...GOOD, '--files-new', `many${FORGED}`, '--textfile-dir', d]],
    ['--textfile-dir', (d) => ['emit', 'backup', ...GOOD, '--textfile-dir', join(d, `missing${FORGED}`)]],
    ['--format of generate', (d) => ['generate', '--format', `yaml${FORGED}`, '--out', d]],
    ['--config of generate', (d) => ['generate', '--config', join(d, `missing${FORGED}.yaml`), '--out', d]],
    ['--read-data-subset of verify', (d) => ['verify', '--repository', 'nas', '--read-data-subset', `7/5${FORGED}`, '--textfile-dir', d]],
    ['--sample-files of verify', (d) => ['verify', '--repository', 'nas', '--sample-files', `five${FORGED}`, '--textfile-dir', d]],
    ['--restore-dir of verify', (d) => ['verify', '--repository', 'nas', '--restore-dir', join(d, `missing${FORGED}`), '--textfile-dir', d]],
    ['--offsite-repo of pgbackrest', (d) => ['pgbackrest', '--stanza', 'main', '--offsite-repo', `repo2${FORGED}`, '--textfile-dir', d]],
    ['--stanza of pgbackrest, absent from the file', (d) => ['pgbackrest', '--stanza', `other${FORGED}`, '--from-json', PGBACKREST_JSON, '--textfile-dir', d]],
    ['--from-json of pgbackrest', (d) => ['pgbackrest', '--stanza', 'main', '--from-json', join(d, `missing${FORGED}.json`), '--textfile-dir', d]],
  ];

  it.each(table)('for a newline in %s: exits 2, one line, the newline escaped, nothing written', async (_case, argv) => {
    const dir = tempDir('one-line');
    const before = snapshotDir(dir);
    const io = memoryIo(Date.UTC(2025, 0, 1), { PATH: process.env.PATH, RESTIC_REPOSITORY: '/nonexistent', RESTIC_PASSWORD: 'x' });
    const code = await main(argv(dir), io);
    expect(code).toBe(2);
    expect(io.out()).toBe('');
    const lines = io.err().split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ubm( \w+)?: /);
    expect(lines[0]).toContain('\\nubm emit: forged line');
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('label values', () => {
  /** [case, value, what the line must say]. */
  const values: ReadonlyArray<[string, string, string]> = [
    ['bytes that are not UTF-8 (U+FFFD once decoded)', 'home\ufffd', 'is not valid UTF-8'],
    ['a lone surrogate', 'home\ud800', 'is not valid UTF-8'],
    ["restic's rest: URL with a user and password", 'rest:https://backup:s3cret-pass@nas.example.org:8000/', 'holds URL credentials'],
    ['an s3 URL with keys', 's3:https://AKIAEXAMPLE:s3cret-pass@r2.example.com/bucket', 'holds URL credentials'],
  ];

  it.each(values)('are refused when they hold %s', (_case, value, problem) => {
    expect(labelValueProblem(value)).toContain(problem);
  });

  it.each([['a name'], ['nas-primary'], ['sftp:backup@host:/srv/restic'], ['/srv/restic-repo'], ['Sauvegarde été'], ['line one\nline two'], ['.'], ['..']])('are accepted as %j', (value) => {
    expect(labelValueProblem(value)).toBeUndefined();
  });

  /** [command, argv with the hostile value in place of VALUE]. */
  const commands: ReadonlyArray<[string, (value: string, dir: string) => string[]]> = [
    ['emit backup --job', (v, d) => ['emit', 'backup', ...GOOD, '--job', v, '--textfile-dir', d]],
    ['emit backup --repository', (v, d) => ['emit', 'backup', ...GOOD, '--repository', v, '--textfile-dir', d]],
    ['emit verification --repository', (v, d) => ['emit', 'verification', '--repository', v, '--status', 'success', '--textfile-dir', d]],
    ['emit postgres-offsite --repository', (v, d) => ['emit', 'postgres-offsite', '--stanza', 'main', '--repository', v, '--status', 'success', '--textfile-dir', d]],
    ['emit postgres-verification --stanza', (v, d) => ['emit', 'postgres-verification', '--stanza', v, '--status', 'success', '--textfile-dir', d]],
    ['emit health --hostname', (v, d) => ['emit', 'health', '--status', 'success', '--hostname', v, '--textfile-dir', d]],
    ['verify --repository', (v, d) => ['verify', '--repository', v, '--textfile-dir', d]],
    ['pgbackrest --stanza', (v, d) => ['pgbackrest', '--stanza', v, '--from-json', PGBACKREST_JSON, '--textfile-dir', d]],
    ['pgbackrest --hostname', (v, d) => ['pgbackrest', '--stanza', 'main', '--from-json', PGBACKREST_JSON, '--hostname', v, '--textfile-dir', d]],
  ];
  const cases = commands.flatMap(([command, argv]) => values.map(([about, value]) => [command, about, value, argv] as const));

  it.each(cases)('ubm %s refuses a value with %s: exit 2, one line that never repeats it, nothing written', async (_command, _about, value, argv) => {
    const dir = tempDir('labels');
    const io = memoryIo(Date.UTC(2025, 0, 1), { PATH: process.env.PATH, RESTIC_REPOSITORY: '/nonexistent', RESTIC_PASSWORD: 'x' });
    const code = await main(argv(value, dir), io);
    expect({ code, files: readdirSync(dir) }).toEqual({ code: 2, files: [] });
    const lines = io.err().split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ubm \w+: --(job|repository|stanza|hostname) (is not valid UTF-8|holds URL credentials)/);
    expect(io.err()).not.toContain('s3cret-pass');
  });

  it('refuses two different job names of invalid bytes instead of writing both to one file', async () => {
    const dir = tempDir('labels-bytes');
    // argv holds raw bytes here (0xff, 0xfe): Node decodes both as U+FFFD, so they would share a name.
    const results = await Promise.all(
      ['\\377', '\\376'].map((bytes) =>
        spawnCollect('bash', ['-c', `exec "${process.execPath}" "${UBM_BIN}" emit backup --job "$(printf '${bytes}')" --repository nas --status success --duration 1 --textfile-dir "${dir}"`]),
      ),
    );
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('ubm emit: --job is not valid UTF-8 (it holds U+FFFD, which bytes that are not UTF-8 become)\n');
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
