/**
 * The pure parts of `ubm locks`: restic 0.14's lock listing and lock JSON (captured under
 * fixtures/locks/), the summary the group records, and every usage error of the command.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { ConfigError } from '../src/config/errors.js';
import { loadConfigText } from '../src/config/load.js';
import { resticLocksGroup } from '../src/groups/restic-locks.js';
import { alertDefs } from '../src/rules/alerts.js';
import { LockParseError, type ResticLock, parseLock, parseLockIds, summarizeLocks } from '../src/sources/restic-locks.js';
import { memoryIo, snapshotDir } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'locks');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const ID = 'bc3fda0313f4ce22627c07bb63372853f07a1f214b2ee36f78ba5cf5a1bdd38f';

describe('parseLockIds', () => {
  it('reads the IDs restic list locks printed for two killed backups', () => {
    expect(parseLockIds(fixture('restic-0.14-list-locks.txt'))).toEqual([
      'd89ff3254ec50089d39195d793241230c42ae1fcf4d6a8b73306c71347a42560',
      'bc3fda0313f4ce22627c07bb63372853f07a1f214b2ee36f78ba5cf5a1bdd38f',
    ]);
  });

  it('reads no ID from the empty listing of a repository without locks', () => {
    expect(parseLockIds('')).toEqual([]);
  });

  it.each([
    ['a line that is not an ID', `${ID}\nFatal: something\n`],
    ['a short ID', `${ID.slice(0, 8)}\n`],
  ])('refuses %s, without quoting it', (_case, stdout) => {
    expect(() => parseLockIds(stdout)).toThrow(LockParseError);
    expect(() => parseLockIds(stdout)).toThrow(/^restic list locks printed a line that is not a lock ID \(\d+ characters\)$/);
  });
});

describe('parseLock', () => {
  it.each<[string, string, Omit<ResticLock, 'id'>]>([
    ['the shared lock of a killed backup', 'restic-0.14-shared-lock.json', { timeMs: Date.parse('2026-12-02T06:18:35.174Z'), exclusive: false, hostname: 'vm', pid: 25897 }],
    ['the exclusive lock of a killed check', 'restic-0.14-exclusive-lock.json', { timeMs: Date.parse('2026-12-02T06:16:09.742Z'), exclusive: true, hostname: 'vm', pid: 22294 }],
    ['a lock written in a local time zone (+05:30)', 'restic-0.14-shared-lock-offset.json', { timeMs: Date.parse('2026-12-02T06:18:38.653Z'), exclusive: false, hostname: 'vm', pid: 26026 }],
  ])('reads %s', (_case, file, expected) => {
    expect(parseLock(ID, fixture(file))).toEqual({ id: ID, ...expected });
  });

  it('takes a lock without exclusive, hostname or pid for a shared one of an unknown owner', () => {
    expect(parseLock(ID, '{"time":"2026-12-02T06:18:35Z"}')).toEqual({ id: ID, timeMs: Date.parse('2026-12-02T06:18:35Z'), exclusive: false, hostname: undefined, pid: undefined });
  });

  it.each([
    ['text that is not JSON', 'Fatal: no such file', 'lock bc3fda03 is not JSON'],
    ['a JSON array', '[]', 'lock bc3fda03 is not a JSON object'],
    ['a lock without a time', '{"exclusive":false}', 'lock bc3fda03 has no valid time'],
    ['a lock whose time is not RFC 3339', '{"time":"yesterday"}', 'lock bc3fda03 has no valid time'],
    ['a lock whose exclusive is not a boolean', '{"time":"2026-12-02T06:18:35Z","exclusive":"yes"}', 'lock bc3fda03 has a non-boolean exclusive'],
  ])('refuses %s, naming the lock by its short ID', (_case, json, message) => {
    expect(() => parseLock(ID, json)).toThrow(new LockParseError(message));
  });
});

describe('summarizeLocks and the restic_locks group', () => {
  const lock = (timeMs: number, exclusive: boolean): ResticLock => ({ id: ID, timeMs, exclusive, hostname: 'vm', pid: 1 });
  const endedAtMs = Date.parse('2026-12-02T07:00:00.900Z');

  it.each<[string, ResticLock[], ReturnType<typeof summarizeLocks>, string[]]>([
    [
      'a repository without locks has no oldest lock',
      [],
      { locks: 0, exclusiveLocks: 0, oldestLockMs: undefined },
      ['restic_repository_exclusive_locks 0', 'restic_repository_locks 0', 'restic_repository_locks_last_check_timestamp_seconds 1796194800'],
    ],
    [
      'two locks count once each, the exclusive one twice, and the older one is the oldest',
      [lock(Date.parse('2026-12-02T05:00:00.700Z'), false), lock(Date.parse('2026-12-02T04:00:00.500Z'), true)],
      { locks: 2, exclusiveLocks: 1, oldestLockMs: Date.parse('2026-12-02T04:00:00.500Z') },
      [
        'restic_repository_exclusive_locks 1',
        'restic_repository_locks 2',
        'restic_repository_locks_last_check_timestamp_seconds 1796194800',
        'restic_repository_oldest_lock_timestamp_seconds 1796184000',
      ],
    ],
  ])('%s', (_case, locks, summary, written) => {
    expect(summarizeLocks(locks)).toEqual(summary);
    const series = resticLocksGroup.build([], { hostname: 'h', repository: 'nas', ...summary, endedAtMs });
    expect(series.map((s) => `${s.metric.name} ${s.value}`).sort()).toEqual(written);
    for (const s of series) expect(s.labels).toEqual({ hostname: 'h', repository: 'nas' });
    expect(resticLocksGroup.key({ hostname: 'h', repository: 'nas', ...summary, endedAtMs })).toEqual({ repository: 'nas' });
  });
});

describe('ubm locks usage errors', () => {
  /** restic's environment: a repository that is never reached, and a password file that exists. */
  const env = (): Record<string, string | undefined> => {
    const password = join(tempDir('locks-password'), 'password');
    writeFileSync(password, 'secret\n');
    return { PATH: process.env.PATH, RESTIC_REPOSITORY: '/nonexistent/repo', RESTIC_PASSWORD_FILE: password };
  };
  const config = (): string => {
    const file = join(tempDir('locks-config'), 'backup.yaml');
    writeFileSync(file, 'repositories:\n  nas-primary: { url: /mnt/nas }\n  r2-offsite: { url: "s3:https://example.invalid/b" }\n');
    return file;
  };

  /** [case, argv after `locks`, env overrides, the exact stderr line]. */
  const bad: Array<[string, (dir: string) => string[], Record<string, string | undefined>, string]> = [
    ['--repository is missing', (dir) => ['--textfile-dir', dir], {}, 'ubm locks: missing required flag --repository'],
    ['--repository is empty', (dir) => ['--repository', ' ', '--textfile-dir', dir], {}, 'ubm locks: --repository must not be empty'],
    ['a flag is unknown', (dir) => ['--repository', 'nas', '--textfile-dir', dir, '--bogus'], {}, "ubm locks: unknown flag '--bogus' (see --help)"],
    ['--max-age is not a duration', (dir) => ['--repository', 'nas', '--textfile-dir', dir, '--max-age', 'soon'], {}, "ubm locks: --max-age must be seconds (145, 12.5) or a duration (2m30s, 26h), not negative (got 'soon')"],
    [
      'the repository is not one of the config',
      (dir) => ['--repository', 'nas-primry', '--textfile-dir', dir, '--config', config()],
      {},
      "ubm locks: --repository 'nas-primry' is not a repository of the config; did you mean 'nas-primary'?",
    ],
    ['the textfile directory is missing', () => ['--repository', 'nas', '--textfile-dir', '/nonexistent/textfiles'], {}, 'ubm locks: textfile directory /nonexistent/textfiles does not exist'],
    ['no repository is selected', (dir) => ['--repository', 'nas', '--textfile-dir', dir], { RESTIC_REPOSITORY: undefined }, "ubm locks: no repository selected: set RESTIC_REPOSITORY or RESTIC_REPOSITORY_FILE (restic's own environment)"],
    ['no password is given', (dir) => ['--repository', 'nas', '--textfile-dir', dir], { RESTIC_PASSWORD_FILE: undefined }, 'ubm locks: no repository password: set RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND or RESTIC_PASSWORD'],
    [
      'the password file is missing',
      (dir) => ['--repository', 'nas', '--textfile-dir', dir],
      { RESTIC_PASSWORD_FILE: '/nonexistent/password' },
      'ubm locks: RESTIC_PASSWORD_FILE /nonexistent/password does not exist: restic cannot read the repository password',
    ],
    ['restic is not installed', (dir) => ['--repository', 'nas', '--textfile-dir', dir], { PATH: '/nonexistent-bin' }, 'ubm locks: restic not found on PATH'],
  ];

  it.each(bad)('exits 2 with one line and writes nothing when %s', async (_case, args, overrides, line) => {
    const dir = tempDir('locks-bad');
    const io = memoryIo(Date.now(), { ...env(), ...overrides });
    const code = await main(['locks', ...args(dir)], io);
    expect({ code, stderr: io.err(), stdout: io.out() }).toEqual({ code: 2, stderr: `${line}\n`, stdout: '' });
    expect(snapshotDir(dir)).toEqual({});
  });

  it('prints its help, naming the restic commands it runs, and exits 0', async () => {
    const io = memoryIo(Date.now(), env());
    expect(await main(['locks', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: ubm locks --repository R /);
    expect(io.out()).toContain('restic list locks --no-lock');
    expect(io.out()).toContain('restic cat lock ID --no-lock');
  });
});

