/**
 * The config's shape: the design's `modules.services.backup` option tree (as `nix eval --json`
 * prints it), an optional top-level `services` map for hand-written configs, and the kit's own
 * additions under `ubm`. Strict objects: a key that is neither the design's nor the kit's is an error.
 * `ubm schema` prints this very schema as JSON Schema.
 */
import { z } from 'zod';
import { formatDuration, parseDurationSeconds } from '../util/duration.js';
import { ALERT_NAMES, type AlertName } from './alert-names.js';
import * as d from './defaults.js';
import { frequencyInterval } from './frequency.js';

/** Options of the design the kit has no use for: accepted, never read. */
function ignored(what: string): z.ZodOptional<z.ZodUnknown> {
  return z.unknown().describe(`Accepted and ignored (${what}).`).optional();
}

const DURATION_MESSAGE = "expected a duration such as '30m' or '26h', or a number of seconds";

/** A duration: seconds as a number, or a string such as `30m`, `26h`, `1d12h`. */
const duration = z.union(
  [
    z.number().nonnegative(),
    z.string().refine((s) => parseDurationSeconds(s) !== undefined, { error: DURATION_MESSAGE }),
  ],
  { error: DURATION_MESSAGE },
);

const frequency = z
  .string()
  .superRefine((s, ctx) => {
    const r = frequencyInterval(s);
    if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error });
  })
  .describe('systemd calendar shorthand (hourly, daily, weekly, monthly, ...), an OnCalendar expression with a fixed interval, or a duration (6h).');

const nonEmpty = z.string().min(1, { error: 'must not be empty' });

/** A pgBackRest repository name: `repo` and its number (repo1, repo2, ...). */
export const PGBACKREST_REPO_PATTERN = /^repo[1-9][0-9]*$/;

/** ZFS snapshot options, shared by jobs and service backups. */
const snapshotFields = {
  useSnapshots: z.boolean().optional(),
  zfsDataset: z.string().nullable().optional().describe('Required when useSnapshots is true.'),
};

/** What a job backs up and how it runs: the design's business, not the monitoring's. */
const ignoredJobFields = {
  paths: ignored('backup paths'),
  excludePatterns: ignored('exclude patterns'),
  preBackupScript: ignored('hook script'),
  postBackupScript: ignored('hook script'),
  resources: ignored('systemd resource limits'),
};

/** A job that uses snapshots must name its ZFS dataset. */
function requireDatasetForSnapshots(j: { useSnapshots?: boolean | undefined; zfsDataset?: string | null | undefined }, ctx: z.RefinementCtx): void {
  if (j.useSnapshots === true && (j.zfsDataset === undefined || j.zfsDataset === null || j.zfsDataset === '')) {
    ctx.addIssue({ code: 'custom', path: ['zfsDataset'], message: 'required when useSnapshots is true' });
  }
}

/** The design's job submodule (`_internal.allJobs.<name>`, `restic.jobs.<name>`). */
const job = z
  .strictObject({
    enable: z.boolean().optional().describe('Jobs with enable: false are not expected to run.'),
    repository: nonEmpty.describe('Name of the repository (a key of repositories).'),
    frequency: frequency.optional().describe(`How often the job runs (default ${d.DEFAULT_FREQUENCY}); its stale threshold derives from it.`),
    tags: z.array(z.string()).optional().describe('Snapshot tags; a tag names a job class for ubm.classes overrides.'),
    ...snapshotFields,
    ...ignoredJobFields,
  })
  .superRefine(requireDatasetForSnapshots);

/** The design's service backup submodule (`services.<name>.backup`). */
const serviceBackup = z
  .strictObject({
    enable: z.boolean().optional().describe('Only services with enable: true get a job (service-<name>).'),
    repository: nonEmpty.describe('Name of the repository (a key of repositories).'),
    frequency: frequency.optional(),
    tags: z.array(z.string()).optional(),
    ...snapshotFields,
    ...ignoredJobFields,
    retention: ignored('retention policy'),
  })
  .superRefine(requireDatasetForSnapshots);

const repository = z.strictObject({
  url: z.string().optional().describe('Read only to be dropped: a URL never leaves the config.'),
  passwordFile: z.string().optional().describe('A file path; never read.'),
  environmentFile: z.string().nullable().optional().describe('A file path; never read.'),
  primary: z.boolean().optional(),
  type: z.enum(['local', 's3', 'b2', 'rest']).optional(),
  repositoryName: z.string().optional().describe("Display name such as 'NFS' or 'R2'."),
  repositoryLocation: z.string().optional().describe("Location such as 'nas-1' or 'offsite'."),
  pruneSchedule: ignored('prune schedule'),
});

