/**
 * The pure parts of `ubm verify`: naming restic's failures from its real stderr (captured from
 * restic 0.14 under fixtures/verify/restic-stderr/), the --read-data-subset check, the seeded
 * sample of snapshot files, restic include patterns and RFC 3339 times to the nanosecond.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkArgs, classifyResticFailure, readDataSubsetError } from '../src/sources/restic-check.js';
import { includePattern, parseRfc3339Nanos, sampleCollector } from '../src/sources/restic-ls.js';
import { lineSplitter } from '../src/util/lines.js';
import { REPO_ROOT } from './support/tools.js';

const STDERR = join(REPO_ROOT, 'fixtures', 'verify', 'restic-stderr');

describe('classifyResticFailure', () => {
  it.each([
    ['wrong-password', 'wrong password or no key found for the repository'],
    ['no-repository', 'repository unreachable (no repository at the configured location, or it cannot be reached)'],
    ['connection-refused', 'repository unreachable (no repository at the configured location, or it cannot be reached)'],
    ['missing-pack', 'restic found errors in the repository (damaged or missing data)'],
    ['no-location', 'no repository given (set RESTIC_REPOSITORY or RESTIC_REPOSITORY_FILE)'],
    // restic 0.14's "Fatal: ... does not exist" once read as missing repository data.
    ['missing-password-file', 'restic could not read the repository password (RESTIC_PASSWORD_FILE or RESTIC_PASSWORD_COMMAND)'],
  ])('names %s without quoting restic', (name, reason) => {
    const stderr = readFileSync(join(STDERR, `${name}.txt`), 'utf8');
    const got = classifyResticFailure({ code: 1, signal: null, stderr });
    expect(got).toBe(reason);
    expect(got).not.toMatch(/\/srv|http/);
  });

  it.each([
    [{ code: 1, signal: null, stderr: 'Fatal: something new\n' }, 'restic exited with code 1'],
    [{ code: null, signal: 'SIGKILL' as const, stderr: '' }, 'restic was killed by SIGKILL'],
  ])('falls back to the exit code or signal', (result, reason) => {
    expect(classifyResticFailure(result)).toBe(reason);
  });
});

describe('readDataSubsetError', () => {
  it.each(['1/5', '5/5', '10%', '0.5%', '100%', '500M', '2G', '1t'])('accepts %s', (value) => {
    expect(readDataSubsetError(value)).toBeUndefined();
  });
  it.each(['0/5', '6/5', '0%', '101%', 'abc', '', '10', '-1/5', '0G'])('rejects %s', (value) => {
    expect(readDataSubsetError(value)).toBeDefined();
  });
  it.each([
    [{ kind: 'none' } as const, ['check']],
    [{ kind: 'subset', subset: '10%' } as const, ['check', '--read-data-subset=10%']],
    [{ kind: 'all' } as const, ['check', '--read-data']],
  ])('builds restic check arguments for %o', (readData, args) => {
    expect(checkArgs(readData)).toEqual(args);
  });
});

/** `restic ls --json` lines for a snapshot with `n` regular files, a directory and a symlink. */
function listing(id: string, n: number): string[] {
  const lines = [JSON.stringify({ time: '2026-01-01T00:00:00Z', id, short_id: id.slice(0, 8), struct_type: 'snapshot' })];
  lines.push(JSON.stringify({ name: 'd', type: 'dir', path: '/d', struct_type: 'node' }));
  lines.push(JSON.stringify({ name: 'l', type: 'symlink', path: '/d/l', struct_type: 'node' }));
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ name: `f${i}`, type: 'file', path: `/d/f${String(i).padStart(4, '0')}`, size: i, mtime: '2026-01-01T00:00:00Z', struct_type: 'node' }));
  return lines;
}

/** Feeds lines through a collector in chunks of `chunk` bytes, as a pipe delivers them. */
function collect(lines: readonly string[], size: number, chunk = 7): ReturnType<ReturnType<typeof sampleCollector>['result']> {
  const c = sampleCollector(size);
  const split = lineSplitter(c.onLine);
  const bytes = Buffer.from(lines.join('\n'));
  for (let i = 0; i < bytes.length; i += chunk) split.push(bytes.subarray(i, i + chunk));
  split.end();
  return c.result();
}

describe('sampleCollector', () => {
  it('takes every regular file (and nothing else) when the snapshot holds fewer than asked', () => {
    const r = collect(listing('a'.repeat(64), 3), 5);
    expect(r.snapshotId).toBe('a'.repeat(64));
    expect(r.totalFiles).toBe(3);
    expect(r.files.map((f) => f.path)).toEqual(['/d/f0000', '/d/f0001', '/d/f0002']);
  });

  it('gives the same sample for the same snapshot, however the stream is chunked', () => {
    const lines = listing('b'.repeat(64), 500);
    expect(collect(lines, 5, 3).files).toEqual(collect(lines, 5, 4096).files);
    expect(collect(lines, 5).files).toHaveLength(5);
  });

  it('gives other samples for other snapshots (coverage rotates as snapshots change)', () => {
    const samples = new Set(['1', '2', '3', '4', '5', '6'].map((d) => JSON.stringify(collect(listing(d.repeat(64), 500), 5).files)));
    expect(samples.size).toBeGreaterThan(1);
  });

  it('reaches files from the whole listing, not only its start', () => {
    const reached = new Set<string>();
    for (let i = 0; i < 40; i++) for (const f of collect(listing(`${i}`.padStart(64, 'c'), 100), 5).files) reached.add(f.path);
    expect([...reached].some((p) => p > '/d/f0050')).toBe(true);
  });

  it('has no snapshot when restic printed nothing (an empty repository)', () => {
    expect(collect([], 5)).toEqual({ snapshotId: undefined, totalFiles: 0, files: [] });
  });

  it('keeps a multi-byte file name split across chunks intact', () => {
    const lines = [JSON.stringify({ id: 'e'.repeat(64), struct_type: 'snapshot' }), JSON.stringify({ type: 'file', path: '/données/été.txt', size: 1, mtime: '', struct_type: 'node' })];
    expect(collect(lines, 1, 1).files.map((f) => f.path)).toEqual(['/données/été.txt']);
  });
});

describe('includePattern', () => {
  it.each([
    ['/srv/plain.txt', '/srv/plain.txt'],
    ['/srv/we ird[1]*?.txt', '/srv/we ird\\[1\\]\\*\\?.txt'],
    ['/srv/back\\slash', '/srv/back\\\\slash'],
  ])('escapes %s', (path, pattern) => {
    expect(includePattern(path)).toBe(pattern);
  });
});

describe('parseRfc3339Nanos', () => {
  it.each([
    ['2026-11-26T11:11:06.209708555Z', 1795691466209708555n],
    ['2026-11-26T11:11:06Z', 1795691466000000000n],
    ['2026-11-26T12:11:06.5+01:00', 1795691466500000000n],
    ['2026-11-26 11:11:06Z', undefined],
    ['', undefined],
  ])('reads %s', (text, nanos) => {
    expect(parseRfc3339Nanos(text)).toBe(nanos);
  });

  it('agrees with Date for any millisecond time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(parseRfc3339Nanos(new Date(ms).toISOString())).toBe(BigInt(ms) * 1_000_000n);
      }),
    );
  });
});
