/**
 * Pure parts of the monitoring self-check: judging the textfile directory's files as node_exporter
 * reads them (each file parsed as strictly as its parser does; between files, families whose HELP
 * or TYPE differ and series that two files both hold, which node_exporter drops silently), and
 * sorting the host's job files into expected, unexpected and expired.
 */
import { decodeUtf8Strict, parseExpositionDocument, seriesIdentity } from '../exporter/parse.js';
import { isExporterTempFile } from '../exporter/textfile.js';
import type { JobKey } from '../groups/monitoring-expected-jobs.js';
import type { MonitoringProblem } from '../schema/catalog.js';

export type { JobKey } from '../groups/monitoring-expected-jobs.js';

/** A `.prom` file's name and bytes, as node_exporter would read them. */
export interface TextFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A problem with one file or between files, as one line, and which kind of problem it is. */
export interface TextfileFinding {
  /** The file (or the later file) it is about; node_exporter loses series of this file. */
  readonly file: string;
  readonly message: string;
  readonly problem: MonitoringProblem;
}

/** A family's headers as node_exporter serves them: a missing HELP gets one made up from the file names, a missing TYPE is untyped. */
interface Served {
  readonly file: string;
  readonly help: string | undefined;
  readonly type: string;
}

/** Sample-name suffixes that belong to a histogram or summary family of the base name. */
const COMPOSITE_SUFFIXES = ['_bucket', '_sum', '_count'];

/** The family a sample belongs to in its file: its own name, or a declared histogram or summary it is part of. */
function familyOf(name: string, types: ReadonlyMap<string, { readonly type?: string }>): string {
  for (const suffix of COMPOSITE_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = types.get(base)?.type;
    if (type === 'histogram' || type === 'summary') return base;
  }
  return name;
}

/** How two files' headers of one family differ, or undefined when node_exporter sees them as one family. */
function headerDifference(first: Served, later: Served): string | undefined {
  if (first.help !== later.help) {
    if (first.help === undefined) return `has a HELP here but none in ${first.file}`;
    if (later.help === undefined) return `has no HELP here but one in ${first.file}`;
    return `has a different HELP than in ${first.file}`;
  }
  if (first.type !== later.type) return `has TYPE ${later.type} here but ${first.type} in ${first.file}`;
  return undefined;
}

/** `name{a="x",b="y"}`, for messages. */
function seriesText(name: string, labels: Readonly<Record<string, string>>): string {
  const inner = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return inner === '' ? name : `${name}{${inner}}`;
}

/**
 * Judges every `.prom` file in the order node_exporter reads them (by name): each must decode as
 * UTF-8 and parse, without sample timestamps; a family must have the same HELP and TYPE in every
 * file that has samples of it, and a series may be in one file only. node_exporter keeps the first
 * file's family and series and drops the later ones: the finding is on the later file.
 */
export function judgeTextfiles(files: readonly TextFile[]): TextfileFinding[] {
  const findings: TextfileFinding[] = [];
  const firstFamily = new Map<string, Served>();
  const firstSeries = new Map<string, string>();
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    let parsed: ReturnType<typeof parseExpositionDocument>;
    try {
      parsed = parseExpositionDocument(decodeUtf8Strict(file.bytes));
    } catch (err) {
      findings.push({ file: file.name, message: err instanceof Error ? err.message : String(err), problem: 'textfile_invalid' });
      continue;
    }
    if (parsed.firstTimestampLine !== undefined) {
      findings.push({ file: file.name, message: `line ${parsed.firstTimestampLine}: a sample carries a timestamp (the textfile collector rejects the file)`, problem: 'textfile_invalid' });
      continue;
    }
    // Families without samples are dropped by the parser, so only families with samples can clash.
    const families = new Set(parsed.samples.map((s) => familyOf(s.name, parsed.families)));
    for (const family of [...families].sort()) {
      const headers = parsed.families.get(family);
      const served: Served = { file: file.name, help: headers?.help, type: headers?.type ?? 'untyped' };
      const first = firstFamily.get(family);
      if (first === undefined) {
        firstFamily.set(family, served);
        continue;
      }
      const difference = headerDifference(first, served);
      if (difference !== undefined) {
        findings.push({ file: file.name, message: `family ${family} ${difference}: node_exporter drops its series in this file`, problem: 'textfile_conflict' });
      }
    }
    for (const sample of parsed.samples) {
      const identity = seriesIdentity(sample);
      const first = firstSeries.get(identity);
      if (first === undefined) {
        firstSeries.set(identity, file.name);
        continue;
      }
      findings.push({ file: file.name, message: `series ${seriesText(sample.name, sample.labels)} is also in ${first}: node_exporter drops it in this file`, problem: 'textfile_conflict' });
    }
  }
  return findings;
}

/** Names of our temporary and lock files among `entries` that are older than `maxAgeMs` at `nowMs`. */
export function staleTempFiles(entries: readonly { name: string; mtimeMs: number }[], nowMs: number, maxAgeMs: number): string[] {
  return entries.filter((e) => isExporterTempFile(e.name) && nowMs - e.mtimeMs > maxAgeMs).map((e) => e.name).sort();
}

/** One of this host's `restic_backup` files: its job, and when it was last written. */
export interface JobFile extends JobKey {
  readonly file: string;
  readonly mtimeMs: number;
}

/** The host's job files that the config does not list: kept (reported) until their last write is older than the retention, then expired (removed). */
export interface UnexpectedJobFiles {
  readonly kept: readonly JobFile[];
  readonly expired: readonly JobFile[];
}

/**
 * Sorts the host's job files that belong to no configured job: a file whose last write is older
 * than `retentionMs` at `nowMs` has expired; any other is kept, and reported. A configured job's
 * file is neither, however old (its Stale alert speaks for it).
 */
export function unexpectedJobFiles(files: readonly JobFile[], jobs: readonly JobKey[], nowMs: number, retentionMs: number): UnexpectedJobFiles {
  const configured = new Set(jobs.map((j) => JSON.stringify([j.name, j.repository])));
  const unexpected = files.filter((f) => !configured.has(JSON.stringify([f.name, f.repository]))).sort((a, b) => (a.file < b.file ? -1 : 1));
  return {
    kept: unexpected.filter((f) => nowMs - f.mtimeMs <= retentionMs),
    expired: unexpected.filter((f) => nowMs - f.mtimeMs > retentionMs),
  };
}
