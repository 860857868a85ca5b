/**
 * What a config (or a captured `pgbackrest info`) file may be: a regular file of at most 4 MiB in
 * UTF-8. Anything else gets one line naming the file and exit 2, at once: a FIFO without a writer
 * must not hang the command, nor /dev/zero fill its memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { duplicateJsonKeys } from '../src/config/json-keys.js';
import { loadConfigText } from '../src/config/load.js';
import { MAX_INPUT_BYTES, readInputFile } from '../src/util/input-file.js';
import { memoryIo } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';

/** A file of each kind a user could name by mistake, made in `dir`. */
const kinds: ReadonlyArray<[string, (dir: string) => string, string]> = [
  ['a FIFO no one writes to', (dir) => (execFileSync('mkfifo', [join(dir, 'fifo.yaml')]), join(dir, 'fifo.yaml')), 'is not a regular file (a FIFO, device or socket cannot be read as input)'],
  ['/dev/zero, which never ends', () => '/dev/zero', 'is not a regular file (a FIFO, device or socket cannot be read as input)'],
  ['a file larger than 4 MiB', (dir) => (writeFileSync(join(dir, 'big.yaml'), ''), truncateSync(join(dir, 'big.yaml'), MAX_INPUT_BYTES + 1), join(dir, 'big.yaml')), 'is larger than 4 MiB'],
  ['a directory', (dir) => (mkdirSync(join(dir, 'conf.d')), join(dir, 'conf.d')), 'is a directory'],
  ['a file that is not UTF-8', (dir) => (writeFileSync(join(dir, 'latin1.yaml'), Buffer.from([0x65, 0x6e, 0x61, 0x62, 0x6c, 0x65, 0x3a, 0x20, 0xe9, 0x0a])), join(dir, 'latin1.yaml')), 'is not UTF-8 text'],
  ['a file that does not exist', (dir) => join(dir, 'missing.yaml'), 'no such file'],
];

/** [command, argv for a file]. */
const commands: ReadonlyArray<[string, (file: string, dir: string) => string[]]> = [
  ['generate --config', (file, dir) => ['generate', '--config', file, '--out', dir]],
  ['check --config', (file, dir) => ['check', '--config', file, '--dir', dir]],
  ['pgbackrest --config', (file, dir) => ['pgbackrest', '--stanza', 'main', '--config', file, '--textfile-dir', dir]],
  ['pgbackrest --from-json', (file, dir) => ['pgbackrest', '--stanza', 'main', '--from-json', file, '--textfile-dir', dir]],
];

describe('input files', () => {
  const cases = commands.flatMap(([command, argv]) => kinds.map(([kind, make, why]) => [command, kind, make, why, argv] as const));

  it.each(cases)('ubm %s refuses %s at once with one line naming it, exit 2, nothing written', async (_command, _kind, make, why, argv) => {
    const dir = tempDir('input');
    const file = make(dir);
    const out = join(dir, 'out');
    mkdirSync(out);
    const io = memoryIo(Date.UTC(2025, 0, 1), { PATH: process.env.PATH });
    const started = Date.now();
    const code = await main(argv(file, out), io);
    expect({ code, err: io.err(), out: readdirSync(out) }).toEqual({ code: 2, err: expect.stringMatching(new RegExp(`^ubm \\w+: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${why.replace(/[()]/g, '\\$&')}\n$`)), out: [] });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads a file of exactly 4 MiB', () => {
    const file = join(tempDir('input-limit'), 'exact.yaml');
    writeFileSync(file, `#${'x'.repeat(MAX_INPUT_BYTES - 2)}\n`);
    expect(readInputFile(file)).toHaveLength(MAX_INPUT_BYTES);
  });
});

describe('duplicate JSON keys', () => {
  it.each([
    ['none in a valid document', '{"a": {"b": 1, "c": [1, {"b": 2}]}, "b": "{\\"a\\": 1, \\"a\\": 2}"}', []],
    ['one at the top', '{"a": 1,\n "a": 2}', [{ path: ['a'], message: expect.stringMatching(/^duplicate key at line 2, column 2 /) }]],
    ['one inside an object inside a list', '{"jobs": [{"x": 1}, {"x": 1, "y": 2, "x": 3}]}', [{ path: ['jobs', 1, 'x'], message: expect.stringMatching(/^duplicate key at line 1, column 38 /) }]],
    ['one spelled with an escape', '{"ab": 1, "a\\u0062": 2}', [{ path: ['ab'], message: expect.stringMatching(/^duplicate key at line 1, column 11 /) }]],
  ])('finds %s', (_case, text, expected) => {
    JSON.parse(text);
    expect(duplicateJsonKeys(text)).toEqual(expected);
  });
});

describe('config values the design may print as null', () => {
  it('takes postgres.pgbackrest.offsiteRepository: null as the default, as the other nullable keys take null', () => {
    const config = loadConfigText('repositories: { r2-offsite: { type: s3 } }\npostgres: { pgbackrest: { enableOffsite: true, offsiteRepository: null } }\n', 'config.yaml');
    expect(config.postgres.offsiteRepository).toBe('r2-offsite');
  });
});
