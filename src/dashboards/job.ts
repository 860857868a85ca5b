/** The per-job drill-down: the last run against its thresholds, and its history. */
import type { ResolvedConfig } from '../config/model.js';
import { metrics } from '../schema/catalog.js';
import { SEVERITY_COLOURS, STATUS_STEPS, statPanel, statusMappings, steps, timeseriesPanel } from './common.js';
import { DASHBOARD_NAMES, type DashboardSpec } from './dashboard.js';
import { AGE_RATIO_STEPS, JOB_LEGEND, TIMES_UNIT, durationRatioSteps, sourceSizePanels } from './panels/jobs.js';
import { jobKnobs, jobQueries } from './queries.js';
import { scopeOf } from './variables.js';

/** The job dashboard: pick a job (or several) with the variables, or arrive from the overview's job table. */
export function jobDashboard(config: ResolvedConfig): DashboardSpec {
  const knobs = jobKnobs(config);
  const scope = scopeOf(config);
  const q = jobQueries(knobs, scope);
  const one = (expr: string) => [{ expr, legend: scope.legend(JOB_LEGEND) }];
  return {
    name: DASHBOARD_NAMES.job,
    title: 'Backups: job',
    description: 'One restic backup job: its last run against the stale and slow thresholds, and how its runs changed over time.',
    tags: ['backup', 'job'],
    rows: [
      {
        title: 'Last run',
        panels: [
          statPanel({ title: 'Status', description: 'Whether the last run succeeded.', unit: 'none', width: 4, height: 5, thresholds: STATUS_STEPS, mappings: statusMappings() }, one(q.status)),
          statPanel(
            { title: 'Age / stale threshold', description: 'Age of the last success as a share of the stale threshold: 100 % is where UnifiedBackupStale fires.', unit: 'percentunit', width: 4, height: 5, thresholds: AGE_RATIO_STEPS },
            one(q.ageRatio),
          ),
          statPanel({ title: 'Last success', description: 'Time since the last successful run (since the first run for a job that never succeeded).', unit: 's', width: 4, height: 5 }, one(q.lastSuccessAge)),
          statPanel(
            { title: 'Duration / baseline', description: `Last duration as a multiple of the job's baseline: yellow from ${knobs.slowBackupMultiplier} ×; UnifiedBackupSlow fires past the larger of the job's multiplier and its spread factor.`, unit: TIMES_UNIT, width: 4, height: 5, thresholds: durationRatioSteps(knobs) },
            one(q.durationRatio),
          ),
          statPanel(
            { title: 'Exit code', description: 'Exit code of the last backup command: 0 success, 3 some source files unreadable, 128+N killed by signal N.', unit: 'none', width: 4, height: 5, thresholds: steps(SEVERITY_COLOURS.ok, [1, SEVERITY_COLOURS.critical]) },
            one(q.exitCode),
          ),
          statPanel({ title: 'Last run', description: 'Time since the last run ended, successful or not.', unit: 's', width: 4, height: 5 }, one(q.lastRunAge)),
        ],
      },
      {
        title: 'Thresholds and history',
        panels: [
          timeseriesPanel(
            { title: 'Age of last success and stale threshold', description: 'Time since the last success against the stale threshold the job is held to (the written threshold, else its expected interval x backupStaleHours/24, else the daily stale threshold).', unit: 's', width: 12, height: 8 },
            [
              { expr: q.lastSuccessAge, legend: 'age {{backup_job}}' },
              { expr: q.staleThreshold, legend: 'threshold {{backup_job}}' },
            ],
          ),
          timeseriesPanel(
            { title: 'Duration and baseline', description: "Wall time of each run against the job's duration baseline (the moving average of earlier successful runs).", unit: 's', width: 12, height: 8 },
            [
              { expr: q.duration, legend: 'duration {{backup_job}}' },
              { expr: q.baseline, legend: 'baseline {{backup_job}}' },
            ],
          ),
          timeseriesPanel(
            { title: 'Data added and processed', description: 'Bytes the last successful run added to the repository and bytes of source data it processed.', unit: 'bytes', width: 12, height: 8 },
            [
              { expr: q.dataAdded, legend: 'added {{backup_job}}' },
              { expr: q.processedBytes, legend: 'processed {{backup_job}}' },
            ],
          ),
          timeseriesPanel(
            { title: 'Files', description: 'New, changed and unmodified files of the last successful run.', unit: 'short', width: 12, height: 8 },
            [
              { expr: q.filesNew, legend: 'new {{backup_job}}' },
              { expr: q.filesChanged, legend: 'changed {{backup_job}}' },
              { expr: q.filesUnmodified, legend: 'unmodified {{backup_job}}' },
            ],
          ),
          ...sourceSizePanels(knobs, scope),
          timeseriesPanel(
            { title: 'Status history', description: `The result of each run over time (${metrics.resticBackupStatus.name}): 1 succeeded, 0 failed.`, unit: 'none', width: 24, height: 6, thresholds: STATUS_STEPS, mappings: statusMappings() },
            one(q.status),
          ),
        ],
      },
    ],
  };
}
