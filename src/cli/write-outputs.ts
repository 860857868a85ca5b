/**
 * Writing generated files as one change: every changed file is staged under a temporary name
 * first, then each is renamed over its target; a failure puts the old files back.
 */
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { removeQuietly, stageFile } from '../exporter/atomic.js';

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    // Missing, or not a file (its replacement then fails at the rename, and everything is rolled back).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw err;
  }
}

/**
 * Writes the files under `dir` (readers see each old file or its new one). If anything fails,
 * the files already replaced get their old content back and the temporary files go: nothing has
 * changed. Returns the paths written (unchanged files are left alone).
 */
export function writeOutputs(dir: string, files: ReadonlyMap<string, string>): string[] {
  const staged: Array<{ temp: string; target: string; rel: string; previous: string | undefined }> = [];
  const replaced: typeof staged = [];
  try {
    for (const [rel, content] of files) {
      const target = join(dir, rel);
      const previous = readIfExists(target);
      if (previous === content) continue;
      mkdirSync(dirname(target), { recursive: true });
      staged.push({ temp: stageFile(target, content), target, rel, previous });
    }
    for (const s of staged) {
      renameSync(s.temp, s.target);
      replaced.push(s);
    }
  } catch (err) {
    for (const s of replaced.reverse()) {
      if (s.previous === undefined) removeQuietly(s.target);
      else renameSync(stageFile(s.target, s.previous), s.target);
    }
    for (const s of staged) removeQuietly(s.temp);
    throw err;
  }
  return staged.map((s) => s.rel);
}
