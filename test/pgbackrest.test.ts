/**
 * Reading `pgbackrest info --output=json` and `pgbackrest verify` output (captured from pgBackRest
 * 2.45 under fixtures/pgbackrest/<case>/), and `ubm pgbackrest --from-json` end to end in process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { encodeSeries } from '../src/exporter/encode.js';
import { encodeKeyValue } from '../src/exporter/filename.js';
import { parseExposition } from '../src/exporter/textfile.js';
import { parseJsonLossless } from '../src/sources/lossless-json.js';
import { type PgbackrestRead, type PgbackrestRepoState, pgbackrestGroup } from '../src/groups/pgbackrest.js';
import { metrics } from '../src/schema/catalog.js';
import type { SeriesValue } from '../src/schema/series.js';
import { parseVerifyStatus } from '../src/sources/pgbackrest-runner.js';
import { type RepoSummary, evaluateOffsite, summarizeStanza, walSegmentPosition } from '../src/sources/pgbackrest-summary.js';
import { parsePgbackrestInfo } from '../src/sources/pgbackrest.js';
import { memoryIo, sampleLines, snapshotDir } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'pgbackrest');
const info = (name: string): string => readFileSync(join(FIXTURES, name, 'info.json'), 'utf8');
const NOW = Date.parse('2026-11-26T12:00:00Z');
/** This host's name as file names carry it (the commands run without --hostname write under it). */
const HOST_PART = encodeKeyValue(hostname());

describe('parseJsonLossless', () => {
  it('keeps a 64-bit system-id exact where JSON.parse rounds it', () => {
    const text = '{"system-id":7712435788695650268,"small":42,"neg":-9007199254740993,"float":1.5e300,"s":"12345678901234567890"}';
    expect(String((JSON.parse(text) as Record<string, unknown>)['system-id'])).not.toBe('7712435788695650268');
    expect(parseJsonLossless(text)).toEqual({ 'system-id': '7712435788695650268', small: 42, neg: '-9007199254740993', float: 1.5e300, s: '12345678901234567890' });
  });

  it('round-trips any integer exactly and leaves strings that look like numbers alone', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.string(), (n, s) => {
        const parsed = parseJsonLossless(`[${n}, ${JSON.stringify(s)}, {"k": ${n}}]`) as [unknown, unknown, { k: unknown }];
        const expected = Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
        expect(parsed).toEqual([expected, s, { k: expected }]);
      }),
    );
  });

  it('throws on malformed JSON as JSON.parse does', () => {
    expect(() => parseJsonLossless('{"a": 123456789012345678901')).toThrow(SyntaxError);
  });
});

