/** Panels about restic backup jobs: counts of failing, stale and slow jobs, the job table, history, source size against its baseline. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { formatDuration } from '../../util/duration.js';
import { JOB_LABELS } from '../../promql/selector.js';
import { metrics } from '../../schema/catalog.js';
import { SEVERITY_COLOURS, STATUS_STEPS, cellValue, drillDownUrl, keyColumns, scopeParams, statPanel, statusMappings, steps, tablePanel, timeseriesPanel } from '../common.js';
import { type JobKnobs, alertQueries, jobQueries, maxBy } from '../queries.js';
import { type DashboardScope, VARIABLES } from '../variables.js';

/** UIDs of the drill-down dashboards the job table links to. */
export interface DrillDowns {
  readonly jobUid: string;
  readonly hostUid: string;
}

/** Legend of a per-job series. */
export const JOB_LEGEND = '{{hostname}} {{backup_job}} → {{repository}}';

/** Grafana's unit for a plain multiple (e.g. 2.5 ×). */
export const TIMES_UNIT = 'suffix:×';

/** Colour steps of "age of last success / stale threshold": orange (the Stale alert's severity) from 100 %. */
export const AGE_RATIO_STEPS = steps(SEVERITY_COLOURS.ok, [1, SEVERITY_COLOURS.high]);

/** Colour steps of "last duration / baseline": yellow (the Slow alert's severity) from the slow multiplier. */
export function durationRatioSteps(knobs: JobKnobs): ReturnType<typeof steps> {
  return steps(SEVERITY_COLOURS.ok, [knobs.slowBackupMultiplier, SEVERITY_COLOURS.medium]);
}

/** The four counters at the top of the overview: failing, stale and slow jobs, firing backup alerts. */
export function jobCounters(knobs: JobKnobs, scope: DashboardScope, width = 6): cog.Builder<Panel>[] {
  const q = jobQueries(knobs, scope);
  const counter = (title: string, description: string, expr: string, colour: string): cog.Builder<Panel> =>
    statPanel({ title, description, unit: 'short', width, height: 4, thresholds: steps(SEVERITY_COLOURS.ok, [1, colour]) }, [{ expr, legend: '' }]);
  return [
    counter('Failing jobs', `Jobs whose last run failed (${metrics.resticBackupStatus.name} = 0); the UnifiedBackupFailed alert fires for each.`, q.failingCount, SEVERITY_COLOURS.critical),
    counter(
      'Stale jobs',
      'Jobs without a successful run within their stale threshold (age of the last success, or of the first run for a job that never succeeded, above the threshold); the UnifiedBackupStale alert fires for each.',
      q.staleCount,
      SEVERITY_COLOURS.high,
    ),
    counter(
      'Slow jobs',
      `Jobs whose last run took more than their slow threshold (their duration baseline times the larger of their slow multiplier, at least ${knobs.slowBackupMultiplier}, and the spread factor their own run-time spread gives), ran at least ${formatDuration(knobs.slowMinDurationSeconds)} and have a baseline of at least ${knobs.slowMinBaselineRuns} runs; the UnifiedBackupSlow alert fires for each.`,
      q.slowCount,
      SEVERITY_COLOURS.medium,
    ),
    counter('Firing backup alerts', "Backup alerts of this kit that are firing now (Prometheus' ALERTS series).", alertQueries(scope).firingCount, SEVERITY_COLOURS.critical),
  ];
}

