/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external request,
 * A4 print styles. A timeline strip per job (green within RPO, red outside, grey no data), small
 * multiples of duration and data added, and the verification and restore calendar.
 */
import type { CheckReport, JobReport, Report, ReportPeriod, Verdict } from './model.js';
import { formatBytes, formatDate, formatDays, formatDuration, formatShare, formatTime, verdictText } from './format.js';

/** Escapes text for HTML content and attribute values. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STRIP_W = 600;
const COLORS = { within: '#2e7d32', outside: '#c62828', no_data: '#9e9e9e' } as const;

/** x of a time on a strip STRIP_W wide. */
function xOf(t: number, p: ReportPeriod, width = STRIP_W): number {
  const span = p.to - p.from;
  return span <= 0 ? 0 : Math.round(((t - p.from) / span) * width * 10) / 10;
}

/** The RPO timeline strip of a job. */
function strip(j: JobReport, p: ReportPeriod): string {
  const rects = j.timeline.map((s) => `<rect x="${xOf(s.start, p)}" y="0" width="${Math.max(0.1, Math.round((xOf(s.end, p) - xOf(s.start, p)) * 10) / 10)}" height="14" fill="${COLORS[s.state]}"/>`).join('');
  return `<svg class="strip" viewBox="0 0 ${STRIP_W} 14" width="${STRIP_W}" height="14" role="img" aria-label="RPO timeline of ${esc(j.job)}">${rects}</svg>`;
}

/** A small bar chart of per-run values over the period. */
function bars(values: ReadonlyArray<readonly [number, number]>, p: ReportPeriod, color: string, label: string): string {
  const max = Math.max(0, ...values.map(([, v]) => v));
  const rects = values
    .map(([t, v]) => {
      const h = max > 0 ? Math.max(0.5, Math.round((v / max) * 36 * 10) / 10) : 0.5;
      return `<rect x="${xOf(t, p, 200)}" y="${Math.round((40 - h) * 10) / 10}" width="1.5" height="${h}" fill="${color}"/>`;
    })
    .join('');
  return `<svg class="small" viewBox="0 0 202 40" width="202" height="40" role="img" aria-label="${esc(label)}"><line x1="0" y1="40" x2="202" y2="40" stroke="#bbb"/>${rects}</svg>`;
}

/** The verification or restore calendar of a check: a dot per run on the period's axis. */
function calendar(c: CheckReport | null, p: ReportPeriod, label: string): string {
  if (c === null) return '<td>-</td>';
  const dots = c.events.map((e) => `<circle cx="${xOf(e.at, p, 300)}" cy="8" r="4" fill="${e.success ? COLORS.within : COLORS.outside}"/>`).join('');
  const last = c.missing ? 'configured, never reported' : c.lastPass === null ? 'never passed' : `last pass ${formatDate(c.lastPass)}, ${formatDays(c.daysSinceLastPass ?? 0)} before the end`;
  return `<td><span class="v ${c.verdict}">${verdictText(c.verdict)}</span> ${esc(last)}<br><svg class="cal" viewBox="0 0 304 16" width="304" height="16" role="img" aria-label="${esc(label)}"><line x1="0" y1="8" x2="304" y2="8" stroke="#ccc"/>${dots}</svg>${c.events.map((e) => `<span class="ev">${formatDate(e.at)} ${e.success ? 'ok' : 'failed'}</span>`).join(' ')}</td>`;
}

/** A verdict badge. */
function badge(v: Verdict): string {
  return `<span class="v ${v}">${verdictText(v)}</span>`;
}

const CSS = `@page{size:A4;margin:12mm}body{font:12px/1.4 system-ui,sans-serif;color:#222;margin:16px;max-width:190mm}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 6px;break-after:avoid}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:3px 4px;text-align:left;vertical-align:top}
tr{break-inside:avoid}.v{font-weight:600;padding:0 4px;border-radius:3px;color:#fff;white-space:nowrap}.compliant{background:#2e7d32}.at_risk{background:#ef6c00}.not_compliant{background:#c62828}
.overall{font-size:16px;margin:8px 0}.strip{display:block;margin:2px 0}.small{margin-right:6px}.sm{display:inline-block;font-size:10px;color:#555;margin-right:8px}.ev{font-size:10px;color:#555}
.legend span{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px}.job{break-inside:avoid;border-bottom:1px solid #eee;padding:4px 0}
@media print{body{margin:0}}`;

