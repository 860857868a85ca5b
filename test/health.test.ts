/**
 * `ubm health`: each fixtures/health/<case>/textfiles directory is judged, and the verdict is
 * checked against what a real node_exporter, run as an unprivileged user as a packaged one runs,
 * makes of the same directory; files of jobs the config does not list are reported and removed only
 * after the retention; hosts sharing a directory keep their own files; an invalid config is still
 * reported as a metric; clean-up of stale temporary files; errors.
 */
import { chmodSync, chownSync, cpSync, existsSync, readFileSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { groupFilePath, legacyGroupFilePath, parseExposition } from '../src/exporter/textfile.js';
import { permits, writableByOthers } from '../src/hooks/textfile-access.js';
import { MONITORING_PROBLEM_REASONS, type MonitoringProblem, metrics } from '../src/schema/catalog.js';
import { memoryIo, sampleLines, ubm } from './exporter/helpers.js';
import { startNodeExporter } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'health');
const CONFIGS = join(FIXTURES, 'config');
const NOW = Date.parse('2026-11-26T12:00:00Z');
const DAY_MS = 86_400_000;
/** The user the tests' node_exporter runs as (nobody), and the one ubm health is told about. */
const NODE_EXPORTER_UID = 65534;
const NODE_EXPORTER_USER = 'nobody';
const HEALTH_FILE = 'ubm_monitoring_health.h.prom';
const EXPECTED_JOBS_FILE = 'ubm_monitoring_expected_jobs.h.prom';

/** What a case expects. */
interface Expected {
  /** Modes to give the copied files (`.` is the textfile directory itself), as octal strings. */
  readonly modes?: Readonly<Record<string, string>>;
  /** Groups to give the copied files, by gid. */
  readonly groups?: Readonly<Record<string, number>>;
  readonly code: number;
  /** stderr lines; `$DIR` stands for the case's textfile directory. */
  readonly stderr: readonly string[];
  readonly problems: readonly MonitoringProblem[];
  readonly invalid: number;
  readonly nodeExporterScrapeError: number;
  /** A series node_exporter drops (or never reads). */
  readonly droppedSeries?: string;
}

/** A private copy of a case's textfile directory, open to node_exporter's user unless the case says otherwise. */
function copyCase(name: string, expected?: Pick<Expected, 'modes' | 'groups'>): string {
  const dir = tempDir('health');
  // verbatimSymlinks: a fixture's relative symlink stays relative (and dangling when it is meant to).
  cpSync(join(FIXTURES, name, 'textfiles'), dir, { recursive: true, verbatimSymlinks: true });
  chmodSync(dir, 0o755);
  for (const [path, gid] of Object.entries(expected?.groups ?? {})) chownSync(join(dir, path), 0, gid);
  for (const [path, mode] of Object.entries(expected?.modes ?? {})) chmodSync(join(dir, path), Number.parseInt(mode, 8));
  return dir;
}

