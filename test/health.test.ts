/**
 * `ubm health`: each fixtures/health/<case>/textfiles directory is judged, and the verdict is
 * checked against what node_exporter's textfile collector itself makes of the same directory;
 * clean-up of stale temporary files and of files of jobs the config no longer lists; errors.
 */
import { chmodSync, cpSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { groupFilePath, parseExposition } from '../src/exporter/textfile.js';
import { memoryIo, sampleLines, ubm } from './exporter/helpers.js';
import { startNodeExporter } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const FIXTURES = join(REPO_ROOT, 'fixtures', 'health');
const NOW = Date.parse('2026-11-26T12:00:00Z');
const HEALTH_FILE = 'ubm_monitoring_health.prom';

/** What a case expects. */
interface Expected {
  readonly code: number;
  readonly stderr: readonly string[];
  readonly invalid: number;
  readonly nodeExporterScrapeError: number;
  /** A series node_exporter drops without an error. */
  readonly droppedSeries?: string;
}

/** A private copy of a case's textfile directory. */
function copyCase(name: string): string {
  const dir = tempDir('health');
  cpSync(join(FIXTURES, name, 'textfiles'), dir, { recursive: true });
  return dir;
}

/** Runs `ubm health` in process. */
async function health(args: readonly string[], nowMs = NOW): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo(nowMs, { PATH: process.env.PATH });
  const code = await main(['health', '--hostname', 'h', ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** The health file's samples. */
function healthSamples(dir: string): string[] {
  return sampleLines(parseExposition(readFileSync(join(dir, HEALTH_FILE), 'utf8')));
}

const cases = readdirSync(FIXTURES).filter((n) => n !== 'config').sort();

describe('ubm health judges the textfile directory as node_exporter does', () => {
  it.each(cases)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
    const dir = copyCase(name);
    const result = await health(['--textfile-dir', dir]);
    expect({ code: result.code, stderr: result.stderr.split('\n').filter((l) => l !== '') }).toEqual({ code: expected.code, stderr: expected.stderr });
    const healthy = expected.code === 0 ? 1 : 0;
    expect(healthSamples(dir)).toEqual([
      `backup_monitoring_healthy{hostname="h"} ${healthy}`,
      `backup_monitoring_invalid_textfiles{hostname="h"} ${expected.invalid}`,
      `backup_monitoring_last_check{hostname="h"} ${NOW / 1000}`,
    ]);

    // The same directory through the real collector.
    const exporter = await startNodeExporter(dir);
    try {
      const scraped = await (await fetch(`${exporter.url}/metrics`)).text();
      expect(scraped).toContain(`node_textfile_scrape_error ${expected.nodeExporterScrapeError}`);
      // Our own health file is always readable by node_exporter, whatever it reports.
      expect(scraped).toContain(`backup_monitoring_healthy{hostname="h"} ${healthy}`);
      if (expected.droppedSeries !== undefined) expect(scraped).not.toContain(expected.droppedSeries);
    } finally {
      await exporter.stop();
    }
  });
});

describe('ubm health cleans up', () => {
  it('removes our temporary files older than an hour and keeps younger ones and other programs\' files', async () => {
    const dir = copyCase('healthy');
    const old = '.ubm_restic_backup.home.nas.prom.4242.0a1b2c3d4e5f.ubm-tmp';
    const young = '.ubm_restic_backup.home.nas.prom.4243.0a1b2c3d4e60.ubm-tmp';
    const staleLock = '.ubm_restic_backup.home.nas.prom.ubm-lock';
    const foreign = '.other-tool.tmp';
    for (const name of [old, young, staleLock, foreign]) writeFileSync(join(dir, name), 'x');
    const twoHoursAgo = (NOW - 2 * 3600 * 1000) / 1000;
    for (const name of [old, staleLock, foreign]) utimesSync(join(dir, name), twoHoursAgo, twoHoursAgo);
    utimesSync(join(dir, young), (NOW - 60_000) / 1000, (NOW - 60_000) / 1000);
    const result = await health(['--textfile-dir', dir]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: `removed ${old}: temporary file older than 1h\nremoved ${staleLock}: temporary file older than 1h\n`,
    });
    expect(readdirSync(dir).sort()).toEqual([foreign, young, HEALTH_FILE, 'other_exporter.prom', 'ubm_restic_backup.home.nas.prom'].sort());
  });

  it('with --config, writes the expected job set and removes only the files of jobs the config no longer lists', async () => {
    const dir = tempDir('health-config');
    const file = (job: string, repository: string): string => groupFilePath(dir, 'restic_backup', { backup_job: job, repository }).slice(dir.length + 1);
    const keep = [file('system-home', 'nas-primary'), file('service-grafana', 'nas-primary'), 'ubm_restic_verification.nas-primary.prom', 'other_exporter.prom', 'ubm_restic_backup_notes.prom'];
    const gone = [file('retired-job', 'nas-primary'), file('system-home', 'old-repository')];
    for (const name of [...keep, ...gone]) writeFileSync(join(dir, name), '# HELP x_total A metric.\n# TYPE x_total counter\nx_total 1\n');
    const result = await health(['--textfile-dir', dir, '--config', join(FIXTURES, 'config', 'backup.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(gone.sort().map((n) => `removed ${n}: its job is no longer in the config\n`).join(''));
    expect(readdirSync(dir).sort()).toEqual([...keep, HEALTH_FILE, 'ubm_monitoring_expected_jobs.prom'].sort());
    const labels = (job: string): string => `backup_job="${job}",hostname="h",repository="nas-primary"`;
    expect(sampleLines(parseExposition(readFileSync(join(dir, 'ubm_monitoring_expected_jobs.prom'), 'utf8')))).toEqual(
      [
        ...['hourly-db', 'service-grafana', 'system-home'].map((j) => `backup_monitoring_expected_job{${labels(j)}} 1`),
        `backup_monitoring_job_stale_threshold_seconds{${labels('hourly-db')}} 4500`,
        `backup_monitoring_job_stale_threshold_seconds{${labels('service-grafana')}} 756000`,
        `backup_monitoring_job_stale_threshold_seconds{${labels('system-home')}} 108000`,
        ...['hourly-db', 'service-grafana', 'system-home'].map((j) => `backup_monitoring_job_slow_multiplier{${labels(j)}} 3`),
      ].sort(),
    );
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
    chmodSync(dir, 0o755);
    const before = readdirSync(dir).sort();
    const result = await ubm(['health', '--textfile-dir', dir], { unprivileged: true });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: `ubm health: textfile directory ${dir} is not writable (EACCES)\n` });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('exits 2 with one line per config problem, writing nothing', async () => {
    const dir = copyCase('healthy');
    const result = await health(['--textfile-dir', dir, '--config', join(FIXTURES, 'config', 'bad.yaml')]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.startsWith(`ubm health: ${join(FIXTURES, 'config', 'bad.yaml')}: restic.jobs.system-home.repository: `)).toBe(true);
    expect(readdirSync(dir)).not.toContain(HEALTH_FILE);
  });

  it('exits 2 on an unknown flag', async () => {
    expect(await health(['--bogus'])).toEqual({ code: 2, stdout: '', stderr: "ubm health: unknown flag '--bogus' (see --help)\n" });
  });
});