const thresholds = z.strictObject({
  backupStaleHours: z.number().positive().optional().describe(`Stale threshold of a daily job in hours (default ${d.BACKUP_STALE_HOURS}); other frequencies scale by backupStaleHours/24.`),
  slowBackupMultiplier: z.number().gt(1).optional().describe(`A run slower than this multiple of its baseline is slow (default ${d.SLOW_BACKUP_MULTIPLIER}).`),
  verificationStaleHours: z.number().positive().optional().describe(`Hours without a passing verification before it is stale (default ${d.VERIFICATION_STALE_HOURS}).`),
});

/** Per-job or per-class threshold overrides (`ubm.jobs.<job>`, `ubm.classes.<tag>`). */
const overrides = z.strictObject({
  staleAfter: duration.optional().describe('The stale threshold itself, replacing the derived one.'),
  slowMultiplier: z.number().gt(1).optional().describe('Replaces slowBackupMultiplier for the job.'),
  randomizedDelay: duration.optional().describe("Added to the derived threshold: the timer's RandomizedDelaySec (default 0)."),
  expectedDuration: duration.optional().describe("Added to the derived threshold: the job's usual run time (default 0)."),
  grace: duration.optional().describe('Added to the derived threshold: any further slack (default 0).'),
});

/** `ubm.alerting.for`: one optional duration per alert name; any other key is an unknown key with a "did you mean". */
const alertFor = z
  .strictObject(
    Object.fromEntries(
      ALERT_NAMES.map((name) => {
        const def = d.defaultForSeconds(d.BACKUP_STALE_HOURS)[name];
        const note = name === 'UnifiedBackupNeverReported' ? `one daily stale threshold, ${formatDuration(d.NEVER_REPORTED_FOR_SECONDS)} at backupStaleHours ${d.BACKUP_STALE_HOURS}` : formatDuration(def);
        return [name, duration.optional().describe(`for: of ${name} (default ${note}).`)];
      }),
    ) as Record<AlertName, z.ZodOptional<typeof duration>>,
  )
  .describe("Replaces alerts' for: durations, e.g. {UnifiedBackupFailed: 0s}; keys are alert names, values durations (whole seconds).");

const ubm = z.strictObject({
  hostnames: z.array(nonEmpty).min(1).optional().describe("The fleet's hostnames; only example data uses them (default [localhost])."),
  runbookBaseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional().describe('Where docs/runbooks.md is published; runbook_url = this + #alertname.'),
  severities: z
    .strictObject({
      critical: nonEmpty.optional(),
      high: nonEmpty.optional(),
      medium: nonEmpty.optional(),
      low: nonEmpty.optional(),
      info: nonEmpty.optional(),
    })
    .optional()
    .describe('Maps the design severities to the labels written on alerts, e.g. {high: warning, medium: warning}.'),
  alerting: z
    .strictObject({
      slowMinDuration: duration.optional().describe(`Runs shorter than this never count as slow (default ${d.SLOW_MIN_DURATION_SECONDS}s).`),
      slowMinBaselineRuns: z.number().int().positive().optional().describe(`Successful runs the baseline needs before slow alerts start (default ${d.SLOW_MIN_BASELINE_RUNS}).`),
      healthStaleAfter: duration.optional().describe(`Age of the last self-check at which it counts as stopped (default ${d.HEALTH_STALE_SECONDS}s).`),
      nodeExporterJob: nonEmpty.optional().describe(`Prometheus scrape job of node_exporter (default ${d.NODE_EXPORTER_JOB}).`),
      for: alertFor.optional(),
      neverReportedFor: duration.optional().describe('Kept for compatibility: the same as for.UnifiedBackupNeverReported (set only one of them).'),
    })
    .optional(),
  jobs: z.record(z.string(), overrides).optional().describe('Threshold overrides per job name; beat class and global settings.'),
  classes: z.record(z.string(), overrides).optional().describe('Threshold overrides per job tag; beat global settings.'),
  verification: z.strictObject({ staleAfter: duration.optional() }).optional().describe('Overrides verificationStaleHours for restic check.'),
  restoreTesting: z.strictObject({ staleAfter: duration.optional() }).optional().describe('Stale threshold of restore tests (default: their interval x backupStaleHours/24).'),
  postgres: z
    .strictObject({
      stanzas: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected a pgBackRest stanza name' })).min(1).optional().describe('pgBackRest stanzas (default [main]).'),
      repos: z.array(z.string().regex(PGBACKREST_REPO_PATTERN, { error: "expected a pgBackRest repository name such as 'repo1'" })).optional().describe('pgBackRest repositories besides the offsite ones (default [repo1]).'),
      offsiteMaxAge: duration.optional().describe('Age after which the offsite copy is no longer recent (default: one daily stale threshold).'),
      verificationStaleAfter: duration.optional().describe('Overrides verificationStaleHours for PostgreSQL backup verification.'),
    })
    .optional(),
});