describe('ubm.locks in the config', () => {
  const load = (ubm: string) => loadConfigText(`repositories: { nas: {} }\n${ubm}`, 'c.yaml');
  /** The config's problems, one line each. */
  const problemsOf = (ubm: string): readonly string[] => {
    try {
      load(ubm);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.lines;
      throw err;
    }
  };
  const exprOf = (ubm: string, alert: string): string | undefined => alertDefs(load(ubm)).find((d) => d.name === alert)?.expr;

  it.each([
    ['default to a 2 h lock age and a 3 h check age', '', { maxAgeSeconds: 7200, checkStaleSeconds: 10_800 }],
    ['take maxAge and checkStaleAfter as durations', 'ubm: { locks: { maxAge: 90m, checkStaleAfter: 1d } }\n', { maxAgeSeconds: 5400, checkStaleSeconds: 86_400 }],
  ])('%s, which the alerts compare with', (_case, ubm, locks) => {
    expect(load(ubm).locks).toEqual(locks);
    expect(exprOf(ubm, 'ResticStaleLock')).toMatch(new RegExp(` > ${locks.maxAgeSeconds}$`));
    expect(exprOf(ubm, 'ResticLockCheckStale')).toMatch(new RegExp(` > ${locks.checkStaleSeconds}$`));
  });

  it.each([
    ['a max age under a minute', 'ubm: { locks: { maxAge: 10s } }\n', 'c.yaml: ubm.locks.maxAge: must be at least 1m'],
    ['a check age that is not a duration', 'ubm: { locks: { checkStaleAfter: hourly } }\n', 'c.yaml: ubm.locks.checkStaleAfter: '],
    ['a misspelt key', 'ubm: { locks: { maxage: 2h } }\n', "c.yaml: ubm.locks.maxage: unknown key; did you mean 'maxAge'?"],
  ])('rejects %s, naming the key', (_case, ubm, line) => {
    const problems = problemsOf(ubm);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(line);
  });
});