describe('parsePgbackrestInfo', () => {
  it('keeps the system-id beyond 2^53 exact in a real info output', () => {
    const [stanza] = parsePgbackrestInfo(info('two-repos'));
    expect(stanza?.dbs.map((d) => d.systemId)).toEqual(['7712435788695650268', '7712435788695650268']);
    expect(stanza?.repos.map((r) => [r.name, r.statusCode])).toEqual([['repo1', 0], ['repo2', 0]]);
  });

  it('reads pgBackRest before 2.33 (no repo list, no repo-key) as one repository', () => {
    const [stanza] = parsePgbackrestInfo(info('legacy-upgraded'));
    expect(stanza?.repos).toEqual([{ key: 1, name: 'repo1', statusCode: 0 }]);
    expect(stanza?.dbs.map((d) => d.systemId)).toEqual(['6775245986549012345', '18446744073709551615']);
  });

  it.each([
    ['bad-json', /^not JSON \(/],
    ['missing-stop', /^\[0\]\.backup\[1\]\.timestamp\.stop: /],
  ])('names the problem in %s', (name, message) => {
    expect(() => parsePgbackrestInfo(info(name))).toThrow(message);
  });
});

describe('summarizeStanza', () => {
  it('takes the newest backup of each type per repository', () => {
    const [stanza] = parsePgbackrestInfo(info('full-diff-incr'));
    if (stanza === undefined) throw new Error('no stanza');
    const repo1 = summarizeStanza(stanza).repos[0];
    expect(repo1?.backupCount).toBe(4);
    expect(repo1?.latest.full?.label).toBe('20261126-110950F');
    expect(repo1?.latest.diff?.label).toBe('20261126-110950F_20261126-111918D');
    expect(repo1?.latest.incr?.label).toBe('20261126-110950F_20261126-111924I');
    expect(repo1?.newestCompletionSeconds).toBe(1795691965);
  });

  it('reads the WAL range of the current database after an upgrade, not the old one', () => {
    const [stanza] = parsePgbackrestInfo(info('legacy-upgraded'));
    if (stanza === undefined) throw new Error('no stanza');
    const repo = summarizeStanza(stanza).repos[0];
    expect(repo?.walMaxSegment).toBe(0x12);
    expect(repo?.walPresent).toBe(true);
  });

  it.each([
    ['000000010000000000000001', 1],
    ['00000001000000000000000A', 10],
    ['0000000100000001000000FF', 256 + 255],
    ['0000000200000003000000A0', 3 * 256 + 160],
    ['00000001.history', undefined],
    ['', undefined],
  ])('places WAL file %s at %s', (name, position) => {
    expect(walSegmentPosition(name)).toBe(position);
  });
});

describe('evaluateOffsite', () => {
  const repo = (over: Partial<RepoSummary>): RepoSummary => ({
    repo: 'repo2', key: 2, statusCode: 0, backupCount: 1, latest: {}, newestCompletionSeconds: 1000, walPresent: true, walMaxSegment: 1, ...over,
  });
  it.each([
    ['a recent backup in an ok repository', repo({}), 1500, true, undefined],
    ['a backup exactly at the limit', repo({}), 1600, true, undefined],
    ['a backup past the limit', repo({}), 1601, false, 'newest backup is 601s old (limit 600s)'],
    ['a repository with status 99', repo({ statusCode: 99 }), 1500, false, 'pgBackRest status 99 (other error (repository unreachable or unreadable?))'],
    ['a repository without backups', repo({ backupCount: 0, newestCompletionSeconds: undefined }), 1500, false, 'holds no backup'],
    ['a repository pgBackRest does not list', undefined, 1500, false, 'not listed by pgbackrest info'],
  ])('judges %s', (_about, r, now, ok, reason) => {
    expect(evaluateOffsite(r, now, 600)).toEqual({ ok, reason });
  });
});

describe('parseVerifyStatus', () => {
  it.each([
    ['verify-ok', { ok: true, invalid: undefined }],
    ['verify-invalid-backup', { ok: false, invalid: '1 invalid backup(s), checksum invalid 1' }],
    ['verify-no-stanza', { ok: false, invalid: undefined }],
  ])('reads %s', (name, verdict) => {
    expect(parseVerifyStatus(readFileSync(join(FIXTURES, name, 'output.txt'), 'utf8'))).toEqual(verdict);
  });

  it('has no verdict without a status line', () => {
    expect(parseVerifyStatus('')).toBeUndefined();
  });
});

describe('the WAL archive last advance, carried across reads', () => {
  const repo = (walMaxSegment: number | undefined): PgbackrestRepoState => ({ repo: 'repo1', statusCode: 0, backupCount: 1, latest: {}, walPresent: walMaxSegment !== undefined, walMaxSegment });
  const read = (walMaxSegment: number | undefined, atSeconds: number): PgbackrestRead => ({ hostname: 'h', stanza: 'main', statusCode: 0, repos: [repo(walMaxSegment)], endedAtMs: atSeconds * 1000 });
  const advanceOf = (series: readonly SeriesValue[]): number | undefined => series.find((x) => x.metric === metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds)?.value;

  /** [case, the segments of successive reads (one a minute from 60 s), the last advance after the last read]. */
  const cases: Array<[string, Array<number | undefined>, number | undefined]> = [
    ['the first read starts the clock', [7], 60],
    ['a higher segment is an advance', [7, 8], 120],
    ['the same segment carries the time of the read that first saw it', [7, 7, 7], 60],
    ['a lower segment (a new timeline after a restore, a stanza-upgrade) is an advance too', [7, 9, 3], 180],
    ['a read without a WAL archive carries the time', [7, undefined], 60],
    ['an archive that comes back keeps the time: the read before it has no segment to compare with', [7, undefined, 9], 60],
    ['an archive that came back advances again from the next change', [7, undefined, 9, 10], 240],
    ['no WAL archive ever, no series', [undefined, undefined], undefined],
  ];
  it.each(cases)('%s', (_case, segments, expected) => {
    let previous: readonly SeriesValue[] = [];
    segments.forEach((segment, i) => {
      previous = pgbackrestGroup.build(previous, read(segment, 60 * (i + 1)));
    });
    expect(advanceOf(previous)).toBe(expected);
  });

  it('keeps each repository its own time', () => {
    const two = (a: number, b: number, at: number): PgbackrestRead => ({ ...read(a, at), repos: [repo(a), { ...repo(b), repo: 'repo2' }] });
    const first = pgbackrestGroup.build([], two(7, 7, 60));
    const second = pgbackrestGroup.build(first, two(8, 7, 120));
    const byRepo = Object.fromEntries(second.filter((x) => x.metric === metrics.pgbackrestWalArchiveLastAdvanceTimestampSeconds).map((x) => [x.labels.repository, x.value]));
    expect(byRepo).toEqual({ repo1: 120, repo2: 60 });
  });
});

describe('pgbackrest metrics of each captured info output', () => {
  it.each(['two-repos', 'full-diff-incr', 'legacy-upgraded', 'repo-unreachable'])('%s', async (name) => {
    const [stanza] = parsePgbackrestInfo(info(name));
    if (stanza === undefined) throw new Error('no stanza');
    const text = await encodeSeries(pgbackrestGroup.build([], { ...summarizeStanza(stanza), hostname: 'db-host', endedAtMs: NOW }));
    await expect(text).toMatchFileSnapshot(join(FIXTURES, name, 'expected.prom'));
    const check = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, output: check.stdout + check.stderr }).toEqual({ status: 0, output: '' });
  });
});

