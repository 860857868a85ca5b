/**
 * Good configs resolve into the model every generator reads: the design's job union, thresholds
 * scaled from frequencies and overridden per job and class, the kit's defaults, and no secrets.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { EXAMPLE_CONFIG_NAME, configJsonSchema, loadConfig, loadConfigText } from '../src/config/load.js';
import type { ResolvedConfig, ResolvedJob } from '../src/config/model.js';
import { captureIo } from './support/capture-io.js';
import { REPO_ROOT } from './support/tools.js';

const GOOD = join(REPO_ROOT, 'fixtures', 'config', 'good');

function load(name: string): ResolvedConfig {
  const dir = join(GOOD, name);
  const file = readdirSync(dir).find((f) => f.startsWith('config.'));
  if (file === undefined) throw new Error(`no config in ${dir}`);
  return loadConfig(file, dir).config;
}

function job(config: ResolvedConfig, name: string): ResolvedJob {
  const j = config.jobs.find((x) => x.name === name);
  if (j === undefined) throw new Error(`no job ${name}: ${config.jobs.map((x) => x.name).join(', ')}`);
  return j;
}

describe('good configs', () => {
  it.each(readdirSync(GOOD).sort())('%s resolves to the recorded model', async (name) => {
    await expect(`${JSON.stringify(load(name), null, 2)}\n`).toMatchFileSnapshot(join(GOOD, name, 'resolved.json'));
  });

  it("takes a NixOS export's jobs from _internal.allJobs and restic.jobs once each", () => {
    const c = load('nix-export');
    expect(c.jobs.map((j) => j.name)).toEqual(['postgres-pgbackrest', 'service-grafana', 'service-loki', 'service-plex', 'system-home']);
    expect(job(c, 'postgres-pgbackrest').source).toBe('restic.jobs');
    expect(job(c, 'service-grafana').source).toBe('allJobs');
    expect(job(c, 'service-grafana').tags).toEqual(['grafana', 'monitoring']);
  });

  it('adds the allowances to the interval: daily 30 h, weekly 207 h, an OnCalendar time of day daily', () => {
    const c = load('nix-export');
    expect(job(c, 'service-loki').staleThresholdSeconds).toBe(30 * 3600);
    // 168 h + 30 min randomized delay + 22.9 % of 168 h grace (38.5 h).
    expect(job(c, 'service-plex').staleThresholdSeconds).toBe(207 * 3600);
    expect(job(c, 'system-home')).toMatchObject({ frequency: '*-*-* 03:15:00', intervalSeconds: 86_400, staleThresholdSeconds: 30 * 3600 });
  });

  it('fills a minimal hand-written config with the design defaults', () => {
    const c = load('hand-written-minimal');
    expect(c.jobs).toEqual([
      { name: 'home', repository: 'nas', frequency: 'daily', intervalSeconds: 86_400, staleThresholdSeconds: 108_000, slowMultiplier: 2, shrinkRatio: 0.5, tags: [], source: 'restic.jobs' },
    ]);
    expect(c.postgres.enabled).toBe(false);
    expect(c.verification).toMatchObject({ enabled: true, intervalSeconds: 7 * 86_400, staleThresholdSeconds: 168 * 3600 });
    expect(c.verification.restoreTesting).toMatchObject({ enabled: true, intervalSeconds: 31 * 86_400, staleThresholdSeconds: 3_294_000 });
    expect(c.alerting).toMatchObject({ enabled: true, dailyStaleSeconds: 30 * 3600, slowMinDurationSeconds: 300, slowMinBaselineRuns: 3, healthStaleSeconds: 900, nodeExporterJob: 'node' });
    expect(c.hostnames).toEqual(['localhost']);
  });

  it('lets a job override beat a class override beat the global threshold, knob by knob', () => {
    const c = load('overrides');
    // backupStaleHours 36: the interval plus (36 h - 24.5 h) / 24 h of it, plus the default randomized delay (30 min) and grace 1h (class system).
    expect(job(c, 'home')).toMatchObject({ staleThresholdSeconds: 86_400 + 41_400 + 1800 + 3600, slowMultiplier: 4 });
    // hourly, the same share of it, + expectedDuration 5m (job) + grace 1h (class system) + randomizedDelay 15m (class small).
    expect(job(c, 'etc')).toMatchObject({ staleThresholdSeconds: 3600 + 1725 + 300 + 3600 + 900, slowMultiplier: 5 });
    expect(job(c, 'photos')).toMatchObject({ staleThresholdSeconds: 10 * 86_400, slowMultiplier: 3 });
    expect(job(c, 'db-dump')).toMatchObject({ intervalSeconds: 1800, staleThresholdSeconds: 7200 });
  });

  it('reads the kit additions: severity map, runbook URL, hostnames and alerting knobs', () => {
    const c = load('overrides');
    expect(c.alerting.severityMap).toEqual({ critical: 'critical', high: 'warning', medium: 'warning', low: 'low', info: 'info' });
    expect(c.alerting).toMatchObject({
      runbookBaseUrl: 'https://wiki.example.org/backups/runbooks',
      slowMinDurationSeconds: 600,
      slowMinBaselineRuns: 5,
      healthStaleSeconds: 1800,
      nodeExporterJob: 'node-exporter',
    });
    // The older spelling of UnifiedBackupNeverReported's for: still counts.
    expect(c.alerting.forSeconds.UnifiedBackupNeverReported).toBe(2 * 86_400);
    expect(c.hostnames).toEqual(['nas', 'web-1']);
  });

  it("replaces the for: of the alerts ubm.alerting.for names, in whole seconds, and keeps the others' defaults", () => {
    const c = load('alert-for');
    expect(c.alerting.forSeconds).toMatchObject({
      UnifiedBackupFailed: 0,
      UnifiedBackupStale: 0,
      UnifiedBackupSlow: 900,
      UnifiedBackupNeverReported: 0,
      ResticVerificationStale: 6 * 3600,
      ResticRestoreTestFailed: 6 * 3600 + 600,
      PostgresOffsiteBackupFailed: 86_400,
      BackupMonitoringUnhealthy: 90,
      // Not named: the defaults.
      ResticVerificationFailed: 300,
      PostgresOffsiteBackupStale: 600,
      PostgresBackupVerificationStale: 3600,
    });
  });

  it.each([
    ['the default backupStaleHours', 'ubm: { hostnames: [forge] }\n', 30 * 3600],
    ['backupStaleHours 36', 'monitoring: { alerting: { thresholds: { backupStaleHours: 36 } } }\n', 36 * 3600],
  ])("waits the daily stale threshold before UnifiedBackupNeverReported fires by default, with %s", (_case, yaml, seconds) => {
    expect(loadConfigText(yaml, 'c.yaml').alerting.forSeconds.UnifiedBackupNeverReported).toBe(seconds);
  });

  it.each([
    ['minutely', 60],
    ['quarter-hourly', 900],
    ['six-hours', 6 * 3600],
    ['twice-a-day', 12 * 3600],
    ['workdays', 3 * 86_400],
    ['first-of-month', 31 * 86_400],
    ['day-and-a-half', 36 * 3600],
  ])('derives the interval of job %s as %i seconds', (name, seconds) => {
    expect(job(load('frequencies'), name).intervalSeconds).toBe(seconds);
  });

  it('expects nothing of a config with enable: false', () => {
    const c = load('disabled');
    expect(c.jobs).toEqual([]);
    expect([c.verification.enabled, c.postgres.enabled, c.monitoring.enabled, c.alerting.enabled]).toEqual([false, false, false, false]);
  });

  it('keeps repository URLs, password files and environment files out of the model', () => {
    const resolved = JSON.stringify(load('credentials'));
    const raw = readFileSync(join(GOOD, 'credentials', 'config.yaml'), 'utf8');
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'correct-horse', 'hunter2', 'aws-credentials-env', 'rest-password-file', 'secret-archive']) {
      expect(raw).toContain(secret);
      expect(resolved).not.toContain(secret);
    }
  });
});

describe('the built-in example', () => {
  it("is the design's own setup: nas-primary and r2-offsite, services with grafana on snapshots, pgBackRest repo1 and offsite repo2", () => {
    const { config, name } = loadConfig(undefined, REPO_ROOT);
    expect(name).toBe(EXAMPLE_CONFIG_NAME);
    expect(config.repositories.map((r) => r.name)).toEqual(['nas-primary', 'r2-offsite']);
    expect(config.jobs.map((j) => j.name)).toEqual([
      'postgres-pgbackrest',
      'service-dispatcharr',
      'service-grafana',
      'service-loki',
      'service-plex',
      'service-sonarr',
      'system-home',
    ]);
    expect(config.postgres).toMatchObject({ enabled: true, offsiteJob: 'postgres-pgbackrest', offsiteRepository: 'r2-offsite' });
    expect(config.postgres.pgbackrestRepos).toEqual([
      { name: 'repo1', offsite: false },
      { name: 'repo2', offsite: true },
    ]);
    expect(config.verification.enabled && config.verification.restoreTesting.enabled).toBe(true);
  });
});

describe('config files', () => {
  it('reads JSON and YAML alike', () => {
    const yaml = loadConfigText('repositories: { nas: {} }\nrestic: { jobs: { home: { repository: nas } } }\n', 'c.yaml');
    const json = loadConfigText('{"repositories": {"nas": {}}, "restic": {"jobs": {"home": {"repository": "nas"}}}}', 'c.json');
    expect(json).toEqual(yaml);
  });

  it('treats the same job name twice as one job, the hand-declared one first', () => {
    const c = loadConfigText(
      `repositories: { a: {}, b: {} }
restic: { jobs: { service-x: { repository: b, frequency: hourly } } }
_internal: { allJobs: { service-x: { repository: a } } }
services: { x: { backup: { enable: true, repository: a } } }
`,
      'c.yaml',
    );
    expect(c.jobs).toHaveLength(1);
    expect(c.jobs[0]).toMatchObject({ name: 'service-x', repository: 'b', frequency: 'hourly' });
  });

  it('makes no job of a disabled job, a disabled service or a service backup without enable: true', () => {
    const c = loadConfigText(
      `repositories: { a: {} }
restic: { jobs: { off: { repository: a, enable: false } } }
services:
  s1: { enable: false, backup: { enable: true, repository: a } }
  s2: { backup: { repository: a } }
  s3: { backup: { enable: true, repository: a } }
`,
      'c.yaml',
    );
    expect(c.jobs.map((j) => j.name)).toEqual(['service-s3']);
  });
});

describe('ubm schema', () => {
  it('prints the JSON Schema derived from the zod schema, strict at every level the kit reads', async () => {
    const io = captureIo(REPO_ROOT);
    expect(await main(['schema'], io)).toBe(0);
    const printed = JSON.parse(io.out()) as Record<string, unknown>;
    expect(printed).toEqual(configJsonSchema());
    const props = printed.properties as Record<string, { additionalProperties?: unknown; properties?: Record<string, unknown> }>;
    expect(Object.keys(props).sort()).toEqual(
      ['_internal', 'enable', 'globalSettings', 'monitoring', 'performance', 'postgres', 'repositories', 'restic', 'schedule', 'serviceDiscovery', 'services', 'snapshots', 'ubm', 'verification'].sort(),
    );
    expect(printed.additionalProperties).toBe(false);
    expect(Object.keys(props.ubm?.properties ?? {})).toEqual(expect.arrayContaining(['jobs', 'classes', 'severities', 'runbookBaseUrl', 'hostnames']));
  });

  it('rejects arguments', async () => {
    const io = captureIo(REPO_ROOT);
    expect(await main(['schema', '--pretty'], io)).toBe(2);
    expect(io.err()).toBe("ubm schema: unknown flag '--pretty' (see --help)\n");
  });
});
