/**
 * The config's shape: the design's `modules.services.backup` option tree (as `nix eval --json`
 * prints it), an optional top-level `services` map for hand-written configs, and the kit's own
 * additions under `ubm`. Strict objects: a key that is neither the design's nor the kit's is an error.
 *
 * This is the one place each key is documented: what it does, its default and why. `ubm schema`
 * prints this very schema as JSON Schema, and docs/config.md's key tables are rendered from it
 * (src/config/docs.ts); the default values themselves live in defaults.ts.
 */
import { z } from 'zod';
import { SOURCE_FOLLOW_RUNS, SOURCE_HOLD_RATIO } from '../groups/restic-backup.js';
import { metrics } from '../schema/catalog.js';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR, formatDuration, parseDurationSeconds } from '../util/duration.js';
import { ALERT_NAMES, type AlertName } from './alert-names.js';
import * as d from './defaults.js';
import { frequencyInterval } from './frequency.js';
import { DEFAULT_OFFSITE_REPOSITORY, PGBACKREST_OFFSITE_JOB } from './jobs.js';
import { pruneStaleThresholdSeconds } from './maintenance.js';
import { kubernetesSchema } from './kubernetes.js';
import { IDENTIFYING_LABEL_PATTERN, reservedLabels } from './labels.js';
import { labelValueProblem } from '../util/labels.js';

/** A default as the key itself accepts it (JSON Schema's `default`). */
type DefaultValue = string | number | boolean | readonly string[];

/** What `ubm schema` and docs/config.md say about a key. */
interface KeyDoc {
  /** What the key does and, when it has a default, why that default. */
  readonly description: string;
  /** The default, when it is a fixed value. */
  readonly default?: DefaultValue;
  /** The default in words, when it derives from other keys (JSON Schema's `default` holds values only). */
  readonly defaultDescription?: string;
}

/** Attaches a key's documentation to its schema (zod metadata, which z.toJSONSchema copies). */
function knob<T extends z.ZodType>(schema: T, doc: KeyDoc): T {
  return schema.meta({ ...doc });
}

/** How the description of every accepted-but-ignored key begins (src/config/docs.ts lists them apart). */
export const IGNORED_DESCRIPTION = 'Accepted and ignored';

/** Options of the design the kit has no use for: accepted, never read. */
function ignored(what: string): z.ZodOptional<z.ZodUnknown> {
  return z.unknown().describe(`${IGNORED_DESCRIPTION}: ${what}.`).optional();
}

/** A map key's name, as docs/config.md writes the key (`restic.jobs.<job>`). */
function mapKey(name: string): z.ZodString {
  return z.string().meta({ title: name });
}

const DURATION_MESSAGE = "expected a duration such as '30m' or '26h', or a number of seconds";

/**
 * The longest duration the config takes: two years (twice the yearly interval, the longest
 * frequency), which still fits a yearly job's derived threshold. Longer ones say nothing more and
 * would only make Prometheus keep state, and the generated tests span time, for nothing.
 */
export const MAX_DURATION_SECONDS = 2 * 366 * SECONDS_PER_DAY;
/**
 * The longest `for:`: 31 days. An alert's tests must wait its `for:` out step by step (promtool
 * cannot start an alert pending), so their run time grows with it; and a condition held for a month
 * has long been worth a notification.
 */
export const MAX_FOR_SECONDS = 31 * SECONDS_PER_DAY;
/**
 * The largest backupStaleHours: 744 h (31 days). It is UnifiedBackupNeverReported's default `for:`
 * (see MAX_FOR_SECONDS), and a daily job unseen for a month is no longer watched.
 */
export const MAX_BACKUP_STALE_HOURS = MAX_FOR_SECONDS / SECONDS_PER_HOUR;
/**
 * The shortest stale threshold or age: one second (rules write whole seconds). 0 would call every
 * job stale at once; anything under the scrape interval is only for tests that must fire fast.
 */
export const MIN_THRESHOLD_SECONDS = 1;
/** The largest slow-run multiplier: a run a hundred times its baseline is slow by any measure. */
export const MAX_SLOW_MULTIPLIER = 100;
/** The most runs a baseline may have to average before slow-run alerts start. */
export const MAX_BASELINE_RUNS = 1000;
/** The most sample files a restore test takes (what `ubm verify --sample-files` accepts). */
export const MAX_SAMPLE_FILES = 1000;

/** How the bounds of a duration read in descriptions. */
const DURATION_BOUNDS = `Durations run from 0 to ${formatDuration(MAX_DURATION_SECONDS)} (two years).`;
/** How the bounds of a stale threshold or age read in descriptions. */
const THRESHOLD_BOUNDS = `From ${formatDuration(MIN_THRESHOLD_SECONDS)} to ${formatDuration(MAX_DURATION_SECONDS)} (two years): 0 would call the job stale at once, and less than the scrape interval suits only tests.`;
/** How the bounds of an hours threshold read in descriptions. */
const HOURS_BOUNDS = `From 1 to ${MAX_DURATION_SECONDS / SECONDS_PER_HOUR} (two years).`;
/** How the bounds of a `for:` read in descriptions. */
const FOR_BOUNDS = `From 0 to ${formatDuration(MAX_FOR_SECONDS)}: promtool replays an alert's \`for:\` step by step in its tests.`;