/** Renders the report as HTML. */
export function renderHtml(report: Report): string {
  const p = report.period;
  const jobs = report.jobs
    .map((j) => {
      const durations = j.runList.flatMap((r) => (r.durationSeconds === null ? [] : [[r.at, r.durationSeconds] as const]));
      const added = j.runList.flatMap((r) => (r.dataAddedBytes === null ? [] : [[r.at, r.dataAddedBytes] as const]));
      const breaches = j.rpo.breaches.map((b) => `${formatTime(b.start)} to ${formatTime(b.end)} (${formatDuration(b.seconds)})`).join('; ');
      return `<div class="job"><b>${esc(j.job)}</b> on ${esc(j.hostname)} to ${esc(j.repository)} ${badge(j.verdict)}${j.missing ? ' missing' : ''}
<div>RPO attainment ${formatShare(j.rpo.attainment)} (stale threshold ${formatDuration(j.staleThresholdSeconds)}); runs ${j.runs.total}, failures ${j.runs.failures}; longest gap ${formatDuration(j.longestGapSeconds)}${j.duration.p50 === null ? '' : `; duration p50 ${formatDuration(j.duration.p50)}, p95 ${formatDuration(j.duration.p95 ?? 0)}${j.duration.baseline === null ? '' : `, baseline ${formatDuration(j.duration.baseline)}`}`}${j.dataAdded === null ? '' : `; data added mean ${formatBytes(j.dataAdded.mean)}`}</div>
${strip(j, p)}${breaches === '' ? '' : `<div class="ev">Breaches: ${esc(breaches)}</div>`}
${j.runList.length === 0 ? '' : `<div><span class="sm">${bars(durations, p, '#1565c0', `durations of ${j.job}`)}<br>duration per run</span><span class="sm">${bars(added, p, '#6a1b9a', `data added by ${j.job}`)}<br>data added per run</span></div>`}</div>`;
    })
    .join('\n');
  const repos = report.repositories
    .map((r) => `<tr><td>${esc(r.hostname)}</td><td>${esc(r.repository)}</td><td>${badge(r.verdict)}</td>${calendar(r.verification, p, `restic check of ${r.repository}`)}${calendar(r.restoreTest, p, `restore tests of ${r.repository}`)}</tr>`)
    .join('\n');
  const stanzas = report.stanzas
    .map((s) => {
      const backups = s.backups.map((b) => `${esc(b.repository)} ${esc(b.type)}: ${b.completedInPeriod} in period, last ${b.lastCompletion === null ? 'never' : formatDate(b.lastCompletion)}`).join('<br>') || '-';
      const offsite = s.offsite.map((o) => `${esc(o.repository)}: ${badge(o.verdict)} good ${formatShare(o.attainment)}${o.outages.map((x) => `<br><span class="ev">outage ${formatTime(x.start)} to ${formatTime(x.end)}</span>`).join('')}`).join('<br>') || '-';
      const wal = s.walArchive.map((w) => `${esc(w.repository)}: ${w.present === null ? 'unknown' : w.present ? 'present' : 'missing'}`).join('<br>') || '-';
      return `<tr><td>${esc(s.hostname)}</td><td>${esc(s.stanza)}</td><td>${badge(s.verdict)}</td><td>${backups}</td><td>${wal}</td>${calendar(s.verification, p, `verification of ${s.stanza}`)}<td>${offsite}</td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Backup compliance report</title><style>${CSS}</style></head>
<body>
<h1>Backup compliance report</h1>
<div>${formatTime(p.from)} to ${formatTime(p.to)} UTC, resolution ${formatDuration(p.stepSeconds)}</div>
<div class="overall">Overall verdict: ${badge(report.verdict)} (${report.summary.compliant} compliant, ${report.summary.atRisk} at risk, ${report.summary.notCompliant} not compliant)</div>
<h2>Rules</h2><ul>${report.rules.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
<h2>Backup jobs</h2><div class="legend">RPO timeline:<span style="background:${COLORS.within}"></span>within<span style="background:${COLORS.outside}"></span>outside<span style="background:${COLORS.no_data}"></span>no data; small multiples: duration, data added per run</div>
${jobs}
${repos === '' ? '' : `<h2>Repositories: verification and restore calendar</h2><table><tr><th>host</th><th>repository</th><th>verdict</th><th>restic check</th><th>restore test</th></tr>\n${repos}</table>`}
${stanzas === '' ? '' : `<h2>PostgreSQL stanzas</h2><table><tr><th>host</th><th>stanza</th><th>verdict</th><th>local backups</th><th>WAL archive</th><th>verification</th><th>offsite copy</th></tr>\n${stanzas}</table>`}
</body></html>
`;
}
