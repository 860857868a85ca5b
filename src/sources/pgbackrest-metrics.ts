/**
 * Pure mapping of a pgBackRest stanza summary to the `pgbackrest` group's series (one file per
 * stanza). Labels stay bounded: repository and backup type, never a backup label or a time.
 */
import type { SeriesValue } from '../exporter/textfile.js';
import { metrics } from '../schema/catalog.js';
import type { StanzaSummary } from './pgbackrest-summary.js';
import { BACKUP_TYPES } from './pgbackrest.js';

/** Series of the `pgbackrest` group for one stanza (one file per stanza). */
export function pgbackrestSeries(hostname: string, summary: StanzaSummary, nowSeconds: number): SeriesValue[] {
  const stanza = summary.stanza;
  const out: SeriesValue[] = [
    { metric: metrics.pgbackrestStanzaStatus, labels: { hostname, stanza }, value: summary.statusCode },
    { metric: metrics.pgbackrestInfoLastRunTimestampSeconds, labels: { hostname, stanza }, value: nowSeconds },
  ];
  for (const repo of summary.repos) {
    const labels = { hostname, stanza, repository: repo.repo };
    out.push({ metric: metrics.pgbackrestRepoStatus, labels, value: repo.statusCode });
    out.push({ metric: metrics.pgbackrestRepoBackups, labels, value: repo.backupCount });
    out.push({ metric: metrics.pgbackrestWalArchivePresent, labels, value: repo.walPresent ? 1 : 0 });
    if (repo.walMaxSegment !== undefined) out.push({ metric: metrics.pgbackrestWalArchiveMaxSegment, labels, value: repo.walMaxSegment });
    for (const type of BACKUP_TYPES) {
      const b = repo.latest[type];
      if (b === undefined) continue;
      const typed = { ...labels, backup_type: type };
      out.push({ metric: metrics.pgbackrestBackupLastCompletionTimestampSeconds, labels: typed, value: b.completionSeconds });
      out.push({ metric: metrics.pgbackrestBackupLastDurationSeconds, labels: typed, value: b.durationSeconds });
      out.push({ metric: metrics.pgbackrestBackupLastSizeBytes, labels: typed, value: b.sizeBytes });
      if (b.repoSizeBytes !== undefined) out.push({ metric: metrics.pgbackrestBackupLastRepoSizeBytes, labels: typed, value: b.repoSizeBytes });
    }
  }
  return out;
}