/** The job table: one row per (host, job, repository), linked to the job and host dashboards. */
export function jobTable(knobs: JobKnobs, scope: DashboardScope, links: DrillDowns, height = 9): cog.Builder<Panel> {
  const q = jobQueries(knobs, scope);
  const field = cellValue;
  // The links carry the row's identifying labels too: the same hostname in two clusters is two hosts.
  const identity = scopeParams(scope);
  const keys = keyColumns(scope, [
    { label: 'hostname', title: 'Host', links: [{ title: 'Host details', url: drillDownUrl(links.hostUid, { ...identity, [VARIABLES.hostname]: field('hostname') }) }] },
    {
      label: 'backup_job',
      title: 'Job',
      links: [
        {
          title: 'Job details',
          url: drillDownUrl(links.jobUid, {
            ...identity,
            [VARIABLES.hostname]: field('hostname'),
            [VARIABLES.repository]: field('repository'),
            [VARIABLES.backupJob]: field('backup_job'),
          }),
        },
      ],
    },
    { label: 'repository', title: 'Repository' },
  ]);
  const perJob = (expr: string): string => maxBy(scope.id(JOB_LABELS), expr);
  return tablePanel(
    {
      title: 'Backup jobs',
      description: 'One row per job: status of the last run, age of the last success against the stale threshold, last duration against its baseline, data added by the last run. Click a host or job for its dashboard.',
      width: 24,
      height,
    },
    keys,
    [
      { title: 'Status', expr: perJob(q.status), unit: 'none', thresholds: STATUS_STEPS, mappings: statusMappings() },
      { title: 'Last success', expr: perJob(q.lastSuccessAge), unit: 's' },
      { title: 'Age / stale threshold', expr: perJob(q.ageRatio), unit: 'percentunit', thresholds: AGE_RATIO_STEPS },
      { title: 'Last duration', expr: perJob(q.duration), unit: 's' },
      { title: 'Duration / baseline', expr: perJob(q.durationRatio), unit: TIMES_UNIT, thresholds: durationRatioSteps(knobs) },
      { title: 'Data added', expr: perJob(q.dataAdded), unit: 'bytes' },
    ],
  );
}

/** Duration and data added of every job over time. */
export function jobHistory(knobs: JobKnobs, scope: DashboardScope): cog.Builder<Panel>[] {
  const q = jobQueries(knobs, scope);
  return [
    timeseriesPanel(
      { title: 'Backup duration', description: `Wall time of the last run of each job (${metrics.resticBackupDurationSeconds.name}), as it changes run after run.`, unit: 's', width: 12, height: 8 },
      [{ expr: q.duration, legend: scope.legend(JOB_LEGEND) }],
    ),
    timeseriesPanel(
      { title: 'Data added', description: `Bytes of new data the last successful run of each job added to its repository (${metrics.resticBackupDataAddedBytes.name}).`, unit: 'bytes', width: 12, height: 8 },
      [{ expr: q.dataAdded, legend: scope.legend(JOB_LEGEND) }],
    ),
  ];
}

/**
 * Files and bytes each successful run processed against the job's source baselines and the
 * UnifiedBackupSourceShrunk threshold (the shrink ratio times the baseline): a run under the threshold
 * backed up far less than usual, as when its source is an unmounted disk.
 */
export function sourceSizePanels(knobs: JobKnobs, scope: DashboardScope): cog.Builder<Panel>[] {
  const q = jobQueries(knobs, scope);
  const about = (what: string, baseline: string): string =>
    `${what} processed by the last successful run of the job, its baseline (${baseline}: a moving average of earlier successful runs, runs under half of it held out) and the threshold under which UnifiedBackupSourceShrunk fires (the shrink ratio, default ${knobs.shrinkRatio}, times the baseline).`;
  return [
    timeseriesPanel(
      { title: 'Files processed and baseline', description: about('Files', metrics.resticBackupFilesProcessedBaseline.name), unit: 'short', width: 12, height: 8 },
      [
        { expr: q.filesProcessed, legend: 'processed {{backup_job}}' },
        { expr: q.filesBaseline, legend: 'baseline {{backup_job}}' },
        { expr: q.filesShrinkThreshold, legend: 'shrink threshold {{backup_job}}' },
      ],
    ),
    timeseriesPanel(
      { title: 'Bytes processed and baseline', description: about('Bytes of source data', metrics.resticBackupProcessedBaselineBytes.name), unit: 'bytes', width: 12, height: 8 },
      [
        { expr: q.processedBytes, legend: 'processed {{backup_job}}' },
        { expr: q.bytesBaseline, legend: 'baseline {{backup_job}}' },
        { expr: q.bytesShrinkThreshold, legend: 'shrink threshold {{backup_job}}' },
      ],
    ),
  ];
}
