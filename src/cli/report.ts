/**
 * `ubm report`: the compliance report over a period, from a Prometheus that scrapes the backup
 * metrics. Flags and IO only; the computation is src/report/. Exit 0 when every item is compliant,
 * 1 when any is not, 2 for usage, config, an unreachable Prometheus, no data or a bad time range.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { computeReport } from '../report/compute.js';
import { fetchReportData } from '../report/fetch.js';
import { renderHtml } from '../report/html.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/model.js';
import { ReportSourceError, apiBase } from '../report/prometheus.js';
import { chooseStep } from '../report/step.js';
import { SECONDS_PER_DAY } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { quote } from '../util/quote.js';
import { type FlagSpec, parseFlags } from './flags.js';
import type { Io } from './io.js';
import { loadOptionalConfig } from './optional-config.js';

/** The report's length when neither --days nor --from gives one. */
export const DEFAULT_REPORT_DAYS = 30;

const FORMATS = { html: renderHtml, json: renderJson, markdown: renderMarkdown } as const satisfies Record<string, (r: Report) => string>;

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  prometheus: { type: 'string', value: 'URL', help: 'the Prometheus (HTTP API base URL) that scrapes the backup metrics; required' },
  config: { type: 'string', value: 'FILE', help: "backup config: its thresholds, and its jobs and checks, which are reported as missing when they never reported" },
  from: { type: 'string', value: 'TIME', help: 'start of the period (RFC 3339 or Unix seconds); with --to' },
  to: { type: 'string', value: 'TIME', help: 'end of the period (RFC 3339 or Unix seconds; default: now)' },
  days: { type: 'string', value: 'N', help: `length of the period ending at --to, in days (default ${DEFAULT_REPORT_DAYS})` },
  format: { type: 'string', value: 'FORMAT', help: 'html, json or markdown (default html)' },
  out: { type: 'string', value: 'FILE', help: 'write the report to FILE (default: stdout)' },
};

const USAGE = 'ubm report --prometheus URL [--config FILE] [--from T --to T | --days N] [--format html|json|markdown] [--out FILE]';
const DESCRIPTION = `The compliance report of a period: per backup job its RPO attainment and breaches, runs and
failures, longest gap, duration and data-added trends; per repository its restic check and restore-test
history; per PostgreSQL stanza its backups, WAL archive, verification and offsite copy; and a verdict
per item and overall (compliant, at risk, not compliant) by the rules the page states, from the
config's thresholds (those the alerts use). Exit 0 when all is compliant, 1 otherwise.`;

/** A time flag's value as Unix seconds. */
export function parseTime(flag: string, text: string): number {
  const trimmed = text.trim();
  const seconds = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed) / 1000;
  if (!Number.isFinite(seconds) || trimmed === '') throw new UsageError(`--${flag} ${quote(text)} is not a time (RFC 3339 such as 2024-01-31T00:00:00Z, or Unix seconds)`);
  return Math.floor(seconds);
}

/** The period from the flags: [from, to), to defaulting to now (whole seconds). */
export function periodOf(values: Readonly<Record<string, unknown>>, nowMs: number): { from: number; to: number } {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const toText = str('to');
  const fromText = str('from');
  const daysText = str('days');
  if (fromText !== undefined && daysText !== undefined) throw new UsageError('give --from or --days, not both');
  const to = toText === undefined ? Math.floor(nowMs / 1000) : parseTime('to', toText);
  let from: number;
  if (fromText !== undefined) {
    from = parseTime('from', fromText);
  } else {
    const days = daysText === undefined ? DEFAULT_REPORT_DAYS : Number(daysText);
    if (!Number.isFinite(days) || days <= 0 || !/^\d+(\.\d+)?$/.test(daysText ?? '1')) throw new UsageError(`--days ${quote(daysText ?? '')} must be a positive number of days`);
    from = to - Math.round(days * SECONDS_PER_DAY);
  }
  if (from >= to) throw new UsageError(`the period is empty: --from ${new Date(from * 1000).toISOString()} is not before --to ${new Date(to * 1000).toISOString()}`);
  return { from, to };
}

/** The command. */
export async function report(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const url = typeof v.prometheus === 'string' ? v.prometheus : undefined;
  if (url === undefined || url === '') throw new UsageError('--prometheus URL is required');
  const formatName = typeof v.format === 'string' ? v.format : 'html';
  if (!Object.hasOwn(FORMATS, formatName)) throw new UsageError(`--format ${quote(formatName)} is not one of ${Object.keys(FORMATS).join(', ')}`);
  const render = FORMATS[formatName as keyof typeof FORMATS];
  const { from, to } = periodOf(v, io.now());
  const config = loadOptionalConfig('report', typeof v.config === 'string' ? v.config : undefined, io);
  const defaults = config ?? loadConfig(undefined, io.cwd).config;
  const period = { from, to, stepSeconds: chooseStep(from, to) };
  let text: string;
  try {
    const data = await fetchReportData(apiBase(url), period);
    const result = computeReport(data, { period, defaults, ...(config === undefined ? {} : { config }) });
    text = render(result);
    writeReport(text, typeof v.out === 'string' ? v.out : undefined, io);
    return result.verdict === 'compliant' ? 0 : 1;
  } catch (err) {
    if (err instanceof ReportSourceError) throw new UsageError(err.message);
    throw err;
  }
}

/** Writes the report to --out, else stdout. */
function writeReport(text: string, out: string | undefined, io: Io): void {
  if (out === undefined) {
    io.stdout(text);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, out), text);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
    throw new UsageError(`cannot write --out ${quote(out)} (${code})`);
  }
}