/** Runs `ubm health` in process, as host h, judging the files as the tests' node_exporter user. */
async function health(args: readonly string[], nowMs = NOW): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo(nowMs, { PATH: process.env.PATH });
  const code = await main(['health', '--hostname', 'h', '--node-exporter-user', NODE_EXPORTER_USER, ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** Runs `ubm emit backup` in process. */
async function emitBackup(dir: string, host: string, job: string, status: 'success' | 'failure', nowMs = NOW): Promise<void> {
  const io = memoryIo(nowMs, { PATH: process.env.PATH });
  const code = await main(['emit', 'backup', '--textfile-dir', dir, '--hostname', host, '--job', job, '--repository', 'nas-primary', '--status', status, '--duration', '60'], io);
  expect({ code, stderr: io.err() }).toEqual({ code: 0, stderr: '' });
}

/** The samples of a file as sorted `name{labels} value` lines. */
function samplesOf(path: string): string[] {
  return sampleLines(parseExposition(readFileSync(path, 'utf8')));
}

/** The health file's samples. */
function healthSamples(dir: string): string[] {
  return samplesOf(join(dir, HEALTH_FILE));
}

/** The health file's samples for a verdict. */
function healthLines(healthy: boolean, invalid: number, problems: readonly MonitoringProblem[]): string[] {
  return [
    `${metrics.backupMonitoringHealthy.name}{hostname="h"} ${healthy ? 1 : 0}`,
    `${metrics.backupMonitoringInvalidTextfiles.name}{hostname="h"} ${invalid}`,
    `${metrics.backupMonitoringLastCheck.name}{hostname="h"} ${NOW / 1000}`,
    ...MONITORING_PROBLEM_REASONS.map((r) => `${metrics.backupMonitoringProblem.name}{hostname="h",reason="${r}"} ${problems.includes(r) ? 1 : 0}`),
  ].sort();
}

/** The unexpected-job series of the expected-jobs file. */
function unexpectedJobs(dir: string): string[] {
  return samplesOf(join(dir, EXPECTED_JOBS_FILE)).filter((l) => l.startsWith(metrics.backupMonitoringUnexpectedJob.name));
}

/** A backup job's file name for host h. */
function jobFile(dir: string, job: string, host = 'h'): string {
  return groupFilePath(dir, 'restic_backup', host, { backup_job: job, repository: 'nas-primary' }).slice(dir.length + 1);
}

/** Sets a file's modification time. */
function age(dir: string, name: string, ms: number): void {
  const at = (NOW - ms) / 1000;
  utimesSync(join(dir, name), at, at);
}

const cases = readdirSync(FIXTURES).filter((n) => n !== 'config').sort();

describe('ubm health judges the textfile directory as node_exporter, running as its own user, does', () => {
  it.each(cases)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
    const dir = copyCase(name, expected);
    const result = await health(['--textfile-dir', dir]);
    const stderr = expected.stderr.map((l) => l.replaceAll('$DIR', dir));
    expect({ code: result.code, stderr: result.stderr.split('\n').filter((l) => l !== '') }).toEqual({ code: expected.code, stderr });
    expect(healthSamples(dir)).toEqual(healthLines(expected.code === 0, expected.invalid, expected.problems));

    // The same directory through the real collector, as an unprivileged user.
    const exporter = await startNodeExporter(dir, NODE_EXPORTER_UID);
    try {
      const scraped = await (await fetch(`${exporter.url}/metrics`)).text();
      expect(scraped).toContain(`node_textfile_scrape_error ${expected.nodeExporterScrapeError}`);
      if (expected.droppedSeries !== undefined) expect(scraped).not.toContain(expected.droppedSeries);
      // Whatever node_exporter makes of the rest, ubm health's own verdict reaches it (unless it cannot list the directory at all).
      if (expected.modes?.['.'] !== '0700') expect(scraped).toContain(`backup_monitoring_healthy{hostname="h"} ${expected.code === 0 ? 1 : 0}`);
      // Wherever node_exporter drops or cannot read something, ubm health is unhealthy.
      if (expected.nodeExporterScrapeError === 1 || expected.droppedSeries !== undefined) expect(expected.code).toBe(1);
    } finally {
      await exporter.stop();
    }
  });

  it('judges the files as any other user would read them, and says so, when node_exporter\'s user does not exist here', async () => {
    const dir = copyCase('file-mode-0600');
    chmodSync(join(dir, 'secret.prom'), 0o604);
    const io = memoryIo(NOW, { PATH: process.env.PATH });
    const code = await main(['health', '--hostname', 'h', '--textfile-dir', dir, '--node-exporter-user', 'no-such-exporter-user'], io);
    expect({ code, stderr: io.err().split('\n').filter((l) => l !== '') }).toEqual({
      code: 0,
      stderr: ["ubm health: node_exporter user no-such-exporter-user does not exist here; judging the files as any other user would see them (see --node-exporter-user)"],
    });
  });
});

