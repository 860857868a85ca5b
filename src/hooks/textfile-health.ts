/**
 * Pure parts of the monitoring self-check: judging the textfile directory's files (malformed
 * files, families whose HELP or TYPE differ between files, which node_exporter drops silently),
 * and finding job files the config no longer lists.
 */
import { groupFilePath, isExporterTempFile, parseExpositionDocument } from '../exporter/textfile.js';
import { resticBackupGroup } from '../groups/restic-backup.js';

/** A `.prom` file's name and content. */
export interface TextFile {
  readonly name: string;
  readonly text: string;
}

/** A problem with one file or between files, as one line. */
export interface TextfileFinding {
  /** The file (or first file) it is about. */
  readonly file: string;
  readonly message: string;
}

/** Judges every `.prom` file: each must parse, and a family must have the same HELP and TYPE in every file. */
export function judgeTextfiles(files: readonly TextFile[]): TextfileFinding[] {
  const findings: TextfileFinding[] = [];
  const firstSeen = new Map<string, { file: string; help?: string; type?: string }>();
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    let parsed: ReturnType<typeof parseExpositionDocument>;
    try {
      parsed = parseExpositionDocument(file.text);
    } catch (err) {
      findings.push({ file: file.name, message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (parsed.firstTimestampLine !== undefined) {
      findings.push({ file: file.name, message: `line ${parsed.firstTimestampLine}: a sample carries a timestamp (the textfile collector rejects the file)` });
      continue;
    }
    for (const [family, headers] of parsed.families) {
      const first = firstSeen.get(family);
      if (first === undefined) {
        firstSeen.set(family, { file: file.name, ...headers });
        continue;
      }
      const differs = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a !== b;
      if (differs(first.help, headers.help) || differs(first.type, headers.type)) {
        findings.push({ file: file.name, message: `family ${family} has a different HELP or TYPE than in ${first.file} (node_exporter drops it)` });
      }
    }
  }
  return findings;
}

/** Names of our temporary and lock files among `entries` that are older than `maxAgeMs` at `nowMs`. */
export function staleTempFiles(entries: readonly { name: string; mtimeMs: number }[], nowMs: number, maxAgeMs: number): string[] {
  return entries.filter((e) => isExporterTempFile(e.name) && nowMs - e.mtimeMs > maxAgeMs).map((e) => e.name).sort();
}

/** A configured job by its key labels. */
export interface JobKey {
  readonly name: string;
  readonly repository: string;
}

/**
 * Names of `restic_backup` files among `names` that belong to no configured job. Only names of the
 * exporter's own layout (`ubm_restic_backup.*.prom`) are candidates: nobody else's file is touched.
 */
export function staleJobFiles(dir: string, names: readonly string[], jobs: readonly JobKey[]): string[] {
  const prefix = `${resticBackupGroup.filePrefix}.`;
  const expected = new Set(jobs.map((j) => basenameOf(groupFilePath(dir, 'restic_backup', { backup_job: j.name, repository: j.repository }))));
  return names.filter((n) => n.startsWith(prefix) && n.endsWith('.prom') && !expected.has(n)).sort();
}

/** The last path component. */
function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