/** The whole config file. */
export const configSchema = z
  .strictObject({
    enable: z.boolean().optional().describe('enable: false turns the whole setup off: no job, verification, PostgreSQL part or alert is expected.'),
    repositories: z.record(z.string(), repository).optional(),
    restic: z
      .strictObject({
        enable: z.boolean().optional().describe('enable: false: no restic job is expected to run.'),
        jobs: z.record(z.string(), job).optional(),
      })
      .optional(),
    _internal: z.strictObject({ allJobs: z.record(z.string(), job).optional() }).optional(),
    services: z
      .record(
        z.string(),
        z.strictObject({
          enable: z.boolean().optional().describe('A disabled service gets no job.'),
          backup: serviceBackup.nullable().optional(),
          dataDir: ignored('data directory'),
        }),
      )
      .optional()
      .describe('Hand-written service declarations: each enabled backup is a job named service-<name>.'),
    postgres: z
      .strictObject({
        enable: z.boolean().optional(),
        pgbackrest: z
          .strictObject({
            enableOffsite: z.boolean().optional().describe('The restic job postgres-pgbackrest carries the archives offsite.'),
            offsiteRepository: z.string().optional().describe('Restic repository of that job; must be a key of repositories.'),
            offsiteRepos: z
              .array(z.string().regex(PGBACKREST_REPO_PATTERN, { error: "expected a pgBackRest repository name such as 'repo2'" }))
              .optional()
              .describe('ubm addition: pgBackRest repositories that are offsite copies (e.g. [repo2]).'),
            archivePath: ignored('archive path'),
            excludePatterns: ignored('exclude patterns'),
          })
          .optional(),
        verification: z
          .strictObject({
            enable: z.boolean().optional(),
            schedule: frequency.optional(),
            testDatabase: ignored('test database'),
          })
          .optional(),
      })
      .optional(),
    snapshots: z.strictObject({ enable: ignored('ZFS snapshot coordination'), retentionPolicy: ignored('snapshot retention') }).optional(),
    monitoring: z
      .strictObject({
        enable: z.boolean().optional(),
        textfileCollector: z
          .strictObject({
            directory: z.string().min(1).optional(),
            retentionDays: z.number().int().nonnegative().optional(),
          })
          .optional(),
        alerting: z.strictObject({ enable: z.boolean().optional(), thresholds: thresholds.optional() }).optional(),
        dashboards: z.strictObject({ enable: z.boolean().optional(), outputPath: ignored('dashboard output path') }).optional(),
      })
      .optional(),
    verification: z
      .strictObject({
        enable: z.boolean().optional(),
        schedule: frequency.optional(),
        checkData: z.boolean().optional(),
        checkDataSubset: z.string().regex(/^(\d+(\.\d+)?%|\d+\/\d+|\d+[KMGT]?)$/, { error: "expected a restic --read-data-subset value such as '10%' or '1/5'" }).optional(),
        restoreTesting: z
          .strictObject({
            enable: z.boolean().optional(),
            schedule: frequency.optional(),
            sampleFiles: z.number().int().positive().optional(),
          })
          .optional(),
        testDir: ignored('restore test directory'),
        reporting: ignored('verification reports'),
      })
      .optional(),
    globalSettings: ignored('compression, retention, concurrency'),
    serviceDiscovery: ignored('service discovery'),
    schedule: ignored('default schedules'),
    performance: ignored('cache and resources'),
    ubm: ubm.optional().describe("The kit's own additions: thresholds, severities, runbooks, fleet."),
  })
  .describe('unified-backup-monitoring config: the design\'s modules.services.backup tree plus the kit\'s additions under ubm.');

/** The config after shape validation, before resolution. */
export type ConfigInput = z.infer<typeof configSchema>;
/** Threshold overrides of a job or class. */
export type OverridesInput = z.infer<typeof overrides>;
/** A duration as written in the config. */
export type DurationInput = z.infer<typeof duration>;

/** Seconds of a duration that passed the schema. */
export function durationSeconds(value: DurationInput): number {
  return typeof value === 'number' ? value : (parseDurationSeconds(value) ?? 0);
}