/** A duration from `minSeconds` to `maxSeconds`: seconds as a number, or a string such as `30m`, `26h`, `1d12h`. */
function durationBetween(minSeconds: number, maxSeconds: number) {
  return z
    .union(
      [
        z.number().nonnegative(),
        z.string().refine((s) => parseDurationSeconds(s) !== undefined, { error: DURATION_MESSAGE }),
      ],
      { error: DURATION_MESSAGE },
    )
    .superRefine((v, ctx) => {
      const seconds = typeof v === 'number' ? v : parseDurationSeconds(v);
      // An unreadable string has its own issue already.
      if (seconds === undefined) return;
      if (seconds < minSeconds) ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(minSeconds)}` });
      else if (seconds > maxSeconds) ctx.addIssue({ code: 'custom', message: `must be at most ${formatDuration(maxSeconds)}` });
    })
    .meta({ title: 'duration' });
}

/** A duration: 0 to two years. */
const duration = durationBetween(0, MAX_DURATION_SECONDS);
/** A stale threshold or an age: one second to two years. */
const threshold = durationBetween(MIN_THRESHOLD_SECONDS, MAX_DURATION_SECONDS);
/** The shortest age a periodic check compares with (restic locks): one minute, as such checks run every few minutes at most. */
const MIN_CHECKED_AGE_SECONDS = 60;
/** An age compared at a periodic check: one minute to two years. */
const checkedAge = durationBetween(MIN_CHECKED_AGE_SECONDS, MAX_DURATION_SECONDS);
/** How the bounds of such an age read in descriptions. */
const CHECKED_AGE_BOUNDS = `From ${formatDuration(MIN_CHECKED_AGE_SECONDS)} to ${formatDuration(MAX_DURATION_SECONDS)} (two years).`;
/** An alert's `for:`: 0 to 31 days. */
const forDuration = durationBetween(0, MAX_FOR_SECONDS);
/** Hours of a threshold (backupStaleHours, verificationStaleHours): 1 to two years' worth. */
const thresholdHours = z.number().min(1).max(MAX_DURATION_SECONDS / SECONDS_PER_HOUR);

const frequency = z
  .string()
  .superRefine((s, ctx) => {
    const r = frequencyInterval(s);
    if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error });
  })
  .meta({ title: 'frequency' });

const nonEmpty = z.string().min(1, { error: 'must not be empty' });

/** Whether a URL carries a user or password (`https://user:password@host/`). */
function hasUrlCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** A pgBackRest repository name: `repo` and its number (repo1, repo2, ...). */
export const PGBACKREST_REPO_PATTERN = /^repo[1-9][0-9]*$/;

/** The daily stale threshold at its default, in words. */
const DAILY_STALE_DEFAULT = `the daily stale threshold (${d.BACKUP_STALE_HOURS} h)`;
/** A derived stale threshold, in words: a schedule's allowances added to its interval. */
const DERIVED_STALE = 'interval x (1 + (backupStaleHours - 24.5 h)/24 h) + randomizedDelay + expectedDuration + grace';

/** The fields of a job that the kit reads, shared by jobs and service backups. */
const jobFields = {
  repository: knob(nonEmpty, { description: 'The restic repository the job writes to: must be a key of `repositories`.' }),
  frequency: knob(frequency.optional(), {
    description:
      'How often the job runs: a systemd calendar shorthand (hourly, daily, weekly, ...), an OnCalendar expression with a fixed interval, or a duration (6h); see Frequencies. Its longest gap is the interval its stale threshold derives from.',
    default: d.DEFAULT_FREQUENCY,
  }),
  tags: knob(z.array(z.string()).optional(), { description: 'Snapshot tags; each names a job class for `ubm.classes` overrides, and `ubm verify --config` selects the job\'s snapshots by all of them (restic\'s `--tag`).', default: [] }),
  paths: knob(z.array(z.string()).optional(), {
    description: "The job's backup paths. `ubm verify --config` selects the snapshots of a job without tags by them (restic's `--path`) to restore-test its latest one.",
    default: [],
  }),
  useSnapshots: knob(z.boolean().optional(), { description: 'Back up from a ZFS snapshot; the kit only checks that `zfsDataset` is set.', default: false }),
  zfsDataset: knob(z.string().nullable().optional(), { description: 'The ZFS dataset to snapshot; required when `useSnapshots` is true.' }),
};

/** What a job backs up and how it runs: the design's business, not the monitoring's. */
const ignoredJobFields = {
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

/** The design's job submodule (`_internal.allJobs.<job>`, `restic.jobs.<job>`). */
const job = z
  .strictObject({
    enable: knob(z.boolean().optional(), { description: '`false`: the job is not expected to run.', default: true }),
    ...jobFields,
    ...ignoredJobFields,
  })
  .superRefine(requireDatasetForSnapshots);

/** The design's service backup submodule (`services.<name>.backup`). */
const serviceBackup = z
  .strictObject({
    enable: knob(z.boolean().optional(), { description: 'Only a backup with `enable: true` (of a service that is not `enable: false`) is a job.', default: false }),
    ...jobFields,
    ...ignoredJobFields,
    retention: ignored('retention policy'),
  })
  .superRefine(requireDatasetForSnapshots);

/** A prune schedule: a frequency, or empty for a repository the design does not prune. */
const pruneFrequency = z
  .string()
  .superRefine((s, ctx) => {
    const r = s.trim() === '' ? undefined : frequencyInterval(s);
    if (r !== undefined && 'error' in r) ctx.addIssue({ code: 'custom', message: r.error });
  })
  .meta({ title: 'frequency' });

const SHOWN_ON_NOTHING = 'Kept in the resolved config; the generated rules and dashboards do not read it.';

const repository = z.strictObject({
  url: knob(z.string().optional(), { description: 'Accepted and dropped at once: a URL never reaches the resolved config, a metric, a rule or a dashboard.' }),
  passwordFile: knob(z.string().optional(), { description: 'A secret file path: accepted and dropped at once, never read.' }),
  environmentFile: knob(z.string().nullable().optional(), { description: 'A secret file path: accepted and dropped at once, never read.' }),
  primary: knob(z.boolean().optional(), { description: `Whether this is the host's primary repository. ${SHOWN_ON_NOTHING}`, default: false }),
  type: knob(z.enum(['local', 's3', 'b2', 'rest']).optional(), { description: `The repository's backend. ${SHOWN_ON_NOTHING}` }),
  repositoryName: knob(z.string().optional(), { description: `Display name such as \`NFS\` or \`R2\`. ${SHOWN_ON_NOTHING}` }),
  repositoryLocation: knob(z.string().optional(), { description: `Location such as \`nas-1\` or \`offsite\`. ${SHOWN_ON_NOTHING}` }),
  pruneSchedule: knob(pruneFrequency.nullable().optional(), {
    description:
      'How often the repository is pruned (`restic forget --prune`, or `restic prune`, recorded with `ubm run --operation prune`): a frequency, as a job\'s. ' +
      `ResticMaintenanceStale fires when no prune of the repository has succeeded for the threshold derived from it as a job's is from its frequency (interval + randomizedDelay + grace: ${formatDuration(pruneStaleThresholdSeconds(d.PRUNE_SCHEDULE, d.DAILY_STALE_SECONDS))} for weekly at the defaults), unless \`ubm.maintenance.staleAfter\` replaces it. ` +
      `Empty or null (what the design prints for a repository it does not prune, such as an append-only offsite one) or absent: ${d.PRUNE_SCHEDULE}, which counts only if a prune of the repository is recorded at all.`,
    defaultDescription: d.PRUNE_SCHEDULE,
  }),
});

const thresholds = z.strictObject({
  backupStaleHours: knob(z.number().min(1).max(MAX_BACKUP_STALE_HOURS).optional(), {
    description:
      `The daily stale threshold: hours without a successful run after which a daily job is stale. Every other frequency scales by the same factor, backupStaleHours/24 (${d.BACKUP_STALE_HOURS / 24} by default: hourly 75 min, weekly 210 h). ` +
      `${d.BACKUP_STALE_HOURS} h is one day plus a 6 h buffer for the timer's 30-minute randomized delay, a long run and a late reboot. ` +
      `From 1 to ${MAX_BACKUP_STALE_HOURS} (31 days): it is also UnifiedBackupNeverReported's default \`for:\`.`,
    default: d.BACKUP_STALE_HOURS,
  }),
  slowBackupMultiplier: knob(z.number().gt(1).max(MAX_SLOW_MULTIPLIER).optional(), {
    description:
      `A run slower than this multiple of its baseline (the moving average of earlier successful runs) is slow; must be greater than 1 and at most ${MAX_SLOW_MULTIPLIER}. ` +
      `${d.SLOW_BACKUP_MULTIPLIER} tolerates the normal spread of incremental backups (a big change set now and then) without hiding a run that doubled.`,
    default: d.SLOW_BACKUP_MULTIPLIER,
  }),
  verificationStaleHours: knob(thresholdHours.optional(), {
    description:
      `Hours without a passing \`restic check\` or PostgreSQL backup verification after which verification is stale. ` +
      `${d.VERIFICATION_STALE_HOURS} h is the design's weekly verification schedule; the Stale alerts' \`for:\` (${formatDuration(d.VERIFICATION_STALE_FOR_SECONDS)}) covers the check's run time. ${HOURS_BOUNDS}`,
    default: d.VERIFICATION_STALE_HOURS,
  }),
});

/** A share of a job's source baselines: 0 (never) up to, not including, 1. */
const shrinkRatio = z.number().min(0).lt(1);

/** Per-job or per-class threshold overrides (`ubm.jobs.<job>`, `ubm.classes.<tag>`). */
const overrides = z.strictObject({
  staleAfter: knob(threshold.optional(), {
    description: `The stale threshold itself, replacing the derived one. ${THRESHOLD_BOUNDS}`,
    defaultDescription: DERIVED_STALE,
  }),
  slowMultiplier: knob(z.number().gt(1).max(MAX_SLOW_MULTIPLIER).optional(), {
    description: `Replaces slowBackupMultiplier for the job; must be greater than 1 and at most ${MAX_SLOW_MULTIPLIER}.`,
    defaultDescription: 'slowBackupMultiplier',
  }),
  shrinkRatio: knob(shrinkRatio.optional(), {
    description: 'Replaces `ubm.alerting.shrinkRatio` for the job: 0.1 for a job whose source varies a lot by nature (a spool or cache directory), 0 to turn UnifiedBackupSourceShrunk off for it.',
    defaultDescription: 'ubm.alerting.shrinkRatio',
  }),
  randomizedDelay: knob(duration.optional(), {
    description:
      "Added to the derived stale threshold: the timer's RandomizedDelaySec, the most a run can start late. It counts in full whatever the interval, so an hourly job with the design's 30-minute delay (a normal gap of up to 90 minutes) stays quiet. " +
      `Set 0 for a timer without a delay. ${DURATION_BOUNDS}`,
    default: formatDuration(d.RANDOMIZED_DELAY_SECONDS),
  }),
  expectedDuration: knob(duration.optional(), {
    description: "Added to the derived stale threshold: how much longer than usual a run may take (0: the grace covers normal run-time spread); set it for a job whose run time is a large part of its interval (an hourly job that runs 40 minutes).",
    default: formatDuration(d.EXPECTED_DURATION_SECONDS),
  }),
  grace: knob(duration.optional(), {
    description:
      'Added to the derived stale threshold: further slack, on top of the share of the interval that backupStaleHours gives every schedule ((backupStaleHours - 24 h - 30 min) / 24 h: 22.9 % at 30 h, so that a daily job is stale after backupStaleHours exactly, an hourly one after 1 h 43 min 45 s and a weekly one after 207 h).',
    default: formatDuration(d.GRACE_SECONDS),
  }),
});

/** Why each alert's `for:` defaults to what it does. */
const FOR_REASONS: Readonly<Record<AlertName, string>> = (() => {
  const failed = 'Rides out a systemd retry that succeeds within minutes.';
  const stale = 'A run finishing right at the threshold lands at the next scrapes.';
  const verificationStale = `The weekly check runs right as a ${d.VERIFICATION_STALE_HOURS} h threshold expires.`;
  const neverReported = 'The check\'s stale threshold, counted from when ubm health first expected it, already is the wait; a few minutes more let a first run under way land.';
  return {
    UnifiedBackupFailed: failed,
    UnifiedBackupStale: stale,
    UnifiedBackupSlow: 'The duration gauge changes once per run; a short wait avoids alerting on a half-scraped update.',
    UnifiedBackupSourceShrunk: "restic's figures and the baselines change together once per run; a few minutes let a rerun that finds the source back (after mounting it) land first.",
    UnifiedBackupUnexpectedJob: 'The file it reads only changes when ubm health runs: there is nothing to ride out, and a mistyped job name should show within one self-check.',
    UnifiedBackupNeverReported:
      'How long a configured job may go without any metric. A new daily job has run within the daily stale threshold; raise it when you often add weekly or monthly jobs (they first report after their first run).',
    ResticVerificationFailed: failed,
    ResticVerificationStale: verificationStale,
    ResticRestoreTestFailed: failed,
    ResticRestoreTestStale: verificationStale,
    PostgresBackupVerificationFailed: failed,
    PostgresBackupVerificationStale: verificationStale,
    PostgresOffsiteBackupFailed: failed,
    PostgresOffsiteBackupStale: stale,
    PgbackrestBackupStale: 'A backup finishing right at the threshold lands at the next read of pgbackrest info.',
    PgbackrestWalArchivingStuck: 'The threshold already is the wait; a few more minutes let a read under way (after `pgbackrest check` forced a WAL switch) land first.',
    PgbackrestStanzaError: 'A read that retries within minutes (a repository host waking up) does not page.',
    ResticStaleLock: 'The age is measured at each lock check and holds until the next one: the threshold already is the wait.',
    ResticLockCheckStale: 'The threshold already is the wait: it counts missed hourly checks.',
    ResticMaintenanceFailed: failed,
    ResticMaintenanceStale: stale,
    ResticVerificationNeverReported: neverReported,
    ResticMaintenanceNeverReported: neverReported,
    ResticRestoreTestNeverReported: neverReported,
    PostgresBackupVerificationNeverReported: neverReported,
    PostgresOffsiteBackupNeverReported: neverReported,
    PgbackrestNeverReported: neverReported,
    BackupMonitoringUnhealthy: 'One failed scrape or self-check is not yet a broken monitoring path.',
  };
})();

/** `ubm.alerting.for`: one optional duration per alert name; any other key is an unknown key with a "did you mean". */
const alertFor = z.strictObject(
  Object.fromEntries(
    ALERT_NAMES.map((name) => {
      const doc: KeyDoc =
        name === 'UnifiedBackupNeverReported'
          ? { description: `The \`for:\` of ${name}. ${FOR_REASONS[name]}`, defaultDescription: DAILY_STALE_DEFAULT }
          : { description: `The \`for:\` of ${name}. ${FOR_REASONS[name]}`, default: formatDuration(d.defaultForSeconds(d.DAILY_STALE_SECONDS)[name]) };
      return [name, knob(forDuration.optional(), doc)];
    }),
  ) as Record<AlertName, z.ZodOptional<typeof duration>>,
);

/** A pgBackRest backup type's schedule (`ubm.postgres.schedule.<type>`): a frequency, or false when the type is not scheduled. */
function pgBackupSchedule(type: 'full' | 'diff' | 'incr', counts: string) {
  return knob(z.union([frequency, z.literal(false).meta({ title: 'false' })]).optional(), {
    description: `How often ${type} backups run. ${counts}`,
    default: d.PG_BACKUP_SCHEDULE[type],
  });
}

/** The label a design severity is written as: itself by default. */
function severityLabel(severity: string): z.ZodOptional<typeof nonEmpty> {
  return knob(nonEmpty.optional(), { description: `The \`severity\` label of the design's ${severity} alerts.`, default: severity });
}

/** One identifying label: a label name of the user's, unique in the list (src/config/labels.ts says which are taken). */
const identifyingLabel = z
  .string()
  .regex(IDENTIFYING_LABEL_PATTERN, { error: "expected a Prometheus label name such as 'cluster' (letters, digits, _; not starting with __)" })
  .refine((l) => !reservedLabels().includes(l), { error: (issue) => `'${String(issue.input)}' is a label ubm, the scrape, the dashboards or Alertmanager already use (${reservedLabels().join(', ')})` });

const ubm = z.strictObject({
  labels: z
    .strictObject({
      identifying: knob(
        z
          .array(identifyingLabel)
          .superRefine((ls, ctx) => {
            const twice = ls.filter((l, i) => ls.indexOf(l) !== i);
            if (twice.length > 0) ctx.addIssue({ code: 'custom', message: `lists ${[...new Set(twice)].map((l) => `'${l}'`).join(', ')} twice` });
          })
          .optional(),
        {
          description:
            "Labels besides ubm's own that tell two things apart, such as `cluster` or `site` when two clusters or sites may have a host of the same name. Every rule's aggregation and join, every alert's labels and description query, the inhibit rules' `equal`, the generated promtool tests and every dashboard query then carry them, and the dashboards get a variable for each (ahead of the host's) and a column in each table, so that the same hostname in two clusters stays two series and two alerts. " +
            'ubm never writes them: the scrape must add them to the series (a `labels:` entry of the node_exporter targets, or `relabel_configs`), or the storage path (remote write, federation, Thanos); `external_labels` alone are not on the series that the same Prometheus evaluates. Default: none, and the output is what it was without the knob.',
          default: [],
        },
      ),
    })
    .optional(),
  hostnames: knob(z.array(nonEmpty).min(1).optional(), {
    description: "The fleet's hostnames. Only example data (the generated promtool tests, the dashboards' defaults) uses them; rules never name a host.",
    default: d.HOSTNAMES,
  }),
  pushgateway: z
    .strictObject({
      hostname: knob(
        nonEmpty.refine((h) => labelValueProblem(h) === undefined, { error: 'must be valid UTF-8 and hold no URL credentials (user:password@): it is a label value' }).optional(),
        {
          description:
            "The `hostname` label of what this host pushes to a Pushgateway (`--pushgateway` of `ubm emit`, `ubm run`, `ubm health`, ...) when `--hostname` is not given. Only pushes read it: textfiles are labelled with `--hostname`, else the machine's name. A push never falls back to the machine's name (a Kubernetes CronJob's pod has a new one every run, which would make every run a new host), so a push without `--hostname` or this key is a usage error. Give each host's config its own stable name. Default: none.",
        },
      ),
    })
    .optional(),
  nodeExporterUser: knob(nonEmpty.optional(), {
    description:
      "The user (a name or a uid) node_exporter runs as: `ubm health` judges the textfiles as that user reads them (a file of mode 0600 or a directory of mode 0700 that root reads is lost to it). `prometheus` is Debian's; NixOS uses `node-exporter`. `--node-exporter-user` overrides it.",
    default: d.NODE_EXPORTER_USER,
  }),
  runbookBaseUrl: knob(
    z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .refine((u) => !hasUrlCredentials(u), { error: 'must not hold credentials (user:password@): every alert would carry them in its runbook_url' })
      .optional(),
    {
      description:
        "Where docs/runbooks.md is published; an alert's `runbook_url` is this plus `#` and the alert name in lower case (the heading's anchor). Must be http(s), without credentials (`user:password@`), which every alert would carry.",
      default: d.RUNBOOK_BASE_URL,
    },
  ),
  severities: knob(
    z
      .strictObject({
        critical: severityLabel('critical'),
        high: severityLabel('high'),
        medium: severityLabel('medium'),
        low: severityLabel('low'),
        info: severityLabel('info'),
      })
      .optional(),
    { description: "Maps the design's severities to the `severity` label written on alerts, e.g. `{high: warning, medium: warning}`." },
  ),
  alerting: z
    .strictObject({
      slowMinDuration: knob(duration.optional(), {
        description:
          "Runs shorter than this never count as slow. A job that finishes within 5 minutes is not worth a notification for taking twice its usual 2 minutes; small jobs' durations are noisy (cache warm-up, lock waits). " + DURATION_BOUNDS,
        default: formatDuration(d.SLOW_MIN_DURATION_SECONDS),
      }),
      slowMinBaselineRuns: knob(z.number().int().positive().max(MAX_BASELINE_RUNS).optional(), {
        description: `Successful runs the baseline must average before slow-run alerts start, at most ${MAX_BASELINE_RUNS}. One or two runs (often the first, full backup) say little about a job's normal time.`,
        default: d.SLOW_MIN_BASELINE_RUNS,
      }),
      shrinkRatio: knob(shrinkRatio.optional(), {
        description:
          "A successful run that processed under this share of its job's source baseline, in files or in bytes, fires UnifiedBackupSourceShrunk: the backup of an unmounted disk, a snapshot that failed to mount or a wrong path, which restic reports as a success. " +
          `The baselines are moving averages of earlier successful runs that \`ubm run\` keeps (a run under ${SOURCE_HOLD_RATIO} of them is held out, whatever this ratio; after ${SOURCE_FOLLOW_RUNS} such runs in a row they follow the smaller source). ${d.SHRINK_RATIO} stays quiet for the normal churn of a data set and catches a source that lost half its files or bytes; ` +
          'raise it (0.8) to hear of smaller losses, lower it per job for sources that vary by nature. `ubm health --config` writes each job\'s ratio next to its metrics; the rules fall back to this value for hosts that write none.',
        default: d.SHRINK_RATIO,
      }),
      healthStaleAfter: knob(threshold.optional(), {
        description:
          'Age of the last self-check (`ubm health`) at which the self-check counts as stopped. The design runs it every 5 minutes; 15 minutes is three missed runs, so one slow or skipped run does not alert. ' +
          THRESHOLD_BOUNDS,
        default: formatDuration(d.HEALTH_STALE_SECONDS),
      }),
      nodeExporterJob: knob(nonEmpty.optional(), {
        description:
          "The Prometheus scrape job of node_exporter. Its `up` and textfile scrape-error series feed BackupMonitoringUnhealthy, so every target of the job counts as a backup host: point it at a scrape job of your backup hosts. `node` is the name in Prometheus' and NixOS' examples.",
        default: d.NODE_EXPORTER_JOB,
      }),
      for: knob(alertFor.optional(), {
        description:
          "Replaces alerts' `for:` durations (how long an alert's condition must hold before it fires), e.g. `{UnifiedBackupFailed: 0s}`. Keys must be alert names (a typo is an error with a \"did you mean\"); values are durations from 0 to " + `${formatDuration(MAX_FOR_SECONDS)}, rounded to whole seconds, and \`0s\` fires on the first evaluation that sees the condition. ` +
          'The generated promtool tests follow the values. Shorten them for tests, or lengthen one that pages too eagerly for your setup; the thresholds themselves stay where they are.',
      }),
      keepFiringFor: knob(forDuration.optional(), {
        description:
          "Every alert but BackupMonitoringUnhealthy keeps firing this long after its condition stops holding (Prometheus' `keep_firing_for`), so a Prometheus restart or a node_exporter outage that removes the data for a while does not resolve an incident and notify it afresh when the data returns (BackupMonitoringUnhealthy, which the outage fires, inhibits the rest meanwhile). " +
          `The price: a fixed problem's alert resolves this much later (the dashboards show the fix at once). 2h15m outlasts a 2-hour exporter outage; 0s turns it off. ${FOR_BOUNDS}`,
        default: formatDuration(d.KEEP_FIRING_FOR_SECONDS),
      }),
      neverReportedFor: knob(forDuration.optional(), {
        description: `Kept for compatibility: the same as \`ubm.alerting.for.UnifiedBackupNeverReported\`; setting both is an error. ${FOR_BOUNDS}`,
      }),
    })
    .optional(),
  jobs: knob(z.record(mapKey('job'), overrides).optional(), {
    description: "Threshold overrides per job; a job's own override beats its classes' and the global settings, knob by knob. Keys must be jobs.",
  }),
  classes: knob(z.record(mapKey('tag'), overrides).optional(), {
    description: 'Threshold overrides per job tag (a job class); they beat the global settings, and a job with several takes each knob from the first of its tags that sets it. Keys must be tags of some job.',
  }),
  verification: z
    .strictObject({
      staleAfter: knob(threshold.optional(), { description: `The stale threshold of \`restic check\`, replacing verificationStaleHours. ${THRESHOLD_BOUNDS}`, defaultDescription: 'verificationStaleHours' }),
    })
    .optional(),
  restoreTesting: z
    .strictObject({
      staleAfter: knob(threshold.optional(), {
        description: `The stale threshold of restore tests. It scales with their schedule as a backup job's does, because verificationStaleHours (a week) would call every monthly test stale. ${THRESHOLD_BOUNDS}`,
        defaultDescription: DERIVED_STALE,
      }),
    })
    .optional(),
  maintenance: z
    .strictObject({
      staleAfter: knob(threshold.optional(), {
        description:
          "The prune stale threshold of every repository, replacing the one each repository's `pruneSchedule` derives: how long a repository may go without a successful prune (ResticMaintenanceStale). " +
          '`ubm run --operation prune --config` and `ubm emit maintenance --config` write the threshold next to the prune\'s metrics, so hosts with other configs keep their own; the rules fall back to this value, else to the weekly schedule\'s threshold, for hosts that write none. ' +
          THRESHOLD_BOUNDS,
        defaultDescription: `derived from the repository's pruneSchedule (${d.PRUNE_SCHEDULE} when it names none)`,
      }),
    })
    .optional(),
  locks: z
    .strictObject({
      maxAge: knob(checkedAge.optional(), {
        description:
          'Age of the oldest lock of a restic repository, as `ubm locks` sees it at a check, at which ResticStaleLock fires. A running restic rewrites its lock every 5 minutes (restic itself calls a lock older than 30 minutes stale), so however long a backup or prune runs, only a lock left by a killed or hung process gets this old; ' +
          `${formatDuration(d.LOCK_MAX_AGE_SECONDS)} is four times restic's own limit, for a refresh that lags behind a throttled upload, and with the hourly check an abandoned lock alerts within three hours, before the next night's prune or check. ${CHECKED_AGE_BOUNDS}`,
        default: formatDuration(d.LOCK_MAX_AGE_SECONDS),
      }),
      checkStaleAfter: knob(checkedAge.optional(), {
        description:
          'Age of the last `ubm locks` check of a repository at which ResticLockCheckStale fires: a check that cannot read the locks (wrong password, repository unreachable) records nothing, so stale data would hide a lock. ' +
          `${formatDuration(d.LOCK_CHECK_STALE_SECONDS)} is three missed runs of the hourly timer; raise it if you check less often. ${CHECKED_AGE_BOUNDS}`,
        default: formatDuration(d.LOCK_CHECK_STALE_SECONDS),
      }),
    })
    .optional(),
  postgres: z
    .strictObject({
      stanzas: knob(z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected a pgBackRest stanza name' })).min(1).optional(), {
        description: "The host's pgBackRest stanzas. `main` is pgBackRest's and the design's usual name.",
        default: d.PG_STANZAS,
      }),
      repos: knob(z.array(z.string().regex(PGBACKREST_REPO_PATTERN, { error: "expected a pgBackRest repository name such as 'repo1'" })).optional(), {
        description: "pgBackRest repositories (`repoN`) besides the offsite ones (`postgres.pgbackrest.offsiteRepos`). pgBackRest's first is `repo1`.",
        default: d.PG_REPOS,
      }),
      offsiteMaxAge: knob(threshold.optional(), {
        description: `Age of the newest offsite backup after which the offsite copy is no longer recent. The design's offsite job runs daily, hence the daily stale threshold. ${THRESHOLD_BOUNDS}`,
        defaultDescription: DAILY_STALE_DEFAULT,
      }),
      verificationStaleAfter: knob(threshold.optional(), {
        description: `The stale threshold of PostgreSQL backup verification, replacing verificationStaleHours. ${THRESHOLD_BOUNDS}`,
        defaultDescription: 'verificationStaleHours',
      }),
      schedule: knob(
        z
          .strictObject({
            full: pgBackupSchedule('full', 'A full backup alone counts.'),
            diff: pgBackupSchedule('diff', 'A diff or a full backup counts: set `daily` if you run weekly fulls and daily diffs and want to hear when only incrs run.'),
            incr: pgBackupSchedule('incr', "Any backup counts (pgBackRest's default type is incr), so daily says: some backup every day, whatever your mix of types."),
          })
          .optional(),
        {
          description:
            "How often pgBackRest backs each stanza up, per backup type, in every repository (frequencies, or `false` for a type you do not schedule). PgbackrestBackupStale fires when a repository's newest backup of a type, or of a more complete type (full > diff > incr), is older than the schedule's interval x backupStaleHours/24, as a backup job's threshold is derived. " +
            '`ubm pgbackrest --config` writes these thresholds next to its metrics, so hosts with other schedules keep their own; the rules fall back to this config for hosts that write none.',
        },
      ),
      walArchiveStuckAfter: knob(duration.optional(), {
        description:
          "How long a repository's newest archived WAL segment may stay the same, as of the last `ubm pgbackrest` read, before PgbackrestWalArchivingStuck fires. PostgreSQL archives a segment when it is full, or when `archive_timeout` forces a switch, and only if something was written since the last switch: an idle database archives nothing. " +
          '1 h suits `archive_timeout` at 15 min or less with some writes every hour; on a database that can sit idle, run `pgbackrest check` (it writes a restore point and switches WAL) at least every 30 min, e.g. before `ubm pgbackrest` in the same timer, or raise this. Run `ubm pgbackrest` well within it, every 5 to 15 min.',
        default: formatDuration(d.WAL_ARCHIVE_STUCK_SECONDS),
      }),
    })
    .optional(),
  kubernetes: kubernetesSchema.optional().meta({ description: 'The Kubernetes objects of `ubm generate --format prometheus-operator`: namespace, labels (set `release` for kube-prometheus-stack), annotations, the Grafana sidecar\'s label.' }),
});

/** The whole config file. */
export const configSchema = z
  .strictObject({
    enable: knob(z.boolean().optional(), { description: '`false` turns the whole setup off: no job, verification, PostgreSQL part or alert is expected.', default: true }),
    repositories: knob(z.record(mapKey('name'), repository).optional(), { description: 'The restic repositories by name: jobs refer to these names, and the `repository` label holds them.' }),
    restic: z
      .strictObject({
        enable: knob(z.boolean().optional(), { description: '`false`: no restic job is expected to run.', default: true }),
        jobs: knob(z.record(mapKey('job'), job).optional(), { description: "Hand-declared jobs (the design's job submodule); they beat discovered jobs of the same name." }),
      })
      .optional(),
    _internal: z
      .strictObject({
        allJobs: knob(z.record(mapKey('job'), job).optional(), { description: "The design's consolidated job list: discovered services plus hand-declared jobs." }),
      })
      .optional(),
    services: knob(
      z
        .record(
          mapKey('name'),
          z.strictObject({
            enable: knob(z.boolean().optional(), { description: '`false`: the service gets no job, whatever its backup says.', default: true }),
            backup: knob(serviceBackup.nullable().optional(), {
              description: "The service's backup: with `enable: true` it is a job named `service-<name>`, tagged with the service's name first, as the design's discovery does.",
            }),
            dataDir: ignored('data directory'),
          }),
        )
        .optional(),
      { description: 'Hand-written service declarations, as the design declares services.' },
    ),
    postgres: knob(
      z
        .strictObject({
          enable: knob(z.boolean().optional(), { description: '`false` turns the PostgreSQL part off; it is on whenever `postgres` is present.', default: true }),
          pgbackrest: z
            .strictObject({
              enableOffsite: knob(z.boolean().optional(), {
                description: `The restic job \`${PGBACKREST_OFFSITE_JOB}\` (daily, to \`offsiteRepository\`) carries the pgBackRest archives offsite; it is a job like any other unless a job of that name is already declared. On by default, as in the design.`,
                default: true,
              }),
              offsiteRepository: knob(z.string().nullable().optional(), {
                description: "The restic repository of that job: must be a key of `repositories` while `enableOffsite` is on. The default is the design's; `null`, as the design's option tree may print it, means the default.",
                default: DEFAULT_OFFSITE_REPOSITORY,
              }),
              offsiteRepos: knob(z.array(z.string().regex(PGBACKREST_REPO_PATTERN, { error: "expected a pgBackRest repository name such as 'repo2'" })).optional(), {
                description: `The kit's addition: the pgBackRest repositories that are offsite copies (e.g. \`[repo2]\`); their state is reported as \`${metrics.postgresPgbackrestOffsiteBackupStatus.name}\`.`,
                default: [],
              }),
              archivePath: ignored('archive path'),
              excludePatterns: ignored('exclude patterns'),
            })
            .optional(),
          verification: z
            .strictObject({
              enable: knob(z.boolean().optional(), { description: 'PostgreSQL backup verification is expected to run.', default: true }),
              schedule: knob(frequency.optional(), { description: 'How often PostgreSQL backup verification runs (a frequency).', default: d.PG_VERIFICATION_SCHEDULE }),
              testDatabase: ignored('test database'),
            })
            .optional(),
        })
        .optional(),
      { description: 'The PostgreSQL part: stanzas, pgBackRest repositories, verification and the offsite copy.' },
    ),
    snapshots: z.strictObject({ enable: ignored('ZFS snapshot coordination'), retentionPolicy: ignored('snapshot retention') }).optional(),
    monitoring: z
      .strictObject({
        enable: knob(z.boolean().optional(), { description: '`false`: no alerts and no dashboards.', default: true }),
        textfileCollector: z
          .strictObject({
            directory: knob(z.string().min(1).optional(), {
              description:
                "Where node_exporter's textfile collector reads `.prom` files: where `ubm health --config` and `ubm pgbackrest --config` write when neither `--textfile-dir` nor `$UBM_TEXTFILE_DIR` says otherwise. The default is the kit's own (the design's) path; Debian's node_exporter reads `/var/lib/prometheus/node-exporter` instead: set this to that, or point node_exporter's `--collector.textfile.directory` here.",
              default: d.TEXTFILE_DIRECTORY,
            }),
            retentionDays: knob(z.number().int().nonnegative().optional(), {
              description:
                "The design's retention of `.prom` files in days (a week covers a weekly job's files). `ubm health --config` reports this host's files of jobs the config does not list (UnifiedBackupUnexpectedJob) and removes one, naming it, only once its last write is older than this; `0` removes them at the first check. No other file is removed by age.",
              default: d.TEXTFILE_RETENTION_DAYS,
            }),
          })
          .optional(),
        alerting: z
          .strictObject({
            enable: knob(z.boolean().optional(), { description: '`false`: the rule file holds the recording rules only.', default: true }),
            thresholds: thresholds.optional(),
          })
          .optional(),
        dashboards: z
          .strictObject({
            enable: knob(z.boolean().optional(), { description: '`false`: `ubm generate` writes no dashboards.', default: true }),
            outputPath: ignored('dashboard output path'),
          })
          .optional(),
      })
      .optional(),
    verification: z
      .strictObject({
        enable: knob(z.boolean().optional(), { description: '`restic check` of every repository is expected to run.', default: true }),
        schedule: knob(frequency.optional(), { description: 'How often `restic check` runs (a frequency).', default: d.VERIFICATION_SCHEDULE }),
        checkData: knob(z.boolean().optional(), { description: 'Whether the check also reads pack data (`restic check --read-data-subset`).', default: false }),
        checkDataSubset: knob(
          z.string().regex(/^(\d+(\.\d+)?%|\d+\/\d+|\d+[KMGT]?)$/, { error: "expected a restic --read-data-subset value such as '10%' or '1/5'" }).optional(),
          { description: "The `--read-data-subset` of the check when `checkData` is on. The design's 10 % reads everything once in ten weeks of weekly checks.", default: d.CHECK_DATA_SUBSET },
        ),
        restoreTesting: z
          .strictObject({
            enable: knob(z.boolean().optional(), { description: 'Sample-restore tests are expected to run.', default: true }),
            schedule: knob(frequency.optional(), { description: 'How often restore tests run (a frequency); their stale threshold scales with it.', default: d.RESTORE_TEST_SCHEDULE }),
            sampleFiles: knob(z.number().int().positive().max(MAX_SAMPLE_FILES).optional(), {
              description: `Files a restore test restores and compares: the design's number. At most ${MAX_SAMPLE_FILES}, as for \`ubm verify --sample-files\`.`,
              default: d.RESTORE_TEST_SAMPLE_FILES,
            }),
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
    ubm: knob(ubm.optional(), { description: "The kit's own additions: thresholds, severities, runbooks, fleet." }),
  })
  .describe("unified-backup-monitoring config: the design's modules.services.backup tree plus the kit's additions under ubm.");

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