describe('ubm pgbackrest --from-json', () => {
  const env = { PATH: process.env.PATH };

  it('writes the stanza file and the offsite status of the repository given by --offsite-repo', async () => {
    const dir = tempDir('pgbr-json');
    const io = memoryIo(Date.parse('2026-11-26T11:30:00Z'), env);
    const code = await main(['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'two-repos', 'info.json'), '--offsite-repo', 'repo2', '--textfile-dir', dir, '--hostname', 'db-host'], io);
    expect({ code, stderr: io.err(), stdout: io.out() }).toEqual({ code: 0, stderr: '', stdout: '' });
    expect(readdirSync(dir).sort()).toEqual(['ubm_pgbackrest.db-host.main.prom', 'ubm_postgres_offsite.db-host.main.repo2.prom']);
    expect(sampleLines(parseExposition(readFileSync(join(dir, 'ubm_postgres_offsite.db-host.main.repo2.prom'), 'utf8')))).toEqual([
      'postgres_pgbackrest_offsite_backup_status{hostname="db-host",repository="repo2",stanza="main"} 1',
      'postgres_pgbackrest_offsite_last_check_timestamp_seconds{hostname="db-host",repository="repo2",stanza="main"} 1795692600',
      'postgres_pgbackrest_offsite_last_success_timestamp_seconds{hostname="db-host",repository="repo2",stanza="main"} 1795692600',
    ]);
  });

  it('writes offsite 0, keeps the last success and exits 1 once the newest offsite backup is older than --offsite-max-age', async () => {
    const dir = tempDir('pgbr-json-stale');
    const args = ['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'two-repos', 'info.json'), '--offsite-repo', 'repo2', '--offsite-max-age', '1h', '--textfile-dir', dir, '--hostname', 'h'];
    expect(await main(args, memoryIo(Date.parse('2026-11-26T11:30:00Z'), env))).toBe(0);
    const late = memoryIo(Date.parse('2026-11-26T12:30:00Z'), env);
    expect(await main(args, late)).toBe(1);
    expect(late.err()).toBe('ubm pgbackrest: stanza main offsite repo2: newest backup is 4801s old (limit 3600s)\n');
    expect(sampleLines(parseExposition(readFileSync(join(dir, 'ubm_postgres_offsite.h.main.repo2.prom'), 'utf8')))).toEqual([
      'postgres_pgbackrest_offsite_backup_status{hostname="h",repository="repo2",stanza="main"} 0',
      'postgres_pgbackrest_offsite_last_check_timestamp_seconds{hostname="h",repository="repo2",stanza="main"} 1795696200',
      'postgres_pgbackrest_offsite_last_success_timestamp_seconds{hostname="h",repository="repo2",stanza="main"} 1795692600',
    ]);
  });

  it('reports an unreachable repository by its status code, never by pgBackRest\'s message (which names its path)', async () => {
    const dir = tempDir('pgbr-json-unreachable');
    const io = memoryIo(NOW, env);
    const code = await main(['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'repo-unreachable', 'info.json'), '--offsite-repo', 'repo2', '--textfile-dir', dir], io);
    expect(code).toBe(1);
    expect(io.err()).toBe(
      'ubm pgbackrest: stanza main repo2: pgBackRest status 99 (other error (repository unreachable or unreadable?))\n' +
        'ubm pgbackrest: stanza main offsite repo2: pgBackRest status 99 (other error (repository unreachable or unreadable?))\n',
    );
    const written = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    expect(written).not.toContain('/var/lib');
    expect(written).toContain('pgbackrest_repo_status{hostname=');
  });

  it('takes the offsite repositories and their max age (1h) from --config', async () => {
    const config = join(FIXTURES, 'config-offsite', 'backup.yaml');
    const args = ['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'two-repos', 'info.json'), '--config', config, '--hostname', 'h'];
    const dir = tempDir('pgbr-config');
    expect(await main([...args, '--textfile-dir', dir], memoryIo(Date.parse('2026-11-26T11:30:00Z'), env))).toBe(0);
    const late = memoryIo(Date.parse('2026-11-26T12:30:00Z'), env);
    expect(await main([...args, '--textfile-dir', dir], late)).toBe(1);
    expect(late.err()).toBe('ubm pgbackrest: stanza main offsite repo2: newest backup is 4801s old (limit 3600s)\n');
    expect(readdirSync(dir).sort()).toEqual(['ubm_pgbackrest.h.main.prom', 'ubm_postgres_offsite.h.main.repo2.prom']);
  });

  it.each([
    ['the default schedule (full weekly, incr daily)', '', ['full 745200', 'incr 108000']],
    ['a schedule with daily diffs and no incr', 'ubm: { postgres: { schedule: { diff: daily, incr: false } } }\n', ['diff 108000', 'full 745200']],
  ])('writes the stale thresholds of %s with --config, and none without', async (_case, yaml, expected) => {
    const config = join(tempDir('pgbr-schedule-config'), 'backup.yaml');
    writeFileSync(config, `postgres: { enable: true, pgbackrest: { enableOffsite: false } }\n${yaml}`);
    const thresholdsIn = async (extra: string[]): Promise<string[]> => {
      const dir = tempDir('pgbr-schedule');
      const io = memoryIo(NOW, env);
      const code = await main(['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'two-repos', 'info.json'), '--textfile-dir', dir, '--hostname', 'h', ...extra], io);
      expect({ code, stderr: io.err() }).toEqual({ code: 0, stderr: '' });
      const file = readdirSync(dir).find((f) => f.startsWith('ubm_pgbackrest'));
      const samples = sampleLines(parseExposition(readFileSync(join(dir, file ?? 'missing'), 'utf8')));
      return samples.filter((l) => l.startsWith(metrics.pgbackrestBackupStaleThresholdSeconds.name)).map((l) => `${/backup_type="(\w+)"/.exec(l)?.[1] ?? ''} ${l.split(' ')[1] ?? ''}`).sort();
    };
    expect(await thresholdsIn(['--config', config])).toEqual(expected);
    expect(await thresholdsIn([])).toEqual([]);
  });

  it("writes to the config's textfile directory when neither the flag nor $UBM_TEXTFILE_DIR names one", async () => {
    const dir = tempDir('pgbr-config-dir');
    const config = join(tempDir('pgbr-config-file'), 'backup.yaml');
    writeFileSync(config, `${readFileSync(join(FIXTURES, 'config-offsite', 'backup.yaml'), 'utf8')}monitoring: { textfileCollector: { directory: ${JSON.stringify(dir)} } }\n`);
    const code = await main(['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'two-repos', 'info.json'), '--config', config], memoryIo(Date.parse('2026-11-26T11:30:00Z'), env));
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([`ubm_pgbackrest.${HOST_PART}.main.prom`, `ubm_postgres_offsite.${HOST_PART}.main.repo2.prom`]);
  });

  it('exits 2 on a bad config, naming the file and field', async () => {
    const io = memoryIo(NOW, env);
    const bad = join(FIXTURES, 'bad-config', 'backup.yaml');
    expect(await main(['pgbackrest', '--stanza', 'main', '--config', bad], io)).toBe(2);
    expect(io.err().startsWith(`ubm pgbackrest: ${bad}: restic.jobs.system-home.repository: `)).toBe(true);
  });

  it('picks the asked stanza from an output holding several', async () => {
    const dir = tempDir('pgbr-json-multi');
    const code = await main(['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'multi-stanza', 'info.json'), '--textfile-dir', dir], memoryIo(NOW, env));
    expect(code).toBe(0);
    expect(readdirSync(dir)).toEqual([`ubm_pgbackrest.${HOST_PART}.main.prom`]);
  });

  /** [case, argv after `pgbackrest`, the exact line on stderr]. */
  const bad: Array<[string, string[], string]> = [
    ['no stanza', ['--from-json', 'x'], 'ubm pgbackrest: missing required flag --stanza'],
    ['an unknown flag', ['--stanza', 'main', '--bogus'], "ubm pgbackrest: unknown flag '--bogus' (see --help)"],
    ['a stanza pgBackRest does not know', ['--stanza', 'nope', '--from-json', join(FIXTURES, 'unknown-stanza', 'info.json')], "ubm pgbackrest: stanza 'nope' is unknown to pgBackRest (missing stanza path in repo1, repo2)"],
    ['a stanza the file does not hold', ['--stanza', 'other', '--from-json', join(FIXTURES, 'two-repos', 'info.json')], `ubm pgbackrest: stanza 'other' is not in ${join(FIXTURES, 'two-repos', 'info.json')} (stanzas: main)`],
    ['a missing file', ['--stanza', 'main', '--from-json', '/nonexistent/info.json'], 'ubm pgbackrest: /nonexistent/info.json: no such file'],
    ['malformed JSON', ['--stanza', 'main', '--from-json', join(FIXTURES, 'bad-json', 'info.json')], `ubm pgbackrest: ${join(FIXTURES, 'bad-json', 'info.json')}: not JSON (`],
    ['a backup without its stop time', ['--stanza', 'main', '--from-json', join(FIXTURES, 'missing-stop', 'info.json')], `ubm pgbackrest: ${join(FIXTURES, 'missing-stop', 'info.json')}: [0].backup[1].timestamp.stop: `],
    ['an offsite repository that is not repoN', ['--stanza', 'main', '--offsite-repo', 'r2-offsite'], "ubm pgbackrest: --offsite-repo must name a pgBackRest repository like repo2 (got 'r2-offsite')"],
    ['a bad max age', ['--stanza', 'main', '--offsite-max-age', 'soon'], "ubm pgbackrest: --offsite-max-age must be seconds (145, 12.5) or a duration (2m30s, 26h), not negative (got 'soon')"],
    ['--verify-repo without --verify', ['--stanza', 'main', '--verify-repo', 'repo1'], 'ubm pgbackrest: --verify-repo needs --verify'],
    ['a missing textfile directory', ['--stanza', 'main', '--from-json', join(FIXTURES, 'two-repos', 'info.json'), '--textfile-dir', '/nonexistent/dir'], 'ubm pgbackrest: textfile directory /nonexistent/dir does not exist'],
  ];

  it.each(bad)('exits 2 with one line and writes nothing on %s', async (_about, args, line) => {
    const dir = tempDir('pgbr-bad');
    const before = snapshotDir(dir);
    const io = memoryIo(NOW, env);
    const code = await main(['pgbackrest', ...(args.includes('--textfile-dir') ? args : [...args, '--textfile-dir', dir])], io);
    expect(code).toBe(2);
    expect(io.err().split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(io.err().startsWith(line)).toBe(true);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('exits 2 and writes nothing when --verify needs pgbackrest and it is not installed', async () => {
    const dir = tempDir('pgbr-json-nobin');
    const io = memoryIo(NOW, { PATH: '/nonexistent-bin' });
    const code = await main(['pgbackrest', '--stanza', 'main', '--from-json', join(FIXTURES, 'two-repos', 'info.json'), '--verify', '--textfile-dir', dir], io);
    expect({ code, stderr: io.err() }).toEqual({ code: 2, stderr: 'ubm pgbackrest: pgbackrest not found on PATH\n' });
    expect(snapshotDir(dir)).toEqual({});
  });

  it('prints its flags with --help', async () => {
    const io = memoryIo(NOW, env);
    expect(await main(['pgbackrest', '--help'], io)).toBe(0);
    expect(io.out()).toContain('--offsite-repo repoN');
  });
});
