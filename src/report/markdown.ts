/** The report as Markdown, for tickets: the verdicts, the rules, and one table per kind of item. */
import type { CheckReport, Report } from './model.js';
import { formatBytes, formatDate, formatDays, formatDuration, formatShare, formatTime, verdictText } from './format.js';

/** Escapes what would break a table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A check's cell: its verdict, last pass and runs. */
function checkCell(c: CheckReport | null): string {
  if (c === null) return '-';
  if (c.missing) return `${verdictText(c.verdict)}: configured, never reported`;
  const last = c.lastPass === null ? 'never passed' : `last pass ${formatDate(c.lastPass)} (${formatDays(c.daysSinceLastPass ?? 0)} before the end)`;
  const runs = c.events.map((e) => `${formatDate(e.at)} ${e.success ? 'ok' : 'FAILED'}`).join(', ');
  return cell(`${verdictText(c.verdict)}: ${last}${runs === '' ? '' : `; ${runs}`}`);
}

/** Renders the report as Markdown. */
export function renderMarkdown(report: Report): string {
  const p = report.period;
  const out: string[] = [];
  out.push(`# Backup compliance report`, '');
  out.push(`Period: ${formatTime(p.from)} to ${formatTime(p.to)} UTC (resolution ${formatDuration(p.stepSeconds)}).`, '');
  out.push(`**Overall verdict: ${verdictText(report.verdict)}** (${report.summary.compliant} compliant, ${report.summary.atRisk} at risk, ${report.summary.notCompliant} not compliant)`, '');
  out.push('## Rules', '', ...report.rules.map((r) => `- ${r}`), '');
  out.push('## Backup jobs', '', '| host | job | repository | verdict | RPO attainment | breaches | runs | failures | longest gap | duration p50 / p95 (baseline) | data added per run |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const j of report.jobs) {
    const breaches = j.rpo.breaches.map((b) => `${formatTime(b.start)} to ${formatTime(b.end)} (${formatDuration(b.seconds)})`).join('; ') || 'none';
    const d = j.duration;
    const dur = d.p50 === null ? '-' : `${formatDuration(d.p50)} / ${formatDuration(d.p95 ?? 0)}${d.baseline === null ? '' : ` (${formatDuration(d.baseline)})`}`;
    const added = j.dataAdded === null ? '-' : `mean ${formatBytes(j.dataAdded.mean)}, ${formatBytes(j.dataAdded.slopePerDay)}/day`;
    out.push(
      `| ${[j.hostname, j.job, j.repository, verdictText(j.verdict) + (j.missing ? ' (missing)' : ''), formatShare(j.rpo.attainment), breaches, String(j.runs.total), String(j.runs.failures), formatDuration(j.longestGapSeconds), dur, added].map(cell).join(' | ')} |`,
    );
  }
  out.push('');
  if (report.repositories.length > 0) {
    out.push('## Repositories', '', '| host | repository | verdict | restic check | restore test |', '| --- | --- | --- | --- | --- |');
    for (const r of report.repositories) out.push(`| ${cell(r.hostname)} | ${cell(r.repository)} | ${verdictText(r.verdict)} | ${checkCell(r.verification)} | ${checkCell(r.restoreTest)} |`);
    out.push('');
  }
  if (report.stanzas.length > 0) {
    out.push('## PostgreSQL stanzas', '', '| host | stanza | verdict | local backups | WAL archive | verification | offsite copy |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const s of report.stanzas) {
      const backups = s.backups.map((b) => `${b.repository} ${b.type}: ${b.completedInPeriod} in period, last ${b.lastCompletion === null ? 'never' : formatDate(b.lastCompletion)}`).join('; ') || '-';
      const wal = s.walArchive.map((w) => `${w.repository}: ${w.present === null ? 'unknown' : w.present ? 'present' : 'missing'}`).join('; ') || '-';
      const offsite = s.offsite.map((o) => `${o.repository}: ${verdictText(o.verdict)}, good ${formatShare(o.attainment)}${o.outages.length === 0 ? '' : `, outages ${o.outages.map((x) => `${formatTime(x.start)} to ${formatTime(x.end)}`).join(', ')}`}`).join('; ') || '-';
      out.push(`| ${[s.hostname, s.stanza, verdictText(s.verdict), backups, wal].map(cell).join(' | ')} | ${checkCell(s.verification)} | ${cell(offsite)} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