describe("who else may write a textfile or the directory (ubm health's rule)", () => {
  const root = { uid: 0, gid: 0 };
  const backup = { uid: 1000, gid: 1000 };
  it.each([
    ['a root-owned 0644 file', { ...root, mode: 0o100644 }, 0, undefined],
    ['a root-owned directory group-writable by root', { ...root, mode: 0o40775 }, 0, undefined],
    ["a file group-writable by its owner's own group", { ...backup, mode: 0o100664 }, 1000, undefined],
    ['a file group-writable by a group shared with other users', { uid: 0, gid: 34, mode: 0o100664 }, 0, 'group 34 may write it (mode 0664, owner 0:34)'],
    ['a world-writable file', { ...backup, mode: 0o100666 }, 1000, 'anyone may write it (mode 0666, owner 1000:1000)'],
    ['a world-writable directory, sticky bit or not', { ...root, mode: 0o41777 }, 0, 'anyone may write it (mode 1777, owner 0:0)'],
  ])('%s', (_case, perms, ownerGid, expected) => {
    const found = writableByOthers(perms, ownerGid);
    if (expected === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(expected);
  });

  it.each([
    ['root reads a 0600 file of anyone', { uid: 5, gid: 5, mode: 0o100600 }, { user: 'root', uid: 0, gids: [0], known: true }, 4, true],
    ['the owner reads by the owner bits', { uid: 102, gid: 0, mode: 0o100400 }, { user: 'prometheus', uid: 102, gids: [105], known: true }, 4, true],
    ['a member of the group reads by the group bits', { uid: 0, gid: 105, mode: 0o100640 }, { user: 'prometheus', uid: 102, gids: [105], known: true }, 4, true],
    ['anyone else reads by the other bits only', { uid: 0, gid: 0, mode: 0o100640 }, { user: 'prometheus', uid: 102, gids: [105], known: true }, 4, false],
    ['the owner bits decide for the owner even when others may', { uid: 102, gid: 0, mode: 0o100044 }, { user: 'prometheus', uid: 102, gids: [105], known: true }, 4, false],
    ['a directory needs its x bit to be entered', { uid: 0, gid: 0, mode: 0o40744 }, { user: 'nobody', uid: 65534, gids: [65534], known: true }, 1, false],
  ])('judges access as the kernel does: %s', (_case, perms, reader, bits, expected) => {
    expect(permits(perms, reader, bits)).toBe(expected);
  });
});

describe('ubm health reports the files of jobs the config does not list, and never deletes them on a guess', () => {
  it.each([
    ['a mistyped job name (--job grafana where the config says service-grafana)', 'backup.yaml', ['grafana']],
    ['a job recorded ad hoc with ubm emit', 'backup.yaml', ['one-off-before-upgrade']],
    ['every job, with last success, first run and baseline, when restic.enable is false', 'restic-disabled.yaml', ['service-grafana', 'system-home']],
  ])('keeps and reports %s', async (_case, config, jobs) => {
    const dir = tempDir('health-unexpected');
    chmodSync(dir, 0o755);
    for (const job of jobs) {
      await emitBackup(dir, 'h', job, 'success', NOW - DAY_MS);
      await emitBackup(dir, 'h', job, 'failure', NOW - DAY_MS / 2);
      age(dir, jobFile(dir, job), DAY_MS / 2);
    }
    const before = Object.fromEntries(jobs.map((j) => [j, readFileSync(join(dir, jobFile(dir, j)), 'utf8')]));
    const result = await health(['--textfile-dir', dir, '--config', join(CONFIGS, config)]);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((l) => l !== '')).toEqual(
      jobs.map((j) => `ubm health: ${jobFile(dir, j)}: job ${j} (repository nas-primary) is not in the config; its file is kept until 2026-12-03 (retentionDays 7)`),
    );
    // Every file as it was: last success, first run and baseline still there.
    for (const j of jobs) expect(readFileSync(join(dir, jobFile(dir, j)), 'utf8')).toBe(before[j]);
    expect(unexpectedJobs(dir)).toEqual(jobs.map((j) => `${metrics.backupMonitoringUnexpectedJob.name}{backup_job="${j}",hostname="h",repository="nas-primary"} 1`));
    expect(healthSamples(dir)).toEqual(healthLines(true, 0, []));
  });

  it('removes, and names, a file of an unlisted job only once its last write is older than retentionDays; a listed job\'s file stays however old', async () => {
    const dir = tempDir('health-retention');
    chmodSync(dir, 0o755);
    for (const job of ['retired-long-ago', 'retired-last-week', 'system-home']) await emitBackup(dir, 'h', job, 'success');
    age(dir, jobFile(dir, 'retired-long-ago'), 7 * DAY_MS + 60_000);
    age(dir, jobFile(dir, 'retired-last-week'), 6 * DAY_MS);
    age(dir, jobFile(dir, 'system-home'), 30 * DAY_MS);
    const result = await health(['--textfile-dir', dir, '--config', join(CONFIGS, 'backup.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `removed ${jobFile(dir, 'retired-long-ago')}: job retired-long-ago (repository nas-primary) is not in the config and the file was last written more than 7 days ago (retentionDays)\n`,
    );
    expect(result.stderr).toBe(`ubm health: ${jobFile(dir, 'retired-last-week')}: job retired-last-week (repository nas-primary) is not in the config; its file is kept until 2026-11-27 (retentionDays 7)\n`);
    expect(readdirSync(dir).sort()).toEqual([EXPECTED_JOBS_FILE, HEALTH_FILE, jobFile(dir, 'retired-last-week'), jobFile(dir, 'system-home')].sort());
    expect(unexpectedJobs(dir)).toEqual([`${metrics.backupMonitoringUnexpectedJob.name}{backup_job="retired-last-week",hostname="h",repository="nas-primary"} 1`]);
  });

  it("leaves another host's files alone: they are that host's to judge", async () => {
    const dir = tempDir('health-other-host');
    chmodSync(dir, 0o755);
    await emitBackup(dir, 'host-b', 'not-in-my-config', 'success', NOW - 30 * DAY_MS);
    age(dir, jobFile(dir, 'not-in-my-config', 'host-b'), 30 * DAY_MS);
    const result = await health(['--textfile-dir', dir, '--config', join(CONFIGS, 'backup.yaml')]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(dir, jobFile(dir, 'not-in-my-config', 'host-b')))).toBe(true);
    expect(unexpectedJobs(dir)).toEqual([]);
  });

  it('writes the expected job set with each job\'s thresholds', async () => {
    const dir = tempDir('health-config');
    chmodSync(dir, 0o755);
    const result = await health(['--textfile-dir', dir, '--config', join(CONFIGS, 'backup.yaml')]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const labels = (job: string): string => `backup_job="${job}",hostname="h",repository="nas-primary"`;
    const written = samplesOf(join(dir, EXPECTED_JOBS_FILE));
    // (The checks the config turns on besides its jobs have tests of their own below.)
    expect(written.filter((l) => !l.startsWith(metrics.backupMonitoringJobShrinkRatio.name) && !l.startsWith('backup_monitoring_expected_check_'))).toEqual(
      [
        ...['hourly-db', 'service-grafana', 'system-home'].map((j) => `backup_monitoring_expected_job{${labels(j)}} 1`),
        // Interval + 30 min randomized delay + 22.9 % grace: 1 h 43 m 45 s hourly, 207 h weekly, 30 h daily.
        `backup_monitoring_job_stale_threshold_seconds{${labels('hourly-db')}} 6225`,
        `backup_monitoring_job_stale_threshold_seconds{${labels('service-grafana')}} 745200`,
        `backup_monitoring_job_stale_threshold_seconds{${labels('system-home')}} 108000`,
        ...['hourly-db', 'service-grafana', 'system-home'].map((j) => `backup_monitoring_job_slow_multiplier{${labels(j)}} 3`),
      ].sort(),
    );
  });
});

describe('ubm health --config expects every check the config turns on', () => {
  /** The expected-check series of the expected-jobs file, without the hostname. */
  function checks(dir: string): string[] {
    const names = [metrics.backupMonitoringExpectedCheckStaleThresholdSeconds.name, metrics.backupMonitoringExpectedCheckSinceTimestampSeconds.name];
    return samplesOf(join(dir, EXPECTED_JOBS_FILE))
      .filter((l) => names.some((n) => l.startsWith(`${n}{`)))
      .map((l) => l.replace(',hostname="h"', ''));
  }

  it('writes each check with its labels and threshold, expected since the first self-check', async () => {
    const dir = tempDir('health-checks');
    chmodSync(dir, 0o755);
    const result = await health(['--textfile-dir', dir, '--config', join(CONFIGS, 'checks.yaml')]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const since = NOW / 1000;
    const both = (labels: string, threshold: number): string[] => [
      `backup_monitoring_expected_check_since_timestamp_seconds{${labels}} ${since}`,
      `backup_monitoring_expected_check_stale_threshold_seconds{${labels}} ${threshold}`,
    ];
    expect(checks(dir)).toEqual(
      [
        // verificationStaleHours (168 h) and the monthly restore test's derived threshold (31 d + 30 min + 22.9 % of 31 d).
        ...both('check="restic_verification",repository="nas-primary",stanza=""', 604800),
        ...both('check="restic_restore_test",repository="nas-primary",stanza=""', 3294000),
        ...both('check="restic_verification",repository="r2-offsite",stanza=""', 604800),
        ...both('check="restic_restore_test",repository="r2-offsite",stanza=""', 3294000),
        // The weekly prune schedule of nas-primary; r2-offsite has none.
        ...both('check="restic_prune",repository="nas-primary",stanza=""', 745200),
        // pgbackrest info as often as the daily incr backup; verification weekly; the offsite copy by the design's restic job.
        ...both('check="pgbackrest",repository="",stanza="main"', 108000),
        ...both('check="postgres_verification",repository="",stanza="main"', 604800),
        ...both('check="postgres_offsite",repository="r2-offsite",stanza="main"', 108000),
      ].sort(),
    );
  });

  it('keeps the time a check was first expected across self-checks and config changes, and drops a check the config no longer turns on', async () => {
    const dir = tempDir('health-checks-carry');
    chmodSync(dir, 0o755);
    await health(['--textfile-dir', dir, '--config', join(CONFIGS, 'checks.yaml')]);
    const sinceOf = (check: string): string[] => checks(dir).filter((l) => l.startsWith(`backup_monitoring_expected_check_since_timestamp_seconds{check="${check}"`));
    // backup.yaml turns on verification and restore tests (the design's defaults) but no prune schedule and no PostgreSQL.
    const later = await health(['--textfile-dir', dir, '--config', join(CONFIGS, 'backup.yaml')], NOW + DAY_MS);
    expect(later.code).toBe(0);
    expect(sinceOf('pgbackrest')).toEqual([]);
    expect(sinceOf('restic_prune')).toEqual([]);
    expect(sinceOf('restic_verification')).toEqual([`backup_monitoring_expected_check_since_timestamp_seconds{check="restic_verification",repository="nas-primary",stanza=""} ${NOW / 1000}`]);
    const again = await health(['--textfile-dir', dir, '--config', join(CONFIGS, 'checks.yaml')], NOW + 2 * DAY_MS);
    expect(again.code).toBe(0);
    // Expected again from the day the config turned it on again; the check that stayed keeps its first day.
    expect(sinceOf('pgbackrest')).toEqual([`backup_monitoring_expected_check_since_timestamp_seconds{check="pgbackrest",repository="",stanza="main"} ${(NOW + 2 * DAY_MS) / 1000}`]);
    expect(sinceOf('restic_verification').filter((l) => l.includes('nas-primary'))).toEqual([
      `backup_monitoring_expected_check_since_timestamp_seconds{check="restic_verification",repository="nas-primary",stanza=""} ${NOW / 1000}`,
    ]);
  });
});

describe('hosts sharing a textfile directory keep their own files', () => {
  it.each([
    ['two hosts write the same job into one directory', 'host-a', 'host-b'],
    ['a host is renamed and its next run fails', 'old-name', 'new-name'],
  ])("when %s, the failure does not inherit the other's last success and the other's series stay", async (_case, first, second) => {
    const dir = tempDir('health-shared');
    await emitBackup(dir, first, 'system-home', 'success', NOW - DAY_MS);
    await emitBackup(dir, second, 'system-home', 'failure');
    const lastSuccess = (host: string): string[] =>
      samplesOf(join(dir, jobFile(dir, 'system-home', host))).filter((l) => l.startsWith(`${metrics.resticBackupLastSuccessTimestamp.name}{`) || l.startsWith(`${metrics.resticBackupStatus.name}{`));
    const labels = (host: string): string => `backup_job="system-home",hostname="${host}",repository="nas-primary"`;
    expect(lastSuccess(second)).toEqual([`restic_backup_status{${labels(second)}} 0`]);
    expect(lastSuccess(first)).toEqual([`restic_backup_last_success_timestamp{${labels(first)}} ${(NOW - DAY_MS) / 1000}`, `restic_backup_status{${labels(first)}} 1`]);
  });

  it("carries this host's file of the older name (without the hostname) forward once, removes it and names it; another host's stays", async () => {
    const dir = tempDir('health-legacy-writer');
    const key = { backup_job: 'system-home', repository: 'nas-primary' };
    const older = (host: string): string =>
      `# HELP restic_backup_last_success_timestamp x\n# TYPE restic_backup_last_success_timestamp gauge\nrestic_backup_last_success_timestamp{hostname="${host}",backup_job="system-home",repository="nas-primary"} 1700000000\n`;
    const legacy = legacyGroupFilePath(dir, 'restic_backup', key);
    writeFileSync(legacy, older('h'));
    const emit = (host: string): ReturnType<typeof ubm> =>
      ubm(['emit', 'backup', '--textfile-dir', dir, '--hostname', host, '--job', 'system-home', '--repository', 'nas-primary', '--status', 'failure', '--duration', '5']);
    const first = await emit('h');
    expect({ code: first.code, stderr: first.stderr }).toEqual({
      code: 0,
      stderr: `ubm: removed ${legacy}: carried forward into ${jobFile(dir, 'system-home')} (file names now carry the hostname)\n`,
    });
    expect(samplesOf(join(dir, jobFile(dir, 'system-home')))).toContain(
      'restic_backup_last_success_timestamp{backup_job="system-home",hostname="h",repository="nas-primary"} 1700000000',
    );
    expect(existsSync(legacy)).toBe(false);

    // Another host's file of the older name is its evidence: neither carried nor removed.
    writeFileSync(legacy, older('host-b'));
    const other = await emit('host-c');
    expect({ code: other.code, stderr: other.stderr }).toEqual({ code: 0, stderr: '' });
    expect(samplesOf(join(dir, jobFile(dir, 'system-home', 'host-c'))).filter((l) => l.startsWith('restic_backup_last_success'))).toEqual([]);
    expect(readFileSync(legacy, 'utf8')).toBe(older('host-b'));
  });

  it("gives this host's files of the older name today's name, content and time kept, and names each; another host's stay", async () => {
    const dir = copyCase('healthy');
    const older = 'ubm_restic_backup.home.nas.prom';
    const today = 'ubm_restic_backup.h.home.nas.prom';
    const content = readFileSync(join(dir, today), 'utf8');
    renameSync(join(dir, today), join(dir, older));
    age(dir, older, DAY_MS);
    const otherHost = 'ubm_restic_backup.db.nas.prom';
    writeFileSync(join(dir, otherHost), content.replaceAll('hostname="h"', 'hostname="host-b"').replaceAll('"home"', '"db"'));
    const result = await health(['--textfile-dir', dir]);
    expect(result).toEqual({ code: 0, stdout: `renamed ${older} to ${today}: file names now carry the hostname\n`, stderr: '' });
    expect(readFileSync(join(dir, today), 'utf8')).toBe(content);
    expect(statSync(join(dir, today)).mtimeMs).toBe(NOW - DAY_MS);
    expect(readdirSync(dir).sort()).toEqual([HEALTH_FILE, otherHost, 'other_exporter.prom', today].sort());
  });
});

describe('ubm health with an invalid config still reports, so the alert can say why', () => {
  it.each([
    ['an unknown key (a newer NixOS export)', 'unknown-key.yaml', 'unknown-key.yaml: '],
    ["a job's repository that does not exist", 'bad.yaml', 'bad.yaml: restic.jobs.system-home.repository: '],
    ['a config file that does not exist', 'missing.yaml', 'missing.yaml'],
  ])('writes backup_monitoring_healthy 0 with reason config_invalid and exits 2 on %s', async (_case, file, line) => {
    const dir = copyCase('healthy');
    const result = await health(['--textfile-dir', dir, '--config', join(CONFIGS, file)]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('ubm health: '))).toBe(true);
    expect(lines.some((l) => l.includes(line))).toBe(true);
    expect(healthSamples(dir)).toEqual(healthLines(false, 0, ['config_invalid']));
    // The previous expected job set stays as it was: an invalid config tells nothing new.
    expect(existsSync(join(dir, EXPECTED_JOBS_FILE))).toBe(false);
  });
});

describe('ubm health cleans up', () => {
  it("removes our temporary files older than an hour and keeps younger ones and other programs' files", async () => {
    const dir = copyCase('healthy');
    const old = '.ubm_restic_backup.h.home.nas.prom.4242.0a1b2c3d4e5f.ubm-tmp';
    const young = '.ubm_restic_backup.h.home.nas.prom.4243.0a1b2c3d4e60.ubm-tmp';
    const staleLock = '.ubm_restic_backup.h.home.nas.prom.ubm-lock';
    const foreign = '.other-tool.tmp';
    for (const name of [old, young, staleLock, foreign]) writeFileSync(join(dir, name), 'x');
    for (const name of [old, staleLock, foreign]) age(dir, name, 2 * 3600 * 1000);
    age(dir, young, 60_000);
    const result = await health(['--textfile-dir', dir]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: `removed ${old}: temporary file older than 1h\nremoved ${staleLock}: temporary file older than 1h\n`,
    });
    expect(readdirSync(dir).sort()).toEqual([foreign, young, HEALTH_FILE, 'other_exporter.prom', 'ubm_restic_backup.h.home.nas.prom'].sort());
  });
});

describe('ubm health refuses', () => {
  it.each([
    ['a missing directory', () => '/nonexistent/textfiles', 'ubm health: textfile directory /nonexistent/textfiles does not exist'],
    ['a file instead of a directory', () => join(copyCase('healthy'), 'other_exporter.prom'), 'is not a directory'],
  ])('exits 1 naming %s', async (_about, dir, line) => {
    const result = await health(['--textfile-dir', dir()]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(result.stderr).toContain(line);
  });

  it('exits 1 on a directory it cannot write (as an unprivileged user), writing nothing', async () => {
    const dir = copyCase('healthy');
    const before = readdirSync(dir).sort();
    const result = await ubm(['health', '--textfile-dir', dir], { unprivileged: true });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: `ubm health: textfile directory ${dir} is not writable (EACCES)\n` });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('exits 2 on an unknown flag', async () => {
    expect(await health(['--bogus'])).toEqual({ code: 2, stdout: '', stderr: "ubm health: unknown flag '--bogus' (see --help)\n" });
  });
});
